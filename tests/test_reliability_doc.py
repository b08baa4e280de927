"""docs/reliability.md names a test for every guarantee of issue 16: each name must exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
NAME = re.compile(r"`(tests/test_[a-z0-9_]+\.py)::([A-Za-z0-9_]+(?:\[[^\]`]+\])?)`")


def _section() -> str:
    """Return the doc's issue 16 section (up to the next level-2 heading)."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Issue 16")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_every_test_named_for_issue_16_exists() -> None:
    names = NAME.findall(_section())
    assert len(names) >= 40, names
    files = sorted({file for file, _ in names})
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    ids = set(collected.stdout.split())
    assert ids, collected.stdout + collected.stderr
    missing = [f"{file}::{name}" for file, name in names
               if f"{file}::{name}" not in ids
               and not any(i.startswith(f"{file}::{name}[") for i in ids)]
    assert not missing, missing


def test_the_check_finds_a_name_that_does_not_exist() -> None:
    """The control: the pattern reads the names as the section writes them."""
    found = NAME.findall("| x | `tests/test_bulk.py::test_no_such[case-1]` |")
    assert found == [("tests/test_bulk.py", "test_no_such[case-1]")]
