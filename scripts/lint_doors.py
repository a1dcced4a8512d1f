#!/usr/bin/env python3
"""Fails on any status write outside a door (conventions, habit 1; issue 17).

Every change of a model's `status` goes through `dealership.doors` (the work
order's through `dealership.services.work_order_transition`, which uses it),
so that each move is checked against the model's table and recorded. This
reads the apps' source (not tests, demo data or migrations) and reports each
place that writes a status itself, as `file:line: rule: what`:

  DOOR1  `x.status = ...` (also augmented or tuple assignment, `setattr(x, "status", ...)`)
  DOOR2  `.update(status=...)`, `.update(**{"status": ...})`, `update_or_create(defaults={"status": ...})`
  DOOR3  `save(update_fields=[..."status"...])`
  DOOR4  `bulk_update(objs, [..."status"...])`
  DOOR5  raw SQL that sets a status (`UPDATE ... SET ... status = ...`)

Creating an object with its first status (`Model(status=...)`,
`objects.create(status=...)`) and filtering on status are allowed.

    python scripts/lint_doors.py [path ...]     (default: the apps of the project)
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_APPS = {"demo"}  # demo data sets statuses as it pleases; it is no part of the product
# The one module allowed to write a status: the door itself.
DOORS = {Path("dealership/doors.py")}
SKIP_PARTS = {"migrations", "tests", "__pycache__"}
FIELD = "status"
SQL_SET_STATUS = re.compile(r"\bSET\b[^;]*?[\s,.\"`]status\"?`?\s*=", re.IGNORECASE | re.DOTALL)


def _names_status(node: ast.AST | None) -> bool:
    """A list/tuple/set literal of field names that contains "status"."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == FIELD for e in node.elts)
    return isinstance(node, ast.Constant) and node.value == FIELD


def _dict_has_status(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value == FIELD for k in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return any(kw.arg == FIELD for kw in node.keywords)
    return False


def _assigned_status(target: ast.AST) -> Iterator[ast.AST]:
    if isinstance(target, ast.Attribute) and target.attr == FIELD:
        yield target
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _assigned_status(element)
    elif isinstance(target, ast.Starred):
        yield from _assigned_status(target.value)


def _keyword(call: ast.Call, name: str, position: int | None = None) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def violations(source: str, filename: str = "<string>") -> Iterator[tuple[int, str, str]]:
    """(line, rule, description) of each status write in `source`."""
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for hit in _assigned_status(target):
                    yield hit.lineno, "DOOR1", "assigns .status"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value == FIELD:
                yield node.lineno, "DOOR1", "setattr(..., \"status\", ...)"
            elif name in ("update", "aupdate"):
                if any(kw.arg == FIELD or (kw.arg is None and _dict_has_status(kw.value)) for kw in node.keywords):
                    yield node.lineno, "DOOR2", "update() writes status"
            elif name in ("update_or_create", "aupdate_or_create"):
                if _dict_has_status(_keyword(node, "defaults")):
                    yield node.lineno, "DOOR2", "update_or_create() writes status"
            elif name in ("save", "asave"):
                if _names_status(_keyword(node, "update_fields")):
                    yield node.lineno, "DOOR3", "save(update_fields=[... \"status\" ...])"
            elif name in ("bulk_update", "abulk_update"):
                if _names_status(_keyword(node, "fields", 1)):
                    yield node.lineno, "DOOR4", "bulk_update(..., [\"status\"])"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_SET_STATUS.search(node.value):
            yield node.lineno, "DOOR5", "raw SQL sets status"


def apps(root: Path = ROOT) -> list[str]:
    """Every Django app of the project (a folder with an apps.py), so a new stage is checked without a list."""
    return sorted(p.parent.name for p in root.glob("*/apps.py") if p.parent.name not in NOT_APPS)


def app_files(root: Path = ROOT) -> Iterator[Path]:
    """Every module of the apps, in subpackages too, but not their tests and migrations."""
    for app in apps(root):
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if SKIP_PARTS.isdisjoint(relative.parts) and relative not in DOORS:
                yield path


def check(paths: list[Path], root: Path = ROOT) -> list[str]:
    """One line per status write outside a door: `file:line: rule what`."""
    problems = []
    for path in paths:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        for line, rule, what in sorted(violations(path.read_text(encoding="utf-8"), str(path))):
            problems.append(f"{shown}:{line}: {rule} {what} outside a door (use dealership.doors)")
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] if argv else list(app_files())
    problems = check(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} status write(s) outside a door.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
