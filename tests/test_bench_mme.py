"""bench.mme's section of BENCHMARKS.md: written in place, kept when the scale run rewrites."""

from __future__ import annotations

from pathlib import Path

from bench.mme import BEGIN, END, keep_section, splice

REPORT = "# Benchmarks\n\n## Analysis\n\nrows\n\n## Targets\n\n* MET\n\n## Raw results\n\n{}\n"


def test_splice_inserts_before_targets_then_replaces() -> None:
    first = splice(REPORT, f"{BEGIN}\nold numbers\n{END}")
    assert first.index("old numbers") < first.index("## Targets")
    assert first.index("rows") < first.index(BEGIN)
    again = splice(first, f"{BEGIN}\nnew numbers\n{END}")
    assert "new numbers" in again and "old numbers" not in again
    assert again.count(BEGIN) == 1 and again.count("## Targets") == 1
    assert splice("# Benchmarks\n", f"{BEGIN}\nx\n{END}").endswith(f"{END}\n")


def test_scale_report_keeps_the_section(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    assert keep_section(out, REPORT) == REPORT  # no file yet
    out.write_text(splice(REPORT, f"{BEGIN}\nmme numbers\n{END}"))
    rewritten = keep_section(out, REPORT.replace("rows", "new rows"))
    assert "mme numbers" in rewritten and "new rows" in rewritten
    assert rewritten.index("mme numbers") < rewritten.index("## Targets")
