"""docs/scoring.md's parameter table is the rules model's own: generated, kept in sync here.

`ASSESS_UPDATE_DOCS=1 uv run pytest tests/test_rules_doc.py` rewrites it after a model change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from schemas.rules import parameter_rows

DOC = Path(__file__).resolve().parents[1] / "docs" / "scoring.md"
BLOCK = re.compile(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", re.S)


def table() -> str:
    lines = ["| parameter | default | allowed | meaning |", "|---|---|---|---|"]
    lines += [f"| `{p}` | `{d}` | {a} | {m} |" for p, d, a, m in parameter_rows()]
    return "\n".join(lines) + "\n"


def test_the_parameter_table_is_generated_from_the_model():
    text = DOC.read_text(encoding="utf-8")
    wanted = BLOCK.sub(lambda m: m.group(1) + table() + m.group(2), text)
    if os.environ.get("ASSESS_UPDATE_DOCS") == "1":
        DOC.write_text(wanted, encoding="utf-8")
    assert text == wanted, (
        "docs/scoring.md is out of date: ASSESS_UPDATE_DOCS=1 pytest tests/test_rules_doc.py"
    )
