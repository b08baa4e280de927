"""Project a validated :class:`~loaders.dataset.Dataset` onto the graph schema.

:func:`project` returns the exact nodes and relationships that the Neo4j loader writes and
that :func:`to_networkx` turns into the offline graph, so both backends hold the same graph by
construction (and a test reads Neo4j back to prove it).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tiegraph.graph import captions
from tiegraph.graph.schema import ENTITY_LABELS, FACT_LABELS, NODE_TYPES, REL_TYPES, actor_keys
from tiegraph.graph.ties import tie_category
from tiegraph.loaders.dates import date_key, precision
from tiegraph.loaders.model import (
    Agreement,
    DialogueSession,
    Exercise,
    FactBase,
    Membership,
    StatedTotal,
    Visit,
)

if TYPE_CHECKING:
    import networkx as nx

    from tiegraph.loaders.dataset import Dataset


@dataclass(frozen=True)
class Node:
    """A node: its unique id, its labels (group label first) and its properties."""

    id: str
    labels: tuple[str, ...]
    props: dict[str, Any]


@dataclass(frozen=True)
class Rel:
    """A relationship: its unique key, type, end node ids and properties (``key`` included)."""

    key: str
    type: str
    start: str
    end: str
    props: dict[str, Any]


@dataclass
class GraphSpec:
    """The whole graph as plain data: nodes by id, relationships by key."""

    nodes: dict[str, Node] = field(default_factory=dict)
    rels: dict[str, Rel] = field(default_factory=dict)

    def add_node(self, node_id: str, label: str, props: dict[str, Any]) -> None:
        """Add a node with the schema's group label and ``label``; None and [] are dropped."""
        group = NODE_TYPES[label].group
        labels = (group, label) if group != label else (label,)
        allowed = NODE_TYPES[label].properties
        clean = {k: v for k, v in props.items() if v is not None and v != [] and k in allowed}
        clean["id"] = node_id
        self.nodes[node_id] = Node(node_id, labels, clean)

    def add_rel(self, rel_type: str, start: str, end: str, tag: str = "", /, **props: Any) -> None:
        """Add a relationship; its key is ``TYPE:start:end[:tag]``, unique in the graph."""
        key = f"{rel_type}:{start}:{end}" + (f":{tag}" if tag else "")
        allowed = REL_TYPES[rel_type].properties
        clean = {k: v for k, v in props.items() if v is not None and v != [] and k in allowed}
        clean["key"] = key
        self.rels[key] = Rel(key, rel_type, start, end, clean)


def fact_name(ds: Dataset, fact: FactBase) -> str:
    """Return a fact's display name (its ``name`` property): its own name, or one made from
    its type, parties and date. The short Browser caption is graph.captions.fact_caption."""
    if fact.name:
        return fact.name
    when = getattr(fact, "when", None) or ""
    if isinstance(fact, Visit):
        return f"{ds.name_of(fact.visitor)} visit to {ds.name_of(fact.host)} {when}".strip()
    if isinstance(fact, DialogueSession):
        return f"{ds.facts[fact.series].name} {when}".strip()
    parties = "–".join(ds.name_of(a) for a in ds.actors_of(fact))
    return f"{parties} {fact.type.replace('_', ' ')} {when}".strip()


def _fact_props(ds: Dataset, fact: FactBase) -> dict[str, Any]:
    props = fact.model_dump(exclude={"citations", "disputed"})
    when = fact.when  # type: ignore[attr-defined]
    props.update(
        name=fact_name(ds, fact),
        caption=captions.fact_caption(ds, fact),
        category=tie_category(fact),
        when=when,
        when_start=_day(when),
        when_end=_day(when, end=True),
        year=int(when[:4]) if when else None,
        precision=precision(when) if when else None,
        actors=ds.actors_of(fact),
        since=_day(fact.start) if isinstance(fact, Membership | StatedTotal) else None,
        until=(_day(fact.end, end=True) if isinstance(fact, Membership)
               else _day(fact.as_of, end=True) if isinstance(fact, StatedTotal) else None),
        sources=sorted({c.source for c in fact.citations}),
    )
    return props


def _claim_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def project(ds: Dataset) -> GraphSpec:
    """Return the :class:`GraphSpec` of a dataset: every node and relationship of the graph."""
    spec = GraphSpec()
    for sid, src in ds.sources.items():
        spec.add_node(sid, "Source", {**src.model_dump(),
                                      "caption": captions.source_caption(src)})
    for eid, ent in ds.entities.items():
        label = ENTITY_LABELS[ent.kind]
        props = ent.model_dump()
        props["name"] = ds.name_of(eid)
        props["keys"] = actor_keys(eid, props["name"], ent.aliases)
        props["caption"] = captions.actor_caption(ent.kind, eid, props["name"], ent.aliases,
                                                  ent.state)
        if ent.kind == "state":
            props["iso3"] = eid
        spec.add_node(eid, label, props)
        if ent.kind in ("service", "agency", "unit"):
            spec.add_rel("BELONGS_TO", eid, ent.service or ent.state)  # type: ignore[arg-type]

    for fid, fact in ds.facts.items():
        spec.add_node(fid, FACT_LABELS[fact.type], _fact_props(ds, fact))
        sources = sorted({c.source for c in fact.citations})
        for n, cit in enumerate(fact.citations):
            spec.add_rel("CITES", fid, cit.source, str(n), locator=cit.locator, quote=cit.quote,
                         n=n)
        for eid, role in participants_of_fact(ds, fact):
            spec.add_rel("PARTICIPATED_IN", eid, fid, role, role=role)
        tie = {
            "fact": fid,
            "category": tie_category(fact),
            "date": getattr(fact, "when", None),
            "year": int(fact.when[:4]) if getattr(fact, "when", None) else None,  # type: ignore[attr-defined]
            "sources": sources,
        }
        if isinstance(fact, Agreement):
            for party in fact.parties:
                spec.add_rel("SIGNED", party, fid, fact=fid, date=fact.signed,
                             date_start=_day(fact.signed), date_end=_day(fact.signed, end=True),
                             status=fact.status, sources=sources)
        elif isinstance(fact, Exercise):
            actors = sorted({ds.actor_of(p) for p in fact.participants})
            for a, b in itertools.combinations(actors, 2):
                spec.add_rel("EXERCISED_WITH", a, b, fid, **tie)
        elif isinstance(fact, Visit):
            spec.add_rel("VISITED", fact.visitor, fact.host, fid, kind=fact.kind, role=fact.role,
                         person=fact.person, **tie)
        elif isinstance(fact, Membership):
            spec.add_rel("MEMBER_OF", fact.member, fact.organisation, fid, fact=fid,
                         start=fact.start, end=fact.end, since=_day(fact.start),
                         until=_day(fact.end, end=True), role=fact.role, sources=sources)
        elif isinstance(fact, DialogueSession):
            spec.add_rel("HAS_SESSION", fact.series, fid)
        _add_claims(spec, fact)
    return spec


def participants_of_fact(ds: Dataset, fact: FactBase) -> list[tuple[str, str]]:
    """Return the (entity, role) pairs that become PARTICIPATED_IN relationships: those named
    by the fact itself, except an agreement's parties (their one relationship is SIGNED) and
    a session's (reached through its series)."""
    if isinstance(fact, DialogueSession | Agreement):
        return []
    return ds.parties_of(fact)


def _day(value: str | None, *, end: bool = False) -> str | None:
    """Return the first (or, with ``end``, last) day of the period a date covers, or None."""
    return date_key(value, end=end) if value else None


def _add_claims(spec: GraphSpec, fact: FactBase) -> None:
    for fld in sorted({c.field for c in fact.disputed}):
        claims = [(getattr(fact, fld), None, fact.citations, True)] + [
            (c.value, c.reason, c.citations, False) for c in fact.disputed if c.field == fld
        ]
        for i, (value, reason, cites, preferred) in enumerate(claims):
            cid = f"{fact.id}:{fld}:{i}"
            spec.add_node(cid, "Claim", {
                "fact": fact.id, "field": fld, "value": _claim_value(value),
                "caption": captions.claim_caption(fld, _claim_value(value), preferred),
                "preferred": preferred, "reason": reason,
                "sources": sorted({c.source for c in cites}),
            })
            spec.add_rel("HAS_CLAIM", fact.id, cid)
            for n, cit in enumerate(cites):
                spec.add_rel("CITES", cid, cit.source, str(n), locator=cit.locator,
                             quote=cit.quote, n=n)


def to_networkx(spec: GraphSpec) -> nx.MultiDiGraph:
    """Return the spec as a networkx MultiDiGraph.

    Node attributes: ``labels`` (tuple) plus the node's properties; edges are keyed by the
    relationship key and carry ``type`` plus the relationship's properties.
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    for node in spec.nodes.values():
        g.add_node(node.id, labels=node.labels, **node.props)
    g.add_edges_from(
        (rel.start, rel.end, rel.key, {"type": rel.type, **rel.props}) for rel in spec.rels.values()
    )
    return g
