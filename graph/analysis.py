"""Which partnerships are densest, and the evidence behind a pair: plain functions over ties.

Measures (each pair of actors ``a``–``b``; ``n_c`` = number of ties of category ``c``; a tie
of a fact with ``n`` actors has the share ``1 / (n - 1)``, 1 when bilateral):

* ``count``    — ``sum_c n_c``: every counted fact once.
* ``weighted`` — ``sum_c w_c * s_c`` where ``s_c`` is the sum of the shares of the pair's ties
  of category ``c`` (Newman's collaboration weighting: an actor's ties from one event of ``n``
  actors add up to 1 whatever ``n``), with weights :data:`DEFAULT_WEIGHTS` unless given.
* ``breadth``  — the number of categories with ``n_c > 0`` (0–6); ties are broken by count.
* ``depth``    — see :mod:`graph.depth` (needs more than ties: computed there).

Every row also says how many of its ties are ``bilateral`` (``n = 2``) and ``multilateral``.

Rows are ranked by the measure, then by count, then by the pair's names. ``rank`` is dense
over the score, so equal scores share a rank.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from tiegraph.graph.schema import CATEGORY_ORDER
from tiegraph.graph.ties import Tie, Window

Measure = Literal["count", "weighted", "breadth", "depth"]
MEASURES: tuple[Measure, ...] = ("count", "weighted", "breadth", "depth")
PairKind = Literal["all", "state-state", "state-org"]
#: The measures that take weights (``--weight``).
WEIGHTED_MEASURES = ("weighted", "depth")

#: Default weights of the ``weighted`` measure: a signed agreement or a combined exercise
#: binds more than one visit. Override with ``weights=`` (CLI: ``--weight exercises=3``).
DEFAULT_WEIGHTS: dict[str, float] = {
    "agreements": 3.0,
    "dialogues": 1.0,
    "visits": 1.0,
    "exercises": 2.0,
    "exchanges_industrial": 1.0,
    "operations": 2.0,
}


def pair_counts(
    ties: Iterable[Tie], window: Window | None = None
) -> dict[tuple[str, str], Counter[str]]:
    """Return per pair ``(a, b)`` the number of ties by category inside ``window``."""
    window = window or Window()
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for tie in ties:
        if window.keeps(tie):
            counts[(tie.a, tie.b)][tie.category] += 1
    return counts


def share(tie: Tie) -> float:
    """Return the weight of one tie in the weighted measures: ``1 / (n - 1)`` for a fact of
    ``n`` actors (1 when bilateral), so that each actor's ties from one event add up to 1."""
    return 1.0 / (tie.n - 1)


@dataclass
class PairTally:
    """What the measures need of one pair's ties: ``counts`` by category, ``shares`` (sum of
    :func:`share`) by category, and the number of ``bilateral`` ties."""

    counts: Counter[str] = field(default_factory=Counter)
    shares: Counter[str] = field(default_factory=Counter)
    bilateral: int = 0


def pair_tallies(ties: Iterable[Tie], window: Window | None = None) -> dict[tuple[str, str],
                                                                            PairTally]:
    """Return per pair ``(a, b)`` the :class:`PairTally` of its ties inside ``window``."""
    window = window or Window()
    tallies: dict[tuple[str, str], PairTally] = defaultdict(PairTally)
    for tie in ties:
        if window.keeps(tie):
            tally = tallies[(tie.a, tie.b)]
            tally.counts[tie.category] += 1
            tally.shares[tie.category] += share(tie)
            tally.bilateral += tie.n == 2
    return tallies


def score(tally: PairTally, measure: Measure, weights: dict[str, float] | None = None) -> float:
    """Return the score of one pair's tally under ``measure`` (count, weighted or breadth)."""
    if measure == "count":
        return float(sum(tally.counts.values()))
    if measure == "breadth":
        return float(sum(1 for c in CATEGORY_ORDER if tally.counts[c] > 0))
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    return float(sum(w[c] * tally.shares[c] for c in CATEGORY_ORDER if tally.shares[c]))


def check_request(measure: str, weights: dict[str, float] | None, top: int | None) -> None:
    """Return None when a ranking request makes sense; raise ValueError saying what to write
    when weights are given to a measure that has none, or ``top`` is not a positive number."""
    if weights and measure not in WEIGHTED_MEASURES:
        raise ValueError(
            f"--weight applies only to --measure {' or '.join(WEIGHTED_MEASURES)}, not "
            f"{measure}: add --measure weighted (category weights) or --measure depth "
            "(component weights), or leave --weight out")
    if top is not None and top < 1:
        raise ValueError(f"--top {top}: give a number of rows of 1 or more (e.g. --top 5), or "
                         "leave --top out to list every pair")


def densest_partnerships(
    ties: Iterable[Tie],
    kinds: dict[str, str],
    names: dict[str, str],
    *,
    measure: Measure = "count",
    weights: dict[str, float] | None = None,
    window: Window | None = None,
    focus: str | None = None,
    pair_kind: PairKind = "all",
    top: int | None = None,
) -> list[dict[str, Any]]:
    """Return the ranked pairs: one row per pair with ``rank``, ``a``, ``b`` (names), ids,
    one count per category, ``total``, ``bilateral``, ``multilateral``, ``breadth`` and
    ``score`` (rounded to 6 decimals, so that sums of shares in another order tie equally).

    ``kinds`` maps actor id to entity kind (state/organisation), ``names`` id to name.
    ``focus`` keeps only pairs that include that actor id (and lists it first).
    """
    check_request(measure, weights, top)
    if measure == "depth":
        raise ValueError("depth needs more than ties: use graph.api.densest")
    if weights:
        unknown = set(weights) - set(CATEGORY_ORDER)
        if unknown:
            raise ValueError(
                f"unknown categories in weights: {', '.join(sorted(unknown))}; "
                f"use {', '.join(CATEGORY_ORDER)}"
            )
    rows = []
    for (a, b), tally in pair_tallies(ties, window).items():
        counts = tally.counts
        if focus and focus not in (a, b):
            continue
        pair = {kinds[a], kinds[b]}
        if pair_kind == "state-state" and pair != {"state"}:
            continue
        if pair_kind == "state-org" and pair != {"state", "organisation"}:
            continue
        if focus == b:
            a, b = b, a
        row: dict[str, Any] = {"a": names[a], "b": names[b], "a_id": a, "b_id": b}
        row.update({c: counts[c] for c in CATEGORY_ORDER})
        row["total"] = sum(counts.values())
        row["bilateral"] = tally.bilateral
        row["multilateral"] = row["total"] - tally.bilateral
        row["breadth"] = sum(1 for c in CATEGORY_ORDER if counts[c])
        row["score"] = round(score(tally, measure, weights), 6)
        rows.append(row)
    return rank_rows(rows, top)


def rank_rows(rows: list[dict[str, Any]], top: int | None = None) -> list[dict[str, Any]]:
    """Return ``rows`` sorted by score, then count, then names, each with a dense ``rank``
    first (equal scores share a rank), the first ``top`` only when given."""
    rows.sort(key=lambda r: (-r["score"], -r["total"], r["a"], r["b"]))
    rank, previous = 0, None
    for row in rows:
        if row["score"] != previous:
            rank += 1
            previous = row["score"]
        row["rank"] = rank
    rows = rows[:top] if top else rows
    return [{"rank": r.pop("rank"), **r} for r in rows]


def explain_pair(ties: Iterable[Tie], a: str, b: str, window: Window | None = None) -> list[Tie]:
    """Return the ties between actors ``a`` and ``b`` (either order) in date order."""
    lo, hi = sorted((a, b))
    window = window or Window()
    chosen = [t for t in ties if t.a == lo and t.b == hi and window.keeps(t)]
    return sorted(chosen, key=lambda t: (t.when or "9999", t.category, t.fact))


def timeline(
    ties: Iterable[Tie], a: str, b: str | None = None, window: Window | None = None
) -> list[dict[str, Any]]:
    """Return one row per year with the number of ties by category for actor ``a`` (with
    anyone, or with ``b``); undated ties are left out."""
    window = window or Window()
    per_year: dict[int, Counter[str]] = defaultdict(Counter)
    for t in ties:
        if a not in (t.a, t.b) or (b and b not in (t.a, t.b)) or t.year is None:
            continue
        if window.keeps(t):
            per_year[t.year][t.category] += 1
    return [
        {
            "year": y,
            **{c: per_year[y][c] for c in CATEGORY_ORDER},
            "total": sum(per_year[y].values()),
        }
        for y in sorted(per_year)
    ]
