"""The record schema of the fact files, as pydantic models.

This module is the single definition of what a valid record is (docs/data-format.md explains
it for people). Cross-record rules (unknown ids, duplicate ids, quotes found in the sources,
dates not after the source) live in :mod:`loaders.dataset`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)

from tiegraph.loaders.dates import check_date, date_key

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ISO3 = r"^[A-Z]{3}$"


class FieldError(ValueError):
    """A model validator's error about one field: ``loc`` is its key path within the record,
    so that the problem is reported at that field's line (see loaders.dataset)."""

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = loc


def article(noun: str) -> str:
    """Return ``noun`` with ``a`` or ``an`` (``an organisation``, ``a unit``)."""
    return f"{'an' if noun[:1] in 'aeio' else 'a'} {noun}"


def _coerce_date(value: Any) -> Any:
    """Accept YAML's unquoted year (int) and day (date) as strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


PartialDate = Annotated[str, BeforeValidator(_coerce_date), AfterValidator(check_date)]
"""An ISO 8601 date prefix (``2016``, ``2016-10``, ``2016-10-24``) whose length is its precision."""

Slug = Annotated[str, Field(pattern=SLUG, max_length=120)]
EntityId = Annotated[str, Field(pattern=r"^([A-Z]{3}|[a-z0-9]+(-[a-z0-9]+)*)$", max_length=120)]


#: Characters XML 1.0 cannot hold (C0 controls but tab, newline, CR; surrogates; U+FFFE/F):
#: a value holding one would make the GraphML and GEXF exports unparseable.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_Loc = tuple[str | int, ...]


def _xml_invalid(value: Any, loc: _Loc = ()) -> tuple[_Loc, str] | None:
    """Return (key path, character) of the first character XML cannot hold in ``value``
    (strings, and lists and mappings of them), or None."""
    if isinstance(value, str):
        found = XML_INVALID.search(value)
        return (loc, found.group()) if found else None
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        if (hit := _xml_invalid(item, (*loc, key))) is not None:
            return hit
    return None


class Strict(BaseModel):
    """Base: unknown keys are errors, values are not silently coerced between types, and no
    string holds a character that XML cannot (see :data:`XML_INVALID`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _xml_safe(cls, data: Any) -> Any:
        if isinstance(data, dict) and (hit := _xml_invalid(data)) is not None:
            raise FieldError(f"character U+{ord(hit[1]):04X} is not allowed (XML exports "
                             "cannot hold it); remove it", *hit[0])
        return data


# --- sources and entities -------------------------------------------------------------------


class Source(Strict):
    """A source document (``kind: text``, its text in ``../shared/sources``) or a published
    data set (``kind: dataset``, cited by row: a locator and no quote)."""

    id: Slug
    kind: Literal["text", "dataset"] = "text"
    version: str | None = None
    file: str
    title: str | None
    author: str | None
    publisher: str | None
    date: PartialDate
    address: str | None = None
    note: str | None = None


EntityKind = Literal["state", "organisation", "service", "agency", "unit"]


class Entity(Strict):
    id: EntityId
    kind: EntityKind
    name: str | None = None
    aliases: list[str] = []
    state: Annotated[str, Field(pattern=ISO3)] | None = None
    service: Slug | None = None
    unit_type: str | None = None
    #: The branch of an armed service (its units share it): what ``depth`` matches when it
    #: asks which forces of two states exercised together. None for joint staffs and bodies
    #: that are no single branch.
    branch: Literal["land", "sea", "air"] | None = None
    cow: Annotated[StrictInt, Field(ge=1, le=9999)] | None = None  # COW state numbers
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Entity:
        if self.kind == "state":
            if not re.match(ISO3, self.id):
                raise FieldError(
                    f"a state's id is its ISO 3166-1 alpha-3 code, not {self.id!r}", "id"
                )
            if self.state or self.service:
                raise FieldError(
                    "a state has no 'state' or 'service'", "state" if self.state else "service"
                )
        else:
            if not re.match(SLUG, self.id):
                raise FieldError(
                    f"id {self.id!r} must be a lower-case slug (e.g. gbr-royal-navy)", "id"
                )
            if not self.name:
                raise FieldError(f"field 'name' is required for {article(self.kind)}", "name")
        if self.kind in ("service", "agency", "unit") and not self.state:
            raise FieldError(f"field 'state' is required for {article(self.kind)}", "state")
        if self.kind == "organisation" and self.state:
            raise FieldError("an organisation has no 'state'", "state")
        if self.service and self.kind != "unit":
            raise FieldError("only a unit has a 'service'", "service")
        if self.branch and self.kind != "service":
            raise FieldError("only a service has a 'branch' (a unit takes its service's)",
                             "branch")
        if self.cow is not None and self.kind != "state":
            raise FieldError("only a state has a 'cow' code", "cow")
        return self


# --- citations and claims -------------------------------------------------------------------


class Citation(Strict):
    """Where a fact is stated: a text source's locator and verbatim quote, or a data set's
    row locator (no quote). Which one a source needs is checked against its ``kind``
    (:func:`citation_problem`)."""

    source: Slug
    locator: Annotated[str, Field(min_length=1, max_length=200)]
    quote: Annotated[str, Field(min_length=10, max_length=400)] | None = None


def citation_problem(citation: Citation, source: Source) -> str | None:
    """Return why ``citation`` does not fit its source's kind (a text source needs a quote,
    a data set takes none), or None when it fits."""
    if source.kind == "text" and citation.quote is None:
        return f"a citation of {source.id} needs a 'quote' (it is a text source)"
    if source.kind == "dataset" and citation.quote is not None:
        return f"a citation of {source.id} has no 'quote' (it is a data set: give the row)"
    return None


Citations = Annotated[list[Citation], Field(min_length=1)]


class DisputedClaim(Strict):
    field: str
    value: Any
    reason: Annotated[str, Field(min_length=5)]
    citations: Citations


# --- facts ----------------------------------------------------------------------------------


class FactBase(Strict):
    id: Slug
    name: str | None = None
    location: str | None = None
    description: str | None = None
    citations: Citations
    disputed: list[DisputedClaim] = []
    note: str | None = None

    @model_validator(mode="after")
    def _disputed_fields_exist(self) -> FactBase:
        for i, claim in enumerate(self.disputed):
            if claim.field not in type(self).model_fields or claim.field in (
                "id",
                "citations",
                "disputed",
            ):
                raise FieldError(
                    f"disputed claim about unknown field {claim.field!r} "
                    f"({article(self.type)} has: {', '.join(sorted(type(self).model_fields))})",  # type: ignore[attr-defined]
                    "disputed",
                    i,
                    "field",
                )
        return self

    def dates(self) -> list[str]:
        """Return every date this fact states (for range checks against its sources)."""
        return [v for k in ("date", "start", "end") if (v := getattr(self, k, None))]


class Dated(FactBase):
    """A fact that happened at a date or over a range."""

    date: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    status: Literal["planned"] | None = None

    @model_validator(mode="after")
    def _one_date(self) -> Dated:
        if self.date and (self.start or self.end):
            raise FieldError(
                "give either 'date' or 'start'/'end', not both", "start" if self.start else "end"
            )
        if not self.date and not self.start:
            raise ValueError("a date is required: give 'date' or 'start' (and 'end')")
        if self.end and not self.start:
            raise FieldError("'end' needs a 'start'", "end")
        if self.start and self.end and date_key(self.end, end=True) < date_key(self.start):
            raise FieldError(f"'end' {self.end} is before 'start' {self.start}", "end")
        return self

    @property
    def when(self) -> str:
        """Return the date or start of the fact (its position in time)."""
        return self.date or self.start  # type: ignore[return-value]


AgreementKind = Literal[
    "information_security",
    "equipment_technology_transfer",
    "acsa",
    "reciprocal_access",
    "joint_statement",
    "joint_declaration",
    "roadmap",
    "action_plan",
    "partnership_programme",
    "memorandum",
    "treaty",
    "other",
]
AgreementStatus = Literal[
    "proposed",
    "under_negotiation",
    "agreed_in_principle",
    "signed",
    "in_force",
    "superseded",
    "terminated",
]
MILESTONES = (
    "proposed",
    "negotiations_launched",
    "agreed_in_principle",
    "signed",
    "in_force",
    "terminated",
)


class Agreement(FactBase):
    type: Literal["agreement"]
    name: str
    kind: AgreementKind
    parties: Annotated[list[EntityId], Field(min_length=1)]
    status: AgreementStatus
    proposed: PartialDate | None = None
    negotiations_launched: PartialDate | None = None
    agreed_in_principle: PartialDate | None = None
    signed: PartialDate | None = None
    in_force: PartialDate | None = None
    revised: list[PartialDate] = []
    terminated: PartialDate | None = None

    def dates(self) -> list[str]:
        return [v for k in MILESTONES if (v := getattr(self, k))] + list(self.revised)

    @property
    def when(self) -> str | None:
        """Return the signature date, else the earliest milestone, else None."""
        return self.signed or min(self.dates(), default=None, key=date_key)


class DialogueSeries(FactBase):
    type: Literal["dialogue_series"]
    name: str
    kind: Literal[
        "two_plus_two",
        "summit",
        "foreign_ministers",
        "defense_ministers",
        "strategic_dialogue",
        "political_military",
        "military_military",
        "vice_ministerial",
        "staff_talks",
        "service_to_service",
        "consultation",
        "other",
    ]
    parties: Annotated[list[EntityId], Field(min_length=2)]
    established: PartialDate | None = None

    def dates(self) -> list[str]:
        return [self.established] if self.established else []

    @property
    def when(self) -> str | None:
        return self.established


class DialogueSession(Dated):
    type: Literal["dialogue_session"]
    series: Slug
    ordinal: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = None


class Visit(Dated):
    type: Literal["visit"]
    visitor: EntityId
    host: EntityId
    kind: Literal[
        "head_of_state_government",
        "ministerial",
        "vice_ministerial",
        "service_chief",
        "secretary_general",
        "official",
        "port_call",
        "aircraft",
        "delegation",
        "other",
    ]
    role: str | None = None
    person: str | None = None


Participants = Annotated[list[EntityId], Field(min_length=1)]


ExerciseType = Literal["cpx", "air", "land", "sea", "amphibious", "cyber", "warfighting",
                       "peacekeeping", "humanitarian"]


class Exercise(Dated):
    type: Literal["exercise"]
    name: str
    participants: Annotated[list[EntityId], Field(min_length=2)]
    observers: list[EntityId] = []
    domain: Literal["maritime", "land", "air", "amphibious", "joint", "cyber", "space", "other"]
    #: exercise types a data set records (MME's flags that are set: ``sea``, ``cpx``, …)
    types: list[ExerciseType] = []


class Deployment(Dated):
    type: Literal["deployment"]
    participants: Participants
    host: EntityId | None = None
    purpose: str | None = None


class Operation(Dated):
    type: Literal["operation"]
    name: str
    kind: Literal[
        "antipiracy",
        "hadr",
        "surveillance",
        "peacekeeping",
        "evacuation",
        "sanctions_enforcement",
        "other",
    ]
    participants: Participants


class Exchange(Dated):
    type: Literal["exchange"]
    kind: Literal[
        "student",
        "staff_talks",
        "liaison_officer",
        "personnel",
        "education",
        "seminar",
        "observer",
        "other",
    ]
    participants: Annotated[list[EntityId], Field(min_length=2)]


class Industrial(Dated):
    type: Literal["industrial"]
    name: str
    kind: Literal["joint_research", "co_development", "equipment_transfer", "procurement", "other"]
    participants: Annotated[list[EntityId], Field(min_length=2)]
    status: Literal["planned", "ongoing", "completed", "cancelled"] | None = None  # type: ignore[assignment]


class Membership(FactBase):
    type: Literal["membership"]
    member: EntityId
    organisation: EntityId
    role: str | None = None
    #: None when the source states the membership without dating it: the spell is then known
    #: to hold only as of the source's date (and as-of queries, which need a start, skip it).
    start: PartialDate | None = None
    end: PartialDate | None = None

    def dates(self) -> list[str]:
        return [d for d in (self.start, self.end) if d]

    @property
    def when(self) -> str | None:
        """Return the start of the spell, or None when the source does not date it."""
        return self.start

    @model_validator(mode="after")
    def _spell(self) -> Membership:
        if self.end and not self.start:
            raise FieldError("'end' needs a 'start'", "end")
        if self.end and self.start and date_key(self.end, end=True) < date_key(self.start):
            raise FieldError(f"'end' {self.end} is before 'start' {self.start}", "end")
        return self


#: The fact types a stated total can count, and the kind of count it may give.
COUNTABLE = ("visit", "dialogue_session", "exercise", "exchange", "deployment", "operation",
             "agreement")


class StatedTotal(FactBase):
    """A source's stated count for a series ("visited Japan 19 times", "held N sessions as
    of ..."), recorded beside the dated facts so that the gap between them can be seen. Not
    a tie: it counts ties. The series is named by the counted type (``counts``) and, as the
    source gives them, the kind, the dialogue series, the visitor, host, person and role (visits)
    or the actors (top-level ids; checked in :mod:`loaders.dataset`), within ``start`` ..
    ``as_of``."""

    type: Literal["stated_total"]
    counts: Literal["visit", "dialogue_session", "exercise", "exchange", "deployment",
                    "operation", "agreement"]
    kind: str | None = None
    series: Slug | None = None
    visitor: EntityId | None = None
    host: EntityId | None = None
    person: str | None = None
    #: words of the counted visits' ``role`` ("administrative vice minister"), as the source
    #: names the rank when the visit kind alone would count other ranks too
    role: str | None = None
    actors: list[EntityId] = []
    #: counted since (None: since the series began)
    start: PartialDate | None = None
    #: the date the count holds as of (the source's date when the source does not say)
    as_of: PartialDate
    count: Annotated[StrictInt, Field(ge=0, le=10_000_000)]
    qualifier: Literal["exact", "at_least", "more_than", "about"] = "exact"
    #: what the number counts: the series' events, or the people they involved (students
    #: trained, officers exchanged): a count of people is not compared with dated facts
    counted: Literal["events", "people"] = "events"

    def dates(self) -> list[str]:
        return [d for d in (self.start, self.as_of) if d]

    @property
    def when(self) -> str:
        """Return the as-of date of the count."""
        return self.as_of

    @model_validator(mode="after")
    def _series_named(self) -> StatedTotal:
        counted = FACT_MODELS[self.counts]
        if self.kind is not None:
            kinds = getattr(counted.model_fields.get("kind"), "annotation", None)
            allowed = getattr(kinds, "__args__", ())
            if self.kind not in allowed:
                raise FieldError(
                    f"kind {self.kind!r} is not a kind of {self.counts} "
                    f"({', '.join(allowed) if allowed else 'it has no kind'})", "kind")
        if self.series is not None and self.counts != "dialogue_session":
            raise FieldError("'series' names a dialogue series: only for counts: "
                             "dialogue_session", "series")
        for key in ("visitor", "host", "person", "role"):
            if getattr(self, key) is not None and self.counts != "visit":
                raise FieldError(f"{key!r} is only for counts: visit", key)
        if len(set(self.actors)) != len(self.actors):
            raise FieldError("actors lists an actor twice", "actors")
        if not (self.series or self.visitor or self.host or self.actors):
            raise ValueError("name the counted series: give 'series', 'visitor'/'host' "
                             "or 'actors'")
        if self.start and date_key(self.as_of, end=True) < date_key(self.start):
            raise FieldError(f"'as_of' {self.as_of} is before 'start' {self.start}", "as_of")
        return self


Fact = Annotated[
    Agreement
    | DialogueSeries
    | DialogueSession
    | Visit
    | Exercise
    | Deployment
    | Operation
    | Exchange
    | Industrial
    | Membership
    | StatedTotal,
    Field(discriminator="type"),
]
FACT_MODELS: dict[str, type[FactBase]] = {
    m.model_fields["type"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in (
        Agreement,
        DialogueSeries,
        DialogueSession,
        Visit,
        Exercise,
        Deployment,
        Operation,
        Exchange,
        Industrial,
        Membership,
        StatedTotal,
    )
}


def participants_of(fact: FactBase) -> list[tuple[str, str]]:
    """Return the (entity id, role) pairs a fact names directly (series parties excluded for
    sessions, which take them from their series)."""
    if isinstance(fact, Agreement | DialogueSeries):
        return [(p, "party") for p in fact.parties]
    if isinstance(fact, Visit):
        return [(fact.visitor, "visitor"), (fact.host, "host")]
    if isinstance(fact, Exercise):
        return [(p, "participant") for p in fact.participants] + [
            (p, "observer") for p in fact.observers
        ]
    if isinstance(fact, Deployment):
        host = [(fact.host, "host")] if fact.host else []
        return [(p, "participant") for p in fact.participants] + host
    if isinstance(fact, Operation | Exchange | Industrial):
        return [(p, "participant") for p in fact.participants]
    if isinstance(fact, Membership):
        return [(fact.member, "member"), (fact.organisation, "organisation")]
    if isinstance(fact, StatedTotal):
        named = [(fact.visitor, "visitor"), (fact.host, "host")]
        return [(e, r) for e, r in named if e] + [(a, "counted") for a in fact.actors]
    return []
