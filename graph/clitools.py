"""The pieces every ``tiegraph`` command shares: error handling, output formats, connection,
source and time-window options. Command modules (graph.cli, graph.cli_neo4j,
graph.cli_network, queries.cli) import them from here.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tiegraph.graph.errors import DataError, TiegraphError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn :class:`TiegraphError` into ``error: ...`` on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            click.echo(f"error: {len(exc.problems)} problem(s) in the data files", err=True)
            sys.exit(exc.exit_code)
        except TiegraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def output_options(func: F) -> F:
    """Add ``--json`` and ``--csv`` (mutually exclusive; default: a table)."""
    func = click.option("--csv", "as_csv", is_flag=True, help="Print rows as CSV.")(func)
    return click.option("--json", "as_json", is_flag=True, help="Print rows as JSON.")(func)


def emit(rows: list[dict[str, Any]], as_json: bool, as_csv: bool,
         columns: list[str] | None = None) -> None:
    """Print rows in the chosen format."""
    from tiegraph.graph.output import render

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    fmt = "json" if as_json else "csv" if as_csv else "table"
    click.echo(render(rows, fmt, columns))


def connection_options(func: F) -> F:
    """Add the Neo4j connection options (defaults from the environment or .env)."""
    opts = [
        click.option("--uri", help="Bolt URI (default: NEO4J_URI or bolt://127.0.0.1:7687)."),
        click.option("--username", help="User (default: NEO4J_USERNAME or neo4j)."),
        click.option("--password", help="Password (default: NEO4J_PASSWORD, .env, or the "
                     "local server's generated one). Prefer the environment.",
                     show_default=False),
        click.option("--database", help="Database (default: NEO4J_DATABASE or neo4j)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def settings_from(kwargs: dict[str, Any]) -> Any:
    """Return Settings from the connection options in ``kwargs`` (removing them)."""
    from tiegraph.graph.settings import load_settings

    return load_settings(kwargs.pop("uri"), kwargs.pop("username"), kwargs.pop("password"),
                         kwargs.pop("database"))


def mme_options(func: F) -> F:
    """Add ``--with-mme PATH`` (default ``TIEGRAPH_MME``) and ``--sources curated,mme``."""
    func = click.option(
        "--sources", "source_kinds", default=None, metavar="KINDS",
        help="Which sources the graph draws on: a comma-separated list of curated (the fact "
             "files) and mme (the MME data set; needs --with-mme). Default: all given.",
    )(func)
    return click.option(
        "--with-mme", "mme", type=click.Path(path_type=Path, dir_okay=False), default=None,
        help="Include the MME v7 exercises from this CSV (as published). TIEGRAPH_MME sets "
             "the default.",
    )(func)


def mme_from(kwargs: dict[str, Any]) -> tuple[Path | None, tuple[str, ...]]:
    """Return the MME CSV and the source kinds from the options in ``kwargs`` (removing them);
    raise click.BadParameter for an unknown kind."""
    from tiegraph.loaders.mme import mme_path, parse_source_kinds

    try:
        kinds = parse_source_kinds(kwargs.pop("source_kinds"))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--sources") from None
    return mme_path(kwargs.pop("mme")), kinds


def source_option(func: F) -> F:
    """Add ``--source files|neo4j``, the connection options and :func:`mme_options`."""
    func = mme_options(connection_options(func))
    return click.option(
        "--source", type=click.Choice(["files", "neo4j"]), default=None,
        help="Where the graph comes from: the bundled fact files (default, no database) "
             "or the loaded Neo4j database. TIEGRAPH_SOURCE sets the default.",
    )(func)


def window_options(func: F) -> F:
    """Add ``--since``, ``--until`` and ``--as-of`` (dates as YYYY, YYYY-MM or YYYY-MM-DD)."""
    for name, text in (
        ("--as-of", "Only ties dated on or before this date, without agreements terminated by "
                    "then."),
        ("--until", "Only ties dated on or before this date."),
        ("--since", "Only ties dated on or after this date."),
    ):
        func = click.option(name, callback=check_date_option, help=text)(func)
    return func


def check_date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from tiegraph.loaders.dates import check_date as check

    try:
        return check(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def window_from(kwargs: dict[str, Any]) -> Any:
    from tiegraph.graph.ties import Window

    return Window(kwargs.pop("since"), kwargs.pop("until"), kwargs.pop("as_of"))


def backend_from(kwargs: dict[str, Any]) -> Any:
    from tiegraph.graph.api import open_backend

    source = kwargs.pop("source")
    settings = settings_from(kwargs)
    mme, kinds = mme_from(kwargs)
    return open_backend(source, settings if source == "neo4j" else None, mme=mme, kinds=kinds)


def parse_weights(values: tuple[str, ...]) -> dict[str, float]:
    weights = {}
    for item in values:
        key, sep, val = item.partition("=")
        try:
            weights[key.strip()] = float(val)
        except ValueError:
            raise click.BadParameter(f"{item!r}: write CATEGORY=NUMBER, e.g. exercises=3",
                                     param_hint="--weight") from None
        if not sep:
            raise click.BadParameter(f"{item!r}: write CATEGORY=NUMBER", param_hint="--weight")
    return weights
