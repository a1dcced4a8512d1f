"""The rule IDs of docs/process-rules.md, read from the document itself, so
that a test naming a rule and the code citing one agree with the catalogue."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RULE_ID = re.compile(r"\b(?:APT|SCH|REC|REP|QC|SET|FU)-X?\d+[a-zA-Z0-9]*\b")


def rule_ids() -> set[str]:
    """Every ID the catalogue defines: the "should do" rows and the "must avoid" items (-Xn)."""
    return set(RULE_ID.findall((DOCS / "process-rules.md").read_text()))


def is_rule(code: str) -> bool:
    return code in rule_ids()
