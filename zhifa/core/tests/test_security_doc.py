"""docs/security.md stays true: every requirement row names code and at least one test, and every test it
names exists (a renamed or deleted test makes this fail, so the map cannot drift from the suite)."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "security.md"
TEST_REF = re.compile(r"`([\w/.-]+\.py)::(test_\w+)`")


def _rows():
    """(section, cells) of every table row below a header row that has code and test columns."""
    section, columns = "", None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section, columns = line.strip("# "), None
            continue
        if not line.startswith("|"):
            columns = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if columns is None:
            columns = [cell.lower() for cell in cells]
        elif not set(cells) <= {"---", ""}:
            yield section, dict(zip(columns, cells, strict=False))


@cache
def _test_names(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    )


def test_every_row_names_code_and_an_existing_test():
    rows = list(_rows())
    assert len(rows) > 40, "the requirement tables were not found"
    missing = []
    for section, row in rows:
        test_cell = row.get("test", "")
        where = f"{section}: {next(iter(row.values()))[:50]}"
        code_cell = row.get("code") or row.get("where it is met", "")
        assert code_cell and code_cell != "—", f"no code named for {where}"
        refs = TEST_REF.findall(test_cell)
        assert refs, f"no test named for {where}"
        for path, name in refs:
            if not (ROOT / path).is_file() or name not in _test_names(path):
                missing.append(f"{path}::{name}")
    assert not missing, "docs/security.md names tests that do not exist: " + ", ".join(sorted(set(missing)))
