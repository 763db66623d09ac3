"""The import contracts in pyproject.toml hold: services never import each other, the shared
package knows no service, and every service's `domain` package does no I/O. Rows become typed
records in `shared.db.rows` alone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# --- rows become typed records in one place -----------------------------------------------

# `row._mapping` (and a dict made of a row) is the helper's business alone: past a store,
# code sees frozen typed records, never a row or a dict of one (STYLE.md, issue 12).
ROW_AS_DICT = re.compile(r"\._mapping\b|\bdict\(row")
ROWS_HELPER = "shared/db/rows.py"


def _rows_as_dicts() -> set[str]:
    found = set()
    for package in ("shared", "services"):
        for path in (ROOT / package).rglob("*.py"):
            if ROW_AS_DICT.search(path.read_text(encoding="utf-8")):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_only_the_rows_helper_turns_a_row_into_a_dict() -> None:
    found = _rows_as_dicts()
    assert ROWS_HELPER in found  # the expression finds what it is meant to
    others = sorted(found - {ROWS_HELPER})
    assert not others, f"use shared.db.rows (record, records, fetch_one, fetch_all) in {others}"
