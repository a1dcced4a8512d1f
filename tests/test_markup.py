"""Markup that the Nu HTML Checker accepts, also in the templates no browser
test renders: htmx attributes carry the `data-` prefix (htmx reads both), as
`hx-*` is not valid HTML. The browser tests check every page they visit with
the Nu checker and axe (tests/browser/conftest.py)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BARE_HX = re.compile(r"(?<![\w-])hx-[a-z]+(?:-[a-z]+)*(?=[\s=>:\"'])")


def test_no_template_uses_a_bare_hx_attribute():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            offenders += [f"{path.relative_to(ROOT)}:{number}: {m}" for m in BARE_HX.findall(line)]
    assert offenders == []
