"""The pieces every ``tiegraph`` command shares: error handling, output formats, connection,
source and time-window options. Command modules (graph.cli, graph.cli_neo4j,
graph.cli_network, queries.cli) import them from here.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from tiegraph.graph.errors import DataError, TiegraphError, UsageError

F = TypeVar("F", bound=Callable[..., Any])

#: Help sections, in the order ``--help`` prints them after the command's own options.
WINDOW, CONNECTION, OUTPUT = "Time window", "Connection (Neo4j)", "Output"
DATE_FORMATS = "YYYY, YYYY-MM or YYYY-MM-DD"


class SectionOption(click.Option):
    """An option that ``--help`` lists under a section heading (see :class:`Command`)."""

    def __init__(self, *args: Any, section: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section


class Command(click.Command):
    """A command whose ``--help`` groups shared options under headings (time window,
    connection, output) instead of one long list."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        groups: dict[str | None, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                groups.setdefault(getattr(param, "section", None), []).append(record)
        for title in (None, WINDOW, CONNECTION, OUTPUT):
            if groups.get(title):
                with formatter.section(title or "Options"):
                    formatter.write_dl(groups[title])


class Group(click.Group):
    """The ``tiegraph`` group: its commands are :class:`Command`; ``lazy`` maps a command
    name to ``"module:attribute"``, imported only when that command runs or its help is
    shown (so that a command does not pay for importing every other one)."""

    command_class = Command

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, _, attr = self.lazy[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


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
        except ValueError as exc:  # a library's refusal of what was asked: a usage error
            click.echo(f"error: {exc}", err=True)
            sys.exit(UsageError.exit_code)

    return wrapper  # type: ignore[return-value]


def _remember_wide(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["tiegraph.wide"] = value
    return value


def output_options(func: F) -> F:
    """Add ``--json``, ``--csv`` (mutually exclusive; default: a table) and ``--wide``."""
    func = click.option("--wide", is_flag=True, expose_value=False, callback=_remember_wide,
                        cls=SectionOption, section=OUTPUT,
                        help="Print tables whole, not fitted to the terminal's width.")(func)
    func = click.option("--csv", "as_csv", is_flag=True, cls=SectionOption, section=OUTPUT,
                        help="Print rows as CSV (one table; every value whole).")(func)
    return click.option("--json", "as_json", is_flag=True, cls=SectionOption, section=OUTPUT,
                        help="Print rows as one JSON document (every value whole).")(func)


def progress_enabled() -> bool:
    """Return True when progress may be shown: stderr is a terminal (never when piped or
    redirected, so scripts and logs get only the result)."""
    return sys.stderr.isatty()


@contextlib.contextmanager
def step(label: str, enabled: bool | None = None) -> Iterator[None]:
    """Show ``label … N s`` on stderr while the block runs (a ticker every half second),
    then ``label … done in N s``; show nothing when ``enabled`` is False or (by default)
    when stderr is not a terminal. Yields None."""
    import threading
    import time

    if not (progress_enabled() if enabled is None else enabled):
        yield
        return
    start, stop = time.monotonic(), threading.Event()

    def tick() -> None:
        while not stop.wait(0.5):
            click.echo(f"\r{label} … {time.monotonic() - start:.0f} s", err=True, nl=False)

    click.echo(f"{label} …", err=True, nl=False)
    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    ok = False
    try:
        yield
        ok = True
    finally:
        stop.set()
        ticker.join()
        outcome = "done" if ok else "stopped"
        click.echo(f"\r{label} … {outcome} in {time.monotonic() - start:.1f} s", err=True)


def terminal_width() -> int | None:
    """Return the width tables are fitted to: the terminal's when stdout is one and
    ``--wide`` was not given, else None (no limit: piped output is never cut)."""
    import shutil

    ctx = click.get_current_context(silent=True)
    if (ctx is not None and ctx.meta.get("tiegraph.wide")) or not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def echo_text(line: str) -> None:
    """Print one line of prose under a table (a note, a legend): control characters from the
    data escaped, wrapped to the terminal's width when stdout is one (continuation lines
    indented two more spaces); return None."""
    import textwrap

    from tiegraph.graph.output import escape_controls

    line = escape_controls(line)
    width = terminal_width()
    if width is None or len(line) <= width:
        click.echo(line)
        return
    indent = line[:len(line) - len(line.lstrip())]
    click.echo("\n".join(textwrap.wrap(line.lstrip(), width, initial_indent=indent,
                                        subsequent_indent=indent + "  ")))


def emit(rows: list[dict[str, Any]] | dict[str, list[dict[str, Any]]], as_json: bool,
         as_csv: bool, columns: list[str] | None = None) -> None:
    """Print rows (or named sections of rows: one JSON object, titled tables, CSV only for
    one section) in the chosen format; return None."""
    from tiegraph.graph.output import render, render_sections

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    fmt = "json" if as_json else "csv" if as_csv else "table"
    if isinstance(rows, dict):
        try:
            click.echo(render_sections(rows, fmt, terminal_width()))
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        return
    click.echo(render(rows, fmt, columns, terminal_width()))


def connection_options(func: F) -> F:
    """Add the Neo4j connection options (defaults from the environment or .env)."""
    def opt(name: str, text: str) -> Callable[[F], F]:
        return click.option(name, cls=SectionOption, section=CONNECTION, help=text)

    opts = [
        opt("--uri", "Bolt URI (default: NEO4J_URI, .env, the local server, "
                     "bolt://127.0.0.1:7687)."),
        opt("--username", "User (default: NEO4J_USERNAME or neo4j)."),
        opt("--password", "Password (default: NEO4J_PASSWORD, .env, or the local server's "
                          "password file). Prefer the environment."),
        opt("--database", "Database (default: NEO4J_DATABASE or neo4j)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


#: The parameter names of :func:`connection_options`, in load_settings' order.
CONNECTION_KEYS = ("uri", "username", "password", "database")


def settings_from(kwargs: dict[str, Any]) -> Any:
    """Return Settings from the connection options in ``kwargs`` (removing them)."""
    from tiegraph.graph.settings import load_settings

    return load_settings(*(kwargs.pop(key) for key in CONNECTION_KEYS))


def with_mme_option(func: F) -> F:
    """Add ``--with-mme PATH`` (default ``TIEGRAPH_MME``; read it with
    :func:`loaders.paths.mme_path`)."""
    return click.option(
        "--with-mme", "mme", type=click.Path(path_type=Path, dir_okay=False), default=None,
        help="Include the MME v7 exercises from this CSV (as published). TIEGRAPH_MME sets "
             "the default.",
    )(func)


def mme_options(func: F) -> F:
    """Add ``--with-mme PATH`` (default ``TIEGRAPH_MME``) and ``--sources curated,mme``."""
    func = click.option(
        "--sources", "source_kinds", default=None, metavar="KINDS",
        help="Which sources the graph draws on: a comma-separated list of curated (the fact "
             "files) and mme (the MME data set; needs --with-mme). Default: all given.",
    )(func)
    return with_mme_option(func)


def mme_from(kwargs: dict[str, Any]) -> tuple[Path | None, tuple[str, ...]]:
    """Return the MME CSV and the source kinds from the options in ``kwargs`` (removing them);
    raise click.BadParameter for an unknown kind."""
    from tiegraph.loaders.paths import mme_path, parse_source_kinds

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
        cls=SectionOption, section=CONNECTION,
        help="files: the bundled fact files (default, no database); neo4j: the loaded "
             "database. TIEGRAPH_SOURCE sets the default.",
    )(func)


def window_options(func: F) -> F:
    """Add ``--since``, ``--until`` and ``--as-of`` (dates as YYYY, YYYY-MM or YYYY-MM-DD)."""
    for name, text in (
        ("--as-of", "Only ties dated on or before DATE, without agreements terminated by "
                    "then."),
        ("--until", "Only ties dated on or before DATE (a year or month means its end)."),
        ("--since", f"Only ties dated on or after DATE ({DATE_FORMATS})."),
    ):
        func = click.option(name, callback=check_date_option, metavar="DATE",
                            cls=SectionOption, section=WINDOW, help=text)(func)
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
    import os

    from tiegraph.graph.api import open_backend

    source = kwargs.pop("source") or os.environ.get("TIEGRAPH_SOURCE") or "files"
    mme, kinds = mme_from(kwargs)
    if source != "neo4j":  # the files backend needs no settings: no .env is read
        for key in CONNECTION_KEYS:
            kwargs.pop(key)
        return open_backend(source, None, mme=mme, kinds=kinds)
    return open_backend(source, settings_from(kwargs), mme=mme, kinds=kinds)


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
