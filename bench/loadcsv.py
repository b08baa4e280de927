"""Loading against Neo4j's own tools (issue 15): bulk-load vs LOAD CSV, import vs neo4j-admin.

    python -m bench.loadcsv                         # 10^4 and 10^5 events, 3 rounds each
    python -m bench.loadcsv --sizes 10000 --rounds 5 --import

For each size it generates synthetic data (:mod:`loaders.synthetic`) and writes the graph once
as the offline importer's CSV files (:class:`loaders.admin_import.ImportFiles`, untimed: they
are the input of the baselines). Then, in rounds, every step in a fresh process into a
database wiped of every node and relationship just before (the schema stays):

* **LOAD CSV** (the baseline): the schema's constraints and indexes first, then one
  ``LOAD CSV ... CALL (row) {CREATE ...} IN TRANSACTIONS`` statement per file, nodes first;
  timed from the schema to the last statement (no validation: the files are already a graph);
* **bulk-load**: ``loaders.bulk.bulk_load`` on the bulk folder, end to end (validation with
  every quote checked, projection, writes);
* with ``--import``: ``tiegraph neo4j import`` (end to end, its phases apart) and the raw
  ``neo4j-admin database import full`` on the prepared files (the importer's own run timed
  apart from the server's stop and start).

The order of the two loads alternates between rounds. The report gives min/median/max of
each rate and of the per-round ratio, states each target (issue 15) as met or missed, and
is written to its own section of BENCHMARKS.md (between :data:`BEGIN` and :data:`END`), which
``python -m bench`` keeps. It starts a throwaway local Neo4j (as :mod:`bench.run` does).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench.loadcsv: begin (written by python -m bench.loadcsv; do not edit by hand) -->"
END = "<!-- bench.loadcsv: end -->"
ROOT = Path(__file__).resolve().parents[1]
TARGET_BULK = 1.0    # bulk-load rels/s over LOAD CSV rels/s, end to end
TARGET_IMPORT = 0.5  # tiegraph neo4j import rels/s over neo4j-admin's own rels/s


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run every size's rounds; return the results as plain data."""
    from bench.mme import run_header
    from bench.run import _say, loadavg, run_step, start_server, stop_server

    work = Path(args.work or tempfile.mkdtemp(prefix="tiegraph-bench-loadcsv-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {**run_header(args.out), "rounds": args.rounds,
                           "warmup": args.warmup, "sizes": {}}
    env, home, pid = start_server(args, work)
    if home is None:
        raise SystemExit("bench.loadcsv starts its own server (LOAD CSV reads its import "
                         "folder): unset NEO4J_URI")
    server = [pid]

    def step(name: str, argv: list[str]) -> dict[str, Any]:
        la = loadavg()
        res = run_step(argv, env, args.step_timeout, server[0])
        _say(f"{name}: {res.wall:.1f} s, {res.max_rss_mib:.0f} MiB, load {la}"
             + ("" if res.ok else f" FAILED: {res.error}"))
        if not res.ok:
            raise SystemExit(f"{name} failed: {res.error}")
        return {**res.data, "wall": res.wall, "cpu": res.cpu, "max_rss_mib": res.max_rss_mib,
                "server_cpu": res.server_cpu, "load_average": la}

    try:
        for size in args.sizes:
            data = work / f"data-{size}"
            folder, texts = str(data / "bulk"), str(data / "texts")
            files = home / "import" / f"loadcsv-{size}"
            res: dict[str, Any] = {"load_start": loadavg(), "rounds": []}
            out["sizes"][size] = res
            res["generate"] = step(f"{size:,} generate", [
                "generate", str(data), "--events", str(size), "--yaml-max", "0"])
            res["prepare"] = step(f"{size:,} prepare CSV", [
                "prepare-csv", folder, "--sources", texts, "--out", str(files)])
            if args.warmup and size == args.sizes[0]:  # a cold JVM: discarded
                for what in ("load_csv", "bulk_load"):
                    step(f"{size:,} warm-up wipe", ["wipe"])
                    res.setdefault("warmup", {})[what] = step(f"{size:,} warm-up {what}", (
                        ["load-csv", str(files), "--import-root", str(home / "import"),
                         "--batch", str(args.batch)] if what == "load_csv" else
                        ["bulk-load", folder, "--sources", texts]))
            for i in range(args.rounds):
                rnd: dict[str, Any] = {}
                res["rounds"].append(rnd)
                order = ("load_csv", "bulk_load") if i % 2 == 0 else ("bulk_load", "load_csv")
                for what in order:
                    step(f"{size:,} round {i + 1} wipe", ["wipe"])
                    argv = (["load-csv", str(files), "--import-root", str(home / "import"),
                             "--batch", str(args.batch)] if what == "load_csv" else
                            ["bulk-load", folder, "--sources", texts])
                    rnd[what] = step(f"{size:,} round {i + 1} {what}", argv)
                if args.imports:
                    from tiegraph.graph import localserver

                    step(f"{size:,} round {i + 1} wipe", ["wipe"])
                    rnd["import"] = step(f"{size:,} round {i + 1} tiegraph neo4j import", [
                        "import", folder, "--sources", texts, "--home", str(home)])
                    rnd["admin"] = step(f"{size:,} round {i + 1} raw neo4j-admin", [
                        "admin-import", str(files), "--home", str(home)])
                    server[0] = localserver.status(home).pid
            res["load_end"] = loadavg()
            write(out, args)
    finally:
        stop_server(home)
    out["load_end"] = loadavg()
    return out


def _spread(values: list[float], digits: int = 0) -> str:
    """Return ``min / median / max`` of ``values``."""
    from bench.run import _f

    if not values:
        return "–"
    return " / ".join(_f(v, digits) for v in (min(values), statistics.median(values),
                                                max(values)))


def _rate(step: dict[str, Any], seconds: str = "seconds") -> float:
    return step["relationships"] / step[seconds]


def _ratios(out: dict[str, Any], step: str, baseline: str,
            baseline_seconds: str = "seconds") -> list[tuple[int, list[float]]]:
    """Return, per size with both steps measured, the per-round ratios of ``step``'s rate to
    ``baseline``'s (relationships/s; the baseline timed by its ``baseline_seconds``)."""
    found = []
    for size, res in out["sizes"].items():
        ratios = [_rate(r[step]) / _rate(r[baseline], baseline_seconds) for r in res["rounds"]
                  if step in r and baseline in r]
        if ratios:
            found.append((int(size), ratios))
    return found

def verdicts(out: dict[str, Any]) -> list[str]:
    """Return one line per target of issue 15 measured here: MET or MISSED, with numbers."""
    lines = []
    bulk = _ratios(out, "bulk_load", "load_csv")
    if bulk:
        met = all(statistics.median(r) >= TARGET_BULK for _, r in bulk)
        lines.append(
            f"* {'MET' if met else 'MISSED'}: bulk-load at least {TARGET_BULK:.1f}x LOAD CSV's "
            "relationships/s end to end (validation included), median over rounds — "
            + "; ".join(f"{s:,} events: {statistics.median(r):.2f}x (min {min(r):.2f}, max "
                        f"{max(r):.2f}, {len(r)} rounds)" for s, r in bulk))
    imp = _ratios(out, "import", "admin", "seconds_admin")
    if imp:
        met = all(statistics.median(r) >= TARGET_IMPORT for _, r in imp)
        lines.append(
            f"* {'MET' if met else 'MISSED'}: `tiegraph neo4j import` end to end at least "
            f"{TARGET_IMPORT:.1f}x the raw `neo4j-admin database import full` rate (its own run) "
            "on the same files — "
            + "; ".join(f"{s:,} events: {statistics.median(r):.2f}x (min {min(r):.2f}, max "
                        f"{max(r):.2f}, {len(r)} rounds)" for s, r in imp))
    return lines


def report(out: dict[str, Any], command: str) -> str:
    """Return the BENCHMARKS.md section (markers included) for the results ``out``."""
    from bench.run import _f, neo4j_version

    m, v = out["machine"], out["versions"]
    lines = [BEGIN, "## Against Neo4j's own tools: LOAD CSV and neo4j-admin (issue 15)", "",
             f"Produced by `{command}` (bench/loadcsv.py) at commit {out['commit']}, started "
             f"{out['started']}; {out['rounds']} round(s) per size"
             + (" (after one discarded warm-up of each load on the new server)"
                if out.get("warmup") else " (no warm-up: round 1 starts on a cold server)")
             + ", the two online loads alternated (LOAD CSV first in odd rounds), each a fresh "
             "process into a database "
             "wiped of every node and relationship just before (the schema stays). LOAD CSV "
             "reads the offline importer's CSV files of the same graph (written once, untimed) "
             "and is timed from creating the schema to its last statement; bulk-load is timed "
             "end to end inside its process (validation with every quote checked, projection, "
             "writes). Rates are relationships/s; min / median / max over the rounds; the ratio "
             "is taken per round. Machine: "
             f"{m.get('nproc')} cores ({m.get('cpu', '?')}), shared; load average "
             f"{out['load_start']} at the start, {out.get('load_end', '?')} at the end, and "
             "per step in the JSON. "
             f"Python {m.get('python')}, tiegraph {v.get('tiegraph')}, neo4j {v.get('neo4j')}, "
             f"Neo4j Community {neo4j_version()}.", "",
             "| events | relationships | rounds | LOAD CSV s | LOAD CSV rels/s | LOAD CSV server "
             "CPU s | bulk-load s | bulk validate s | bulk write s | bulk rels/s | bulk loader "
             "CPU s | bulk server CPU s | bulk / LOAD CSV | bulk peak MiB "
             "| load average (first / last step) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for size, res in out["sizes"].items():
        rounds = [r for r in res["rounds"] if "bulk_load" in r and "load_csv" in r]
        if not rounds:
            continue
        lc = [r["load_csv"] for r in rounds]
        bl = [r["bulk_load"] for r in rounds]
        las = [s["load_average"] for r in rounds for s in r.values()]
        lines.append(
            f"| {int(size):,} | {bl[0]['relationships']:,} | {len(rounds)} "
            f"| {_spread([s['seconds'] for s in lc], 1)} | {_spread([_rate(s) for s in lc])} "
            f"| {_spread([s['server_cpu'] for s in lc if s['server_cpu'] is not None], 1)} "
            f"| {_spread([s['seconds'] for s in bl], 1)} "
            f"| {_spread([s['seconds_validate'] for s in bl], 1)} "
            f"| {_spread([s['seconds_write'] for s in bl], 1)} "
            f"| {_spread([_rate(s) for s in bl])} "
            f"| {_spread([s['cpu'] for s in bl], 1)} "
            f"| {_spread([s['server_cpu'] for s in bl if s['server_cpu'] is not None], 1)} "
            f"| {_spread([_rate(b) / _rate(c) for b, c in zip(bl, lc, strict=True)], 2)} "
            f"| {_f(max(s['max_rss_mib'] for s in bl), 0)} | {las[0]} / {las[-1]} |")
        mismatch = [s for s in lc if s["relationships"] != s["expected_relationships"]
                    or s["nodes"] != s["expected_nodes"]]
        if mismatch:
            lines.append(f"| {int(size):,} | **LOAD CSV's counts differ from the graph's** "
                         "(see the JSON) ||||||||||||||")
    imports = [(size, [r for r in res["rounds"] if "import" in r and "admin" in r])
               for size, res in out["sizes"].items()]
    if any(r for _, r in imports):
        lines += ["", "`tiegraph neo4j import` end to end (its phases apart) and the raw "
                  "importer on the prepared files (`neo4j-admin` alone; the server's stop and "
                  "start apart). Seconds, min / median / max:", "",
                  "| events | rounds | import s | validate s | export s | stop + import s "
                  "| restart s | schema + indexes s | import rels/s | neo4j-admin s "
                  "| neo4j-admin rels/s | stop s | start s | import / neo4j-admin |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for size, rounds in imports:
            if not rounds:
                continue
            im = [r["import"] for r in rounds]
            ad = [r["admin"] for r in rounds]
            ratios = [_rate(a) / _rate(b, "seconds_admin") for a, b in zip(im, ad, strict=True)]
            lines.append(
                f"| {int(size):,} | {len(rounds)} | {_spread([s['seconds'] for s in im], 1)} "
                + "".join(f"| {_spread([s[k] for s in im], 1)} " for k in (
                    "seconds_validate", "seconds_export", "seconds_import", "seconds_restart",
                    "seconds_schema"))
                + f"| {_spread([_rate(s) for s in im])} "
                f"| {_spread([s['seconds_admin'] for s in ad], 1)} "
                f"| {_spread([_rate(s, 'seconds_admin') for s in ad])} "
                f"| {_spread([s['seconds_stop'] for s in ad], 1)} "
                f"| {_spread([s['seconds_start'] for s in ad], 1)} "
                f"| {_spread(ratios, 2)} |")
    lines += ["", "Targets (issue 15):", "", *verdicts(out),
              "", "<details><summary>JSON of every step</summary>", "", "```json",
              json.dumps(out, indent=1, default=str), "```", "", "</details>", "", END]
    return "\n".join(lines)


def write(out: dict[str, Any], args: argparse.Namespace) -> None:
    """Write the section into ``args.out`` (after each size, so an interrupted run keeps what
    it measured)."""
    from bench.mme import write_section

    write_section(args.out, report(out, args.command), BEGIN, END)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.loadcsv",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="Comma-separated event counts (default 10000,100000).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10_000,
                        help="Rows per inner transaction of LOAD CSV.")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="Do not run (and discard) one LOAD CSV and one bulk-load on the "
                        "new server before the first size's rounds.")
    parser.add_argument("--import", dest="imports", action="store_true",
                        help="Also time `tiegraph neo4j import` and the raw neo4j-admin.")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--work", help="Folder for the server and the data (default: a new "
                        "temporary folder).")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--step-timeout", type=float, default=3600)
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    except ValueError:
        parser.error("--sizes: give comma-separated integers")
    if args.rounds < 1 or not args.sizes:
        parser.error("give at least one size and one round")
    from bench.mme import command_line

    args.command = command_line("bench.loadcsv", argv)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print its section and write it into ``--out``; return 0."""
    args = parse_args(argv)
    out = measure(args)
    write(out, args)
    print(report(out, args.command).split("<details>")[0])
    print(f"wrote the LOAD CSV section of {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
