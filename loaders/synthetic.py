"""A deterministic generator of synthetic tiegraph data, for scale tests and benchmarks.

``generate(out, events=10_000, seed=0)`` writes::

    out/texts/          the generated source texts (quotes are copied from them)
    out/yaml/           sources.yaml, entities/*.yaml, facts/*.yaml   (small sizes)
    out/bulk/           the bulk CSV files of loaders.bulk             (every size)

Both forms hold the same records, which pass :func:`loaders.dataset.load_dataset` and
:func:`loaders.bulk.validate_bulk` with their quotes checked against ``out/texts``.

The shape imitates event data on security ties:

* **actors**: states with real ISO 3166-1 codes (pycountry) and international
  organisations; each state has a ministry of defence, three services and, the more active
  it is, more ships and squadrons;
* **skewed degrees**: an actor's activity follows a Zipf law over its rank (exponent
  :data:`ZIPF`), and partners are drawn from the same region more often than not, so a few
  actors hold most ties and the network has communities;
* **multilateral events**: exercises and operations have 2 to 20 participants (most
  bilateral, a long tail of large ones);
* **dated series**: dialogue series (about 2.5% of the facts) with dated sessions, some
  series far more active than others; dates from 1950 to 2024, more recent years more
  frequent, at day, month or year precision;
* **citations**: one or two per fact, each quoting a sentence of a generated source text.

Same arguments, same bytes: every draw comes from one ``random.Random(seed)``. The number of
facts written is exactly ``events`` (dialogue series included).
"""

from __future__ import annotations

import argparse
import calendar
import math
import random
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

ZIPF = 1.1
"""The exponent of actor activity: the actor of rank r is drawn with weight 1 / r**ZIPF."""
FIRST_YEAR, LAST_YEAR = 1950, 2024
SOURCE_DATE = "2025"
YAML_MAX_EVENTS = 20_000
"""Above this many events, ``generate`` writes the bulk CSV files only (unless asked)."""
FACTS_PER_YAML_FILE = 2_000
SENTENCES_PER_SOURCE = 400
REGIONS = 6

#: A few states first (the most active), the rest in a seeded shuffle.
_LEADERS = ("USA", "FRA", "GBR", "JPN", "DEU", "AUS", "IND", "ITA", "CAN", "KOR", "ESP", "NLD")
_TYPE_WEIGHTS = {
    "visit": 30, "dialogue_session": 22, "exercise": 15, "agreement": 7, "exchange": 8,
    "operation": 5, "deployment": 5, "industrial": 4, "membership": 1.5,
}
_WORDS_A = ("Pacific", "Northern", "Blue", "Iron", "Silver", "Eastern", "Southern", "Atlantic",
            "Golden", "Steel", "Coastal", "Western", "Arctic", "Desert", "Crimson", "Green")
_WORDS_B = ("Shield", "Dragon", "Trident", "Sentinel", "Horizon", "Falcon", "Anchor", "Lance",
            "Guardian", "Bridge", "Compass", "Harbour", "Spear", "Beacon", "Tide", "Ridge")
_ORG_WORDS = ("Maritime", "Defence", "Security", "Cooperation", "Regional", "Strategic",
              "Ocean", "Continental", "Partnership", "Forum", "Council", "Treaty")
_TOPICS = ("maritime security", "cyber defence", "export controls", "peacekeeping training",
           "logistics support", "information sharing", "disaster relief", "space situational "
           "awareness", "counter-piracy patrols", "defence equipment", "military education",
           "nuclear non-proliferation")
_PLACES = ("the capital", "a naval base", "the foreign ministry", "a joint headquarters",
           "the defence ministry", "an air base", "a regional forum", "the embassy")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_VERBS = ("discussed", "reviewed", "agreed to deepen cooperation on", "signed a document on",
          "held talks on", "exchanged views on", "launched a study of", "trained together on")


def default_actors(events: int) -> int:
    """Return the default number of top-level actors (states and organisations) for a size:
    about 3 x sqrt(events), between 30 and 300 (the world has about 250 states and a few
    dozen security organisations; event volume grows faster than the number of actors)."""
    return max(30, min(300, round(3 * math.sqrt(events))))


@dataclass(frozen=True)
class Summary:
    """What :func:`generate` wrote."""

    out: Path
    events: int
    actors: int
    entities: int
    sources: int
    seed: int
    yaml: bool
    csv: bool
    by_type: dict[str, int] = field(default_factory=dict)
    participants: int = 0
    citations: int = 0


class _World:
    """The actors, their forces, the sources and the draws; one seeded random generator."""

    def __init__(self, events: int, actors: int, seed: int) -> None:
        import pycountry

        self.rng = random.Random(seed)
        rng = self.rng
        codes = sorted(c.alpha_3 for c in pycountry.countries)
        self.country_names = {c.alpha_3: getattr(c, "common_name", None) or c.name
                              for c in pycountry.countries}
        rest = [c for c in codes if c not in _LEADERS]
        rng.shuffle(rest)
        n_orgs = max(2, actors // 8)
        n_states = min(len(codes), actors - n_orgs)
        n_orgs = actors - n_states
        states = [*_LEADERS, *rest][:n_states]
        orgs = self._organisations(n_orgs)
        # interleave so that organisations are not all at the tail of the activity ranking
        ranked: list[str] = []
        org_iter = iter(orgs)
        for i, s in enumerate(states):
            ranked.append(s)
            if i % 8 == 3:
                ranked.extend(o for o in [next(org_iter, None)] if o)
        ranked.extend(org_iter)
        self.top = ranked
        self.kind = {a: ("state" if a in set(states) else "organisation") for a in ranked}
        self.region = {a: rng.randrange(REGIONS) for a in ranked}
        self.cum = list(accumulate(1 / (r + 1) ** ZIPF for r in range(len(ranked))))
        self.by_region: dict[int, tuple[list[str], list[float]]] = {}
        for reg in range(REGIONS):
            members = [(a, 1 / (r + 1) ** ZIPF) for r, a in enumerate(ranked)
                       if self.region[a] == reg]
            self.by_region[reg] = ([a for a, _ in members],
                                   list(accumulate(w for _, w in members)))
        self.entities: list[dict[str, Any]] = []
        self.forces: dict[str, dict[str, list[str]]] = {}
        self.names: dict[str, str] = {}
        for rank, a in enumerate(ranked):
            if self.kind[a] == "state":
                self._state_forces(a, rank, events)
            else:
                self.names[a] = self.org_names[a]
        self.orgs = orgs
        self.n_sources = max(3, min(100, events // 5000))
        self.sentences = [self._text(j) for j in range(self.n_sources)]

    # --- actors -------------------------------------------------------------------------

    def _organisations(self, n: int) -> list[str]:
        rng = self.rng
        self.org_names: dict[str, str] = {}
        out = []
        while len(out) < n:
            words = rng.sample(_ORG_WORDS, 2)
            name = f"{rng.choice(_WORDS_A)} {words[0]} {words[1]}"
            slug = "-".join(w.lower() for w in name.split())
            if slug in self.org_names:
                slug, name = f"{slug}-{len(out) + 1}", f"{name} {len(out) + 1}"
            self.org_names[slug] = name
            out.append(slug)
        return out

    def _state_forces(self, iso: str, rank: int, events: int) -> None:
        code = iso.lower()
        name = self.country_names[iso]
        self.names[iso] = name
        self.entities.append({"id": iso, "kind": "state"})
        forces: dict[str, list[str]] = {"agency": [], "service": [], "ship": [], "squadron": []}
        mod = f"{code}-mod"
        self.entities.append({"id": mod, "kind": "agency", "state": iso,
                              "name": f"Ministry of Defence ({name})"})
        forces["agency"].append(mod)
        for svc, label in (("navy", "Navy"), ("army", "Army"), ("air-force", "Air Force")):
            sid = f"{code}-{svc}"
            self.entities.append({"id": sid, "kind": "service", "state": iso,
                                  "name": f"{name} {label}"})
            forces["service"].append(sid)
            self.names[sid] = f"{name} {label}"
        scale = max(1.0, math.log10(max(events, 10)) - 1)
        ships = max(1, round(scale * 6 / (1 + rank / 8)))
        for k in range(1, ships + 1):
            uid = f"{code}-ship-{k}"
            self.entities.append({"id": uid, "kind": "unit", "state": iso,
                                  "service": f"{code}-navy", "unit_type": "ship",
                                  "name": f"{name} Navy ship {k}"})
            forces["ship"].append(uid)
            self.names[uid] = f"{name} Navy ship {k}"
        for k in range(1, max(1, ships // 2) + 1):
            uid = f"{code}-squadron-{k}"
            self.entities.append({"id": uid, "kind": "unit", "state": iso,
                                  "service": f"{code}-air-force", "unit_type": "squadron",
                                  "name": f"{name} Air Force squadron {k}"})
            forces["squadron"].append(uid)
        self.forces[iso] = forces

    def actor(self) -> str:
        """Return a top-level actor drawn by its Zipf weight."""
        return self.top[bisect(self.cum, self.rng.random() * self.cum[-1])]

    def partner(self, a: str) -> str:
        """Return a partner of ``a``: from its region with probability 0.6, else anyone."""
        for _ in range(50):
            if self.rng.random() < 0.6:
                members, cum = self.by_region[self.region[a]]
                b = members[bisect(cum, self.rng.random() * cum[-1])] if len(members) > 1 else a
            else:
                b = self.actor()
            if b != a:
                return b
        return next(x for x in self.top if x != a)

    def group(self, k: int) -> list[str]:
        """Return ``k`` distinct top-level actors (Zipf-weighted)."""
        first = self.actor()
        chosen = [first]
        while len(chosen) < min(k, len(self.top)):
            b = self.partner(first) if self.rng.random() < 0.5 else self.actor()
            if b not in chosen:
                chosen.append(b)
        return chosen

    def force(self, a: str, kinds: tuple[str, ...] = ("service", "ship", "squadron")) -> str:
        """Return the entity that takes part for actor ``a``: the actor itself (always for an
        organisation, sometimes for a state), or one of its services or units."""
        if self.kind[a] != "state" or self.rng.random() < 0.2:
            return a
        pool = [e for k in kinds for e in self.forces[a][k]]
        return self.rng.choice(pool) if pool else a

    # --- dates ------------------------------------------------------------------------------

    def year(self, lo: int = FIRST_YEAR) -> int:
        """Return a year in [lo, LAST_YEAR], recent years more likely (about 5% a year)."""
        span = LAST_YEAR - lo + 1
        u = self.rng.random()
        growth = 0.05
        return lo + min(span - 1, int(math.log(1 + u * (math.exp(growth * span) - 1)) / growth))

    def date(self, lo: int = FIRST_YEAR) -> str:
        """Return a partial date: day (55%), month (35%) or year (10%) precision."""
        y = self.year(lo)
        u = self.rng.random()
        if u < 0.10:
            return f"{y}"
        m = self.rng.randint(1, 12)
        if u < 0.45:
            return f"{y}-{m:02d}"
        d = self.rng.randint(1, calendar.monthrange(y, m)[1])
        return f"{y}-{m:02d}-{d:02d}"

    def when(self, fact: dict[str, Any], lo: int = FIRST_YEAR) -> None:
        """Set ``date``, or ``start`` and ``end`` (same precision, end not before start)."""
        d = self.date(lo)
        if self.rng.random() < 0.5:
            fact["date"] = d
            return
        fact["start"] = d
        if len(d) == 10:
            y, m, day = int(d[:4]), int(d[5:7]), int(d[8:])
            last = calendar.monthrange(y, m)[1]
            fact["end"] = f"{y}-{m:02d}-{min(last, day + self.rng.randint(1, 20)):02d}"
        elif len(d) == 7:
            y, m = int(d[:4]), int(d[5:7])
            fact["end"] = f"{y}-{min(12, m + self.rng.randint(0, 3)):02d}"
        else:
            fact["end"] = str(min(LAST_YEAR, int(d) + self.rng.randint(0, 2)))

    # --- sources ----------------------------------------------------------------------------

    def _text(self, j: int) -> list[str]:
        rng = self.rng
        out = []
        for _ in range(SENTENCES_PER_SOURCE):
            a, b = rng.sample(self.top, 2)
            out.append(
                f"In {rng.choice(_MONTHS)} {self.year()}, officials of "
                f"{self.names.get(a, a)} and {self.names.get(b, b)} {rng.choice(_VERBS)} "
                f"{rng.choice(_TOPICS)} at {rng.choice(_PLACES)} ({j + 1}-{len(out) + 1}).")
        return out

    def source_records(self) -> list[dict[str, Any]]:
        """Return the source records (one per generated text)."""
        return [{"id": f"synthetic-source-{j + 1:03d}", "file": f"synthetic-source-{j + 1:03d}.txt",
                 "title": f"Synthetic Security Chronicle, volume {j + 1}",
                 "author": "tiegraph synthetic generator", "publisher": None,
                 "date": SOURCE_DATE, "note": "Generated text; not a real document."}
                for j in range(self.n_sources)]

    def text_of(self, j: int) -> str:
        """Return the text of source ``j``: paragraphs of five sentences."""
        sents = self.sentences[j]
        paras = [" ".join(sents[i:i + 5]) for i in range(0, len(sents), 5)]
        return f"Synthetic Security Chronicle, volume {j + 1}\n\n" + "\n\n".join(paras) + "\n"

    def citations(self) -> list[dict[str, str]]:
        """Return one (75%) or two citations, each quoting a sentence of a source."""
        n = 1 if self.rng.random() < 0.75 or self.n_sources < 2 else 2
        out = []
        for j in self.rng.sample(range(self.n_sources), n):
            k = self.rng.randrange(SENTENCES_PER_SOURCE)
            out.append({"source": f"synthetic-source-{j + 1:03d}",
                        "locator": f"para. {k // 5 + 1}", "quote": self.sentences[j][k]})
        return out


_SERIES_KINDS = ("two_plus_two", "summit", "foreign_ministers", "defense_ministers",
                 "strategic_dialogue", "political_military", "military_military", "staff_talks",
                 "consultation")
_AGREEMENT_KINDS = ("information_security", "equipment_technology_transfer", "acsa",
                    "reciprocal_access", "joint_statement", "memorandum", "roadmap",
                    "action_plan", "treaty")
_EXCHANGE_KINDS = ("student", "staff_talks", "liaison_officer", "personnel", "education",
                   "seminar")
_OPERATION_KINDS = ("antipiracy", "hadr", "surveillance", "peacekeeping", "evacuation",
                    "sanctions_enforcement")
_INDUSTRIAL_KINDS = ("joint_research", "co_development", "equipment_transfer", "procurement")


def _k_participants(rng: random.Random) -> int:
    """Return a group size: 2 (55%), 3 (15%), 4-6 (18%), 7-20 (12%)."""
    u = rng.random()
    if u < 0.55:
        return 2
    if u < 0.70:
        return 3
    if u < 0.88:
        return rng.randint(4, 6)
    return rng.randint(7, 20)


class _Facts:
    """Draws fact records; ``seq`` numbers them so that ids sort in generation order."""

    def __init__(self, world: _World, events: int) -> None:
        self.w = world
        self.width = max(7, len(str(events)))
        self.series: list[dict[str, Any]] = []
        self.series_cum: list[float] = []
        n_sessions = events * _TYPE_WEIGHTS["dialogue_session"] / sum(_TYPE_WEIGHTS.values())
        self.n_series = max(1, min(events // 4, round(n_sessions / 8))) if events >= 8 else 0
        types = [t for t in _TYPE_WEIGHTS if t != "dialogue_session" or self.n_series]
        self.types = types
        self.type_cum = list(accumulate(_TYPE_WEIGHTS[t] for t in types))

    def fid(self, seq: int, *parts: str) -> str:
        """Return a fact id: ``e<seq>-<parts>`` (lower case, a slug)."""
        slug = "-".join([f"e{seq:0{self.width}d}", *(p.lower().replace("_", "-") for p in parts)])
        return slug[:120].rstrip("-")

    def name_of(self, a: str) -> str:
        return self.w.names.get(a, a)

    def make(self, seq: int) -> dict[str, Any]:
        """Return fact number ``seq``: a dialogue series while the series are being drawn,
        else a fact of a type drawn by :data:`_TYPE_WEIGHTS`."""
        if seq < self.n_series:
            return self.dialogue_series(seq)
        rng = self.w.rng
        kind = self.types[bisect(self.type_cum, rng.random() * self.type_cum[-1])]
        fact = getattr(self, kind)(seq)
        fact["citations"] = self.w.citations()
        return fact

    def dialogue_series(self, seq: int) -> dict[str, Any]:
        w = self.w
        a = w.actor()
        parties = sorted({a, w.partner(a)} | ({w.partner(a)} if w.rng.random() < 0.1 else set()))
        kind = w.rng.choice(_SERIES_KINDS)
        established = str(w.year())
        fact = {"id": self.fid(seq, *parties[:3], kind.replace("_", "-")),
                "type": "dialogue_series",
                "name": "–".join(self.name_of(p) for p in parties) + " "
                        + kind.replace("_", " ").replace("two plus two", "2+2"),
                "kind": kind, "parties": parties, "established": established,
                "citations": w.citations()}
        self.series.append({"id": fact["id"], "established": int(established)})
        self.series_cum.append((self.series_cum[-1] if self.series_cum else 0)
                               + 1 / len(self.series) ** 0.8)
        return fact

    def dialogue_session(self, seq: int) -> dict[str, Any]:
        w = self.w
        s = self.series[bisect(self.series_cum, w.rng.random() * self.series_cum[-1])]
        fact: dict[str, Any] = {"type": "dialogue_session", "series": s["id"]}
        d = w.date(s["established"])
        fact["id"] = self.fid(seq, "session", d)
        fact["date"] = d
        if w.rng.random() < 0.5:
            fact["location"] = w.rng.choice(_PLACES).removeprefix("the ").removeprefix("a ")
        return fact

    def visit(self, seq: int) -> dict[str, Any]:
        w = self.w
        a = w.actor()
        host = w.partner(a)
        if w.kind[a] != "state":
            visitor, kind = a, "secretary_general"
        else:
            u = w.rng.random()
            f = w.forces[a]
            if u < 0.25:
                visitor, kind = a, w.rng.choice(("head_of_state_government", "official"))
            elif u < 0.5:
                visitor, kind = f["agency"][0], w.rng.choice(("ministerial", "vice_ministerial"))
            elif u < 0.7:
                visitor, kind = w.rng.choice(f["service"]), "service_chief"
            elif u < 0.9:
                visitor, kind = w.rng.choice(f["ship"]), "port_call"
            else:
                visitor, kind = w.rng.choice(f["squadron"]), "aircraft"
        fact: dict[str, Any] = {"type": "visit", "visitor": visitor, "host": host, "kind": kind}
        w.when(fact)
        fact["id"] = self.fid(seq, "visit", visitor, "to", host, fact.get("date") or fact["start"])
        return fact

    def exercise(self, seq: int) -> dict[str, Any]:
        w = self.w
        actors = w.group(_k_participants(w.rng))
        participants = []
        for a in actors:
            e = w.force(a)
            if e not in participants:
                participants.append(e)
        domain = ("maritime" if any("ship" in p or "navy" in p for p in participants)
                  else w.rng.choice(("land", "air", "joint", "amphibious", "cyber")))
        fact: dict[str, Any] = {"type": "exercise"}
        w.when(fact)
        year = (fact.get("date") or fact["start"])[:4]
        name = f"{w.rng.choice(_WORDS_A)} {w.rng.choice(_WORDS_B)}"
        fact.update(name=f"{name} {year}", participants=participants, domain=domain)
        if w.rng.random() < 0.05:
            obs = w.actor()
            if obs not in actors:
                fact["observers"] = [obs]
        fact["id"] = self.fid(seq, *name.split(), year)
        return fact

    def agreement(self, seq: int) -> dict[str, Any]:
        w = self.w
        a = w.actor()
        parties = sorted({a, w.partner(a)}
                         | (set(w.group(w.rng.randint(1, 3))) if w.rng.random() < 0.15 else set()))
        kind = w.rng.choice(_AGREEMENT_KINDS)
        fact: dict[str, Any] = {
            "type": "agreement",
            "name": "–".join(self.name_of(p) for p in parties[:4]) + " "
                    + kind.replace("_", " "),
            "kind": kind, "parties": parties}
        u = w.rng.random()
        d = w.date()
        if u < 0.1:
            fact.update(status="proposed", proposed=d)
        elif u < 0.2:
            fact.update(status="under_negotiation", negotiations_launched=d)
        elif u < 0.5:
            fact.update(status="signed", signed=d)
        else:
            y = int(d[:4])
            later = str(min(LAST_YEAR, y + w.rng.randint(0, 2)))
            fact.update(status="in_force", signed=d, in_force=later if later > d[:4] else d)
            if w.rng.random() < 0.05:
                fact.update(status="terminated",
                            terminated=str(min(LAST_YEAR, y + w.rng.randint(3, 20))))
        fact["id"] = self.fid(seq, *parties[:3], kind.replace("_", "-"), d[:4])
        return fact

    def exchange(self, seq: int) -> dict[str, Any]:
        w = self.w
        a = w.actor()
        b = w.partner(a)
        parts = [w.force(a, ("agency", "service")), w.force(b, ("agency", "service"))]
        fact: dict[str, Any] = {"type": "exchange", "kind": w.rng.choice(_EXCHANGE_KINDS),
                                "participants": parts}
        w.when(fact)
        fact["id"] = self.fid(seq, "exchange", a, b, (fact.get("date") or fact["start"])[:4])
        return fact

    def industrial(self, seq: int) -> dict[str, Any]:
        w = self.w
        actors = w.group(w.rng.choice((2, 2, 2, 3)))
        parts = [w.force(a, ("agency",)) for a in actors]
        kind = w.rng.choice(_INDUSTRIAL_KINDS)
        fact: dict[str, Any] = {"type": "industrial",
                                "name": f"{w.rng.choice(_WORDS_B)} {kind.replace('_', ' ')}",
                                "kind": kind, "participants": parts}
        w.when(fact)
        if w.rng.random() < 0.5:
            fact["status"] = w.rng.choice(("ongoing", "completed", "cancelled"))
        fact["id"] = self.fid(seq, "industrial", *actors[:3],
                              (fact.get("date") or fact["start"])[:4])
        return fact

    def operation(self, seq: int) -> dict[str, Any]:
        w = self.w
        actors = w.group(max(2, _k_participants(w.rng)))
        parts = list(dict.fromkeys(w.force(a, ("service", "ship")) for a in actors))
        kind = w.rng.choice(_OPERATION_KINDS)
        fact: dict[str, Any] = {"type": "operation",
                                "name": f"Operation {w.rng.choice(_WORDS_B)}", "kind": kind,
                                "participants": parts}
        w.when(fact)
        fact["id"] = self.fid(seq, "operation", kind, (fact.get("date") or fact["start"])[:4])
        return fact

    def deployment(self, seq: int) -> dict[str, Any]:
        w = self.w
        a = w.actor()
        host = w.partner(a)
        parts = list(dict.fromkeys(w.force(a, ("service", "ship", "squadron"))
                                   for _ in range(w.rng.randint(1, 2))))
        fact: dict[str, Any] = {"type": "deployment", "participants": parts, "host": host,
                                "purpose": w.rng.choice(_TOPICS)}
        w.when(fact)
        fact["id"] = self.fid(seq, "deployment", a, "to", host,
                              (fact.get("date") or fact["start"])[:4])
        return fact

    def membership(self, seq: int) -> dict[str, Any]:
        w = self.w
        member = next((x for x in (w.actor() for _ in range(20)) if w.kind[x] == "state"),
                      w.top[0])
        org = w.rng.choice(w.orgs)
        start = w.date()
        fact: dict[str, Any] = {"type": "membership", "member": member, "organisation": org,
                                "start": start}
        if w.rng.random() < 0.2:
            fact["end"] = str(min(LAST_YEAR, int(start[:4]) + w.rng.randint(1, 30)))
        if w.rng.random() < 0.3:
            fact["role"] = "partner"
        fact["id"] = self.fid(seq, "membership", member, org)
        return fact


def _order(fact: dict[str, Any]) -> dict[str, Any]:
    """Return the record with ``id`` and ``type`` first and ``citations`` last."""
    head = {k: fact[k] for k in ("id", "type") if k in fact}
    body = {k: v for k, v in fact.items() if k not in ("id", "type", "citations")}
    return {**head, **body, "citations": fact["citations"]}


def _yaml_dump(records: list[dict[str, Any]], path: Path, comment: str) -> None:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(records, Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096)
    path.write_text(f"# {comment}\n{text}", encoding="utf-8")


def generate(out: Path, events: int, *, actors: int | None = None, seed: int = 0,
             yaml_files: bool | None = None, csv_files: bool = True) -> Summary:
    """Write ``events`` synthetic facts (and their actors, sources and texts) under ``out``;
    return a :class:`Summary`.

    ``actors`` is the number of top-level actors (default :func:`default_actors`).
    ``yaml_files`` (default: ``events <= YAML_MAX_EVENTS``) writes ``out/yaml``;
    ``csv_files`` writes ``out/bulk``. Facts stream to the files: memory does not grow with
    ``events``.
    """
    from tiegraph.loaders.bulk import BulkWriter

    if events < 1:
        raise ValueError("events must be at least 1")
    out = Path(out)
    actors = actors or default_actors(events)
    if actors < 3:
        raise ValueError("at least 3 actors are needed")
    yaml_files = events <= YAML_MAX_EVENTS if yaml_files is None else yaml_files
    world = _World(events, actors, seed)
    texts = out / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    sources = world.source_records()
    for j, src in enumerate(sources):
        (texts / src["file"]).write_text(world.text_of(j), encoding="utf-8")
    entities = list(world.entities) + [
        {"id": o, "kind": "organisation", "name": world.org_names[o]} for o in world.orgs]
    entities.sort(key=lambda e: (e["kind"] != "state", e["id"]))

    ydir = out / "yaml"
    if yaml_files:
        (ydir / "entities").mkdir(parents=True, exist_ok=True)
        (ydir / "facts").mkdir(parents=True, exist_ok=True)
        _yaml_dump(sources, ydir / "sources.yaml", "Synthetic sources (loaders.synthetic).")
        _yaml_dump(entities, ydir / "entities" / "synthetic.yaml",
                   f"Synthetic entities: {actors} top-level actors, seed {seed}.")
    writer = BulkWriter(out / "bulk") if csv_files else None
    by_type: Counter[str] = Counter()
    n_parts = n_cites = 0
    draws = _Facts(world, events)
    batch: list[dict[str, Any]] = []
    files = 0
    try:
        if writer:
            writer.__enter__()
            for src in sources:
                writer.source(src)
            for ent in entities:
                writer.entity(ent)
        for seq in range(events):
            fact = _order(draws.make(seq))
            by_type[fact["type"]] += 1
            n_parts += sum(len(fact.get(k) or []) for k in ("parties", "participants",
                                                            "observers"))
            n_cites += len(fact["citations"])
            if writer:
                writer.fact(fact)
            if yaml_files:
                batch.append(fact)
                if len(batch) == FACTS_PER_YAML_FILE or seq == events - 1:
                    files += 1
                    _yaml_dump(batch, ydir / "facts" / f"synthetic-{files:04d}.yaml",
                               f"Synthetic facts, part {files} (seed {seed}).")
                    batch = []
    finally:
        if writer:
            writer.__exit__(None, None, None)
    return Summary(out=out, events=events, actors=actors, entities=len(entities),
                   sources=len(sources), seed=seed, yaml=yaml_files, csv=csv_files,
                   by_type=dict(sorted(by_type.items())), participants=n_parts,
                   citations=n_cites)


def main(argv: list[str] | None = None) -> None:
    """``python -m tiegraph.loaders.synthetic OUT --events N [--seed S] [--actors A] [--yaml]``
    (``--no-yaml`` for CSV only)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--yaml", dest="yaml_files", action=argparse.BooleanOptionalAction,
                        default=None)
    parser.add_argument("--csv", dest="csv_files", action=argparse.BooleanOptionalAction,
                        default=True)
    args = parser.parse_args(argv)
    summary = generate(args.out, args.events, actors=args.actors, seed=args.seed,
                       yaml_files=args.yaml_files, csv_files=args.csv_files)
    print(summary)


if __name__ == "__main__":
    main()
