"""The ``tiegraph`` command line: a thin layer over :mod:`graph.api` and the loaders.

Every command that prints rows takes ``--json`` / ``--csv``. Exit codes: 0 success, 1 usage or
unexpected error, 2 configuration, 3 invalid data, 4 Neo4j server, 5 local server, 6 unknown
actor name (see :mod:`graph.errors`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tiegraph.graph.clitools import (
    backend_from,
    connection_options,
    emit,
    handle_errors,
    mme_from,
    mme_options,
    output_options,
    parse_weights,
    settings_from,
    source_option,
    window_from,
    window_options,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tiegraph")
def main() -> None:
    """tiegraph: a cited graph of bilateral security ties (Neo4j and networkx)."""


# --- data ---------------------------------------------------------------------------------------


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Data folder (default: the bundled data/).")
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
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None)
@click.option("--section", type=click.Choice(["by_type", "claims", "ledger", "claim_candidates",
                                              "by_source",
                                              "japan_by_partner", "totals", "all"]),
              default="all")
@output_options
@handle_errors
def stats(data_dir: Path | None, section: str, as_json: bool, as_csv: bool) -> None:
    """Coverage report: facts by type, claims, the source ledger, by source, Japan's ties."""
    from tiegraph.graph.api import FilesBackend, coverage

    report = coverage(FilesBackend(data_dir))
    for name, rows in report.items():
        if section in (name, "all"):
            if not (as_json or as_csv):
                click.echo(f"\n{name.replace('_', ' ')}")
            emit(rows, as_json, as_csv)


# --- neo4j --------------------------------------------------------------------------------------


@main.command()
@connection_options
@handle_errors
def init(**kwargs: Any) -> None:
    """Create the graph's constraints and indexes in Neo4j (idempotent)."""
    from tiegraph.loaders.neo4j_loader import init_schema, open_driver

    settings = settings_from(kwargs)
    with open_driver(settings) as driver:
        stmts = init_schema(driver, settings.database)
    click.echo(f"ok: {len(stmts)} constraints and indexes present")


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@connection_options
@mme_options
@output_options
@handle_errors
def load(data_dir: Path | None, dry_run: bool, quiet: bool, as_json: bool, as_csv: bool,
         **kwargs: Any) -> None:
    """Validate the data, then bring Neo4j to exactly that graph in one transaction.

    Nothing is written if the data is invalid or the load fails midway. With --with-mme
    (or TIEGRAPH_MME) the MME exercises are loaded beside the curated facts.
    """
    from tiegraph.graph.projection import project
    from tiegraph.loaders.mme import load_combined
    from tiegraph.loaders.neo4j_loader import load_graph, open_driver, translate_errors

    settings = settings_from(kwargs)
    ds = load_combined(data_dir, *mme_from(kwargs))
    spec = project(ds)
    with open_driver(settings) as driver, translate_errors(settings):
        if quiet or dry_run:
            result = load_graph(driver, spec, settings.database, dry_run=dry_run)
        else:
            total = len(spec.nodes) + len(spec.rels)
            with click.progressbar(length=total, label="writing", file=sys.stderr) as bar:
                result = load_graph(driver, spec, settings.database,
                                    progress=lambda _stage, n: bar.update(n))
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
@click.option("--measure", type=click.Choice(["count", "weighted", "breadth"]), default="count",
              show_default=True, help="How pairs are ranked (see README: Measures).")
@click.option("--weight", "weights", multiple=True,
              help="Weight of a category for --measure weighted, e.g. --weight exercises=3.")
@click.option("--pairs", "pair_kind", type=click.Choice(["all", "state-state", "state-org"]),
              default="all", show_default=True)
@click.option("--top", type=int, default=None, help="Show the first N rows.")
@window_options
@source_option
@output_options
@handle_errors
def densest(focus: str | None, measure: str, weights: tuple[str, ...], pair_kind: str,
            top: int | None, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """Rank pairs of actors by the density of their ties."""
    from tiegraph.graph.api import densest as run

    window = window_from(kwargs)
    backend = backend_from(kwargs)
    rows = run(backend, measure=measure, weights=parse_weights(weights),  # type: ignore[arg-type]
               window=window, focus=focus, pair_kind=pair_kind, top=top)  # type: ignore[arg-type]
    columns = ["rank", "a", "b", "agreements", "dialogues", "visits", "exercises",
               "exchanges_industrial", "operations", "total", "breadth", "score"]
    if as_json or as_csv:
        columns[1:1] = []
        columns += ["a_id", "b_id"]
    emit(rows, as_json, as_csv, columns)


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
    rows = run(backend_from(kwargs), a, b, window)
    if as_json or as_csv:
        emit(rows, as_json, as_csv)
        return
    current = None
    for row in rows:
        if row["fact"] != current:
            current = row["fact"]
            click.echo(f"\n{row['date'] or 'undated':<10}  {row['category']:<20} "
                       f"{row['name']}  [{row['fact']}]")
        click.echo(f"    {row['source']}, {row['locator']}: \"{row['quote']}\"")
    click.echo(f"\n{len({r['fact'] for r in rows})} tie(s)")


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


#: Commands defined in their own modules, registered here: (module, attribute names).
_COMMAND_MODULES = (
    ("tiegraph.graph.cli_neo4j", ("neo4j",)),
    ("tiegraph.graph.cli_network", ("centrality", "path", "communities", "export", "graph_stats")),
    ("tiegraph.queries.cli", ("query",)),
    ("tiegraph.graph.cli_bulk", ("bulk_load", "synthetic")),
    ("tiegraph.graph.cli_reconcile", ("reconcile",)),
)


def _register_commands() -> None:
    import importlib

    for module_name, attrs in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for attr in attrs:
            if hasattr(module, attr):
                main.add_command(getattr(module, attr))


_register_commands()
if __name__ == "__main__":
    main()
