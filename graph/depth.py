"""The ``depth`` of a partnership: components an analyst recognises, each scaled 0–1, as of a
date (the end of the window).

Counting ties measures *volume*: a port call weighs as much as an agreement. ``depth`` asks
what the two sides have built that lasts, the questions the RAND report (Hornung 2020) asks
of Japan's European partners. For a pair *a*–*b* as of the date *D*:

* ``institutions`` — which of five kinds of bilateral agreement are in force at *D* (concluded
  by *D*, by signature or entry into force, and not terminated): a framework (joint statement
  or declaration, roadmap, action plan, partnership programme, memorandum, treaty),
  information security, equipment and technology transfer, ACSA, reciprocal access. Share of
  the five kinds held.
* ``mechanisms`` — the standing bilateral dialogue series at four levels: 2+2, leaders or
  ministers, senior officials (vice-ministerial, strategic, political–military, consultations),
  staff (military–military, staff talks, service to service). Per level 1 when a series of
  that level exists by *D* and met in the last :data:`RECENT_YEARS` years, 0.5 when it exists
  but has not met since, 0 when there is none; the mean of the four levels.
* ``forces`` — which branches (land, sea, air) of *both* sides exercised together in a
  bilateral exercise held by *D*: Japan's GSDF with the partner's army, MSDF with its navy,
  ASDF with its air force. A participant's branch is its service's (a unit's is its
  service's); a participant named only as a state, an organisation or a joint body counts for
  the exercise's domain (maritime: sea, land: land, air: air). Share of the three branches.
* ``industry`` — joint research and co-development projects under way or done by *D*: ``k /
  (k + 2)`` where ``k`` adds each project's share ``1 / (n - 1)`` (``n`` actors).
* ``operations`` — joint or parallel operations and deployments by *D*: ``k / (k + 2)``, shares
  as for industry.
* ``intensity`` — ties (every category) per year over the last :data:`INTENSITY_YEARS` years up
  to *D*, each with its share ``1 / (n - 1)``: ``r / (r + 10)``. Shown beside it, not scored:
  the ``trend``, this rate over the rate of the five years before.

``depth = sum_i w_i x_i / sum_i w_i`` with weights :data:`DEFAULT_DEPTH_WEIGHTS` (all 1)
unless given. docs/analysis.md gives the reason for each component and constant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tiegraph.graph.ties import Tie
from tiegraph.loaders.dates import date_key

COMPONENTS = ("institutions", "mechanisms", "forces", "industry", "operations", "intensity")
#: The key (column) of each component in a ``densest`` row: prefixed, so that a component
#: never takes the place of the tie count of the same name (``operations``).
COMPONENT_KEYS: dict[str, str] = {c: f"depth_{c}" for c in COMPONENTS}
#: Default weight of each component: none is privileged without a reason to.
DEFAULT_DEPTH_WEIGHTS: dict[str, float] = dict.fromkeys(COMPONENTS, 1.0)

#: The five kinds of institution, and the agreement kinds that make each.
INSTITUTIONS: dict[str, tuple[str, ...]] = {
    "framework": ("joint_statement", "joint_declaration", "roadmap", "action_plan",
                  "partnership_programme", "memorandum", "treaty"),
    "information_security": ("information_security",),
    "equipment_transfer": ("equipment_technology_transfer",),
    "acsa": ("acsa",),
    "reciprocal_access": ("reciprocal_access",),
}
#: The four levels of dialogue, and the series kinds at each (``other`` is at none).
LEVELS: dict[str, tuple[str, ...]] = {
    "2+2": ("two_plus_two",),
    "ministers": ("summit", "foreign_ministers", "defense_ministers"),
    "senior_officials": ("vice_ministerial", "strategic_dialogue", "political_military",
                         "consultation"),
    "staff": ("military_military", "staff_talks", "service_to_service"),
}
BRANCHES = ("land", "sea", "air")
DOMAIN_BRANCH = {"maritime": "sea", "land": "land", "air": "air"}
INDUSTRY_KINDS = ("joint_research", "co_development")
RECENT_YEARS = 3
INTENSITY_YEARS = 5
#: Half-saturation constants: the count at which a component reaches 0.5.
HALF = {"industry": 2.0, "operations": 2.0, "intensity": 10.0}
#: The fact types depth reads (beside the ties, for intensity).
DEPTH_TYPES = ("agreement", "dialogue_series", "dialogue_session", "exercise", "industrial",
               "operation", "deployment")


@dataclass(frozen=True, order=True)
class DepthFact:
    """What depth needs of one fact, the same from both backends. ``actors``: its top-level
    actors, sorted; ``when``: its date (sessions, events) or None; ``parts``: for exercises,
    ``(actor, branch of the participant's service or None)`` per participant, sorted."""

    id: str
    type: str
    actors: tuple[str, ...]
    when: str | None = None
    kind: str | None = None
    status: str | None = None
    signed: str | None = None
    in_force: str | None = None
    terminated: str | None = None
    established: str | None = None
    series: str | None = None
    domain: str | None = None
    parts: tuple[tuple[str, str | None], ...] = ()


# --- the facts, from either backend ---------------------------------------------------------


def depth_facts_from_dataset(ds: Any) -> list[DepthFact]:
    """Return the :class:`DepthFact` of every fact of a dataset that depth reads, sorted."""
    out = []
    for fid, fact in ds.facts.items():
        if fact.type not in DEPTH_TYPES or getattr(fact, "status", None) == "planned":
            continue
        parts: list[tuple[str, str | None]] = []
        if fact.type == "exercise":
            for p in fact.participants:
                ent = ds.entities[p]
                service = ds.entities.get(ent.service) if ent.service else ent
                parts.append((ds.actor_of(p), getattr(service, "branch", None)))
        out.append(DepthFact(
            fid, fact.type, tuple(ds.actors_of(fact)),
            when=getattr(fact, "when", None) if fact.type != "agreement" else None,
            kind=getattr(fact, "kind", None), status=getattr(fact, "status", None),
            signed=getattr(fact, "signed", None), in_force=getattr(fact, "in_force", None),
            terminated=getattr(fact, "terminated", None),
            established=getattr(fact, "established", None),
            series=getattr(fact, "series", None), domain=getattr(fact, "domain", None),
            parts=tuple(sorted(set(parts), key=_part_key))))
    return sorted(out)


def _part_key(part: tuple[str, str | None]) -> tuple[str, str]:
    return part[0], part[1] or ""


DEPTH_CYPHER = """
MATCH (f:Fact) WHERE f.type IN $types AND coalesce(f.status, '') <> 'planned'
WITH f, coalesce(f.actors, []) AS actors
OPTIONAL MATCH (p:Actor)-[r:PARTICIPATED_IN {role: 'participant'}]->(f)
WHERE f.type = 'exercise'
OPTIONAL MATCH (p)-[:BELONGS_TO]->(s:Service)
WITH f, actors, collect(DISTINCT [coalesce(p.state, p.id), coalesce(p.branch, s.branch)]) AS parts
RETURN f.id AS id, f.type AS type, actors, f.when AS when, f.kind AS kind, f.status AS status,
       f.signed AS signed, f.in_force AS in_force, f.terminated AS terminated,
       f.established AS established, f.series AS series, f.domain AS domain,
       [p IN parts WHERE p[0] IS NOT NULL] AS parts
"""


def depth_facts_from_neo4j(backend: Any) -> list[DepthFact]:
    """Return the :class:`DepthFact` list of a :class:`graph.api.Neo4jBackend` (the same as
    :func:`depth_facts_from_dataset` gives for the data it was loaded from)."""
    out = []
    for r in backend.run(DEPTH_CYPHER, types=list(DEPTH_TYPES)):
        parts = tuple(sorted({(a, b) for a, b in r.pop("parts")}, key=_part_key))
        actors = tuple(sorted(r.pop("actors")))
        if r["type"] == "agreement":
            r["when"] = None
        out.append(DepthFact(actors=actors, parts=parts, **r))
    return sorted(out)


# --- the components -------------------------------------------------------------------------


def _years_before(day: str, years: int) -> str:
    """Return the ``YYYY-MM-DD`` ``years`` before ``day`` (29 February: the 28th)."""
    y, md = int(day[:4]) - years, day[4:]
    return f"{y:04d}{'-02-28' if md == '-02-29' else md}"


def _on_or_before(when: str | None, end: str) -> bool:
    return when is not None and date_key(when) <= end


def _concluded(f: DepthFact) -> str | None:
    """Return the date an agreement took effect (the earlier of signature and entry into
    force), or None when it has neither."""
    dates = [d for d in (f.signed, f.in_force) if d]
    return min(dates, key=date_key) if dates else None


def saturate(k: float, half: float) -> float:
    """Return ``k / (k + half)``: 0 for nothing, 0.5 at ``half``, towards 1 beyond."""
    return k / (k + half) if k > 0 else 0.0


@dataclass
class PairDepth:
    """One pair's components (0–1), the details behind each and the facts (ids) behind them."""

    values: dict[str, float]
    details: dict[str, str]
    evidence: dict[str, list[str]]


def pair_depth(a: str, b: str, facts: Iterable[DepthFact], ties: Iterable[Tie],
               as_of: str) -> PairDepth:
    """Return the depth components of the pair ``a``–``b`` as of ``as_of`` (a partial date:
    the end of its period counts)."""
    end = date_key(as_of, end=True)
    pair = tuple(sorted((a, b)))
    mine = [f for f in facts if a in f.actors and b in f.actors]
    bilateral = [f for f in mine if f.actors == pair]
    values: dict[str, float] = {}
    details: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}

    # institutions: kinds of bilateral agreement in force
    held: dict[str, list[str]] = defaultdict(list)
    for f in bilateral:
        if f.type != "agreement" or not _on_or_before(_concluded(f), end):
            continue
        if f.terminated and date_key(f.terminated) <= end:
            continue
        for name, kinds in INSTITUTIONS.items():
            if f.kind in kinds:
                held[name].append(f.id)
    values["institutions"] = len(held) / len(INSTITUTIONS)
    details["institutions"] = ", ".join(k for k in INSTITUTIONS if k in held) or "none"
    evidence["institutions"] = sorted(x for ids in held.values() for x in ids)

    # mechanisms: dialogue levels, and whether they met lately
    recent = _years_before(end, RECENT_YEARS)
    sessions: dict[str, list[str]] = defaultdict(list)
    for f in mine:
        if f.type == "dialogue_session" and _on_or_before(f.when, end):
            sessions[f.series].append(f.when)  # type: ignore[index,arg-type]
    level_value: dict[str, float] = {}
    level_ids: list[str] = []
    for f in bilateral:
        if f.type != "dialogue_series":
            continue
        level = next((lv for lv, kinds in LEVELS.items() if f.kind in kinds), None)
        started = f.established or min(sessions[f.id], key=date_key, default=None)
        if level is None or not _on_or_before(started, end):
            continue
        met = any(date_key(w, end=True) > recent for w in sessions[f.id])
        level_value[level] = max(level_value.get(level, 0.0), 1.0 if met else 0.5)
        level_ids.append(f.id)
    values["mechanisms"] = sum(level_value.values()) / len(LEVELS)
    details["mechanisms"] = ", ".join(
        f"{lv}{'' if level_value[lv] == 1 else ' (not met lately)'}" for lv in LEVELS
        if lv in level_value) or "none"
    evidence["mechanisms"] = sorted(level_ids)

    # forces: branches of both sides in bilateral exercises
    together: dict[str, list[str]] = defaultdict(list)
    for f in bilateral:
        if f.type != "exercise" or not _on_or_before(f.when, end):
            continue
        fielded: dict[str, set[str]] = {a: set(), b: set()}
        for actor, branch in f.parts:
            branch = branch or DOMAIN_BRANCH.get(f.domain or "")
            if branch and actor in fielded:
                fielded[actor].add(branch)
        for branch in fielded[a] & fielded[b]:
            together[branch].append(f.id)
    values["forces"] = len(together) / len(BRANCHES)
    details["forces"] = ", ".join(br for br in BRANCHES if br in together) or "none"
    evidence["forces"] = sorted(x for ids in together.values() for x in ids)

    # industry and operations: shares of projects and operations
    for name, noun, keep in (
        ("industry", "project", lambda f: f.type == "industrial" and f.kind in INDUSTRY_KINDS
         and f.status != "cancelled"),
        ("operations", "operation", lambda f: f.type in ("operation", "deployment")),
    ):
        chosen = [f for f in mine if keep(f) and _on_or_before(f.when, end)]
        k = sum(1 / (len(f.actors) - 1) for f in chosen)
        values[name] = saturate(k, HALF[name])
        details[name] = f"{len(chosen)} {noun}(s), shares {k:.3g}"
        evidence[name] = sorted(f.id for f in chosen)

    # intensity: ties per year over the last years, and the trend
    start = _years_before(end, INTENSITY_YEARS)
    before = _years_before(end, 2 * INTENSITY_YEARS)
    last = prev = 0.0
    for t in ties:
        if (t.a, t.b) != pair or t.when is None:
            continue
        day = date_key(t.when)
        if start < day <= end:
            last += 1 / (t.n - 1)
        elif before < day <= start:
            prev += 1 / (t.n - 1)
    rate = last / INTENSITY_YEARS
    values["intensity"] = saturate(rate, HALF["intensity"])
    trend = f"x{last / prev:.2g} on the 5 years before" if prev else "none before"
    details["intensity"] = f"{rate:.3g}/year since {start[:4]}, {trend}"
    evidence["intensity"] = []
    return PairDepth(values, details, evidence)


def depth_score(values: dict[str, float], weights: dict[str, float] | None = None) -> float:
    """Return the weighted mean of the components (0–1); raise ValueError for an unknown
    component or weights that add up to nothing."""
    w = check_depth_weights(weights)
    total = sum(w.values())
    return sum(w[c] * values[c] for c in COMPONENTS) / total


def check_depth_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Return the depth weights: the defaults overridden by ``weights``; raise ValueError
    saying what to write when a name is not a component or a weight is negative, or when they
    add up to 0."""
    if weights and (unknown := set(weights) - set(COMPONENTS)):
        raise ValueError(f"unknown depth components in weights: {', '.join(sorted(unknown))}; "
                         f"use {', '.join(COMPONENTS)}")
    w = {**DEFAULT_DEPTH_WEIGHTS, **(weights or {})}
    if any(v < 0 for v in w.values()) or not sum(w.values()):
        raise ValueError("depth weights must be 0 or more and not all 0, e.g. --weight "
                         "intensity=0.5")
    return w


def latest_date(ties: Iterable[Tie]) -> str | None:
    """Return the latest date of any dated tie (the default as-of date of depth), or None."""
    dates = [t.when for t in ties if t.when]
    return max(dates, key=lambda d: date_key(d, end=True)) if dates else None
