"""``tiegraph centrality|path|communities|graph-stats|export``: network analysis commands.

A thin layer over :mod:`graph.network` and :mod:`graph.export`; registered by
:mod:`graph.cli`; the shared options come from :mod:`graph.clitools`. networkx
is imported only when a command runs, so ``tiegraph --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tiegraph.graph.clitools import (
    Command,
    backend_from,
    emit,
    handle_errors,
    output_options,
    parse_weights,
    source_option,
    step,
    window_from,
    window_options,
)
from tiegraph.graph.export import FORMATS
from tiegraph.graph.network import MEASURES

GRAPH_HELP = ("actors: states and organisations joined by their ties (weighted); full: actors "
              "and facts joined by participation (docs/analysis.md).")


def graph_option(choices: tuple[str, ...], default: str, help_text: str = GRAPH_HELP) -> Any:
    """Return the ``--graph`` option with these choices."""
    return click.option("--graph", "which", type=click.Choice(choices), default=default,
                        show_default=True, help=help_text)


weight_option = click.option(
    "--weight", "weights", multiple=True,
    help="Weight of a tie category in the actors graph, e.g. --weight exercises=3 "
         "(defaults: docs/analysis.md).")


def _graph(which: str, kwargs: dict[str, Any], weights: tuple[str, ...] = ()) -> Any:
    """Return the graph a command analyses: ``actors`` (state graph in the window), ``full``
    (actors and facts) or ``all`` (every node and relationship, as loaded into Neo4j)."""
    window = window_from(kwargs)
    backend = backend_from(kwargs)
    if which == "actors":
        from tiegraph.graph.network import actor_graph_of

        return actor_graph_of(backend, window, parse_weights(weights))
    if window.bounded or weights:
        raise click.UsageError("--since, --until, --as-of and --weight apply to --graph actors")
    if backend.source != "files":
        raise click.UsageError(f"--graph {which} is built from the fact files (the same graph "
                               "the loader writes to Neo4j): use --source files")
    from tiegraph.graph.projection import project

    spec = project(backend.dataset)
    if which == "all":
        from tiegraph.graph.projection import to_networkx

        return to_networkx(spec)
    from tiegraph.graph.network import full_graph

    return full_graph(spec)


@click.command(cls=Command)
@graph_option(("actors", "full"), "actors")
@click.option("--measure", "measures", multiple=True, type=click.Choice(MEASURES),
              help="A measure to compute (repeat for several; the first ranks the rows). "
                   "Default: all.")
@click.option("--top", type=int, default=None, help="Show the first N rows.")
@weight_option
@window_options
@source_option
@output_options
@handle_errors
def centrality(which: str, measures: tuple[str, ...], top: int | None, weights: tuple[str, ...],
               as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """Rank actors (or facts) by degree, weighted degree, betweenness, eigenvector, PageRank."""
    from tiegraph.graph.network import centrality as run

    rows = run(_graph(which, kwargs, weights), measures or MEASURES, top)
    emit(rows, as_json, as_csv)


@click.command(cls=Command)
@click.argument("a")
@click.argument("b")
@click.option("--max-paths", type=int, default=5, show_default=True,
              help="Show at most this many shortest paths.")
@window_options
@source_option
@output_options
@handle_errors
def path(a: str, b: str, max_paths: int, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """The shortest chains of ties from A to B, with the ties along each hop."""
    from tiegraph.graph.api import resolve, top_actor
    from tiegraph.graph.network import actor_graph_of, shortest_paths
    from tiegraph.graph.schema import CATEGORY_ORDER

    window = window_from(kwargs)
    backend = backend_from(kwargs)
    ends = [top_actor(backend, resolve(backend, x)) for x in (a, b)]
    G = actor_graph_of(backend, window)
    for x in ends:
        if x not in G:
            raise ValueError(f"{backend.actors[x].name} has no ties"
                             + (" in this window" if window.bounded else ""))
    paths = shortest_paths(G, ends[0], ends[1], max_paths)
    rows = [{"path": i, "step": j, **step}
            for i, steps in enumerate(paths, 1) for j, step in enumerate(steps, 1)]
    columns = ["path", "step", "from_name", "to_name", "count", *CATEGORY_ORDER, "facts"]
    if as_json or as_csv:
        emit(rows, as_json, as_csv, [*columns, "from", "to"])
        return
    if not paths:
        click.echo(f"no path between {G.nodes[ends[0]]['name']} and {G.nodes[ends[1]]['name']}")
        return
    for i, steps in enumerate(paths, 1):
        chain = " -> ".join([steps[0]["from_name"], *(s["to_name"] for s in steps)])
        click.echo(f"{i}. {chain} ({len(steps)} hop{'s' if len(steps) > 1 else ''})")
    click.echo()
    emit(rows, as_json, as_csv, columns)


@click.command(cls=Command)
@graph_option(("actors", "full"), "actors")
@click.option("--method", type=click.Choice(["louvain", "greedy"]), default="louvain",
              show_default=True, help="Louvain (seeded) or greedy modularity.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of Louvain.")
@weight_option
@window_options
@source_option
@output_options
@handle_errors
def communities(which: str, method: str, seed: int, weights: tuple[str, ...], as_json: bool,
                as_csv: bool, **kwargs: Any) -> None:
    """Groups of actors more tied to each other than to the rest (modularity)."""
    from tiegraph.graph.network import communities as run

    rows = run(_graph(which, kwargs, weights), method, seed)  # type: ignore[arg-type]
    columns = ["community", "size", "names"] + (["ids"] if as_json or as_csv else [])
    emit(rows, as_json, as_csv, columns)


@click.command("graph-stats", cls=Command)
@graph_option(("actors", "full"), "actors")
@window_options
@source_option
@output_options
@handle_errors
def graph_stats(which: str, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """Size, density, components, clustering and degree distribution of a graph."""
    from tiegraph.graph.network import graph_stats as run

    stats = run(_graph(which, kwargs))
    if as_json or as_csv:
        emit([stats], as_json, as_csv)
    else:
        emit([{"stat": k, "value": v} for k, v in stats.items()], False, False)


_SUFFIXES = {".graphml": "graphml", ".gexf": "gexf", ".json": "json"}


@click.command(cls=Command)
@click.argument("output", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="graphml, gexf, json (one file) or csv (a folder of nodes.csv, edges.csv, "
                   "graph.json). Default: from OUTPUT's suffix.")
@graph_option(("all", "actors", "full"), "all",
              "all: every node and relationship, as loaded into Neo4j; " + GRAPH_HELP)
@weight_option
@window_options
@source_option
@handle_errors
def export(output: Path, fmt: str | None, which: str, weights: tuple[str, ...],
           **kwargs: Any) -> None:
    """Write the graph for Gephi, Cytoscape, spreadsheets or scripts (reads back exactly)."""
    from tiegraph.graph.export import export_graph

    fmt = fmt or _SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise click.UsageError("give --format (graphml, gexf, csv or json)")
    with step("building the graph"):
        G = _graph(which, kwargs, weights)
    with step(f"writing {fmt}"):
        paths = export_graph(G, output, fmt)  # type: ignore[arg-type]
    click.echo(f"wrote {G.number_of_nodes()} nodes and {G.number_of_edges()} edges: "
               + ", ".join(str(p) for p in paths))
