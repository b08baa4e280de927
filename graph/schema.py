"""The graph schema, declared once: node labels, relationship types, their properties,
constraints and indexes, and the tie categories the analysis counts.

The loader, the networkx projection, the Cypher tests and the README's diagram all read this
module; a new property or type is added here and nowhere else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

# --- nodes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeType:
    """A node label. ``group`` is the shared label that carries the unique ``id`` constraint."""

    label: str
    group: str
    description: str
    properties: tuple[str, ...]


_ACTOR_PROPS = ("id", "name", "caption", "kind", "aliases", "keys", "state", "note")
_FACT_PROPS = (
    "id",
    "type",
    "name",
    "caption",
    "kind",
    "category",
    "date",
    "start",
    "end",
    "when",
    "when_start",
    "when_end",
    "year",
    "actors",
    "precision",
    "status",
    "location",
    "description",
    "note",
    "sources",
)

NODE_TYPES: dict[str, NodeType] = {
    t.label: t
    for t in (
        NodeType("State", "Actor", "a sovereign state, id = ISO 3166-1 alpha-3",
                 (*_ACTOR_PROPS, "iso3", "cow")),
        NodeType("Organisation", "Actor", "an international organisation such as NATO",
                 _ACTOR_PROPS),
        NodeType("Service", "Actor", "an armed service of a state (e.g. Royal Navy)",
                 (*_ACTOR_PROPS, "branch")),
        NodeType("Agency", "Actor", "a ministry or government body of a state", _ACTOR_PROPS),
        NodeType("Unit", "Actor", "a ship, squadron, detachment or army unit",
                 (*_ACTOR_PROPS, "service", "unit_type")),
        NodeType("Agreement", "Fact", "an agreement or partnership document",
                 (*_FACT_PROPS, "parties", "proposed", "negotiations_launched",
                  "agreed_in_principle", "signed", "in_force", "revised", "terminated")),
        NodeType("DialogueSeries", "Fact", "a recurring dialogue format (2+2, staff talks...)",
                 (*_FACT_PROPS, "parties", "established")),
        NodeType("DialogueSession", "Fact", "one dated meeting of a dialogue series",
                 (*_FACT_PROPS, "series", "ordinal")),
        NodeType("Visit", "Fact", "a visit by an official, delegation, ship or aircraft",
                 (*_FACT_PROPS, "visitor", "host", "role", "person")),
        NodeType("Exercise", "Fact", "training or an exercise",
                 (*_FACT_PROPS, "participants", "observers", "domain", "types")),
        NodeType("Deployment", "Fact", "forces sent somewhere",
                 (*_FACT_PROPS, "participants", "host", "purpose")),
        NodeType("Operation", "Fact", "a joint or parallel operation",
                 (*_FACT_PROPS, "participants")),
        NodeType("Exchange", "Fact", "a defense exchange (students, liaison officers...)",
                 (*_FACT_PROPS, "participants")),
        NodeType("IndustrialProject", "Fact", "defense-industrial cooperation",
                 (*_FACT_PROPS, "participants")),
        NodeType("Membership", "Fact", "a spell of membership or formal partnership",
                 (*_FACT_PROPS, "member", "organisation", "role", "since", "until")),
        NodeType("StatedTotal", "Fact", "a source's stated count for a series (visits, "
                 "sessions, port calls, students) as of a date: not a tie, it counts ties",
                 (*_FACT_PROPS, "counts", "series", "visitor", "host", "person", "role", "as_of",
                  "count", "qualifier", "counted", "since", "until")),
        NodeType("Source", "Source", "a source document or a published data set",
                 ("id", "caption", "kind", "version", "file", "title", "author", "publisher",
                 "date", "address", "note")),
        NodeType("Claim", "Claim", "one source's claim about a disputed field of a fact",
                 ("id", "caption", "fact", "field", "value", "preferred", "reason", "sources")),
        NodeType("LoadInfo", "LoadInfo", "one node: when the graph was last loaded, from what",
                 ("id", "loaded_at", "data_hash", "nodes", "relationships")),
    )
}
#: Labels that carry the unique ``id`` constraint; every node of the graph has one of them.
GROUP_LABELS = ("Actor", "Fact", "Source", "Claim", "LoadInfo")
#: The groups that hold the curated graph (LoadInfo is bookkeeping, not data).
DATA_GROUPS = ("Actor", "Fact", "Source", "Claim")

ENTITY_LABELS = {
    "state": "State",
    "organisation": "Organisation",
    "service": "Service",
    "agency": "Agency",
    "unit": "Unit",
}
FACT_LABELS = {
    "agreement": "Agreement",
    "dialogue_series": "DialogueSeries",
    "dialogue_session": "DialogueSession",
    "visit": "Visit",
    "exercise": "Exercise",
    "deployment": "Deployment",
    "operation": "Operation",
    "exchange": "Exchange",
    "industrial": "IndustrialProject",
    "membership": "Membership",
    "stated_total": "StatedTotal",
}

# --- tie categories -------------------------------------------------------------------------

#: The categories of ties that the density measures count, by fact type. Dialogue series and
#: memberships are not ties in themselves: each dated session of a series is. A stated total
#: counts ties; it is none.
CATEGORIES: dict[str, str] = {
    "agreement": "agreements",
    "dialogue_session": "dialogues",
    "visit": "visits",
    "exercise": "exercises",
    "exchange": "exchanges_industrial",
    "industrial": "exchanges_industrial",
    "operation": "operations",
    "deployment": "operations",
}
CATEGORY_ORDER = (
    "agreements",
    "dialogues",
    "visits",
    "exercises",
    "exchanges_industrial",
    "operations",
)

# --- relationships --------------------------------------------------------------------------


@dataclass(frozen=True)
class RelType:
    """A relationship type, with the labels at its ends and its properties."""

    type: str
    start: str
    end: str
    description: str
    properties: tuple[str, ...]


_TIE_PROPS = ("key", "fact", "category", "date", "year", "sources")

REL_TYPES: dict[str, RelType] = {
    r.type: r
    for r in (
        RelType("BELONGS_TO", "Service|Agency|Unit", "State|Service",
                "a unit to its service, a service or agency to its state", ("key",)),
        RelType("SIGNED", "State|Organisation", "Agreement",
                "a party to an agreement, the only relationship between the two (date = "
                "signature as written, date_start/date_end = the days it covers, status as "
                "reported)",
                ("key", "fact", "date", "date_start", "date_end", "status", "sources")),
        RelType("PARTICIPATED_IN", "Actor", "Fact",
                "an entity named in a fact other than an agreement, with its role (party of "
                "a dialogue series, participant, observer, visitor, host, member, "
                "organisation; `counted` for the actors of a stated total's series); the fact's "
                "`actors` property lists the top-level actors "
                "(states, organisations) it involves, units and services mapped to their "
                "state: the basis of every dyadic count", ("key", "role")),
        RelType("EXERCISED_WITH", "State|Organisation", "State|Organisation",
                "two actors whose forces took part in the same exercise (one edge per pair and "
                "exercise; from the smaller id to the larger)", _TIE_PROPS),
        RelType("VISITED", "Actor", "State|Organisation",
                "a visitor (official's agency, state, service or unit) to its host",
                (*_TIE_PROPS, "kind", "role", "person")),
        RelType("MEMBER_OF", "Actor", "Organisation",
                "a membership spell (start and end as written; since/until = its first and "
                "last day)", ("key", "fact", "start", "end", "since", "until", "role",
                               "sources")),
        RelType("HAS_SESSION", "DialogueSeries", "DialogueSession",
                "a dialogue series to each of its dated sessions", ("key",)),
        RelType("CITES", "Fact|Claim", "Source",
                "the evidence: locator and verbatim quote", ("key", "locator", "quote", "n")),
        RelType("HAS_CLAIM", "Fact", "Claim",
                "a fact to each claim about one of its disputed fields", ("key",)),
    )
}


#: Properties stored in Neo4j as ``date`` values (the first and last day of the period a date
#: as written covers: "2016-10" -> 2016-10-01 ... 2016-10-31). The projection and the files
#: backend hold them as ISO strings; :func:`to_db` and :func:`from_db` convert at the driver.
TEMPORAL_PROPERTIES = frozenset(
    {"when_start", "when_end", "since", "until", "date_start", "date_end"}
)


def to_db(props: dict[str, Any]) -> dict[str, Any]:
    """Return ``props`` with each :data:`TEMPORAL_PROPERTIES` value (an ISO date string) as a
    :class:`datetime.date`, which the driver sends as a Neo4j ``date``."""
    if TEMPORAL_PROPERTIES.isdisjoint(props):
        return props
    return {k: (datetime.date.fromisoformat(v) if k in TEMPORAL_PROPERTIES and isinstance(v, str)
                else v) for k, v in props.items()}


def from_db(props: dict[str, Any]) -> dict[str, Any]:
    """Return ``props`` read from Neo4j with each temporal value back as its ISO string (the
    projection's form, so that a read graph compares equal to the wanted one)."""
    if TEMPORAL_PROPERTIES.isdisjoint(props):
        return props
    return {k: (v.iso_format() if k in TEMPORAL_PROPERTIES and hasattr(v, "iso_format") else v)
            for k, v in props.items()}


def constraint_statements() -> list[str]:
    """Return the idempotent Cypher that creates the constraints and indexes of the schema."""
    stmts = [
        f"CREATE CONSTRAINT {group.lower()}_id IF NOT EXISTS "
        f"FOR (n:{group}) REQUIRE n.id IS UNIQUE"
        for group in GROUP_LABELS
    ]
    stmts += [
        "CREATE INDEX fact_when_start IF NOT EXISTS FOR (n:Fact) ON (n.when_start)",
        "CREATE INDEX fact_category IF NOT EXISTS FOR (n:Fact) ON (n.category)",
        "CREATE INDEX actor_name IF NOT EXISTS FOR (n:Actor) ON (n.name)",
        "CREATE INDEX state_name IF NOT EXISTS FOR (n:State) ON (n.name)",
        "CREATE INDEX agreement_kind IF NOT EXISTS FOR (n:Agreement) ON (n.kind)",
        # exact, case-blind lookups by id, name or alias (the queries' actor parameters):
        # each Actor's ``keys`` (see actor_keys) as whole values, not words
        "CREATE FULLTEXT INDEX actor_keys IF NOT EXISTS FOR (n:Actor) ON EACH [n.keys] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}}",
    ]
    stmts += [
        f"CREATE INDEX rel_{t.lower()}_key IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.key)"
        for t in REL_TYPES
    ]
    return stmts


def actor_keys(actor_id: str, name: str, aliases: list[str] | None) -> list[str]:
    """Return an actor's lookup keys: its id, name and aliases in lower case, sorted and
    without repeats (the ``keys`` property that the ``actor_keys`` index holds)."""
    return sorted({k.lower() for k in (actor_id, name, *(aliases or ()))})


def check_label(label: str) -> str:
    """Return ``label`` if the schema declares it (or a group label); raise ValueError if not.

    Labels and relationship types cannot be Cypher parameters; every one that is written
    into query text goes through this check or :func:`check_rel_type`.
    """
    if label in NODE_TYPES or label in GROUP_LABELS:
        return label
    raise ValueError(f"label {label!r} is not in the tiegraph schema")


def check_rel_type(rel_type: str) -> str:
    """Return ``rel_type`` if the schema declares it; raise ValueError if not."""
    if rel_type in REL_TYPES:
        return rel_type
    raise ValueError(f"relationship type {rel_type!r} is not in the tiegraph schema")


def mermaid() -> str:
    """Return a Mermaid flowchart of the schema (for the README)."""
    lines = ["flowchart LR"]
    for rel in REL_TYPES.values():
        start = rel.start.split("|")[0]
        end = rel.end.split("|")[0]
        lines.append(f"  {start} -- {rel.type} --> {end}")
    return "\n".join(lines)
