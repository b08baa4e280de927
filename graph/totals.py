"""Stated totals beside the dated facts: how much of each series the graph holds.

A source often states a total ("Royal Navy ships have visited Japan 35 times since 1975")
beside a partial list of dates. A ``stated_total`` fact records the count; this module counts
the dated facts of the same series, so that a reader sees where a series is incomplete. The
same rule is written in Cypher in ``queries/stated_totals.cypher`` (tests/test_totals.py checks
that both give the same rows).

A dated fact is in a total's series when it is of the counted type (and kind, when the total
gives one), of the same dialogue series (session counts), its visitor is the total's visitor
or one of its services, agencies or units (visit counts), its host matches, its person and
role contain the total's (words, ignoring case), its
top-level actors include every actor of the total, it is not a planned event, and its date
(first day) lies between the total's ``start`` (first day) and ``as_of`` (last day).
"""

from __future__ import annotations

from typing import Any

from tiegraph.loaders.dates import date_key
from tiegraph.loaders.model import FactBase, StatedTotal


def _within(ds: Any, entity: str, ancestor: str) -> bool:
    """Return True when ``entity`` is ``ancestor`` or belongs to it (a unit to its service,
    a service or agency to its state)."""
    seen = entity
    while seen is not None:
        if seen == ancestor:
            return True
        ent = ds.entities.get(seen)
        if ent is None or ent.kind not in ("service", "agency", "unit"):
            return False
        seen = ent.service or ent.state if ent.kind == "unit" else ent.state
    return False


def in_series(ds: Any, total: StatedTotal, fact: FactBase) -> bool:
    """Return True when ``fact`` is one of the dated events ``total`` counts (see the module
    docstring for the rule)."""
    when = getattr(fact, "when", None)
    if fact.type != total.counts or not when or getattr(fact, "status", None) == "planned":
        return False
    if total.kind is not None and getattr(fact, "kind", None) != total.kind:
        return False
    if total.series is not None and getattr(fact, "series", None) != total.series:
        return False
    if total.visitor is not None and not _within(ds, fact.visitor, total.visitor):  # type: ignore[attr-defined]
        return False
    if total.host is not None and not _within(ds, fact.host, total.host):  # type: ignore[attr-defined]
        return False
    if total.person is not None and total.person.casefold() not in (
            getattr(fact, "person", None) or "").casefold():
        return False
    if total.role is not None and total.role.casefold() not in (
            getattr(fact, "role", None) or "").casefold():
        return False
    if not set(ds.actors_of(total)) <= set(ds.actors_of(fact)):
        return False
    start = date_key(when)
    if total.start and start < date_key(total.start):
        return False
    return start <= date_key(total.as_of, end=True)


def stated_totals(ds: Any, actor: str | None = None) -> list[dict[str, Any]]:
    """Return one row per stated total (those involving ``actor``, a top-level id, when
    given), in id order: the series (caption), what the source states (qualifier and count,
    since, as of), the number of dated facts of the series in the graph, and the gap: how
    many the graph lacks (``None`` when the count is of people, or not exact and met)."""
    rows = []
    for fid in sorted(ds.facts):
        total = ds.facts[fid]
        if not isinstance(total, StatedTotal):
            continue
        if actor is not None and actor not in ds.actors_of(total):
            continue
        dated = sorted((f for f in ds.facts.values() if in_series(ds, total, f)),
                       key=lambda f: date_key(f.when))  # type: ignore[attr-defined]
        rows.append({
            "total": fid,
            "counts": total.counts + (f" ({total.kind})" if total.kind else ""),
            "of": _who(ds, total),
            "stated": _stated(total),
            "since": total.start,
            "as_of": total.as_of,
            "dated": len(dated),
            "gap": _gap(total, len(dated)),
            "sources": ", ".join(sorted({c.source for c in total.citations})),
        })
    return rows


def _who(ds: Any, total: StatedTotal) -> str:
    """Return whose series a total counts: ``gbr-royal-navy → JPN``, a dialogue series' name,
    or the actors joined by dashes."""
    if total.series is not None:
        return ds.facts[total.series].name
    if total.visitor or total.host:
        person = f" ({total.person})" if total.person else ""
        return f"{total.visitor or 'any'} → {total.host or 'any'}{person}"
    return "–".join(total.actors)


_WORDS = {"exact": "", "at_least": "≥ ", "more_than": "> ", "about": "≈ "}


def _stated(total: StatedTotal) -> str:
    """Return the count as the source states it: ``35``, ``≥ 6``, ``≈ 20``, ``30 people``."""
    people = " people" if total.counted == "people" else ""
    return f"{_WORDS[total.qualifier]}{total.count}{people}"


def _gap(total: StatedTotal, dated: int) -> int | None:
    """Return how many events of the series the graph lacks (0 when it holds them all or
    more), or None when that cannot be said: a count of people, or an approximate count."""
    if total.counted == "people" or total.qualifier == "about":
        return None
    least = total.count + (1 if total.qualifier == "more_than" else 0)
    return max(least - dated, 0)
