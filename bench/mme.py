"""The MME v7 benchmark: a real data set through ``tiegraph load`` and ``densest``.

    python -m bench.mme ../shared/datasets/mme_v7.csv      # 3 repeats; updates BENCHMARKS.md
    python -m bench.mme PATH --repeats 5 --out FILE

Each repeat runs, in this order (so the two loads alternate), every command in a fresh
process: the ``tiegraph`` entry point of this interpreter's environment, timed end to end
(interpreter start, imports, validation with every quote checked, projection, writes):

1. wipe the database (every node and relationship; the schema stays), ``tiegraph load
   --quiet`` (the bundled data alone), count what the database holds;
2. wipe, ``tiegraph load --quiet --with-mme PATH`` (the bundled data and the MME exercises),
   count;
3. ``tiegraph densest --sources mme --with-mme PATH`` on the files backend with an empty
   index cache (cold), then again (warm), and ``tiegraph densest --sources mme --source
   neo4j`` on the database just loaded.

It starts a throwaway local Neo4j (as :mod:`bench.run` does) unless NEO4J_URI is set, in
which case that server's database is WIPED. The report gives min/median/max seconds per
command and facts/s and relationships/s at the median, and is written to its own section of
BENCHMARKS.md (between :data:`BEGIN` and :data:`END`; the scale benchmark keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench.mme: begin (written by python -m bench.mme; do not edit by hand) -->"
END = "<!-- bench.mme: end -->"
ROOT = Path(__file__).resolve().parents[1]


def splice(text: str, block: str, begin: str = BEGIN, end: str = END) -> str:
    """Return ``text`` with its section between ``begin`` and ``end`` (the MME section by
    default) replaced by ``block`` (inserted before ``## Targets``, else ``## Raw results``,
    else at the end, when it has none)."""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return head + block + rest.split(end, 1)[1]
    for heading in ("\n## Targets", "\n## Raw results"):
        if heading in text:
            head, rest = text.split(heading, 1)
            return head + "\n" + block + "\n" + heading + rest
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_section(out: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Write ``block`` as the section between ``begin`` and ``end`` of the report ``out``
    (created with a bare title if missing), leaving the rest of it as it is."""
    old = out.read_text() if out.is_file() else "# Benchmarks\n"
    out.write_text(splice(old, block, begin, end))


def command_line(module: str, argv: list[str] | None) -> str:
    """Return the command that ran ``module`` with ``argv`` (default: this process's), quoted
    as a shell would take it: the report says how it was produced."""
    return f"python -m {module} " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))


def keep_section(path: Path, text: str, begin: str = BEGIN, end: str = END) -> str:
    """Return the report ``text`` with the section between ``begin`` and ``end`` (the MME
    section by default) of the file at ``path`` (if it has one) spliced in, so that
    rewriting BENCHMARKS.md keeps it."""
    try:
        old = path.read_text()
    except OSError:
        return text
    if begin not in old or end not in old:
        return text
    return splice(text, begin + old.split(begin, 1)[1].split(end, 1)[0] + end, begin, end)


def keep_sections(path: Path, text: str) -> str:
    """Return the report ``text`` with every section that the other bench scripts write into
    the file at ``path`` (bench.mme, bench.load, bench.loadcsv; those it has) spliced in, so
    that rewriting BENCHMARKS.md keeps them."""
    from bench import load, loadcsv

    for begin, end in ((BEGIN, END), (load.BEGIN, load.END), (loadcsv.BEGIN, loadcsv.END)):
        text = keep_section(path, text, begin, end)
    return text


def tiegraph_command() -> list[str]:
    """Return the ``tiegraph`` entry point installed beside this interpreter (else the CLI
    module run by it)."""
    exe = Path(sys.executable).parent / "tiegraph"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "tiegraph.graph.cli"]


def run_header(report: Path) -> dict[str, Any]:
    """Return what every bench script's results start with: when, the commit, the machine,
    the library versions and the load average at the start."""
    from bench.run import loadavg, machine_info, versions

    return {"started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "commit": git_commit(report), "machine": machine_info(), "versions": versions(),
            "load_start": loadavg()}


def git_commit(report: Path) -> str:
    """Return the checkout's commit (short hash, ``+changes`` when a tracked file other than
    the ``report`` being written differs from it)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()

    out = report.resolve()
    exclude = [f":!{out.relative_to(ROOT)}"] if out.is_relative_to(ROOT) else []
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", *exclude)
    return (git("rev-parse", "--short", "HEAD") or "?") + ("+changes" if dirty else "")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run the repeats; return every result as plain data."""
    from bench.run import (
        _say,
        loadavg,
        run_command,
        run_step,
        start_server,
        stop_server,
    )

    work = Path(args.work or tempfile.mkdtemp(prefix="tiegraph-bench-mme-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {**run_header(args.out), "runs": {}}
    env, home, pid = start_server(args, work)
    env = {k: v for k, v in env.items() if k not in ("TIEGRAPH_MME", "TIEGRAPH_SOURCE")}
    tg = tiegraph_command()
    mme = str(Path(args.mme).resolve())
    steps = {
        "load": [*tg, "load", "--quiet"],
        "load_mme": [*tg, "load", "--quiet", "--with-mme", mme],
        "files_cold": [*tg, "densest", "--sources", "mme", "--with-mme", mme],
        "files_warm": [*tg, "densest", "--sources", "mme", "--with-mme", mme],
        "neo4j": [*tg, "densest", "--sources", "mme", "--source", "neo4j"],
    }
    out["commands"] = {k: " ".join(["tiegraph", *map(shlex.quote, v[len(tg):])])
                       .replace(shlex.quote(mme), shlex.quote(args.mme))  # as given
                       for k, v in steps.items()}

    def record(name: str, res: Any) -> dict[str, Any]:
        _say(f"{name}: {res.wall:.1f} s" + ("" if res.ok else f" FAILED: {res.error}"))
        if not res.ok:
            raise SystemExit(f"{name} failed: {res.error}")
        return {"seconds": res.wall, "cpu": res.cpu, "max_rss_mib": res.max_rss_mib,
                "server_cpu": res.server_cpu, **res.data}

    try:
        for i in range(1, args.repeats + 1):
            runs: dict[str, Any] = {"load_average": loadavg()}
            out["runs"][i] = runs
            # a new, empty index cache for this run's analysis (the loads do not share it)
            step_env = {**env, "TIEGRAPH_CACHE": str(work / f"cache-{i}")}
            for load in ("load", "load_mme"):
                record(f"run {i} wipe", run_step(["wipe"], env, args.step_timeout, pid))
                timed = record(f"run {i} {load}", run_command(
                    steps[load], {**env, "TIEGRAPH_CACHE": str(work / f"load-cache-{i}")},
                    args.step_timeout, pid, json_result=False))
                counted = record(f"run {i} counts", run_step(["counts"], env,
                                                             args.step_timeout, pid))
                runs[load] = {**counted, **timed}
            for name in ("files_cold", "files_warm", "neo4j"):
                runs[name] = record(f"run {i} {name}", run_command(
                    steps[name], step_env, args.step_timeout, pid, json_result=False))
    finally:
        stop_server(home)
    out["load_end"] = loadavg()
    return out


def _counts(res: dict[str, Any]) -> dict[str, Any]:
    """Return the counts of a load step (the counts step's keys)."""
    return {k: res[k] for k in ("facts", "mme_facts", "nodes", "relationships")}


def report(res: dict[str, Any], command: str) -> str:
    """Return the BENCHMARKS.md section (markers included) for the results ``res``."""
    from bench.run import _f, neo4j_version

    runs = list(res["runs"].values())
    m, v = res["machine"], res["versions"]

    def times(name: str) -> list[float]:
        return [r[name]["seconds"] for r in runs]

    def peak(name: str) -> float:
        return max(r[name]["max_rss_mib"] for r in runs)

    lines = [BEGIN, "## A real data set: MME v7 (issue 19)", "",
             f"Produced by `{command}` (bench/mme.py) at commit {res['commit']}, started "
             f"{res['started']}; repeats: {len(runs)}, the bundled-only load and the load with "
             f"MME alternated, each command a fresh process timed end to end (interpreter "
             f"start, imports, validation with every quote checked, writes) into a database "
             f"wiped of every node and relationship just before (the schema stays). Machine: "
             f"{m.get('nproc')} cores ({m.get('cpu', '?')}), {m.get('memory_gib', '?')} GiB; "
             f"load average {res['load_start']} at the start, {res['load_end']} at the end "
             f"(shared machine). Python {m.get('python')}, tiegraph {v.get('tiegraph')}, "
             f"neo4j {v.get('neo4j')}, Neo4j Community {neo4j_version()}. Counts are what the "
             "database held after the load (they depend on the graph model of that commit); "
             "facts/s and rels/s are at the median time. Run 1's first load is into a new "
             "server (cold JVM, schema created).", "",
             "| command | facts | of which MME | relationships | runs | min s | median s | "
             "max s | facts/s | rels/s | peak MiB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    counts = {name: _counts(runs[-1][name]) for name in ("load", "load_mme")}
    for name in ("load", "load_mme"):
        if any(_counts(r[name]) != counts[name] for r in runs):
            lines.insert(-2, f"**The counts of `{res['commands'][name]}` differed between "
                         "runs**: the last run's are shown.\n")
    for name in ("load", "load_mme"):
        t, c = times(name), counts[name]
        med = statistics.median(t)
        lines.append(
            f"| `{res['commands'][name]}` | {c['facts']:,} | {c['mme_facts']:,} "
            f"| {c['relationships']:,} | {len(t)} | {_f(min(t))} | {_f(med)} | {_f(max(t))} "
            f"| {_f(c['facts'] / med, 0)} | {_f(c['relationships'] / med, 0)} "
            f"| {_f(peak(name), 0)} |")
    d_facts = counts["load_mme"]["facts"] - counts["load"]["facts"]
    d_rels = counts["load_mme"]["relationships"] - counts["load"]["relationships"]
    d_t = statistics.median(times("load_mme")) - statistics.median(times("load"))
    lines.append(f"| the MME part (difference of the two medians) | {d_facts:,} | "
                 f"{counts['load_mme']['mme_facts']:,} | {d_rels:,} | – | – | {_f(d_t)} | – "
                 f"| {_f(d_facts / d_t, 0) if d_t > 0 else '–'} "
                 f"| {_f(d_rels / d_t, 0) if d_t > 0 else '–'} | – |")
    mme_facts = counts["load_mme"]["mme_facts"]
    for name, what in (("files_cold", "files backend, empty index cache"),
                       ("files_warm", "files backend, index cached"),
                       ("neo4j", "Neo4j backend, after the load with MME")):
        t = times(name)
        med = statistics.median(t)
        lines.append(
            f"| `{res['commands'][name]}` ({what}) | {mme_facts:,} | {mme_facts:,} | – "
            f"| {len(t)} | {_f(min(t), 2)} | {_f(med, 2)} | {_f(max(t), 2)} "
            f"| {_f(mme_facts / med, 0)} | – | {_f(peak(name), 0)} |")
    lines += ["", "<details><summary>JSON of every run</summary>", "", "```json",
              json.dumps(res, indent=1, default=str), "```", "", "</details>", "", END]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.mme",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("mme", help="The MME v7 CSV as published.")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md",
                        help="The report whose MME section is written (default BENCHMARKS.md).")
    parser.add_argument("--work", help="Folder for the server and the caches (default: a new "
                        "temporary folder).")
    parser.add_argument("--heap", default="2g", help="Heap of the local Neo4j.")
    parser.add_argument("--pagecache", default="2g", help="Page cache of the local Neo4j.")
    parser.add_argument("--step-timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats: give 1 or more")
    if not Path(args.mme).is_file():
        parser.error(f"{args.mme}: no such file (the MME v7 CSV)")
    args.command = command_line("bench.mme", argv)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the MME benchmark, print its section and write it into ``--out``; return 0."""
    args = parse_args(argv)
    res = measure(args)
    block = report(res, args.command)
    write_section(args.out, block)
    print(block.split("<details>")[0])
    print(f"wrote the MME section of {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
