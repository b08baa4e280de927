"""``tiegraph bulk-load DIR`` and ``tiegraph synthetic OUT``: large inputs (docs/scale.md).

A thin layer over :mod:`loaders.bulk` and :mod:`loaders.synthetic`; registered by
:mod:`graph.cli`. pandas and the loaders are imported only when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tiegraph.graph.clitools import (
    Command,
    connection_options,
    emit,
    handle_errors,
    output_options,
    settings_from,
    with_mme_option,
)


class _Bars:
    """One progress bar per stage (``validate``, then ``write``) on stderr."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, n: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            label = {"validate": "validating", "write": "writing"}.get(stage, stage)
            self.bar = click.progressbar(length=self.total, label=label, file=sys.stderr,
                                         show_pos=True)
            self.bar.__enter__()
            self.stage = stage
        self.bar.update(n)

    def close(self) -> None:
        """Finish the current bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _count_rows(path: Path) -> int:
    """Return the number of lines after the header (a progress bar's length; exact unless
    cells hold line breaks)."""
    n = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                n += block.count(b"\n")
    except OSError:
        return 0
    return max(0, n - 1)


@click.command("bulk-load", cls=Command)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder of the source texts for quote checks (default: "
              "FOLDER/texts, else TIEGRAPH_SOURCES or ../shared/sources).")
@click.option("--no-quotes", is_flag=True, help="Do not check quotes against the texts.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Facts per chunk and transaction (default 5000).")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--prune", is_flag=True,
              help="Allow removing relationships or claims of more than 10% of the facts in "
                   "the database, or any disputed claim (of facts the folder rewrites).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@with_mme_option
@connection_options
@output_options
@handle_errors
def bulk_load(folder: Path, sources_dir: Path | None, no_quotes: bool, chunk_size: int | None,
              dry_run: bool, prune: bool, quiet: bool, mme: Path | None, as_json: bool,
              as_csv: bool, **kwargs: Any) -> None:
    """Validate a bulk CSV folder, then write it to Neo4j in batches (docs/scale.md).

    FOLDER holds sources.csv, entities.csv, facts.csv, participants.csv and citations.csv.
    Every row is validated first (problems are listed as file:line, exit 3) and nothing is
    written unless all are valid. Then one transaction per chunk writes only what differs
    from the database: not atomic, but idempotent, so rerunning after a failure completes
    the load. Facts absent from the folder are left in the database; a fact the database
    holds is brought to its new form, and a load that would strip relationships or claims
    from more than 10% of the facts, or remove a disputed claim, refuses (exit 8) unless
    --prune.

    With --with-mme PATH (or TIEGRAPH_MME) the MME v7 exercises are imported over the
    folder's entities (which must name the organisations MME names, such as NATO) and
    written after the folder's facts, as `tiegraph load --with-mme` does for the YAML data.
    """
    from tiegraph.loaders.bulk import CHUNK_SIZE, FACTS_FILE
    from tiegraph.loaders.bulk import bulk_load as run
    from tiegraph.loaders.layout import check_bulk_folder
    from tiegraph.loaders.neo4j_loader import open_driver, translate_errors
    from tiegraph.loaders.paths import mme_path

    settings = settings_from(kwargs)
    mme = mme_path(mme)
    check_bulk_folder(folder)  # before the rows are counted: a FIFO would block
    bars = _Bars(_count_rows(folder / FACTS_FILE) + (_count_rows(mme) if mme else 0),
                 not quiet)
    try:
        if dry_run:
            result = run(None, folder, settings.database, sources_dir=sources_dir,
                         check_quotes=not no_quotes, chunk_size=chunk_size or CHUNK_SIZE,
                         dry_run=True, progress=bars, mme=mme)
        else:
            with open_driver(settings, writes=True) as driver, \
                    translate_errors(settings, writes=True):
                result = run(driver, folder, settings.database, sources_dir=sources_dir,
                             check_quotes=not no_quotes, chunk_size=chunk_size or CHUNK_SIZE,
                             progress=bars, prune=prune, mme=mme)
    finally:
        bars.close()
    quotes = "quotes verified" if result.quotes_checked else "quotes NOT verified (no texts)"
    facts = f"{result.facts} facts" + (f", {result.mme.exercises} of them MME exercises "
                                       f"({result.mme.rows} rows read)" if result.mme else "")
    if dry_run:
        click.echo(f"ok: {facts} valid; {quotes}; nothing written (dry run)")
        return
    rows = result.table()
    emit(rows, as_json, as_csv, ["what", "name", "created", "updated", "removed"])
    if not (as_json or as_csv):
        click.echo(f"{result.changed} item(s) changed in {result.transactions} transaction(s); "
                   f"the input's graph has {result.nodes} nodes and {result.relationships} "
                   f"relationships ({facts}; {quotes}; validated in "
                   f"{result.seconds_validate:.1f} s, written in {result.seconds_write:.1f} s)")


@click.command("synthetic", cls=Command)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--events", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Number of facts to generate.")
@click.option("--actors", type=click.IntRange(min=3), default=None,
              help="Top-level actors (default: about 3 x sqrt(events), 30 to 300).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed and sizes give the same files.")
@click.option("--yaml/--no-yaml", "yaml_files", default=None,
              help="Also write YAML fact files (default: up to 20,000 events).")
@handle_errors
def synthetic(out: Path, events: int, actors: int | None, seed: int,
              yaml_files: bool | None) -> None:
    """Generate deterministic synthetic data: OUT/bulk (CSV), OUT/yaml, OUT/texts."""
    from tiegraph.loaders.synthetic import generate

    s = generate(out, events, actors=actors, seed=seed, yaml_files=yaml_files)
    click.echo(f"wrote {s.events} facts, {s.entities} entities ({s.actors} top-level actors), "
               f"{s.sources} sources to {out}"
               + (" (bulk CSV and YAML)" if s.yaml else " (bulk CSV)"))
    click.echo(f"load it: tiegraph bulk-load {out / 'bulk'} --sources {out / 'texts'}")
