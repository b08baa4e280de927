"""``tiegraph reconcile mme``: the curated exercises beside the MME ones (loaders.reconcile)."""

from __future__ import annotations

from typing import Any

import click

from tiegraph.graph.clitools import emit, handle_errors, mme_from, mme_options, output_options


@click.group()
def reconcile() -> None:
    """Compare the curated facts with a peer data set."""


@reconcile.command("mme")
@click.argument("a")
@click.argument("b", required=False)
@mme_options
@output_options
@handle_errors
def mme(a: str, b: str | None, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
    """Exercises of A (with B) 1980-2010 in both sources, only in MME, only curated.

    A matched pair is one exercise with both citations; a disagreement on the start or the
    participants is listed as a claim. Needs --with-mme PATH (or TIEGRAPH_MME).
    """
    from tiegraph.graph.api import FilesBackend, resolve
    from tiegraph.loaders.mme import load_combined
    from tiegraph.loaders.reconcile import reconcile as run

    path, _kinds = mme_from(kwargs)
    if path is None:
        raise click.UsageError("reconcile mme needs the MME CSV: --with-mme PATH or TIEGRAPH_MME")
    ds = load_combined(None, path, check_quotes=False)
    backend = FilesBackend(mme=path)
    actors = tuple(resolve(backend, name) for name in (a, b) if name)
    result = run(ds, actors)
    rows = [
        {"found": group, "date": ex.when, "fact": ex.id, "name": ex.name,
         "participants": ", ".join(sorted({ds.actor_of(p) for p in ex.participants})),
         "citations": "; ".join(f"{c.source}: {c.locator}" for c in ex.citations),
         "claims": "; ".join(f"{d.field}: {d.value}" for d in ex.disputed)}
        for group, exs in (("both", result.both), ("mme only", result.mme_only),
                           ("curated only", result.curated_only)) for ex in exs]
    emit(rows, as_json, as_csv, ["found", "date", "fact", "name", "participants", "citations",
                                 "claims"])
    if not (as_json or as_csv):
        counts = result.counts()
        click.echo(f"\n{counts['both']} in both ({counts['claims']} claim(s)), "
                   f"{counts['mme_only']} only in MME, {counts['curated_only']} only curated "
                   f"(1980-2010)")
