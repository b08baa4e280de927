"""Export a graph to GraphML, GEXF, CSV or JSON so that it reads back exactly.

GraphML and GEXF cannot hold list values, and GEXF (and node-link JSON, and CSV) give some
attribute names a meaning of their own (``id``, ``label``, ``type``, ``start``, ``end``...).
Every format therefore follows the same written conventions, and :func:`read_export` undoes
them, so that ``read_export(path, fmt)`` equals the graph that was exported: same class,
nodes, edges (and keys), attribute values and types, graph attributes.

Conventions (also in docs/analysis.md, "Export formats"):

* **Reserved names are renamed**, the same way in every format: node attributes by
  :data:`NODE_RENAMES` (``type`` -> ``fact_type``, ``start`` -> ``start_date``...), edge
  attributes by :data:`EDGE_RENAMES` (``type`` -> ``rel_type``, ``key`` -> ``rel_key``...).
* **None means absent**: attributes whose value is None are not written.
* **Lists and dicts are JSON text** under the name plus ``:json`` (``sources:json`` =
  ``["hornung-2020-rand"]``); tuples under ``:tuple`` (the projection's ``labels``). An
  attribute whose values are not all of one type (str, int, float or bool), or that is ever
  the empty string, is written as ``:json`` on every node (or edge), so GEXF's one type per
  attribute and CSV's empty cells lose nothing. JSON keeps lists and dicts as they are; only
  tuples are marked ``:tuple`` there.
* **Graph facts** (directed, multigraph, graph attributes) travel as one JSON object: a
  graph attribute ``tiegraph`` in GraphML, ``<meta><description>`` in GEXF, ``graph.json`` in
  the CSV folder; node-link JSON holds them natively. Edge keys of multigraphs travel as the
  edge attribute ``nx_key`` (GraphML, GEXF) or the ``key`` column (CSV).
* **Node ids are strings** (tiegraph's ids are); other ids are refused.
* **CSV** is a folder with ``nodes.csv`` (``id`` + attributes), ``edges.csv`` (``source``,
  ``target``, ``key`` for multigraphs, attributes) and ``graph.json``. Headers carry the
  type: ``year:int``, ``weight:float``, ``preferred:boolean``, ``sources:json``; no suffix is
  a string; an empty cell is an absent attribute.
* GEXF: a node's native ``label`` is its ``name`` (what Gephi shows) and an edge's native
  ``weight`` its ``weight`` (read back as a float, equal to an int weight).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import networkx as nx

    from tiegraph.graph.projection import GraphSpec

Format = Literal["graphml", "gexf", "csv", "json"]
FORMATS: tuple[Format, ...] = ("graphml", "gexf", "csv", "json")

#: Node attribute names that a format reserves, and what they are written as.
NODE_RENAMES = {
    "id": "node_id",
    "label": "node_label",
    "type": "fact_type",
    "start": "start_date",
    "end": "end_date",
    "pid": "node_pid",
    "parents": "node_parents",
    "slices": "node_slices",
    "spells": "node_spells",
    "viz": "node_viz",
}
#: Edge attribute names that a format reserves, and what they are written as.
EDGE_RENAMES = {
    "id": "edge_id",
    "key": "rel_key",
    "label": "edge_label",
    "type": "rel_type",
    "start": "start_date",
    "end": "end_date",
    "source": "edge_source",
    "target": "edge_target",
    "slices": "edge_slices",
    "spells": "edge_spells",
    "viz": "edge_viz",
    "networkx_key": "edge_networkx_key",
    "nx_key": "edge_nx_key",
}
KEY_ATTR = "nx_key"
_SCALARS = (str, int, float, bool)


def _graph_class(directed: bool, multigraph: bool) -> type[nx.Graph]:
    """Return the networkx class of a graph (imported here: the CLI imports this module for
    :data:`FORMATS` and must start fast)."""
    import networkx as nx

    return {(False, False): nx.Graph, (True, False): nx.DiGraph,
            (False, True): nx.MultiGraph, (True, True): nx.MultiDiGraph}[(directed, multigraph)]


# --- encoding -------------------------------------------------------------------------------


def _renamed(attrs: dict[str, Any], renames: dict[str, str], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in attrs.items():
        if value is None:
            continue
        new = renames.get(name, name)
        if new in out or (new != name and new in attrs):
            raise ValueError(f"{what} has attributes {name!r} and {new!r}: the export writes "
                             f"{name!r} as {new!r} and cannot hold both")
        out[new] = value
    return out


def _kinds(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Return per attribute name how it is written: ``str``, ``int``, ``float``, ``bool``,
    ``json`` or ``tuple``."""
    types: dict[str, set[type]] = {}
    empty: set[str] = set()
    for row in rows:
        for name, value in row.items():
            types.setdefault(name, set()).add(type(value))
            if value == "":
                empty.add(name)
    kinds = {}
    for name, seen in types.items():
        (only,) = seen if len(seen) == 1 else (None,)
        if only is tuple:
            kinds[name] = "tuple"
        elif only in _SCALARS and name not in empty:
            kinds[name] = only.__name__  # type: ignore[union-attr]
        else:
            kinds[name] = "json"
    return kinds


def _json(value: Any, name: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        raise ValueError(f"attribute {name!r}: a {type(value).__name__} value cannot be "
                         "exported (use str, int, float, bool, lists or dicts)") from None


def _encode(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rows with sequences as JSON text under ``name:json`` / ``name:tuple``."""
    kinds = _kinds(rows)
    out = []
    for row in rows:
        enc = {}
        for name, value in row.items():
            kind = kinds[name]
            if kind in ("json", "tuple"):
                enc[f"{name}:{kind}"] = _json(value, name)
            else:
                enc[name] = value
        out.append(enc)
    return out


def _decode(attrs: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """Return attributes read from a file with JSON, tuples and names restored."""
    back = {v: k for k, v in renames.items()}
    out = {}
    for name, value in attrs.items():
        base, _, kind = name.rpartition(":") if name.endswith((":json", ":tuple")) else (
            name, "", "")
        if kind == "json":
            value = json.loads(value)
        elif kind == "tuple":
            value = tuple(json.loads(value) if isinstance(value, str) else value)
        out[back.get(base, base)] = value
    return out


def _check_ids(G: nx.Graph) -> None:
    bad = [n for n in G if not isinstance(n, str)]
    if bad:
        raise ValueError(f"node ids must be strings to export faithfully; got {bad[0]!r}")


def _header(G: nx.Graph) -> str:
    return json.dumps({"directed": G.is_directed(), "multigraph": G.is_multigraph(),
                       "graph": G.graph}, ensure_ascii=False)


def _add_edges(G: nx.Graph, edges: list[tuple[Any, Any, Any, dict[str, Any]]]) -> None:
    """Add (u, v, key, attrs) edges; attributes may be named ``key`` (no keyword clash)."""
    if G.is_multigraph():
        G.add_edges_from(edges)
    else:
        G.add_edges_from((u, v, d) for u, v, _, d in edges)


def _edges(G: nx.Graph) -> list[tuple[Any, Any, Any, dict[str, Any]]]:
    if G.is_multigraph():
        return list(G.edges(keys=True, data=True))
    return [(u, v, None, d) for u, v, d in G.edges(data=True)]


def _encoded(G: nx.Graph) -> tuple[list[str], list[dict[str, Any]], list[tuple[Any, ...]],
                                   list[dict[str, Any]]]:
    """Return node ids, encoded node attributes, edge (u, v, key) and encoded edge attributes."""
    _check_ids(G)
    nodes = list(G.nodes)
    node_rows = _encode([_renamed(G.nodes[n], NODE_RENAMES, f"node {n!r}") for n in nodes])
    edges = _edges(G)
    edge_rows = _encode([_renamed(d, EDGE_RENAMES, f"edge {u!r}-{v!r}") for u, v, _, d in edges])
    return nodes, node_rows, [e[:3] for e in edges], edge_rows


# --- writing --------------------------------------------------------------------------------


def _xml_graph(G: nx.Graph, fmt: Format) -> nx.Graph:
    """Return a copy of ``G`` in the written form, for networkx's GraphML and GEXF writers."""
    nodes, node_rows, edges, edge_rows = _encoded(G)
    H = _graph_class(G.is_directed(), G.is_multigraph())()
    if fmt == "graphml":
        H.graph["tiegraph"] = _header(G)
    for n, attrs in zip(nodes, node_rows, strict=True):
        if fmt == "gexf":
            attrs = {**attrs, "label": str(G.nodes[n].get("name", n))}
        H.add_nodes_from([(n, attrs)])
    multi = G.is_multigraph()
    _add_edges(H, [(u, v, k, {**attrs, KEY_ATTR: k} if multi else attrs)
                   for (u, v, k), attrs in zip(edges, edge_rows, strict=True)])
    return H


def _write_gexf(G: nx.Graph, path: Path) -> None:
    from xml.etree.ElementTree import SubElement

    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph(_xml_graph(G, "gexf"))
    meta = writer.xml.find("meta")
    assert meta is not None  # GEXFWriter always writes <meta>
    SubElement(meta, "description").text = _header(G)
    with path.open("wb") as fh:
        writer.write(fh)


_CSV_SUFFIX = {"str": "", "int": ":int", "float": ":float", "bool": ":boolean",
               "json": ":json", "tuple": ":tuple"}


def _csv_cell(value: Any) -> str:
    """Return a CSV cell: booleans as true/false, floats exactly (repr), text made safe for
    spreadsheets (graph.output.csv_safe, undone on reading)."""
    from tiegraph.graph.output import csv_safe

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return csv_safe(value)
    return repr(value) if isinstance(value, float) else str(value)


def _write_table(path: Path, fixed: list[str], fixed_rows: list[list[Any]],
                 rows: list[dict[str, Any]]) -> None:
    """Write ``fixed`` columns then one typed column per attribute (empty cell: absent)."""
    import csv

    kinds = _kinds(rows)
    columns = sorted(kinds)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # RFC 4180; quotes a lone CR too
        writer.writerow(fixed + [c + _CSV_SUFFIX[kinds[c]] for c in columns])
        for cells, row in zip(fixed_rows, rows, strict=True):
            writer.writerow([_csv_cell(c) for c in cells]
                            + [_csv_cell(row[c]) if c in row else "" for c in columns])


def _write_csv(G: nx.Graph, folder: Path) -> list[Path]:
    nodes, node_rows, edges, edge_rows = _encoded(G)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "nodes.csv", folder / "edges.csv", folder / "graph.json"]
    _write_table(paths[0], ["id"], [[n] for n in nodes], node_rows)
    fixed = ["source", "target"]
    ends = [[u, v] for u, v, _ in edges]
    if G.is_multigraph():
        kind = _kinds([{"key": k} for _, _, k in edges]).get("key", "str")
        fixed.append("key" + _CSV_SUFFIX[kind])
        for cells, (_, _, k) in zip(ends, edges, strict=True):
            cells.append(_json(k, "key") if kind in ("json", "tuple") else k)
    _write_table(paths[1], fixed, ends, edge_rows)
    paths[2].write_text(_header(G) + "\n", encoding="utf-8")
    return paths


def _write_json(G: nx.Graph, path: Path) -> None:
    _check_ids(G)

    def mark(attrs: dict[str, Any], renames: dict[str, str], what: str) -> dict[str, Any]:
        return {f"{k}:tuple" if isinstance(v, tuple) else k: list(v) if isinstance(v, tuple)
                else v for k, v in _renamed(attrs, renames, what).items()}

    H = _graph_class(G.is_directed(), G.is_multigraph())(**G.graph)
    H.add_nodes_from((n, mark(d, NODE_RENAMES, f"node {n!r}")) for n, d in G.nodes(data=True))
    _add_edges(H, [(u, v, k, mark(d, EDGE_RENAMES, f"edge {u!r}-{v!r}"))
                   for u, v, k, d in _edges(G)])
    import networkx as nx

    data = nx.node_link_data(H, edges="edges")
    try:
        text = json.dumps(data, ensure_ascii=False, indent=1)
    except TypeError as exc:
        raise ValueError(f"the graph holds a value JSON cannot write: {exc}") from None
    path.write_text(text + "\n", encoding="utf-8")


def export_graph(spec_or_graph: GraphSpec | nx.Graph, path: str | Path,
                 fmt: Format) -> list[Path]:
    """Write a graph (a :class:`~graph.projection.GraphSpec` or any networkx graph) to
    ``path`` in ``fmt`` (``graphml``, ``gexf``, ``json``: one file; ``csv``: a folder) and
    return the paths written. See the module docstring for the conventions."""
    from tiegraph.graph.projection import GraphSpec, to_networkx

    G = to_networkx(spec_or_graph) if isinstance(spec_or_graph, GraphSpec) else spec_or_graph
    path = Path(path)
    if fmt == "csv":
        return _write_csv(G, path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        import networkx as nx

        nx.write_graphml(_xml_graph(G, "graphml"), path)
    elif fmt == "gexf":
        _write_gexf(G, path)
    else:
        _write_json(G, path)
    return [path]


# --- reading --------------------------------------------------------------------------------


def _rebuild(header: dict[str, Any], nodes: list[tuple[str, dict[str, Any]]],
             edges: list[tuple[str, str, Any, dict[str, Any]]]) -> nx.Graph:
    G = _graph_class(header["directed"], header["multigraph"])(**header["graph"])
    G.add_nodes_from((n, _decode(d, NODE_RENAMES)) for n, d in nodes)
    _add_edges(G, [(u, v, k, _decode(d, EDGE_RENAMES)) for u, v, k, d in edges])
    return G


def _read_xml(R: nx.Graph, header: dict[str, Any],
              drop_node: tuple[str, ...], drop_edge: tuple[str, ...]) -> nx.Graph:
    nodes = [(n, {k: v for k, v in d.items() if k not in drop_node}) for n, d in R.nodes(data=True)]
    edges = []
    for _u, _v, d in R.edges(data=True):
        attrs = {k: v for k, v in d.items() if k not in drop_edge}
        key = attrs.pop(KEY_ATTR, None)
        edges.append((_u, _v, key, attrs))
    return _rebuild(header, nodes, edges)


def _read_csv_table(path: Path) -> list[dict[str, Any]]:
    """Return the rows of a CSV table with typed cells; JSON columns keep their suffix (and
    their text) for :func:`_decode`."""
    import csv

    from tiegraph.graph.output import csv_unsafe

    parse = {"int": int, "float": float, "boolean": lambda c: c == "true"}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = []
        for cells in reader:
            row: dict[str, Any] = {}
            for col, cell in zip(header, cells, strict=True):
                if cell == "":
                    continue
                name, sep, kind = col.rpartition(":")
                if sep and kind in parse:
                    row[name] = parse[kind](cell)
                else:
                    row[col] = csv_unsafe(cell)
            rows.append(row)
    return rows


def read_export(path: str | Path, fmt: Format) -> nx.Graph:
    """Return the graph that :func:`export_graph` wrote to ``path`` in ``fmt``, with the
    original attribute names, values and types restored."""
    import networkx as nx

    path = Path(path)
    if fmt == "graphml":
        R = nx.read_graphml(path, edge_key_type=str)
        return _read_xml(R, json.loads(R.graph["tiegraph"]), (), ("id",))
    if fmt == "gexf":
        from xml.etree.ElementTree import parse

        ns = "{http://www.gexf.net/1.2draft}"
        description = parse(path).getroot().find(f"{ns}meta/{ns}description")
        if description is None or not description.text:
            raise ValueError(f"{path}: not a tiegraph GEXF export (no <meta><description>)")
        R = nx.read_gexf(path)
        return _read_xml(R, json.loads(description.text), ("label",), ("id",))
    if fmt == "csv":
        header = json.loads((path / "graph.json").read_text(encoding="utf-8"))
        nodes = [(r.pop("id"), r) for r in _read_csv_table(path / "nodes.csv")]
        edges = []
        for r in _read_csv_table(path / "edges.csv"):
            key = r.pop("key", None)
            if "key:json" in r or "key:tuple" in r:
                key = _decode({k: r.pop(k) for k in ("key:json", "key:tuple") if k in r}, {})
                key = next(iter(key.values()))
            edges.append((r.pop("source"), r.pop("target"), key, r))
        return _rebuild(header, nodes, edges)
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        R = nx.node_link_graph(data, edges="edges")
        edges = ([(u, v, k, d) for u, v, k, d in R.edges(keys=True, data=True)]
                 if R.is_multigraph() else [(u, v, None, d) for u, v, d in R.edges(data=True)])
        header = {"directed": R.is_directed(), "multigraph": R.is_multigraph(),
                  "graph": R.graph}
        return _rebuild(header, list(R.nodes(data=True)), edges)
    raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
