"""Network analysis of the tie graph: plain functions that take a graph (or ties) and return
plain data, in the style of networkx.

Two graphs are analysed:

* the **state graph** (:func:`actor_graph`): one node per top-level actor (state or
  organisation) that has at least one tie in the window, one edge per pair with ties. Edge
  ``weight`` is the pair's weighted count (:data:`graph.analysis.DEFAULT_WEIGHTS`), ``count``
  the number of ties, one count per category, and ``facts`` the fact ids in date order.
* the **full graph** (:func:`full_graph`): actors (services, agencies and units included) and
  facts as nodes, joined by the relationships that place an actor in a fact. Sources, claims
  and the derived actor-to-actor edges are left out (see :func:`full_graph`).

>>> G = actor_graph(ties, kinds, names)                 # doctest: +SKIP
>>> centrality(G, top=1)[0]["name"]                     # doctest: +SKIP
'United Kingdom'
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import networkx as nx

    from tiegraph.graph.index import TieTable
    from tiegraph.graph.projection import GraphSpec
    from tiegraph.graph.ties import Tie, Window

# networkx, numpy and the analysis modules are imported inside the functions: the CLI imports
# this module for its constants, and its cold start must not pay for them.

MEASURES = ("degree", "weighted_degree", "betweenness", "eigenvector", "pagerank")
CommunityMethod = Literal["louvain", "greedy"]

#: Node groups and relationship types of the full graph (see :func:`full_graph`).
FULL_GROUPS = ("Actor", "Fact")
FULL_REL_TYPES = ("PARTICIPATED_IN", "SIGNED", "HAS_SESSION", "BELONGS_TO")

#: :func:`actor_graph` sorts ties by one int64 key (pair, date, fact) while it fits below this.
_ONE_KEY_LIMIT = 2**62


# --- building the graphs --------------------------------------------------------------------


def actor_graph(
    ties: Iterable[Tie] | TieTable,
    kinds: dict[str, str],
    names: dict[str, str],
    window: Window | None = None,
    weights: dict[str, float] | None = None,
) -> nx.Graph:
    """Return the state graph: an undirected :class:`networkx.Graph` of top-level actors.

    ``ties`` are :class:`graph.ties.Tie` objects or a :class:`graph.index.TieTable` (the
    same ties as columns: faster). Nodes (ids) carry ``name`` and ``kind``; only actors with
    a tie inside ``window`` appear. Each edge carries ``weight`` (sum of category weight x
    ties, :data:`DEFAULT_WEIGHTS` overridden by ``weights``), ``count`` (ties), one count per
    category of :data:`graph.schema.CATEGORY_ORDER` (zeros included) and ``facts`` (fact ids
    ordered by date, undated last, then by id). Nodes and edges are inserted in sorted order,
    so every algorithm that depends on insertion order gives the same answer on every run.

    >>> from tiegraph.graph.ties import Tie
    >>> G = actor_graph([Tie("GBR", "JPN", "f1", "visits", "2018")],
    ...                 {"GBR": "state", "JPN": "state"}, {"GBR": "UK", "JPN": "Japan"})
    >>> G.edges["GBR", "JPN"]["weight"], G.edges["GBR", "JPN"]["count"]
    (1.0, 1)
    """
    import networkx as nx
    import numpy as np

    from tiegraph.graph.analysis import DEFAULT_WEIGHTS
    from tiegraph.graph.index import TieTable
    from tiegraph.graph.schema import CATEGORY_ORDER
    from tiegraph.graph.ties import Window

    if weights and (unknown := set(weights) - set(CATEGORY_ORDER)):
        raise ValueError(f"unknown categories in weights: {', '.join(sorted(unknown))}; "
                         f"use {', '.join(CATEGORY_ORDER)}")
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    window = window or Window()
    table = ties if isinstance(ties, TieTable) else TieTable.from_ties(ties)
    # Codes (see TieTable: 0 is None, i + 1 is strings[i]; sorted, so codes order as strings).
    value = np.array([None, *table.strings], dtype=object)
    a, b, fact, category, when, terminated = (
        np.frombuffer(col, dtype=np.uint32).astype(np.int64) for col in table.columns)
    kept = _kept(window, value, when, terminated)
    a, b, fact, category, when = a[kept], b[kept], fact[kept], category[kept], when[kept]
    n = len(a)

    # One group per pair (a, b), numbered in sorted order; categories as CATEGORY_ORDER columns.
    actors, actor = _dense_rank(np.concatenate([a, b]), len(value))
    pairs, pair = _dense_rank(actor[:n] * len(actors) + actor[n:], len(actors) ** 2)
    column = np.full(len(value), -1, dtype=np.int64)  # by category code
    for k, name in enumerate(CATEGORY_ORDER):
        if code := _code_of(table.strings, name):
            column[code] = k
    column = column[category]
    if n and (unknown := column.min()) < 0:
        raise KeyError(value[category[column == unknown][0]])  # a category without weight
    n_cols = len(CATEGORY_ORDER)
    counts = np.bincount(pair * n_cols + column, minlength=len(pairs) * n_cols)
    counts = counts.reshape(len(pairs), n_cols)
    # The order in which each pair's categories first appear in the input: the order the
    # weighted sum adds them in, so that float weights round exactly as a per-tie count would.
    first = np.full(len(pairs) * n_cols, n, dtype=np.int64)
    np.minimum.at(first, pair * n_cols + column, np.arange(n))
    added = np.argsort(first.reshape(len(pairs), n_cols), axis=1, kind="stable")

    # Facts of each pair by (date, id), undated last: a stable sort by pair, date and id.
    whens, when_rank = _dense_rank(when, len(value))
    dates = [_date_sort_key(value[c]) for c in whens.tolist()]  # "2018" = "2018-01-01"
    rank = {d: i for i, d in enumerate(sorted(set(dates)))}
    date = np.array([rank[d] for d in dates], dtype=np.int64)[when_rank]
    if len(pairs) * (len(rank) + 1) * len(value) < _ONE_KEY_LIMIT:  # one int64 key: faster
        order = np.argsort((pair * len(rank) + date) * len(value) + fact, kind="stable")
    else:
        order = np.lexsort((fact, date, pair))
    facts = value[fact[order]]
    ends = np.cumsum(counts.sum(axis=1)).tolist()

    G = nx.Graph(window={k: v for k, v in vars(window).items() if v}, weights=w)
    firsts, seconds = (actors[i] for i in np.divmod(pairs, len(actors)))
    for actor in value[np.unique(np.concatenate([firsts, seconds]))].tolist():
        G.add_node(actor, name=names[actor], kind=kinds[actor])
    start = 0
    for u, v, row, add, end in zip(value[firsts].tolist(), value[seconds].tolist(),
                                   counts.tolist(), added.tolist(), ends, strict=True):
        by_cat = dict(zip(CATEGORY_ORDER, row, strict=True))
        present = [CATEGORY_ORDER[k] for k in add if row[k]]
        G.add_edge(u, v, weight=float(sum(w[c] * by_cat[c] for c in present)),
                   count=end - start, **by_cat, facts=facts[start:end].tolist())
        start = end
    return G


def _code_of(strings: list[str], text: str) -> int:
    """Return the code of ``text`` in a :class:`graph.index.TieTable`'s sorted ``strings``
    (its index + 1), or 0 when it is not there."""
    i = bisect.bisect_left(strings, text)
    return i + 1 if i < len(strings) and strings[i] == text else 0


def _dense_rank(codes: Any, size: int) -> tuple[Any, Any]:
    """Return the distinct values of the integer array ``codes`` (all in ``[0, size)``),
    sorted, and the index of each element's value among them (what :func:`numpy.unique`
    returns with ``return_inverse``: by counting when ``size`` is not much above the length,
    in linear time, else by sorting)."""
    import numpy as np

    if size > 4 * len(codes) + (1 << 20):
        return np.unique(codes, return_inverse=True)
    distinct = np.flatnonzero(np.bincount(codes, minlength=size))
    rank = np.zeros(size, dtype=np.int64)
    rank[distinct] = np.arange(len(distinct))
    return distinct, rank[codes]


def _kept(window: Window, value: Any, when: Any, terminated: Any) -> Any:
    """Return the mask of ties (given as ``when`` and ``terminated`` code arrays) that
    ``window`` keeps: :meth:`graph.ties.Window.keeps` asked once per distinct pair of dates."""
    import numpy as np

    from tiegraph.graph.ties import Tie

    if not window.bounded:
        return np.ones(len(when), dtype=bool)
    dated, inverse = np.unique(when * len(value) + terminated, return_inverse=True)
    keeps = [window.keeps(Tie("", "", "", "", value[d // len(value)], value[d % len(value)]))
             for d in dated.tolist()]
    return np.array(keeps, dtype=bool)[inverse]


def _date_sort_key(when: str | None) -> str:
    """Return the key that orders a tie's date: its first day, undated (None) last."""
    from tiegraph.loaders.dates import date_key

    return date_key(when) if when else "9999"


def actor_graph_of(backend: Any, window: Window | None = None,
                   weights: dict[str, float] | None = None) -> nx.Graph:
    """Return :func:`actor_graph` of a :mod:`graph.api` backend (its ties and actors; the
    ties as columns when the backend keeps them so: the files backend)."""
    actors = backend.actors.values()
    table = getattr(backend, "tie_table", None)
    return actor_graph(backend.ties if table is None else table,
                       {a.id: a.kind for a in actors}, {a.id: a.name for a in actors},
                       window, weights)


def full_graph(spec: GraphSpec) -> nx.Graph:
    """Return the full graph as an undirected simple :class:`networkx.Graph`.

    Nodes: every Actor (states, organisations, services, agencies, units) and every Fact of
    the projection, with ``name``, ``group`` (``Actor``/``Fact``) and ``kind`` (the entity
    kind, e.g. ``unit``, or the fact type, e.g. ``exercise``). Edges: the relationships in
    :data:`FULL_REL_TYPES` (an entity to the facts it takes part in — a unit to its exercise,
    a party to its agreement —, a session to its series, a unit to its service, a service to
    its state), merged
    per node pair; ``types`` lists the merged relationship types. Left out on purpose: Source
    and Claim nodes with CITES and HAS_CLAIM (evidence, not ties), and the derived
    actor-to-actor edges EXERCISED_WITH, VISITED and MEMBER_OF, each of which repeats a path
    through its fact node and would count the same event twice. The graph is unweighted.
    """
    import networkx as nx

    G = nx.Graph()
    for node in sorted(spec.nodes.values(), key=lambda n: n.id):
        group = node.labels[0]
        if group in FULL_GROUPS:
            kind = node.props.get("kind") if group == "Actor" else node.props.get("type")
            G.add_node(node.id, name=node.props.get("name", node.id), group=group, kind=kind)
    for rel in sorted(spec.rels.values(), key=lambda r: r.key):
        if rel.type in FULL_REL_TYPES and rel.start in G and rel.end in G:
            if G.has_edge(rel.start, rel.end):
                types = G.edges[rel.start, rel.end]["types"]
                if rel.type not in types:
                    types.append(rel.type)
                    types.sort()
            else:
                G.add_edge(rel.start, rel.end, types=[rel.type])
    return G


# --- measures -------------------------------------------------------------------------------


def _check_simple(G: nx.Graph) -> None:
    if G.is_directed() or G.is_multigraph():
        raise ValueError("network measures need an undirected simple graph: use "
                         "actor_graph() or full_graph()")


def _distance(u: Any, v: Any, d: dict[str, Any]) -> float:
    """Return the length of an edge for path-based measures: 1 / weight."""
    return 1.0 / d.get("weight", 1.0)


def betweenness(G: nx.Graph) -> dict[Any, float]:
    """Return the normalised betweenness centrality of every node, with edge length
    ``1 / weight``; edges of weight 0 carry no path."""
    import networkx as nx

    _check_simple(G)
    carrying = nx.subgraph_view(G, filter_edge=lambda u, v: G.edges[u, v].get("weight", 1) > 0)
    return nx.betweenness_centrality(carrying, weight=_distance)


def eigenvector(G: nx.Graph) -> dict[Any, float]:
    """Return the eigenvector centrality of every node, computed per connected component.

    A disconnected graph has no leading eigenvector that covers every node (power iteration
    on the whole graph converges to one component and leaves the others at zero, or fails to
    converge), so each component's weighted adjacency matrix is solved exactly with
    :func:`numpy.linalg.eigh`: no iteration, no convergence failure. Each component's
    vector has unit length times ``sqrt(component size / node count)``, so the whole vector
    has unit length and, on a connected graph, equals :func:`networkx.eigenvector_centrality`.
    Isolated nodes get 0.
    """
    import networkx as nx
    import numpy as np

    _check_simple(G)
    out: dict[Any, float] = {}
    n = G.number_of_nodes()
    for comp in nx.connected_components(G):
        nodes = sorted(comp, key=str)
        if len(nodes) == 1:
            out[nodes[0]] = 0.0
            continue
        A = nx.to_numpy_array(G, nodelist=nodes, weight="weight")
        _, vectors = np.linalg.eigh(A)
        lead = np.abs(vectors[:, -1])
        lead = lead / np.linalg.norm(lead) * np.sqrt(len(nodes) / n)
        out.update({node: float(x) for node, x in zip(nodes, lead, strict=True)})
    return out


def pagerank(G: nx.Graph, alpha: float = 0.85) -> dict[Any, float]:
    """Return the weighted PageRank of every node (damping ``alpha``; sums to 1).

    Solved exactly as a linear system with numpy (networkx's own ``pagerank`` needs scipy):
    a walker follows an edge with probability proportional to its ``weight`` and jumps to a
    uniformly chosen node with probability ``1 - alpha``; isolated nodes jump uniformly.
    """
    import networkx as nx
    import numpy as np

    _check_simple(G)
    nodes = list(G)
    if not nodes:
        return {}
    n = len(nodes)
    A = nx.to_numpy_array(G, nodelist=nodes, weight="weight")
    strength = A.sum(axis=1)
    P = np.where(strength[:, None] > 0, A / np.where(strength > 0, strength, 1)[:, None], 1 / n)
    rank = np.linalg.solve(np.eye(n) - alpha * P.T, np.full(n, (1 - alpha) / n))
    rank = rank / rank.sum()
    return {node: float(x) for node, x in zip(nodes, rank, strict=True)}


def centrality(
    G: nx.Graph,
    measures: Sequence[str] = MEASURES,
    top: int | None = None,
) -> list[dict[str, Any]]:
    """Return one row per node with ``rank``, ``id``, ``name``, ``kind`` and each measure,
    ranked by the measures in the order given (highest first), then by name.

    * ``degree`` — number of neighbours (partners).
    * ``weighted_degree`` — sum of the ``weight`` of the node's edges (1 per edge when the
      graph is unweighted).
    * ``betweenness`` — normalised betweenness centrality: the share of shortest paths
      between other pairs that pass through the node, with edge length ``1 / weight`` (a
      heavier tie is a shorter path; edges of weight 0 carry none); divided by
      ``(n-1)(n-2)/2``.
    * ``eigenvector`` — see :func:`eigenvector` (weighted, per component).
    * ``pagerank`` — see :func:`pagerank` (weighted, damping 0.85).
    """
    _check_simple(G)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise ValueError(f"unknown measure(s) {', '.join(unknown) or '(none)'}; "
                         f"use {', '.join(MEASURES)}")
    values: dict[str, dict[Any, float]] = {}
    for m in measures:
        if m == "degree":
            values[m] = dict(G.degree())
        elif m == "weighted_degree":
            values[m] = {v: float(d) for v, d in G.degree(weight="weight")}
        elif m == "betweenness":
            values[m] = betweenness(G)
        elif m == "eigenvector":
            values[m] = eigenvector(G)
        else:
            values[m] = pagerank(G)
    rows = [{"id": v, "name": G.nodes[v].get("name", v), "kind": G.nodes[v].get("kind"),
             **{m: values[m][v] for m in measures}} for v in G]
    rows.sort(key=lambda r: (*(-r[m] for m in measures), str(r["name"])))
    rows = rows[:top] if top else rows
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]


# --- paths ----------------------------------------------------------------------------------


def shortest_paths(G: nx.Graph, a: str, b: str, max_paths: int = 5,
                   examples: int = 3) -> list[list[dict[str, Any]]]:
    """Return the shortest paths (fewest hops) from actor ``a`` to ``b`` in a state graph.

    Each path is a list of steps, one per hop: ``from``/``to`` (ids), ``from_name``/
    ``to_name``, ``count``, one count per category and ``facts`` (up to ``examples`` fact
    ids of that pair, most recent first). All shortest paths are found, ordered by the names
    along them, and the first ``max_paths`` returned; ``[]`` when ``a`` and ``b`` are not
    connected. Raises ValueError when ``a`` or ``b`` has no ties in the graph.
    """
    import networkx as nx

    from tiegraph.graph.schema import CATEGORY_ORDER

    for x in (a, b):
        if x not in G:
            raise ValueError(f"{x} has no ties in this graph (window)")
    if a == b:
        raise ValueError("give two different actors")
    try:
        paths = list(nx.all_shortest_paths(G, a, b))
    except nx.NetworkXNoPath:
        return []
    paths.sort(key=lambda p: [str(G.nodes[v].get("name", v)) for v in p])
    out = []
    for path in paths[:max_paths]:
        steps = []
        for u, v in itertools.pairwise(path):
            d = G.edges[u, v]
            steps.append({
                "from": u, "to": v,
                "from_name": G.nodes[u].get("name", u), "to_name": G.nodes[v].get("name", v),
                "count": d.get("count", 1), **{c: d.get(c, 0) for c in CATEGORY_ORDER},
                "facts": list(reversed(d.get("facts", [])))[:examples],
            })
        out.append(steps)
    return out


# --- communities and summary ----------------------------------------------------------------


def communities(G: nx.Graph, method: CommunityMethod = "louvain",
                seed: int = 0) -> list[dict[str, Any]]:
    """Return the communities of ``G``: one row per community with ``community`` (1, 2, ...),
    ``size``, ``names`` and ``ids`` (both sorted by name), largest first.

    ``louvain`` is :func:`networkx.community.louvain_communities` with ``seed``; ``greedy`` is
    Clauset-Newman-Moore greedy modularity. Both use edge ``weight`` and are deterministic for
    a given graph (the graph builders insert nodes in sorted order).
    """
    import networkx as nx

    _check_simple(G)
    if method == "louvain":
        parts = nx.community.louvain_communities(G, weight="weight", seed=seed)
    elif method == "greedy":
        parts = nx.community.greedy_modularity_communities(G, weight="weight")
    else:
        raise ValueError(f"unknown method {method!r}: use louvain or greedy")

    def name(v: Any) -> str:
        return str(G.nodes[v].get("name", v))

    groups = [sorted(p, key=lambda v: (name(v), str(v))) for p in parts]
    groups.sort(key=lambda g: (-len(g), name(g[0])))
    return [{"community": i, "size": len(g), "names": [name(v) for v in g], "ids": list(g)}
            for i, g in enumerate(groups, 1)]


def graph_stats(G: nx.Graph) -> dict[str, Any]:
    """Return a summary of ``G``: ``nodes``, ``edges``, ``density``, ``components``,
    ``largest_component`` (nodes), ``isolates``, ``average_clustering`` (unweighted),
    ``transitivity`` and the degree distribution (``degree_min``, ``degree_max``,
    ``degree_mean``, ``degree_median``)."""
    import statistics

    import networkx as nx

    _check_simple(G)
    degrees = [d for _, d in G.degree()]
    comps = [len(c) for c in nx.connected_components(G)]
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "density": nx.density(G),
        "components": len(comps),
        "largest_component": max(comps, default=0),
        "isolates": nx.number_of_isolates(G),
        "average_clustering": nx.average_clustering(G) if degrees else 0.0,
        "transitivity": nx.transitivity(G),
        "degree_min": min(degrees, default=0),
        "degree_max": max(degrees, default=0),
        "degree_mean": statistics.fmean(degrees) if degrees else 0.0,
        "degree_median": float(statistics.median(degrees)) if degrees else 0.0,
    }
