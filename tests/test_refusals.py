"""Every expected refusal says which rule refused (tests/refusals.py): a bare
`pytest.raises(ProcessError)`, or of any of its subclasses, passes for the
wrong refusal, so it may not come back into the tests."""

import ast
import importlib
from pathlib import Path

from dealership.errors import ProcessError

TESTS = Path(__file__).parent


def imported_names(tree: ast.Module, module: str) -> dict[str, object]:
    """What each name imported at any level of the file stands for."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.rsplit(".", node.level)[0]
                base = f"{package}.{base}" if base else package
            try:
                source = importlib.import_module(base)
            except ImportError:
                continue
            for alias in node.names:
                names[alias.asname or alias.name] = getattr(source, alias.name, None)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = importlib.import_module(alias.name)
    return names


def stands_for(node: ast.expr, names: dict[str, object]):
    if isinstance(node, ast.Name):
        return [names.get(node.id)]
    if isinstance(node, ast.Attribute):
        owner = stands_for(node.value, names)[0]
        return [getattr(owner, node.attr, None)]
    if isinstance(node, ast.Tuple):
        return [found for element in node.elts for found in stands_for(element, names)]
    return [None]


def bare_refusals(path: Path, module: str) -> list[int]:
    """The lines of `path` (the test module `module`) that expect a refusal
    with pytest.raises."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = imported_names(tree, module)
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and node.args
                and isinstance(node.func, ast.Attribute | ast.Name)
                and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "raises"):
            if any(isinstance(error, type) and issubclass(error, ProcessError)
                   for error in stands_for(node.args[0], names)):
                found.append(node.lineno)
    return found


def test_every_expected_refusal_names_its_rule():
    bare = [f"{path.relative_to(TESTS.parent)}:{line}" for path in sorted(TESTS.rglob("*.py"))
            if path.name != "refusals.py"
            for line in bare_refusals(path, ".".join(path.relative_to(TESTS.parent).with_suffix("").parts))]
    assert not bare, ("expect a refusal with tests.refusals.refused_by(rule) or refused_saying(message), "
                      "not pytest.raises: " + ", ".join(bare))


def test_it_finds_a_bare_refusal_under_any_name(tmp_path):
    planted = tmp_path / "test_planted.py"
    planted.write_text("import pytest\nfrom dealership.errors import GuardRefused as G\nfrom ..refusals import refused_by\n\n\n"
                       "def test_x():\n    with pytest.raises((ValueError, G)):\n        pass\n"
                       "    with pytest.raises(ValueError), refused_by('REC-1'):\n        pass\n")
    assert bare_refusals(planted, "tests.dealership.test_planted") == [7]
