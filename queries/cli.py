"""``tiegraph query``: run a named Cypher query of ``queries/`` (or your own file) on Neo4j.

    tiegraph query --list
    tiegraph query agreements_between --param a=Japan --param b=UK
    tiegraph query densest_partnerships_of -p actor=Japan -p since=2014 --json
    tiegraph query --file my.cypher -p actor=Japan --csv

Values given with ``--param`` are always sent as Cypher parameters, never pasted into the
query text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tiegraph.graph.clitools import (
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


@click.command("query")
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
@click.option("--show", is_flag=True,
              help="Print the query's text instead of running it (paste it into the Browser).")
@connection_options
@output_options
@handle_errors
def query(name: str | None, params: tuple[str, ...], list_only: bool, file_path: Path | None,
          show: bool, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
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
    info = load_query_file(file_path) if file_path else load_query(name)  # type: ignore[arg-type]
    if show:
        click.echo(info.path.read_text(encoding="utf-8") if info.path else info.text)
        return
    values = check_params(info, parse_params(params))

    from tiegraph.loaders.neo4j_loader import open_driver

    settings = settings_from(kwargs)
    with open_driver(settings) as driver:
        rows = run_query(driver, info.text, values, settings.database, settings=settings)
        if not rows:
            for hint in _unknown_actor_hints(driver, info, values, settings):
                click.echo(hint, err=True)
    if not as_json:  # tables and CSV show nodes, relationships and paths by caption
        rows = [{k: caption(v) for k, v in row.items()} for row in rows]
    emit(rows, as_json, as_csv)


_ACTOR_NAMES = """
MATCH (x:Actor)
RETURN x.name AS name, [v IN [x.id, x.name] + coalesce(x.aliases, []) | toLower(v)] AS keys
"""


def _unknown_actor_hints(driver: Any, info: QueryInfo, values: dict[str, Any],
                         settings: Any) -> list[str]:
    """Return a note for each actor parameter (described as 'name, id or alias') whose value
    names no actor, with close names: the usual reason for an empty result."""
    import difflib

    names = [p.name for p in info.params if "name, id or alias" in p.description
             and isinstance(values.get(p.name), str)]
    if not names:
        return []
    actors = run_query(driver, _ACTOR_NAMES, {}, settings.database, settings=settings)
    index = {key: a["name"] for a in actors for key in a["keys"]}
    notes = []
    for name in names:
        value = values[name]
        if value.lower() in index:
            continue
        near = difflib.get_close_matches(value.lower(), list(index), n=5, cutoff=0.6)
        guesses = list(dict.fromkeys(index[n] for n in near))[:3]
        hint = f" Did you mean: {', '.join(guesses)}?" if guesses else ""
        notes.append(f"note: no actor is named {value!r} (--param {name}).{hint} "
                     "Find names with: tiegraph query find_actor -p name=TEXT")
    return notes


__all__ = ["QueryError", "query"]
