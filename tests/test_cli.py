"""The CLI's contract with scripts: one exit-code table (graph.errors.EXIT_CODES), true for
click's own usage errors and for tiegraph's, with one case per code; and no traceback for any
of them but the "unexpected" one.

Code 8 (refused) is run against a real server in test_admin_import.py
(``test_cli_reports_what_it_imported``: ``neo4j import`` into a database that is not empty).
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tiegraph.graph import api
from tiegraph.graph.cli import main
from tiegraph.graph.errors import EXIT_CODES

GOOD = Path(__file__).parent / "fixtures" / "good"


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env or {})


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def no_server_env(tmp_path: Path) -> dict[str, str | None]:
    """An environment with no Neo4j settings at all: no password, no local server."""
    return {"TIEGRAPH_HOME": str(tmp_path / "home"), "NEO4J_PASSWORD": None,
            "NEO4J_URI": None, "TIEGRAPH_ENV_FILE": str(tmp_path / "no.env")}


def test_ok_is_0() -> None:
    result = run("densest", "--with", "Japan", "--top", "1")
    assert result.exit_code == 0, result.output
    assert "Japan" in result.output


def test_an_unexpected_error_is_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "densest", broken)
    result = run("densest", "--with", "Japan")
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


@pytest.mark.parametrize("args", [
    ("densest", "--measure", "nonsense"),        # click: not one of the choices
    ("densest", "--no-such-option"),             # click: no such option
    ("explain", "Japan"),                        # click: missing argument
    ("stats", "--json", "--csv"),                # tiegraph: two output formats
    ("path", "Japan", "Japan"),                  # tiegraph: a path from an actor to itself
    ("query", "no_such_query"),                  # tiegraph: unknown query name
])
def test_usage_errors_are_2_whoever_finds_them(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output
    assert "rror" in result.output  # click's "Error: ..." or tiegraph's "error: ..."


def test_invalid_data_is_3(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    states = data / "entities" / "states.yaml"
    states.write_text(states.read_text() + "\n- {id: XX}\n")
    result = run("validate", "--data", str(data), "--sources", str(data / "texts"))
    assert result.exit_code == 3, result.output
    assert "states.yaml:" in result.stderr and "Traceback" not in result.output


def test_an_unreachable_server_is_4(no_server_env: dict[str, str | None]) -> None:
    env = {**no_server_env, "NEO4J_URI": f"bolt://127.0.0.1:{closed_port()}",
           "NEO4J_PASSWORD": "not-a-secret-of-anyone"}
    result = run("densest", "--with", "Japan", "--source", "neo4j", env=env)
    assert result.exit_code == 4, result.output
    assert "cannot reach" in result.stderr.lower() or "unreachable" in result.stderr.lower()
    assert "Nothing was written" not in result.stderr  # a read-only command wrote nothing
    assert "not-a-secret-of-anyone" not in result.output


def test_a_local_server_error_is_5(tmp_path: Path) -> None:
    result = run("neo4j", "stop", "--home", str(tmp_path / "nothing-here"))
    assert result.exit_code == 5, result.output
    assert "no local Neo4j server is running" in result.stderr


@pytest.mark.parametrize("typed, offered", [("Frnace", "France"), ("Narnia", None)])
def test_an_unknown_actor_is_6_with_a_close_suggestion_or_none(typed: str,
                                                               offered: str | None) -> None:
    result = run("densest", "--with", typed)
    assert result.exit_code == 6, result.output
    if offered:
        assert f"Did you mean: {offered}" in result.stderr
    else:
        assert "Did you mean" not in result.stderr, result.stderr


def test_missing_configuration_is_7(no_server_env: dict[str, str | None]) -> None:
    result = run("densest", "--with", "Japan", "--source", "neo4j", env=no_server_env)
    assert result.exit_code == 7, result.output
    assert "no Neo4j password configured" in result.stderr


def test_every_code_has_a_case_here_or_is_named_in_the_docstring() -> None:
    tests = [name for name in globals() if name.startswith("test_")]
    words = {0: "ok_is_0", 1: "_is_1", 2: "_are_2", 3: "_is_3", 4: "_is_4", 5: "_is_5",
             6: "_is_6", 7: "_is_7"}
    for code, part in words.items():
        assert any(part in name for name in tests), code
    assert set(EXIT_CODES) == {*words, 8} and "Code 8" in (__doc__ or "")


def test_help_prints_the_exit_code_table() -> None:
    out = run("--help").output
    for code, meaning in EXIT_CODES.items():
        assert f"{code}  {meaning.split(':')[0]}" in out, code


# --- output: one document, tables that fit, data that cannot drive the terminal ---------------


def test_stats_json_is_one_document_and_csv_one_table() -> None:
    import json

    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # one document: json.loads fails on two
    assert {"by_type", "claims", "totals"} <= set(report)
    assert all(isinstance(rows, list) for rows in report.values())
    several = run("stats", "--csv")
    assert several.exit_code == 2 and "--section" in several.stderr
    one = run("stats", "--csv", "--section", "totals")
    assert one.exit_code == 0 and one.stdout.count("\n\n") == 0


def test_a_table_is_fitted_to_the_width_given() -> None:
    from tiegraph.graph.output import render

    rows = [{"rank": 1, "name": "North Atlantic Treaty Organization and friends",
             "exchanges_industrial": 3}, {"rank": 2, "name": "UK", "exchanges_industrial": 12}]
    whole = render(rows, "table")
    assert "North Atlantic Treaty Organization and friends" in whole
    fitted = render(rows, "table", width=40).splitlines()
    assert all(len(line) <= 40 for line in fitted), fitted
    assert fitted[0].split() == ["rank", "name", "exchanges_"]  # the header wraps at "_"
    assert fitted[1].split() == ["industrial"]
    assert any("…" in line for line in fitted)
    assert "--wide prints it whole" in " ".join(fitted[-3:])


def test_a_table_that_cannot_fit_becomes_one_block_per_row() -> None:
    from tiegraph.graph.output import render

    rows = [{f"count_{i}": i * 1000 for i in range(12)}]
    blocks = render(rows, "table", width=40).splitlines()
    assert blocks[0].startswith("-[ row 1 ]")
    assert "count_11 | 11000" in blocks and all(len(line) <= 40 for line in blocks)


def test_control_characters_from_the_data_are_escaped_in_text_only() -> None:
    import json

    from tiegraph.graph.output import escape_controls, render

    name = "Treaty\nforged line\x1b[2J\x00\u202eevil"
    table = render([{"name": name}], "table")
    assert "\x1b" not in table and "\x00" not in table and "\u202e" not in table
    assert "Treaty\\nforged line\\x1b[2J\\x00\\u202eevil" in table
    assert len(table.splitlines()) == 3  # header, rule, one row: no forged line
    assert json.loads(render([{"name": name}], "json")) == [{"name": name}]  # exact
    assert escape_controls("Japan–UK  (no-break\u00a0space)") == "Japan–UK  (no-break\u00a0space)"


def test_piped_output_is_never_cut() -> None:
    result = run("densest", "--with", "Japan", "--top", "4")
    assert "North Atlantic Treaty Organization" in result.stdout
    assert "…" not in result.stdout and "-[ row" not in result.stdout


def test_explain_prints_one_heading_per_tie_with_its_citations_below() -> None:
    from tiegraph.graph.cli import render_evidence

    rows = [{"fact": "f1", "date": "2019-04", "category": "visits", "name": "A visit\x1b[31m",
             "source": "s", "locator": "p. 1", "quote": "word " * 40},
            {"fact": "f1", "date": "2019-04", "category": "visits", "name": "A visit",
             "source": "t", "locator": "p. 2", "quote": "short"}]
    lines = render_evidence(rows, 60).splitlines()
    assert lines[1].startswith("2019-04") and "\\x1b[31m" in lines[1] and "[f1]" in lines[1]
    assert all(len(line) <= 60 for line in lines[2:])
    assert lines[2].startswith("    s, p. 1:") and lines[3].startswith("      word")
    assert lines[-1] == "1 tie(s)"


# --- help, completion and start-up --------------------------------------------------------------


def test_every_option_of_every_command_has_help() -> None:
    import click

    from tests.test_secrets import all_commands, command_at  # one walk of the command tree

    missing = [f"tiegraph {' '.join(path)} {param.opts[0]}" for path in all_commands(main)
               for param in command_at(path).params
               if isinstance(param, click.Option) and not param.hidden and not param.help]
    assert missing == []


def test_connection_options_are_one_group_in_help() -> None:
    out = run("centrality", "--help").output
    assert out.count("Connection (Neo4j):") == 1 and out.count("Output:") == 1
    head, _, rest = out.partition("Connection (Neo4j):")
    assert "--uri" not in head and "--uri" in rest
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in out  # date formats said where dates are asked


def test_completion_is_documented_and_works() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    line = 'eval "$(_TIEGRAPH_COMPLETE=bash_source tiegraph)"'
    assert line in readme and line in run("--help").output
    result = CliRunner().invoke(main, [], prog_name="tiegraph",
                                env={"_TIEGRAPH_COMPLETE": "bash_complete",
                                     "COMP_WORDS": "tiegraph den", "COMP_CWORD": "1"})
    assert "densest" in result.output


def test_the_main_job_imports_no_other_command_module() -> None:
    """Commands are registered lazily: `densest` does not pay for the local-server module
    (urllib, http, ssl), networkx or the query library."""
    import subprocess
    import sys

    code = ("import sys; from tiegraph.graph.cli import main\n"
            "try: main(['densest', '--with', 'Japan', '--top', '1'])\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in ('tiegraph.graph.localserver', 'tiegraph.queries.cli', "
            "'tiegraph.graph.cli_network', 'urllib.request', 'neo4j', 'dotenv') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


def test_progress_is_shown_on_a_terminal_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    from tiegraph.graph.clitools import step

    piped = run("export", str(tmp_path / "g.graphml"))
    assert piped.exit_code == 0, piped.output
    assert piped.stderr == ""  # not a terminal: only the result, on stdout
    with step("waiting", enabled=True):
        pass
    assert capsys.readouterr().err.endswith("waiting … done in 0.0 s\n")


def test_notes_under_a_table_wrap_on_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from tiegraph.graph import clitools

    note = "legend: " + "word " * 30 + "\x1b[31m"
    monkeypatch.setattr(clitools, "terminal_width", lambda: 40)
    clitools.echo_text(note)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert lines[1].startswith("  word") and "\x1b" not in "".join(lines)
    monkeypatch.setattr(clitools, "terminal_width", lambda: None)  # piped: one line
    clitools.echo_text(note)
    assert len(capsys.readouterr().out.splitlines()) == 1
