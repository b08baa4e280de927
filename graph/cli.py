"""The ``tiegraph`` command line: a thin layer over :mod:`graph.api` and the loaders.

Every command that prints rows takes ``--json`` / ``--csv``. The exit codes are those of
``graph.errors.EXIT_CODES`` (printed by ``tiegraph --help``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tiegraph.graph.clitools import (
    Group,
    backend_from,
    connection_options,
    echo_text,
    emit,
    handle_errors,
    mme_from,
    mme_options,
    output_options,
    parse_weights,
    progress_enabled,
    settings_from,
    source_option,
    step,
    terminal_width,
    window_from,
    window_options,
)
from tiegraph.graph.errors import exit_code_table

EPILOG = ("\b\nExit codes (every command; `tiegraph neo4j status` has its own):\n"
          + exit_code_table()
          + "\n\n\b\nShell completion (bash; zsh and fish alike, see the README):\n"
          + '  eval "$(_TIEGRAPH_COMPLETE=bash_source tiegraph)"')


#: The commands defined in other modules, imported only when used: name -> "module:attr".
LAZY_COMMANDS = {
    "neo4j": "tiegraph.graph.cli_neo4j:neo4j",
    "centrality": "tiegraph.graph.cli_network:centrality",
    "path": "tiegraph.graph.cli_network:path",
    "communities": "tiegraph.graph.cli_network:communities",
    "export": "tiegraph.graph.cli_network:export",
    "graph-stats": "tiegraph.graph.cli_network:graph_stats",
    "query": "tiegraph.queries.cli:query",
    "bulk-load": "tiegraph.graph.cli_bulk:bulk_load",
    "synthetic": "tiegraph.graph.cli_bulk:synthetic",
    "reconcile": "tiegraph.graph.cli_reconcile:reconcile",
}


@click.group(cls=Group, lazy=LAZY_COMMANDS, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tiegraph")
def main() -> None:
    """tiegraph: a cited graph of bilateral security ties (Neo4j and networkx)."""


DATA_OPTION_HELP = "Data folder (default: the bundled data/)."


# --- data ---------------------------------------------------------------------------------------


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help=DATA_OPTION_HELP)
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of the source texts for quote checks (default: ../shared/sources).")
@handle_errors
def validate(data_dir: Path | None, sources_dir: Path | None) -> None:
    """Check every data file; report each problem with file and line (exit 3 if any)."""
    from tiegraph.loaders.dataset import load_dataset

    ds = load_dataset(data_dir, sources_dir)
    quotes = "quotes verified against the source texts" if ds.quotes_checked else (
        "quotes NOT verified: source texts not found (pass --sources or set TIEGRAPH_SOURCES)")
    click.echo(f"ok: {len(ds.sources)} sources, {len(ds.entities)} entities, "
               f"{len(ds.facts)} facts, "
               f"{sum(len(f.citations) for f in ds.facts.values())} citations; {quotes}")



@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help=DATA_OPTION_HELP)
@click.option("--section", type=click.Choice(["by_type", "claims", "ledger", "claim_candidates",
                                              "stated_totals", "by_source",
                                              "japan_by_partner", "totals", "all"]),
              default="all", show_default=True,
              help="Print one section of the report (--csv needs one: CSV holds one table).")
@output_options
@handle_errors
def stats(data_dir: Path | None, section: str, as_json: bool, as_csv: bool) -> None:
    """Coverage report: facts by type, claims, the source ledger, claim candidates, stated
    totals, by source, Japan's ties.

    stated_totals: each count a source states for a series (visits, sessions, port calls)
    beside the number of its events the graph dates; gap = how many the graph lacks (empty
    for counts of people and approximate counts). With --json, one JSON object whose keys are
    the sections.
    """
    from tiegraph.graph.api import FilesBackend, coverage

    report = coverage(FilesBackend(data_dir))
    emit({name: rows for name, rows in report.items() if section in (name, "all")},
         as_json, as_csv)


# --- neo4j --------------------------------------------------------------------------------------


@main.command()
@connection_options
@handle_errors
def init(**kwargs: Any) -> None:
    """Create the graph's constraints and indexes in Neo4j (idempotent)."""
    from tiegraph.loaders.neo4j_loader import init_schema, open_driver

    settings = settings_from(kwargs)
    with open_driver(settings, writes=True) as driver:
        stmts = init_schema(driver, settings.database)
    click.echo(f"ok: {len(stmts)} constraints and indexes present")


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help=DATA_OPTION_HELP)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--prune", is_flag=True,
              help="Allow removing more than 10% of the facts, or all facts of a source.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress on stderr (none is shown when stderr is not a terminal).")
@connection_options
@mme_options
@output_options
@handle_errors
def load(data_dir: Path | None, dry_run: bool, prune: bool, quiet: bool, as_json: bool,
         as_csv: bool, **kwargs: Any) -> None:
    """Validate the data, then bring Neo4j to exactly that graph in one transaction.

    Nothing is written if the data is invalid or the load fails midway. With --with-mme
    (or TIEGRAPH_MME) the MME exercises are loaded beside the curated facts.
    """
    from tiegraph.graph.connect import import_driver
    from tiegraph.graph.projection import project
    from tiegraph.loaders.mme import load_combined
    from tiegraph.loaders.neo4j_loader import load_graph, open_driver, translate_errors

    import_driver(numpy=False)  # the load sends plain Python values: no numpy support needed
    settings = settings_from(kwargs)
    show = not quiet and progress_enabled()
    with step("validating the data", show):
        ds = load_combined(data_dir, *mme_from(kwargs))
        spec = project(ds)
    with open_driver(settings, writes=True) as driver, translate_errors(settings, writes=True):
        if not show or dry_run:
            with step("comparing with the database", show):
                result = load_graph(driver, spec, settings.database, dry_run=dry_run, prune=prune)
        else:
            total = len(spec.nodes) + len(spec.rels)
            with click.progressbar(length=total, label="writing", file=sys.stderr) as bar:
                result = load_graph(driver, spec, settings.database, prune=prune,
                                    progress=lambda _stage, n: bar.update(n))
    if result.refusal:
        click.echo(result.refusal.replace("refused:", "warning: a load would be refused:", 1)
                   .replace("; nothing was written", ""), err=True)
    rows = result.diff.table()
    if rows or as_json or as_csv:
        emit(rows, as_json, as_csv, ["what", "name", "created", "updated", "removed"])
    if not (as_json or as_csv):
        verb = "would change" if dry_run else "changed"
        changed = sum(r["created"] + r["updated"] + r["removed"] for r in rows)
        click.echo(f"{'dry run: ' if dry_run else ''}{changed} item(s) {verb}; graph has "
                   f"{len(spec.nodes)} nodes and {len(spec.rels)} relationships "
                   f"(hash {result.data_hash[:12]})")


# --- analysis -----------------------------------------------------------------------------------


@main.command()
@click.option("--with", "focus", help="Only pairs that include this actor (name or alias).")
@click.option("--measure", type=click.Choice(["count", "weighted", "breadth", "depth"]),
              default="count", show_default=True,
              help="How pairs are ranked. count: ties in the window. weighted: category weight "
                   "x 1/(n-1) per tie of an n-actor fact. breadth: categories with ties (0-6). "
                   "depth: mean of institutions, mechanisms, forces, industry, operations and "
                   "intensity, each 0-1, as of the window's end (docs/analysis.md).")
@click.option("--weight", "weights", multiple=True,
              help="A weight for --measure weighted (a category, e.g. exercises=3) or depth "
                   "(a component, e.g. intensity=0.5).")
@click.option("--pairs", "pair_kind", type=click.Choice(["all", "state-state", "state-org"]),
              default="all", show_default=True,
              help="Which pairs: all, two states, or a state and an organisation.")
@click.option("--top", type=int, default=None, help="Show the first N rows (N >= 1).")
@click.option("--why", is_flag=True,
              help="After the table, each pair's depth components with the facts behind them.")
@click.option("--compare", is_flag=True,
              help="Each pair's rank under every measure side by side; * where they disagree.")
@window_options
@source_option
@output_options
@handle_errors
def densest(focus: str | None, measure: str, weights: tuple[str, ...], pair_kind: str,
            top: int | None, why: bool, compare: bool, as_json: bool, as_csv: bool,
            **kwargs: Any) -> None:
    """Rank pairs of actors by the density of their ties.

    A tie is one fact of a counted category between two top-level actors; bilateral ties
    (facts of two actors) and multilateral ones are shown apart. Every table ends with a
    legend: measure, weights, window, what a tie is.
    """
    from tiegraph.graph import readout
    from tiegraph.graph.api import densest as run
    from tiegraph.graph.api import densest_by_measure, depth_rows, resolve, top_actor

    window = window_from(kwargs)
    backend = backend_from(kwargs)
    parsed = parse_weights(weights)
    try:
        window.check()
        if compare:
            by_measure = densest_by_measure(backend, weights=parsed, weighted_measure=measure,
                                            window=window, focus=focus, pair_kind=pair_kind)
            rows = readout.compare_rows(by_measure)[:top] if top else readout.compare_rows(
                by_measure)
        else:
            rows = run(backend, measure=measure,  # type: ignore[arg-type]
                       weights=parsed, window=window, focus=focus,
                       pair_kind=pair_kind, top=top)  # type: ignore[arg-type]
        if why:
            focus_id = top_actor(backend, resolve(backend, focus)) if focus else None
            keep = {(r["a_id"], r["b_id"]) for r in rows}
            deep = [r for r in depth_rows(backend, weights=parsed if measure == "depth"
                                          else None, window=window, focus=focus_id,
                                          pair_kind=pair_kind)  # type: ignore[arg-type]
                    if (r["a_id"], r["b_id"]) in keep]
    except ValueError as exc:  # what was asked cannot be answered: a usage error (exit 2)
        raise click.UsageError(str(exc)) from None
    if compare:
        emit(rows, as_json, as_csv, ["a", "b", *by_measure, "disagree"] + (
            ["a_id", "b_id"] if as_json or as_csv else []))
        if not (as_json or as_csv):
            for line in readout.disagreement_notes(by_measure):
                echo_text(line)
            echo_text(f"legend: ranks under each measure (weights: defaults"
                       f"{', ' + ' '.join(weights) + ' for ' + measure if weights else ''}); "
                       f"window: {readout.window_text(window)}; {readout.TIE}.")
        return
    if measure == "depth":
        from tiegraph.graph.depth import COMPONENT_KEYS
        from tiegraph.graph.schema import CATEGORY_ORDER

        columns = ["rank", "a", "b", *COMPONENT_KEYS.values(), "score", "total", "bilateral"]
        if as_json or as_csv:  # the tie counts beside the components (depth_operations)
            columns += [*CATEGORY_ORDER, "multilateral"]
    else:
        columns = ["rank", "a", "b", "agreements", "dialogues", "visits", "exercises",
                   "exchanges_industrial", "operations", "total", "bilateral",
                   "multilateral", "breadth", "score"]
    if as_json or as_csv:
        columns += ["a_id", "b_id"] + (["as_of", "why"] if measure == "depth" and as_json
                                       else ["as_of"] if measure == "depth" else [])
        if why and as_json and measure != "depth":
            whys = {(r["a_id"], r["b_id"]): r["why"] for r in deep}
            rows = [{**r, "why": whys.get((r["a_id"], r["b_id"]))} for r in rows]
            columns.append("why")
    emit(rows, as_json, as_csv, columns)
    if not (as_json or as_csv):
        for line in readout.rank_notes(rows, measure):
            echo_text(line)
        if why:
            for line in readout.why_lines(deep):
                echo_text(line)
        echo_text(readout.legend(measure, parsed, window, rows))


@main.command()
@click.argument("a")
@click.argument("b")
@window_options
@source_option
@output_options
@handle_errors
def explain(a: str, b: str, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """The evidence behind a pair: each tie with its date, category and citations."""
    from tiegraph.graph.api import explain as run

    window = window_from(kwargs)
    try:
        rows = run(backend_from(kwargs), a, b, window.check())
    except ValueError as exc:  # the same actor twice, or an empty window (exit 2)
        raise click.UsageError(str(exc)) from None
    if as_json or as_csv:
        emit(rows, as_json, as_csv)
        return
    click.echo(render_evidence(rows, terminal_width()))


def render_evidence(rows: list[dict[str, Any]], width: int | None) -> str:
    """Return the ties of ``explain`` as text: one heading line per tie (date, category, name,
    id), its citations indented below it, wrapped to ``width`` if given; control characters
    from the data escaped; a count at the end."""
    import textwrap

    from tiegraph.graph.output import escape_controls as esc

    out: list[str] = []
    current = None
    for row in rows:
        if row["fact"] != current:
            current = row["fact"]
            out += ["", f"{row['date'] or 'undated':<10}  {row['category']:<20} "
                        f"{esc(row['name'])}  [{esc(row['fact'])}]"]
        text = f"{esc(row['source'])}, {esc(row['locator'])}: \"{esc(row['quote'])}\""
        out += (textwrap.wrap(text, width, initial_indent=" " * 4, subsequent_indent=" " * 6)
                if width else [f"    {text}"])
    out += ["", f"{len({r['fact'] for r in rows})} tie(s)"]
    return "\n".join(out)


@main.command()
@click.argument("a")
@click.argument("b", required=False)
@window_options
@source_option
@output_options
@handle_errors
def timeline(a: str, b: str | None, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """Ties per year and category for A (with anyone, or with B)."""
    from tiegraph.graph.api import ties_per_year

    window = window_from(kwargs)
    emit(ties_per_year(backend_from(kwargs), a, b, window), as_json, as_csv)


if __name__ == "__main__":
    main()
