"""Reconcile the MME exercises with the curated ones, for an actor or a pair.

An MME exercise and a curated exercise *match* when both include the actors asked about and
their dates overlap at the precision each gives (a curated ``2008`` covers the whole year,
an MME ``2008-06`` the month); a curated exercise dated only to the year must also have the
same participating actors (a year holds many exercises: the dates alone do not pin one).
Each exercise matches at most once (the closest start first).
A matched pair becomes one exercise with both citations; where the two disagree on the
start (at the precision both give) or on the participating actors, the MME value becomes a
:class:`~loaders.model.DisputedClaim` of the merged fact. Only curated exercises within MME's
span (1980–2010) can be missing from MME.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tiegraph.loaders.dates import date_key
from tiegraph.loaders.mme import MME_SOURCE
from tiegraph.loaders.model import DisputedClaim, Exercise

if TYPE_CHECKING:
    from tiegraph.loaders.dataset import Dataset

MME_SPAN = ("1980", "2010")


@dataclass
class Reconciliation:
    """Exercises of the actors asked about: in both sources (merged), only in MME, only in
    the curated facts (within MME's span)."""

    actors: tuple[str, ...]
    both: list[Exercise] = field(default_factory=list)
    mme_only: list[Exercise] = field(default_factory=list)
    curated_only: list[Exercise] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Return the number of exercises in each group (and the claims the matches raised)."""
        return {"both": len(self.both), "mme_only": len(self.mme_only),
                "curated_only": len(self.curated_only),
                "claims": sum(len(e.disputed) for e in self.both)}


def _span(ex: Exercise) -> tuple[str, str]:
    return date_key(ex.when), date_key(ex.end or ex.when, end=True)


def _coarser(a: str, b: str) -> int:
    return min(len(a), len(b))


def _actors(ds: Dataset, ex: Exercise) -> frozenset[str]:
    return frozenset(ds.actor_of(p) for p in ex.participants)


def _is_mme(ex: Exercise) -> bool:
    return any(c.source == MME_SOURCE.id for c in ex.citations)


def merge(ds: Dataset, curated: Exercise, mme: Exercise) -> Exercise:
    """Return one exercise with the curated fields and both citations; a start or a set of
    actors that differs becomes a disputed claim citing MME."""
    claims = list(curated.disputed)
    n = _coarser(curated.when, mme.when)
    if curated.when[:n] != mme.when[:n]:
        claims.append(DisputedClaim(field="start", value=mme.when, citations=mme.citations,
                                    reason="MME dates the exercise differently"))
    if _actors(ds, curated) != _actors(ds, mme):
        claims.append(DisputedClaim(field="participants", value=list(mme.participants),
                                    citations=mme.citations,
                                    reason="MME lists other participating states"))
    return curated.model_copy(update={"citations": [*curated.citations, *mme.citations],
                                      "disputed": claims})


def reconcile(ds: Dataset, actors: tuple[str, ...]) -> Reconciliation:
    """Return the reconciliation of the combined dataset ``ds`` (curated facts and MME
    exercises, see :func:`loaders.mme.combine`) for the exercises involving all ``actors``
    (top-level actor ids)."""
    wanted = set(actors)
    mine = [f for f in ds.facts.values()
            if isinstance(f, Exercise) and wanted <= {ds.actor_of(p) for p in f.participants}]
    mme = sorted((f for f in mine if _is_mme(f)), key=lambda f: date_key(f.when))
    curated = sorted((f for f in mine if not _is_mme(f)
                      and MME_SPAN[0] <= f.when[:4] <= MME_SPAN[1]),
                     key=lambda f: date_key(f.when))
    out = Reconciliation(actors)
    taken: set[str] = set()
    for cur in curated:
        lo, hi = _span(cur)
        near = [m for m in mme if m.id not in taken and _span(m)[0] <= hi and lo <= _span(m)[1]
                and (len(cur.when) > 4 or _actors(ds, m) == _actors(ds, cur))]
        if not near:
            out.curated_only.append(cur)
            continue
        best = min(near, key=lambda m: abs(int(date_key(m.when)[:4]) - int(lo[:4])))
        taken.add(best.id)
        out.both.append(merge(ds, cur, best))
    out.mme_only = [m for m in mme if m.id not in taken]
    return out
