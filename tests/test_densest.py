"""``densest`` and ``explain`` on the bundled data: usage errors, bilateral and multilateral
ties, the ``depth`` measure and a table that explains itself (issue 13)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tiegraph.graph.cli import main


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# --- usage errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "says"), [
    (["densest", "--weight", "visits=0"], "--weight applies only to --measure weighted"),
    (["densest", "--measure", "breadth", "--weight", "visits=0"], "not breadth"),
    (["densest", "--top", "0"], "--top 0: give a number of rows of 1 or more"),
    (["densest", "--top", "-3"], "--top -3"),
    (["densest", "--since", "2020", "--until", "2010"], "--since 2020 is after --until 2010"),
    (["densest", "--since", "2020-02", "--as-of", "2020-01"], "after --as-of 2020-01"),
    (["explain", "Japan", "Japan"], "the same actor (Japan)"),
    (["explain", "Japan", "JSDF"], "the same actor (Japan)"),
    (["explain", "--since", "2019", "--until", "2018", "Japan", "UK"], "is after --until"),
    (["densest", "--measure", "weighted", "--weight", "ships=1"], "unknown categories"),
])
def test_usage_errors_exit_2_and_say_what_to_write(args: list[str], says: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output


def test_edges_of_the_usage_checks_still_answer() -> None:
    # one row, a one-day window, and weights with the measure that takes them
    assert invoke("densest", "--top", "1").exit_code == 0
    assert invoke("densest", "--since", "2018-10", "--until", "2018-10").exit_code == 0
    ok = invoke("densest", "--measure", "weighted", "--weight", "visits=0", "--top", "2")
    assert ok.exit_code == 0, ok.output


# --- a table that explains itself -----------------------------------------------------------


def test_every_table_ends_with_a_legend_and_json_has_none() -> None:
    for measure in ("count", "weighted", "breadth", "depth"):
        out = invoke("densest", "--with", "Japan", "--until", "2019-12-31", "--top", "3",
                     "--measure", measure).output.splitlines()
        assert out[-1].startswith("legend: " + measure), out[-1]
        assert "until 2019-12-31" in out[-1] or "as of 2019-12-31" in out[-1]
        assert "a tie = one fact" in out[-1]
    weighted = invoke("densest", "--measure", "weighted", "--weight", "visits=0", "--top", "1")
    assert "visits=0 exercises=2" in weighted.output
    import json

    rows = json.loads(invoke("densest", "--top", "2", "--json").output)
    assert {"bilateral", "multilateral"} <= rows[0].keys()


def test_breadth_comments_a_shared_first_rank() -> None:
    out = invoke("densest", "--with", "Japan", "--until", "2019-12-31", "--top", "5",
                 "--measure", "breadth").output
    assert "note: rank 1 is shared by 4 pairs with breadth 6" in out


def test_why_shows_components_and_facts_for_each_pair() -> None:
    out = invoke("densest", "--with", "Japan", "--until", "2019-12-31", "--top", "2",
                 "--measure", "depth", "--why").output
    assert "Japan – United Kingdom: depth 0.79" in out
    assert "forces        1.00  land, sea, air" in out
    assert "forces        0.33  sea  [fra-jpn-" in out


def test_compare_marks_disagreements_and_says_why() -> None:
    out = invoke("densest", "--with", "Japan", "--until", "2019-12-31", "--top", "4",
                 "--compare").output
    lines = out.splitlines()
    france = next(x for x in lines if x.startswith("Japan  France"))
    assert france.split()[-5:] == ["1", "1", "1", "2", "*"]
    assert ("count puts France first, depth United Kingdom: France has +48 ties, most of "
            "the gap in visits (98 vs 53)") in out
    assert "deeper on forces 1.00 vs 0.33 (land, sea, air vs sea)" in out


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_depth_components_do_not_replace_the_tie_counts(fmt: str) -> None:
    """--measure depth --json/--csv: each component is depth_<name>, so the operations
    component no longer overwrites the operations tie count (the count measure's)."""
    import csv
    import io
    import json

    from tiegraph.graph.depth import COMPONENT_KEYS
    from tiegraph.graph.schema import CATEGORY_ORDER

    args = ("densest", "--with", "Japan", "--until", "2019-12-31", "--top", "4")
    out = invoke(*args, "--measure", "depth", fmt)
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output) if fmt == "--json" else list(csv.DictReader(
        io.StringIO(out.output)))
    counts = {r["b_id"]: r for r in json.loads(invoke(*args[:-2], "--json").output)}
    uk = next(r for r in rows if r["b_id"] == "GBR")
    assert set(COMPONENT_KEYS.values()) <= uk.keys()
    assert float(uk["depth_operations"]) == pytest.approx(0.6418, abs=1e-4)
    for r in rows:
        for c in (*CATEGORY_ORDER, "total", "bilateral", "multilateral"):
            assert int(r[c]) == counts[r["b_id"]][c], (r["b_id"], c)
    assert int(uk["operations"]) == counts["GBR"]["operations"] > 1


def test_depth_usage_errors() -> None:
    since = invoke("densest", "--measure", "depth", "--since", "2012")
    assert since.exit_code == 2 and "as of one date" in since.output
    unknown = invoke("densest", "--measure", "depth", "--weight", "visits=1")
    assert unknown.exit_code == 2 and "unknown depth components" in unknown.output
