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
