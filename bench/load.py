"""`tiegraph load` of the bundled data against LOAD CSV, and the start-up of `densest`.

    python -m bench.load                  # 3 repeats; updates BENCHMARKS.md
    python -m bench.load --repeats 5 --out FILE

Against ONE local Neo4j (a throwaway server started here, as :mod:`bench.run` does; or,
with NEO4J_URI set, the server of ``--home`` — its database is WIPED), each repeat runs,
every command in a fresh process timed end to end:

* **load**: the database wiped (every node and relationship, every constraint and index),
  then ``tiegraph load --quiet`` (interpreter start, imports, validation with every quote
  checked, projection, schema, the diff, the writes);
* **reload**: ``tiegraph load --quiet`` again, nothing changed;
* **LOAD CSV**: the database wiped again, then the baseline a Neo4j user would write for the
  same graph: ``tiegraph export --format csv`` (written once, before the repeats) placed in
  the server's import folder, and a fresh Python process that imports the driver and runs
  the schema's constraints and indexes, then one ``LOAD CSV ... CALL {...} IN TRANSACTIONS``
  statement per node group and per relationship type and pair of end groups (dates through
  ``date()``, lists through ``split()``, labels and types from the file). The graph it
  writes is checked to be the one ``tiegraph load`` writes (every node and relationship,
  the ``LoadInfo`` node aside);
* **densest**: ``tiegraph densest --with Japan`` on the files backend (index cache warm), on
  the Neo4j backend (the database just loaded) and ``python -c pass``, paired and
  interleaved, ``--densest-runs`` times each.

The load/LOAD CSV order alternates between repeats. Before the first repeat the checkout's
modules are byte-compiled (``compileall``), as an install would have them. The report gives
min/median/max per command and each ratio per repeat (min/median/max), judged against the
targets of issue 15, in its own section of BENCHMARKS.md (between :data:`BEGIN` and
:data:`END`; the scale benchmark keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench.load: begin (written by python -m bench.load; do not edit by hand) -->"
END = "<!-- bench.load: end -->"
ROOT = Path(__file__).resolve().parents[1]
IMPORT_SUBDIR = "tiegraph-bench-load"
#: (name, numerator, denominator, target, what): each ratio the report judges. The target is
#: the ratio of medians per repeat that must not be exceeded.
RATIOS = (
    ("load / LOAD CSV", "load", "loadcsv", 1.5, "empty-database load within 1.5x LOAD CSV"),
    ("reload / LOAD CSV", "reload", "loadcsv", 1.0, "no-change load within 1x LOAD CSV"),
    ("densest neo4j / files", "densest_neo4j", "densest_files", 2.0,
     "densest --source neo4j within 2x the files backend"),
    ("densest files / python -c pass", "densest_files", "python", 8.0,
     "warm densest (files) within 8x python -c pass"),
)


# --- the LOAD CSV baseline ----------------------------------------------------------------------


def _list_expr(v: str) -> str:
    """Return Cypher turning the JSON list of strings in ``v`` (as the export writes it) into a
    list with split()."""
    return (f"CASE WHEN {v} IS NULL THEN null WHEN {v} = '[]' THEN [] "
            f"ELSE split(substring({v}, 2, size({v}) - 4), '\", \"') END")


def _value_expr(column: str, renames: dict[str, str], temporal: frozenset[str],
                prefixed: set[str]) -> tuple[str, str]:
    """Return (property name, Cypher expression) for one typed column of the export."""
    base, _, kind = column.rpartition(":") if ":" in column else (column, "", "")
    name = {v: k for k, v in renames.items()}.get(base, base)
    v = f"row.`{column}`"
    if kind == "int":
        return name, f"toInteger({v})"
    if kind == "float":
        return name, f"toFloat({v})"
    if kind == "boolean":
        return name, f"toBoolean({v})"
    if kind in ("json", "tuple"):
        return name, _list_expr(v)
    if name in temporal:
        return name, f"date({v})"
    if column in prefixed:  # the export's spreadsheet guard (graph.output.csv_safe)
        return name, f"CASE WHEN {v} STARTS WITH \"'\" THEN substring({v}, 1) ELSE {v} END"
    return name, v


def _props(columns: list[str], skip: set[str], renames: dict[str, str],
           temporal: frozenset[str], prefixed: set[str]) -> str:
    pairs = [_value_expr(c, renames, temporal, prefixed) for c in columns if c not in skip]
    return "{" + ", ".join(f"`{name}`: {expr}" for name, expr in pairs) + "}"


def load_csv_statements(folder: Path, url: str, batch: int = 5000) -> list[str]:
    """Return the Cypher a Neo4j user would run to load the CSV export in ``folder`` (served
    to the server at ``url``, e.g. ``file:///sub``): the schema's constraints and indexes,
    the wait for them, then one LOAD CSV per node group and per relationship shape (type and
    the groups of its ends, read from the files once here, as a user knows the model)."""
    import csv

    from tiegraph.graph.export import EDGE_RENAMES, NODE_RENAMES
    from tiegraph.graph.schema import DATA_GROUPS, TEMPORAL_PROPERTIES, constraint_statements

    with (folder / "nodes.csv").open(encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with (folder / "edges.csv").open(encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))

    def prefixed(rows: list[dict[str, str]]) -> set[str]:
        return {c for c in (rows[0] if rows else {}) if any(r[c].startswith("'") for r in rows)}

    group = {r["id"]: json.loads(r["labels:tuple"])[0] for r in nodes}
    stmts = [*constraint_statements(), "CALL db.awaitIndexes(300)"]
    tx = f"IN TRANSACTIONS OF {batch} ROWS"
    node_props = _props(list(nodes[0]) if nodes else [], {"id", "labels:tuple"}, NODE_RENAMES,
                        TEMPORAL_PROPERTIES, prefixed(nodes))
    for g in DATA_GROUPS:
        if g in group.values():
            stmts.append(
                f"LOAD CSV WITH HEADERS FROM '{url}/nodes.csv' AS row "
                f"WITH row WHERE row.`labels:tuple` STARTS WITH '[\"{g}\"' "
                f"CALL (row) {{ CREATE (n:{g}) SET n = {node_props} "
                f"SET n:$({_list_expr('row.`labels:tuple`')}) }} {tx}")
    edge_props = _props(list(edges[0]) if edges else [], {"source", "target", "key",
                        "rel_type"}, EDGE_RENAMES, TEMPORAL_PROPERTIES, prefixed(edges))
    shapes = sorted({(r["rel_type"], group[r["source"]], group[r["target"]]) for r in edges})
    for rel_type, g1, g2 in shapes:
        stmts.append(
            f"LOAD CSV WITH HEADERS FROM '{url}/edges.csv' AS row "
            f"WITH row WHERE row.rel_type = '{rel_type}' "
            f"CALL (row) {{ MATCH (a:{g1} {{id: row.source}}) MATCH (b:{g2} {{id: row.target}}) "
            f"CREATE (a)-[r:{rel_type}]->(b) SET r = {edge_props} }} {tx}")
    return stmts


def run_cypher_file(path: Path) -> None:
    """Run the statements of ``path`` (a JSON list) one after the other, each in its own
    auto-commit transaction (as CALL {...} IN TRANSACTIONS needs), against the server of the
    NEO4J_* environment: the timed LOAD CSV process."""
    from neo4j import GraphDatabase

    stmts = json.loads(path.read_text())
    auth = (os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"])
    with GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver, driver.session(
            database=os.environ.get("NEO4J_DATABASE", "neo4j")) as session:
        for stmt in stmts:
            session.run(stmt).consume()


# --- the database -------------------------------------------------------------------------------


def _session(env: dict[str, str]) -> Any:
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(env["NEO4J_URI"], auth=(env["NEO4J_USERNAME"],
                                                          env["NEO4J_PASSWORD"]))
    return driver, driver.session(database=env.get("NEO4J_DATABASE", "neo4j"))


def wipe(env: dict[str, str]) -> None:
    """Delete every node and relationship, then every constraint and index (the token lookup
    indexes aside): an empty database as a first load finds it."""
    driver, session = _session(env)
    with driver, session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                    ).consume()
        for rec in session.run("SHOW CONSTRAINTS YIELD name").data():
            session.run(f"DROP CONSTRAINT `{rec['name']}`").consume()
        for rec in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").data():
            session.run(f"DROP INDEX `{rec['name']}`").consume()


def fingerprint(env: dict[str, str]) -> dict[str, Any]:
    """Return a hash of every node (labels, properties) and relationship (type, ends' ids,
    properties) but the ``LoadInfo`` node, with their counts."""
    import hashlib

    driver, session = _session(env)
    with driver, session:
        nodes = sorted(json.dumps([sorted(r["l"]), r["p"]], sort_keys=True, default=str)
                       for r in session.run("MATCH (n) WHERE NOT n:LoadInfo "
                                            "RETURN labels(n) AS l, properties(n) AS p"))
        rels = sorted(json.dumps([r["t"], r["a"], r["b"], r["p"]], sort_keys=True, default=str)
                      for r in session.run("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, "
                                           "b.id AS b, properties(r) AS p"))
    digest = hashlib.sha256("\n".join([*nodes, "--", *rels]).encode()).hexdigest()
    return {"hash": digest, "nodes": len(nodes), "relationships": len(rels)}


# --- measuring ----------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run the repeats; return every result as plain data."""
    from bench.mme import run_header, tiegraph_command
    from bench.run import _say, loadavg, run_command, start_server, stop_server

    work = Path(args.work or tempfile.mkdtemp(prefix="tiegraph-bench-load-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {**run_header(args.out), "runs": {}, "same_graph": []}
    if os.environ.get("NEO4J_URI") and not args.home:
        raise SystemExit("NEO4J_URI is set: give --home (that server's home, for its import "
                         "folder), or unset it to start a throwaway server")
    env, home, pid = start_server(args, work)
    env = {k: v for k, v in env.items() if k not in ("TIEGRAPH_MME", "TIEGRAPH_SOURCE")}
    env.setdefault("NEO4J_USERNAME", "neo4j")
    import_dir = Path(args.home or home) / "import" / IMPORT_SUBDIR  # type: ignore[arg-type]
    tg = tiegraph_command()
    try:
        subprocess.run([sys.executable, "-m", "compileall", "-q", "graph", "loaders", "queries",
                        "bench"], cwd=ROOT, check=True)
        export = work / "export"
        subprocess.run([*tg, "export", str(export), "--format", "csv"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        import_dir.mkdir(parents=True, exist_ok=True)
        for name in ("nodes.csv", "edges.csv"):
            shutil.copy(export / name, import_dir / name)
        cypher = work / "load_csv.json"
        stmts = load_csv_statements(export, f"file:///{IMPORT_SUBDIR}")
        cypher.write_text(json.dumps(stmts, indent=1))
        out["load_csv_statements"] = stmts
        files_env = {**env, "TIEGRAPH_CACHE": str(work / "cache"), "TIEGRAPH_SOURCE": "files"}
        steps = {
            "load": ([*tg, "load", "--quiet"], env),
            "reload": ([*tg, "load", "--quiet"], env),
            "loadcsv": ([sys.executable, "-m", "bench.load", "--run-cypher", str(cypher)], env),
            "densest_files": ([*tg, "densest", "--with", "Japan"], files_env),
            "densest_neo4j": ([*tg, "densest", "--with", "Japan", "--source", "neo4j"], env),
            "python": ([sys.executable, "-c", "pass"], env),
        }
        out["commands"] = {k: " ".join(["tiegraph", *map(shlex.quote, v[0][len(tg):])])
                           if v[0][:len(tg)] == tg else " ".join(map(shlex.quote, v[0]))
                           for k, v in steps.items()}
        out["commands"]["loadcsv"] = ("python -m bench.load --run-cypher FILE (the LOAD CSV "
                                      "statements below)")
        out["commands"]["python"] = "python -c pass"

        def timed(name: str) -> float:
            cmd, step_env = steps[name]
            res = run_command(cmd, step_env, args.step_timeout, pid, json_result=False)
            if not res.ok:
                raise SystemExit(f"{name} failed: {res.error}")
            _say(f"{name}: {res.wall:.2f} s")
            return res.wall

        run_command(steps["densest_files"][0], files_env, args.step_timeout)  # warm the cache
        for i in range(1, args.repeats + 1):
            runs: dict[str, Any] = {"load_average": loadavg()}
            out["runs"][i] = runs
            blocks = ["tiegraph", "loadcsv"] if i % 2 else ["loadcsv", "tiegraph"]
            prints = {}
            for block in blocks:
                wipe(env)
                if block == "loadcsv":
                    runs["loadcsv"] = timed("loadcsv")
                else:
                    runs["load"] = timed("load")
                    runs["reload"] = timed("reload")
                prints[block] = fingerprint(env)
                if block == "tiegraph":  # densest --source neo4j reads what tiegraph wrote
                    for name in ("densest_files", "densest_neo4j", "python"):
                        runs[name] = []
                    for _ in range(args.densest_runs):
                        for name in ("densest_files", "densest_neo4j", "python"):
                            runs[name].append(timed(name))
            out["same_graph"].append(prints["tiegraph"] == prints["loadcsv"])
            out["graph"] = prints["tiegraph"]
            runs["load_average_end"] = loadavg()
    finally:
        stop_server(home)
    out["load_end"] = loadavg()
    return out


# --- the report ---------------------------------------------------------------------------------


def _median(x: float | list[float]) -> float:
    return statistics.median(x) if isinstance(x, list) else x


def ratios(res: dict[str, Any]) -> dict[str, list[float]]:
    """Return, per ratio of :data:`RATIOS`, its value in each repeat (medians of that
    repeat's runs)."""
    runs = list(res["runs"].values())
    return {name: [_median(r[num]) / _median(r[den]) for r in runs]
            for name, num, den, _, _ in RATIOS}


def _spread(values: list[float], digits: int = 2) -> tuple[str, str, str]:
    return (f"{min(values):.{digits}f}", f"{statistics.median(values):.{digits}f}",
            f"{max(values):.{digits}f}")


def report(res: dict[str, Any], command: str) -> str:
    """Return the BENCHMARKS.md section (markers included) for the results ``res``: each
    command's seconds and each ratio with min/median/max, each target met or missed."""
    runs = list(res["runs"].values())
    m, v = res["machine"], res["versions"]
    same = res.get("same_graph", [])
    g = res.get("graph", {})
    lines = [
        BEGIN, "## Loading the bundled data: tiegraph vs LOAD CSV (issue 15)", "",
        f"Produced by `{command}` (bench/load.py) at commit {res['commit']}, started "
        f"{res['started']}; {len(runs)} repeats against one local Neo4j, each command a fresh "
        "process timed end to end. `load` is into a database wiped of every node, "
        "relationship, constraint and index; `reload` is the same load again, nothing "
        "changed; `LOAD CSV` is the baseline (the graph of `tiegraph export --format csv` "
        "loaded by a fresh Python process with the driver: the schema, then one `LOAD CSV "
        "... CALL {...} IN TRANSACTIONS` per node group and relationship shape) into the "
        "database wiped again; the order of the two alternates between repeats. "
        f"Graph: {g.get('nodes', '?')} nodes, {g.get('relationships', '?')} relationships; "
        "LOAD CSV wrote the same graph as `tiegraph load` (every node and relationship "
        f"compared): {'yes' if same and all(same) else 'NO'} ({sum(same)} of {len(same)} "
        f"repeats). Machine: {m.get('nproc')} cores ({m.get('cpu', '?')}), "
        f"{m.get('memory_gib', '?')} GiB, shared with other sessions; load average "
        f"{res['load_start']} at the start, {res['load_end']} at the end. Python "
        f"{m.get('python')}, neo4j driver {v.get('neo4j')}.", "",
        "| step | command | runs | min s | median s | max s |",
        "|---|---|---:|---:|---:|---:|"]
    for key, cmd in res["commands"].items():
        t = [x for r in runs for x in (r[key] if isinstance(r[key], list) else [r[key]])]
        lines.append(f"| {key} | `{cmd}` | {len(t)} | " + " | ".join(_spread(t)) + " |")
    lines += ["", "Ratios, one per repeat (of that repeat's medians):", "",
              "| ratio | min | median | max | target | met? |", "|---|---:|---:|---:|---:|---|"]
    for (name, _, _, target, what), values in zip(RATIOS, ratios(res).values(), strict=True):
        med = statistics.median(values)
        verdict = "met" if med <= target else "**missed**"
        worst = "" if max(values) <= target or med > target else " (median; not every repeat)"
        lines.append(f"| {name} | " + " | ".join(_spread(values)) +
                     f" | ≤ {target:g} | {verdict}{worst}: {what} |")
    lines += ["", "Load average per repeat: " + "; ".join(
        f"{r['load_average']} → {r.get('load_average_end', '?')}" for r in runs) + ".", "",
              "<details><summary>The LOAD CSV statements and the JSON of every run</summary>",
              "", "```json", json.dumps(res, indent=1, default=str), "```", "", "</details>",
              "", END]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.load",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--densest-runs", type=int, default=3,
                        help="Runs of each densest command per repeat (default 3).")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md",
                        help="The report whose section is written (default BENCHMARKS.md).")
    parser.add_argument("--work", help="Folder for the server, export and cache (default: a "
                        "new temporary folder).")
    parser.add_argument("--home", help="With NEO4J_URI set: the home of that server (as for "
                        "`tiegraph neo4j start`), whose import folder receives the CSV.")
    parser.add_argument("--heap", default="1g", help="Heap of the local Neo4j.")
    parser.add_argument("--pagecache", default="512m", help="Page cache of the local Neo4j.")
    parser.add_argument("--step-timeout", type=float, default=600)
    parser.add_argument("--run-cypher", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.densest_runs < 1:
        parser.error("--repeats and --densest-runs: give 1 or more")
    from bench.mme import command_line

    args.command = command_line("bench.load", argv)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print its section and write it into ``--out``; return 0."""
    args = parse_args(argv)
    if args.run_cypher:
        run_cypher_file(args.run_cypher)
        return 0
    from bench.mme import write_section

    res = measure(args)
    block = report(res, args.command.strip())
    write_section(args.out, block, BEGIN, END)
    print(block.split("<details>")[0])
    print(f"wrote the LOAD CSV section of {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
