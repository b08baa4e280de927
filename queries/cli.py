"""``tiegraph query``: run a named Cypher query of ``queries/`` (or your own file) on Neo4j.

    tiegraph query --list
    tiegraph query agreements_between --param a=Japan --param b=UK
    tiegraph query densest_partnerships_of -p actor=Japan -p since=2014 --json
    tiegraph query --file my.cypher -p actor=Japan --csv

Values given with ``--param`` are always sent as Cypher parameters, never pasted into the
query text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from tiegraph.graph.clitools import (
    Command,
    connection_options,
    emit,
    handle_errors,
    output_options,
    settings_from,
)
from tiegraph.queries.library import (
    QueryError,
    QueryInfo,
    caption,
    check_params,
    list_queries,
    load_query,
    load_query_file,
    parse_params,
    run_query,
)


def _list_rows(infos: list[QueryInfo], full: bool) -> list[dict[str, Any]]:
    """Return one row per query for ``--list``: name, question and params (``name=example``,
    ``?`` marking optional ones); with ``full`` also the parameter details and returns."""
    rows = []
    for info in infos:
        params = " ".join(
            f"{p.name}{'?' if p.optional else ''}={p.example or ''}" for p in info.params
        )
        row: dict[str, Any] = {"name": info.name, "question": info.question, "params": params}
        if full:
            row["params"] = [{"name": p.name, "optional": p.optional,
                              "example": p.example_value, "description": p.description}
                             for p in info.params]
            row["returns"] = info.returns
        rows.append(row)
    return rows


@click.command("query", cls=Command)
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. VALUE is read as JSON when it is "
                   "valid JSON (2016, null, true, [\"acsa\", \"treaty\"], \"quoted\"), else "
                   "as plain text (Japan, United Kingdom).")
@click.option("--list", "list_only", is_flag=True,
              help="List the named queries with their questions and parameters.")
@click.option("--file", "file_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Run your own Cypher file (one statement; a header and Browser :param "
                   "lines are allowed, their values are not used).")
@click.option("--write", is_flag=True,
              help="Run --file in a write transaction (the library's queries only read; "
                   "without --write the server refuses any write).")
@click.option("--show", is_flag=True,
              help="Print the query's text instead of running it (paste it into the Browser).")
@connection_options
@output_options
@handle_errors
def query(name: str | None, params: tuple[str, ...], list_only: bool, file_path: Path | None,
          write: bool, show: bool, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """Run the named Cypher query NAME (see --list) on the loaded Neo4j graph.

    Optional parameters left out are null (no bound); a required one left out is an error
    that shows an example. Names of actors resolve by id, name or alias, in any case
    (Japan, JPN, UK, Britain).
    """
    if list_only:
        if name or file_path or params:
            raise click.UsageError("--list takes no NAME, --file or --param")
        emit(_list_rows(list_queries(), as_json), as_json, as_csv)
        return
    if bool(name) == bool(file_path):
        raise click.UsageError("give a query NAME or --file PATH (see tiegraph query --list)")
    if write and not file_path:
        raise click.UsageError("--write runs your own --file; the library's queries only read")
    info = load_query_file(file_path) if file_path else load_query(name)  # type: ignore[arg-type]
    if show:
        click.echo(info.path.read_text(encoding="utf-8") if info.path else info.text)
        return
    values = check_params(info, parse_params(params))

    from tiegraph.loaders.neo4j_loader import open_driver

    settings = settings_from(kwargs)
    with open_driver(settings, writes=write) as driver:
        check_actor_params(driver, info, values, settings)
        rows = run_query(driver, info.text, values, settings.database, settings=settings,
                         write=write)
    if not as_json:  # tables and CSV show nodes, relationships and paths by caption
        rows = [{k: caption(v) for k, v in row.items()} for row in rows]
    emit(rows, as_json, as_csv)


#: How a query's header describes a parameter that names an actor: "... (name, id or alias
#: ...)", or "another actor" after one (find_actor's ``name`` is a search text: not checked).
_ACTOR_PARAM = re.compile(r"\bname, id or alias\b|^another actor\b")

_ACTOR_NAMES = """
MATCH (x:Actor)
RETURN x.name AS name, x.keys AS keys
"""


def check_actor_params(driver: Any, info: QueryInfo, values: dict[str, Any],
                       settings: Any) -> None:
    """Raise UnknownActorError (exit 6, as in the analysis commands) for the first actor
    parameter (one its header describes as "an actor (name, id or alias ...)" or "another
    actor") whose value
    names no actor in the database, with close names if there are any; return None."""
    from tiegraph.graph.errors import UnknownActorError
    from tiegraph.graph.names import suggest

    names = [p.name for p in info.params if _ACTOR_PARAM.search(p.description)
             and isinstance(values.get(p.name), str)]
    if not names:
        return
    actors = run_query(driver, _ACTOR_NAMES, {}, settings.database, settings=settings)
    index = {key: a["name"] for a in actors for key in a["keys"]}
    for name in names:
        value = values[name]
        if value.lower() not in index:
            raise UnknownActorError(value, suggest(value, index), where=f"--param {name}")


__all__ = ["QueryError", "query"]
