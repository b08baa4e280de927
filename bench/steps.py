"""The measured steps of the benchmark, each run in its own process by :mod:`bench.run`.

``python -m bench.steps STEP [options]`` runs one step and prints one JSON object on its last
line of output. Running every step in a fresh process makes its peak memory (``ru_maxrss``,
read by the parent through ``os.wait4``) that step's own. Neo4j settings come from the
environment (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any


def _driver() -> tuple[Any, str]:
    from neo4j import GraphDatabase

    from tiegraph.graph.settings import load_settings

    settings = load_settings()
    driver = GraphDatabase.driver(settings.uri, auth=settings.auth())
    driver.verify_connectivity()
    return driver, settings.database


def _timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t


def step_generate(args: argparse.Namespace) -> dict[str, Any]:
    """Generate one size; return the generator's summary and its time."""
    from tiegraph.loaders.synthetic import generate

    yaml_files = args.events <= args.yaml_max
    summary, seconds = _timed(generate, Path(args.out), args.events, seed=args.seed,
                              yaml_files=yaml_files)
    return {"seconds": seconds, "actors": summary.actors, "entities": summary.entities,
            "sources": summary.sources, "yaml": summary.yaml, "by_type": summary.by_type,
            "participants": summary.participants, "citations": summary.citations}


def step_wipe(args: argparse.Namespace) -> dict[str, Any]:
    """Delete every relationship, then every node, in batches (constraints and indexes
    stay). Relationships go first: a DETACH DELETE of a busy actor would remove its hundreds
    of thousands of relationships in one inner transaction, past the server's memory pool."""
    driver, database = _driver()

    def wipe() -> None:
        with driver.session(database=database) as session:
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } "
                        "IN TRANSACTIONS OF 20000 ROWS").consume()
            session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()

    _, seconds = _timed(wipe)
    driver.close()
    return {"seconds": seconds}


class _OutOfTime(Exception):
    """Raised by the progress callback when a bulk load passes its time limit."""


def step_bulk_load(args: argparse.Namespace) -> dict[str, Any]:
    """Run the bulk loader on a folder; return its sizes, changes and times. With
    ``--max-seconds``, a load still writing then is stopped between chunks (it is not
    atomic: the chunks written stay) and the facts and relationships written are reported."""
    from tiegraph.loaders.bulk import bulk_load

    driver, database = _driver()
    cpu = time.process_time()
    t = time.perf_counter()
    written = [0]
    validated = [t, 0]

    def progress(stage: str, n: int) -> None:
        if stage == "validate":
            validated[0] = time.perf_counter()
            validated[1] += n
        elif stage == "write":
            written[0] += n
            if time.perf_counter() - t > args.max_seconds and written[0] < validated[1]:
                raise _OutOfTime

    try:
        result = bulk_load(driver, Path(args.folder), database, sources_dir=Path(args.sources),
                           chunk_size=args.chunk_size, progress=progress)
    except _OutOfTime:
        seconds = time.perf_counter() - t
        with driver.session(database=database) as session:
            rels = session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
        driver.close()
        return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
                "complete": False, "facts": written[0], "relationships": rels,
                "seconds_validate": validated[0] - t,
                "seconds_write": time.perf_counter() - validated[0], "changed": None,
                "transactions": None, "nodes": None}
    seconds = time.perf_counter() - t
    driver.close()
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "complete": True,
            "seconds_validate": result.seconds_validate, "seconds_write": result.seconds_write,
            "facts": result.facts, "nodes": result.nodes,
            "relationships": result.relationships, "changed": result.changed,
            "transactions": result.transactions}


def step_import(args: argparse.Namespace) -> dict[str, Any]:
    """Run the offline importer (``tiegraph neo4j import``) on a folder into the empty
    database of the local server in ``--home``; return its sizes and times, and the CPU the
    restarted server used until the end of the step (its pid changes)."""
    import os

    from tiegraph.graph import localserver
    from tiegraph.graph.settings import load_settings
    from tiegraph.loaders.admin_import import offline_import

    os.environ["TIEGRAPH_NEO4J_DIE_WITH_PARENT"] = "0"  # the server outlives this step
    cpu = time.process_time()
    t = time.perf_counter()
    r = offline_import(Path(args.folder), Path(args.home), load_settings(),
                       sources_dir=Path(args.sources), chunk_size=args.chunk_size)
    seconds = time.perf_counter() - t
    pid = localserver.status(Path(args.home)).pid
    server_cpu = None
    if pid is not None:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        server_cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "complete": True,
            "facts": r.facts, "nodes": r.nodes, "relationships": r.relationships,
            "seconds_validate": r.seconds_validate, "seconds_export": r.seconds_export,
            "seconds_import": r.seconds_import, "seconds_restart": r.seconds_restart,
            "seconds_schema": r.seconds_schema, "server_pid": pid,
            "new_server_cpu": server_cpu}


def step_yaml_load(args: argparse.Namespace) -> dict[str, Any]:
    """Run the YAML path (load_dataset, project, load_graph: one transaction)."""
    from tiegraph.graph.projection import project
    from tiegraph.loaders.dataset import load_dataset
    from tiegraph.loaders.neo4j_loader import load_graph

    driver, database = _driver()
    t = time.perf_counter()
    ds = load_dataset(Path(args.folder), Path(args.sources))
    spec = project(ds)
    t_read = time.perf_counter() - t
    result, t_write = _timed(load_graph, driver, spec, database)
    driver.close()
    return {"seconds": time.perf_counter() - t, "seconds_read": t_read, "seconds_write": t_write,
            "facts": len(ds.facts), "relationships": len(spec.rels), "nodes": len(spec.nodes),
            "written": result.written}


def step_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """The per-row baseline: one transaction per fact, one MERGE statement per node and per
    relationship (what a straightforward loader does). The entities and sources are written
    first with the bulk path (not timed); the writes of the facts are timed, up to
    ``--max-seconds`` (the rate is then measured on the facts written by then)."""
    from tiegraph.graph.schema import check_label, check_rel_type
    from tiegraph.loaders.bulk import _owner, _project, base_spec, validate_bulk, write_spec
    from tiegraph.loaders.neo4j_loader import init_schema

    chunks: list[Any] = []
    data = validate_bulk(Path(args.folder), Path(args.sources),
                         on_chunk=lambda ds: chunks.append(_project(ds)))
    driver, database = _driver()
    init_schema(driver, database)
    base = base_spec(data)
    with driver.session(database=database) as session:
        session.execute_write(write_spec, base, {})
    groups: dict[str, str] = {n.id: n.labels[0] for n in base.nodes.values()}
    per_fact: dict[str, tuple[list[Any], list[Any]]] = defaultdict(lambda: ([], []))
    order: list[str] = []
    for spec in chunks:
        for node in spec.nodes.values():
            groups[node.id] = node.labels[0]
            if node.labels[0] == "Fact":
                order.append(node.id)
            per_fact[node.props.get("fact", node.id)][0].append(node)
        for rel in spec.rels.values():
            per_fact[_owner(rel)][1].append(rel)

    def write_one(tx: Any, nodes: list[Any], rels: list[Any]) -> None:
        for node in nodes:
            group, label = check_label(node.labels[0]), check_label(node.labels[-1])
            tx.run(f"MERGE (n:{group} {{id: $id}}) SET n = $props SET n:{label}",
                   id=node.id, props=node.props).consume()
        for rel in rels:
            g1, g2 = check_label(groups[rel.start]), check_label(groups[rel.end])
            tx.run(f"MATCH (a:{g1} {{id: $start}}) MATCH (b:{g2} {{id: $end}}) "
                   f"MERGE (a)-[r:{check_rel_type(rel.type)} {{key: $key}}]->(b) SET r = $props",
                   start=rel.start, end=rel.end, key=rel.key, props=rel.props).consume()

    done = rels = 0
    t = time.perf_counter()
    with driver.session(database=database) as session:
        for fid in order:
            nodes, frels = per_fact[fid]
            session.execute_write(write_one, nodes, frels)
            done += 1
            rels += len(frels)
            if time.perf_counter() - t > args.max_seconds:
                break
    seconds = time.perf_counter() - t
    driver.close()
    return {"seconds": seconds, "facts": done, "facts_total": len(order), "relationships": rels,
            "complete": done == len(order)}


def step_prepare_csv(args: argparse.Namespace) -> dict[str, Any]:
    """Write the graph of a bulk folder as the offline importer's CSV files (the export of
    :class:`loaders.admin_import.ImportFiles`: one file per node group and per relationship
    type and end groups, typed headers) into ``--out``, for the LOAD CSV and raw
    ``neo4j-admin`` baselines; return the files (the importer's arguments) and the sizes."""
    from tiegraph.loaders.admin_import import ImportFiles
    from tiegraph.loaders.bulk import _project, base_spec, validate_bulk

    out = Path(args.out)
    files = ImportFiles(out)
    t = time.perf_counter()
    data = validate_bulk(Path(args.folder), Path(args.sources),
                         on_chunk=lambda ds: files.add(_project(ds)))
    files.add(base_spec(data))
    importer_args = files.finish()
    result = {"seconds": time.perf_counter() - t, "facts": data.facts, "nodes": files.nodes,
              "relationships": files.relationships, "importer_args": importer_args}
    (out / "manifest.json").write_text(json.dumps(result, indent=1))
    return result


#: Cypher of one column of the importer's typed header, applied to the cell ``row[i]``.
_LOAD_CSV_CAST = {"string": "{}", "long": "toInteger({})", "double": "toFloat({})",
                  "boolean": "toBoolean({})", "date": "date({})",
                  "string[]": "split({}, '\u001f')",
                  "long[]": "[x IN split({}, '\u001f') | toInteger(x)]",
                  "double[]": "[x IN split({}, '\u001f') | toFloat(x)]",
                  "boolean[]": "[x IN split({}, '\u001f') | toBoolean(x)]"}


def load_csv_statements(manifest: dict[str, Any], url_of: Any,
                        batch: int) -> list[tuple[str, str]]:
    """Return ``(url, cypher)`` per importer file of ``manifest``: the LOAD CSV statement a
    Neo4j user would write for it (nodes first; ``CREATE`` with every typed property, the
    labels set from the ``:LABEL`` column; relationships between their end nodes found by
    their constrained id), each ``CALL {...} IN TRANSACTIONS OF batch ROWS``."""
    from tiegraph.graph.schema import check_label, check_rel_type

    nodes, rels = [], []
    for arg in manifest["importer_args"]:
        if arg.startswith("--nodes="):
            head, data = arg.split("=", 1)[1].split(",", 1)
            nodes.append((head, data, None))
        elif arg.startswith("--relationships="):
            rel_type, files = arg.split("=", 1)[1].split("=", 1)
            head, data = files.split(",", 1)
            rels.append((head, data, check_rel_type(rel_type)))
    out = []
    for head, data, rel_type in nodes + rels:
        header = Path(head).read_text(encoding="utf-8").strip().split(",")
        props = []
        for i, col in enumerate(header[2:], start=2):
            name, kind = col.rsplit(":", 1)
            props.append(f"`{name}`: " + _LOAD_CSV_CAST[kind].format(f"row[{i}]"))
        group_a = check_label(header[0].split("(", 1)[1].rstrip(")"))
        if rel_type is None:
            body = (f"CREATE (n:{group_a} {{id: row[0], {', '.join(props)}}}) "
                    "SET n:$(split(row[1], '\u001f'))")
        else:
            group_b = check_label(header[1].split("(", 1)[1].rstrip(")"))
            body = (f"MATCH (a:{group_a} {{id: row[0]}}) MATCH (b:{group_b} {{id: row[1]}}) "
                    f"CREATE (a)-[:{rel_type} {{{', '.join(props)}}}]->(b)")
        out.append((url_of(Path(data)), f"LOAD CSV FROM $url AS row CALL (row) {{ {body} }} "
                    f"IN TRANSACTIONS OF {batch} ROWS"))
    return out


def step_load_csv(args: argparse.Namespace) -> dict[str, Any]:
    """The LOAD CSV baseline: create the schema (constraints first), then run the LOAD CSV
    statements of :func:`load_csv_statements` on the files of ``step_prepare_csv`` (under the
    server's import folder ``--import-root``); return the time of the statements and the
    relationships the database then holds."""
    from tiegraph.loaders.neo4j_loader import init_schema

    folder = Path(args.folder).resolve()
    root = Path(args.import_root).resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    statements = load_csv_statements(
        manifest, lambda p: "file:///" + str(Path(p).resolve().relative_to(root)), args.batch)
    driver, database = _driver()
    t = time.perf_counter()
    init_schema(driver, database)
    t_schema = time.perf_counter() - t
    with driver.session(database=database) as session:
        for url, cypher in statements:
            session.run(cypher, url=url).consume()
    seconds = time.perf_counter() - t
    with driver.session(database=database) as session:
        counts = session.run("CALL () { MATCH (n) RETURN count(n) AS nodes } "
                             "CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } "
                             "RETURN nodes, rels").single()
    driver.close()
    return {"seconds": seconds, "seconds_schema": t_schema, "statements": len(statements),
            "nodes": counts["nodes"], "relationships": counts["rels"],
            "expected_nodes": manifest["nodes"],
            "expected_relationships": manifest["relationships"]}


def step_admin_import(args: argparse.Namespace) -> dict[str, Any]:
    """The raw importer: stop the local server of ``--home``, run ``neo4j-admin database
    import full`` (the options of :mod:`loaders.admin_import`) on the files of
    ``step_prepare_csv``, start the server again; return the three times apart."""
    import os
    import shutil

    from tiegraph.graph import localserver
    from tiegraph.loaders.admin_import import ARRAY_DELIMITER

    os.environ["TIEGRAPH_NEO4J_DIE_WITH_PARENT"] = "0"  # the server outlives this step
    home = Path(args.home).resolve()
    manifest = json.loads((Path(args.folder) / "manifest.json").read_text())
    database = os.environ.get("NEO4J_DATABASE", "neo4j")
    t = time.perf_counter()
    localserver.stop(home)
    t_stop = time.perf_counter() - t
    for path in (home / "data" / "databases" / database, home / "data" / "transactions" / database):
        shutil.rmtree(path, ignore_errors=True)
    t = time.perf_counter()
    done = localserver.admin(home, [
        "database", "import", "full", database, f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
        "--id-type=string", "--overwrite-destination=true", "--bad-tolerance=0",
        "--max-off-heap-memory=2g", f"--report-file={home / 'logs' / 'import-raw.report'}",
        *manifest["importer_args"]], heap="1g")
    t_admin = time.perf_counter() - t
    t = time.perf_counter()
    localserver.restart(home, password=os.environ.get("NEO4J_PASSWORD"))
    t_start = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit("neo4j-admin failed: " + (done.stdout + done.stderr)[-2000:])
    return {"seconds": t_stop + t_admin + t_start, "seconds_stop": t_stop,
            "seconds_admin": t_admin, "seconds_start": t_start, "nodes": manifest["nodes"],
            "relationships": manifest["relationships"]}


def _analysis(backend: Any, focus: str, k: int, exact_max_edges: int) -> dict[str, Any]:
    import networkx as nx

    from tiegraph.graph import network
    from tiegraph.graph.api import densest

    out: dict[str, Any] = {}
    (actors, ties), out["load_seconds"] = _timed(lambda: (backend.actors, backend.ties))
    out["ties"] = len(ties)
    _, out["densest_seconds"] = _timed(densest, backend, top=10)
    _, out["densest_focus_seconds"] = _timed(densest, backend, focus=focus, top=10)
    G, out["actor_graph_seconds"] = _timed(network.actor_graph_of, backend)
    out["graph_nodes"], out["graph_edges"] = G.number_of_nodes(), G.number_of_edges()
    _, out["centrality_seconds"] = _timed(
        network.centrality, G, ("degree", "weighted_degree", "eigenvector", "pagerank"))
    carrying = nx.subgraph_view(G, filter_edge=lambda u, v: G.edges[u, v].get("weight", 1) > 0)
    if G.number_of_edges() <= exact_max_edges:
        _, out["betweenness_exact_seconds"] = _timed(network.betweenness, G)
    kk = min(k, G.number_of_nodes())
    _, out["betweenness_sampled_seconds"] = _timed(
        nx.betweenness_centrality, carrying, k=kk, weight=network._distance, seed=0)
    out["betweenness_k"] = kk
    hub = max(G.degree, key=lambda x: (x[1], str(x[0])))[0]
    leaf = min(G.degree, key=lambda x: (x[1], str(x[0])))[0]
    paths, out["path_seconds"] = _timed(network.shortest_paths, G, hub, leaf)
    out["path"] = f"{hub}->{leaf}: {len(paths[0]) if paths else 0} hops"
    return out


def step_analysis(args: argparse.Namespace) -> dict[str, Any]:
    """Time densest, centrality and paths on one backend (files: the bulk folder's cached
    index, built first if ``--cold``; neo4j: the loaded database)."""
    if args.backend == "files":
        from tiegraph.loaders.bulk import BulkBackend

        backend: Any = BulkBackend(Path(args.folder))
        out = _analysis(backend, args.focus, args.k, args.exact_max_edges)
    else:
        from tiegraph.graph.api import Neo4jBackend
        from tiegraph.graph.settings import load_settings

        backend = Neo4jBackend(load_settings())
        out = _analysis(backend, args.focus, args.k, args.exact_max_edges)
        if args.cypher:
            text = (Path(__file__).resolve().parents[1] / "queries"
                    / "densest_partnerships.cypher").read_text()
            _, out["cypher_densest_seconds"] = _timed(
                backend.run, text, since=None, until=None, top=10)
        backend.close()
    return out


def step_cold_start(args: argparse.Namespace) -> dict[str, Any]:
    """Time ``tiegraph densest --with Japan`` in fresh processes: cold (an empty index cache
    each run) and warm (the cache built); medians of ``--runs`` runs each."""
    import os
    import shutil
    import subprocess
    import tempfile

    exe = shutil.which("tiegraph")
    cmd = [exe] if exe else [sys.executable, "-m", "tiegraph.graph.cli"]
    cmd += ["densest", "--with", "Japan", "--top", "5"]

    def run(cache: str) -> float:
        env = {**os.environ, "TIEGRAPH_CACHE": cache, "TIEGRAPH_SOURCE": "files"}
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        return time.perf_counter() - t

    cold, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            cold.append(run(str(Path(tmp) / f"cold-{i}")))
        run(str(Path(tmp) / "warm"))
        for _ in range(args.runs):
            warm.append(run(str(Path(tmp) / "warm")))
    return {"cold_median": statistics.median(cold), "warm_median": statistics.median(warm),
            "cold": cold, "warm": warm, "command": " ".join(["tiegraph", *cmd[-5:]])}


def step_counts(args: argparse.Namespace) -> dict[str, Any]:
    """Return what the database holds: facts, the facts an MME citation cites, nodes and
    relationships."""
    from tiegraph.loaders.mme import MME_SOURCE

    driver, database = _driver()
    with driver.session(database=database) as session:
        out = session.run(
            "CALL () { MATCH (f:Fact) RETURN count(f) AS facts } "
            "CALL () { MATCH (f:Fact)-[:CITES]->(:Source {id: $mme}) "
            "RETURN count(DISTINCT f) AS mme_facts } "
            "CALL () { MATCH (n) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
            "RETURN facts, mme_facts, nodes, relationships", mme=MME_SOURCE.id).single().data()
    driver.close()
    return out


def main(argv: list[str] | None = None) -> None:
    """Parse the step and its options, run it, print its JSON result."""
    parser = argparse.ArgumentParser(prog="python -m bench.steps")
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("generate")
    p.add_argument("out")
    p.add_argument("--events", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--yaml-max", type=int, default=10_000)
    sub.add_parser("wipe")
    sub.add_parser("counts")
    for name in ("bulk-load", "yaml-load", "baseline", "import"):
        p = sub.add_parser(name)
        if name == "import":
            p.add_argument("--home", required=True)
        p.add_argument("folder")
        p.add_argument("--sources", required=True)
        p.add_argument("--chunk-size", type=int, default=5000)
        p.add_argument("--max-seconds", type=float, default=float("inf"))
    p = sub.add_parser("prepare-csv")
    p.add_argument("folder")
    p.add_argument("--sources", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("load-csv")
    p.add_argument("folder")
    p.add_argument("--import-root", required=True)
    p.add_argument("--batch", type=int, default=10_000)
    p = sub.add_parser("admin-import")
    p.add_argument("folder")
    p.add_argument("--home", required=True)
    p = sub.add_parser("analysis")
    p.add_argument("folder")
    p.add_argument("--backend", choices=["files", "neo4j"], required=True)
    p.add_argument("--focus", default="Japan")
    p.add_argument("--k", type=int, default=64)
    p.add_argument("--exact-max-edges", type=int, default=20_000)
    p.add_argument("--cypher", action="store_true")
    p = sub.add_parser("cold-start")
    p.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    func = globals()["step_" + args.step.replace("-", "_")]
    result = func(args)
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
