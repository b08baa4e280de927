"""What ``tiegraph densest`` prints beside its table, so that the answer explains itself: the
legend (measure, weights, window, what a tie is), notes on pairs that share a rank, each
pair's depth components with the facts behind them (``--why``), and every measure's rank side
by side with the reason two measures disagree (``--compare``). Plain functions: rows in,
text lines or rows out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tiegraph.graph.analysis import DEFAULT_WEIGHTS, MEASURES
from tiegraph.graph.depth import COMPONENT_KEYS, COMPONENTS, DEFAULT_DEPTH_WEIGHTS
from tiegraph.graph.schema import CATEGORY_ORDER

if TYPE_CHECKING:
    from tiegraph.graph.ties import Window

TIE = ("a tie = one fact of a counted category between two top-level actors (units and "
       "services count for their state); bilateral: the fact has 2 actors")
MEASURE_TEXT = {
    "count": "count = ties in the window",
    "weighted": "weighted = sum of category weight x 1/(n-1) per tie of an n-actor fact",
    "breadth": "breadth = categories with ties (0-6), ties broken by count",
    "depth": "depth = weighted mean of six components (0-1) as of the window's end",
}
#: How many fact ids ``--why`` prints per component (the JSON has them all).
WHY_IDS = 4


def _weights_text(measure: str, weights: dict[str, float] | None) -> str:
    if measure == "weighted":
        w = {**DEFAULT_WEIGHTS, **(weights or {})}
        return " ".join(f"{c}={w[c]:g}" for c in CATEGORY_ORDER)
    if measure == "depth":
        w = {**DEFAULT_DEPTH_WEIGHTS, **(weights or {})}
        return " ".join(f"{c}={w[c]:g}" for c in COMPONENTS)
    return "none"


def window_text(window: Window | None) -> str:
    """Return a window as words: ``since 2012, until 2019-12-31`` or ``all dates``."""
    if window is None or not window.bounded:
        return "all dates (undated facts included)"
    parts = [f"{k.replace('_', '-')} {v}" for k, v in vars(window).items() if v]
    return ", ".join(parts)


def legend(measure: str, weights: dict[str, float] | None, window: Window | None,
           rows: list[dict[str, Any]] | None = None) -> str:
    """Return the one-line legend of a densest table: measure, weights, window, tie."""
    as_of = next((r["as_of"] for r in rows or [] if r.get("as_of")), None)
    shown = f"as of {as_of}" if as_of else window_text(window)
    return (f"legend: {MEASURE_TEXT[measure]}; weights: {_weights_text(measure, weights)}; "
            f"window: {shown}; {TIE}.")


def rank_notes(rows: list[dict[str, Any]], measure: str) -> list[str]:
    """Return one line per rank that several shown rows share, saying why they are listed in
    that order."""
    notes = []
    by_rank: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_rank.setdefault(r["rank"], []).append(r)
    for rank, group in by_rank.items():
        if len(group) > 1:
            names = ", ".join(f"{r['a']}–{r['b']}" for r in group)
            order = "name" if measure == "count" else "count, then name"
            hint = (": breadth cannot tell them apart, try --measure depth"
                    if measure == "breadth" else "")
            notes.append(f"note: rank {rank} is shared by {len(group)} pairs with {measure} "
                         f"{group[0]['score']:g} ({names}); they are listed by {order}{hint}.")
    return notes


def why_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Return, per depth row, each component's value, what it holds and up to
    :data:`WHY_IDS` of the facts behind it."""
    out = []
    for r in rows:
        out.append(f"\n{r['a']} – {r['b']}: depth {r['score']:.3f} as of {r['as_of']}")
        for c in COMPONENTS:
            why = r["why"][c]
            ids = why["facts"][:WHY_IDS]
            more = len(why["facts"]) - len(ids)
            facts = f"  [{', '.join(ids)}{f', +{more} more' if more else ''}]" if ids else ""
            out.append(f"  {c:<13}{why['value']:5.2f}  {why['detail']}{facts}")
    return out


def compare_rows(by_measure: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Return one row per pair with its rank under every measure of ``by_measure`` (each the
    full ranked rows of one measure), ``disagree`` marked ``*`` where the ranks differ, in
    the order of the first measure."""
    ranks = {m: {(r["a_id"], r["b_id"]): r["rank"] for r in rows}
             for m, rows in by_measure.items()}
    first = next(iter(by_measure.values()))
    out = []
    for r in first:
        key = (r["a_id"], r["b_id"])
        row = {"a": r["a"], "b": r["b"], **{m: ranks[m].get(key) for m in by_measure},
               "a_id": r["a_id"], "b_id": r["b_id"]}
        row["disagree"] = "*" if len({row[m] for m in by_measure}) > 1 else ""
        out.append(row)
    return out


def disagreement_notes(by_measure: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Return one line per pair of measures whose first-ranked pairs differ, saying what puts
    each first: the category where the volume leader has most more ties, the components where
    the depth leader is deeper."""
    notes = []
    measures = [m for m in MEASURES if m in by_measure]
    for i, m1 in enumerate(measures):
        for m2 in measures[i + 1:]:
            top1, top2 = by_measure[m1][0], by_measure[m2][0]
            if (top1["a_id"], top1["b_id"]) == (top2["a_id"], top2["b_id"]):
                continue
            if m1 == "breadth" and by_measure[m1][1]["rank"] == 1:
                continue  # a shared first rank: said by the rank notes
            notes.append(f"{m1} puts {top1['b']} first, {m2} {top2['b']}: "
                         f"{_reason(top1, top2, m1, by_measure)}; "
                         f"{_reason(top2, top1, m2, by_measure)}.")
    return notes


def _reason(lead: dict[str, Any], other: dict[str, Any], measure: str,
            by_measure: dict[str, list[dict[str, Any]]]) -> str:
    """Return why ``lead`` beats ``other`` under ``measure``, in a few words."""
    if measure == "depth":
        depth = {(r["a_id"], r["b_id"]): r for r in by_measure["depth"]}
        mine, theirs = depth[(lead["a_id"], lead["b_id"])], depth.get(
            (other["a_id"], other["b_id"]))
        if theirs is None:
            return f"{lead['b']} has depth {mine['score']:.2f}"
        key = COMPONENT_KEYS
        gaps = sorted(((mine[key[c]] - theirs[key[c]], c) for c in COMPONENTS), reverse=True)
        best = [f"{c} {mine[key[c]]:.2f} vs {theirs[key[c]]:.2f} ({mine['why'][c]['detail']} vs "
                f"{theirs['why'][c]['detail']})" for gap, c in gaps[:2] if gap > 0]
        return f"{lead['b']} is deeper on " + " and ".join(best or ["no component"])
    gaps = sorted(((lead[c] - other[c], c) for c in CATEGORY_ORDER), reverse=True)
    gap, category = gaps[0]
    return (f"{lead['b']} has {lead['total'] - other['total']:+d} ties, most of the gap in "
            f"{category} ({lead[category]} vs {other[category]})" if gap > 0 else
            f"{lead['b']} scores {lead['score']:g} on {measure}")
