"""Short captions for the Neo4j Browser: every node's ``caption`` property.

A caption names a node in at most :data:`MAX_LENGTH` characters, so that the Browser's
style sheet (``queries/tiegraph.grass``) can show it whole inside the node at the default
zoom: ``JPN``-style codes for states in fact captions, an organisation's or service's short
alias (``NATO``, ``JMSDF``), then what the fact is and when (``GBR–JPN ISA 2013``,
``HMS Albion → JPN 2018-08``, ``GBR in NATO 1949``). The long ``name`` stays beside it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tiegraph.loaders.dataset import Dataset
    from tiegraph.loaders.model import FactBase, Source

#: The longest caption; longer ones are cut with an ellipsis.
MAX_LENGTH = 26
#: A name at most this long is its own caption.
_NAME_FITS = 18

#: Short words for the kinds of agreement and dialogue series.
KIND_WORDS = {
    "acsa": "ACSA",
    "information_security": "ISA",
    "reciprocal_access": "RAA",
    "equipment_technology_transfer": "equipment",
    "joint_statement": "statement",
    "joint_declaration": "declaration",
    "action_plan": "action plan",
    "memorandum": "MoU",
    "roadmap": "roadmap",
    "treaty": "treaty",
    "partnership_programme": "partnership",
    "two_plus_two": "2+2",
    "summit": "summit",
    "foreign_ministers": "FM talks",
    "defense_ministers": "DM talks",
    "military_military": "mil-mil",
    "staff_talks": "staff talks",
    "strategic_dialogue": "strategic",
    "political_military": "pol-mil",
    "consultation": "consultations",
}
_TYPE_WORDS = {
    "exercise": "exercise",
    "deployment": "deployment",
    "operation": "operation",
    "exchange": "exchange",
    "industrial": "industry",
    "agreement": "agreement",
    "dialogue_series": "dialogue",
}


def shorten(text: str, limit: int = MAX_LENGTH) -> str:
    """Return ``text`` cut to ``limit`` characters, the last one an ellipsis if cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit(head: str, tail: str, limit: int = MAX_LENGTH) -> str:
    """Return ``"head tail"`` within ``limit`` characters, cutting ``head`` (with an
    ellipsis) rather than ``tail``, which holds the date."""
    text = f"{head} {tail}".strip()
    if len(text) <= limit or not tail:
        return shorten(text, limit)
    return shorten(f"{shorten(head, max(limit - len(tail) - 1, 4))} {tail}", limit)


def actor_caption(kind: str, actor_id: str, name: str, aliases: list[str] | None,
                  state: str | None = None) -> str:
    """Return an actor's caption: a state's name (its ISO code if the name is long); for
    anything else its name if short, else its longest alias without spaces of at most 10
    characters (``NATO``; an agency's or service's after its state's code: ``JPN MOD``,
    ``JPN JMSDF``), else its shortest alias that fits, else the name cut."""
    if kind == "state":
        return name if len(name) <= 14 else actor_id
    if len(name) <= _NAME_FITS:
        return name
    aliases = aliases or []
    codes = [a for a in aliases if " " not in a and len(a) <= 10]
    if codes:
        code = max(codes, key=len)
        return f"{state} {code}" if state and kind in ("agency", "service") else code
    fitting = sorted((a for a in aliases if len(a) <= _NAME_FITS), key=len)
    return fitting[0] if fitting else shorten(name)


def _code(ds: Dataset, actor_id: str) -> str:
    """Return how an actor appears inside a fact's caption: a state's ISO code, else its
    caption."""
    ent = ds.entities[actor_id]
    if ent.kind == "state":
        return actor_id
    return actor_caption(ent.kind, actor_id, ds.name_of(actor_id), ent.aliases, ent.state)


def _who(ds: Dataset, actors: list[str], rest: str) -> str:
    """Return ``"<actors> <rest>"``: the actors' codes joined by dashes, or the first and a
    count of the others when that would not fit."""
    codes = [_code(ds, a) for a in actors]
    head = "–".join(codes)
    if len(f"{head} {rest}") > MAX_LENGTH and len(codes) > 1:
        head = f"{codes[0]}+{len(codes) - 1}"
    return fit(head, rest)


def fact_caption(ds: Dataset, fact: FactBase) -> str:
    """Return a fact's caption: who, what, when — e.g. ``GBR–JPN ISA 2013``,
    ``HMS Albion → JPN 2018-08``, ``GBR–JPN 2+2 2015-01``, ``GBR in NATO 1949``; a fact
    whose own name is short keeps it (with its year if the name has none)."""
    when: str = getattr(fact, "when", None) or ""
    year = when[:4]
    kind = getattr(fact, "kind", None)
    if fact.type == "visit":
        visitor, host = _code(ds, fact.visitor), _code(ds, fact.host)  # type: ignore[attr-defined]
        if len(host) > 8:  # a long host (an organisation's name): its id instead
            host = fact.host.upper() if len(fact.host) <= 8 else shorten(host, 8)  # type: ignore[attr-defined]
        return fit(visitor, f"→ {host} {when[:7]}".strip())
    if fact.type == "dialogue_session":
        series = ds.facts[fact.series]  # type: ignore[attr-defined]
        return fit(fact_caption(ds, series), when[:7])
    if fact.type == "stated_total":
        # GBR–JPN 19× port call 2020; a session count names its series' short word
        counted = kind or fact.counts  # type: ignore[attr-defined]
        if fact.series:  # type: ignore[attr-defined]
            counted = KIND_WORDS.get(getattr(ds.facts.get(fact.series), "kind", ""), "session")  # type: ignore[attr-defined]
        word = KIND_WORDS.get(counted) or counted.replace("_", " ")
        if fact.counts == "visit":  # type: ignore[attr-defined]
            visitor = _code(ds, fact.visitor) if fact.visitor else "all"  # type: ignore[attr-defined]
            host = _code(ds, fact.host) if fact.host else "all"  # type: ignore[attr-defined]
            return fit(visitor, f"→ {host} {fact.count}× {year}")  # type: ignore[attr-defined]
        return _who(ds, ds.actors_of(fact), f"{fact.count}× {word} {year}")  # type: ignore[attr-defined]
    if fact.type == "membership":
        start = (getattr(fact, "start", None) or "")[:4]
        member, org = _code(ds, fact.member), _code(ds, fact.organisation)  # type: ignore[attr-defined]
        return fit(f"{member} in {org}", start)
    name = fact.name or ""
    if name and len(name) <= _NAME_FITS + 4:
        dated = not year or year[2:] in name or fact.type == "dialogue_series"
        return name if dated else shorten(f"{name} {year}")
    word = KIND_WORDS.get(kind or "") or _TYPE_WORDS.get(fact.type, fact.type.replace("_", " "))
    if fact.type == "dialogue_series":
        return _who(ds, ds.actors_of(fact), word)
    return _who(ds, ds.actors_of(fact), f"{word} {year}")


def source_caption(source: Source) -> str:
    """Return a source's caption: the first word of its id (an author's surname by the
    project's convention) and its year (``Hornung 2020``); for a data set its acronym and
    version (``MME v7``)."""
    if source.kind == "dataset":
        acronym = re.search(r"\(([A-Z][A-Za-z0-9]+)\)", source.title or "")
        label = acronym.group(1) if acronym else source.id
        return shorten(f"{label} v{source.version}" if source.version else label)
    first = source.id.split("-")[0]
    return shorten(f"{first.capitalize()} {str(source.date)[:4]}")


def claim_caption(field: str, value: Any, preferred: bool) -> str:
    """Return a claim's caption: ``field: value``, marked ✓ when the graph prefers it."""
    return shorten(f"{'✓ ' if preferred else ''}{field}: {value}")
