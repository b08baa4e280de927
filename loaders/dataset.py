"""Read the data folder, validate every record and every cross-reference, and return a
:class:`Dataset`. Problems are collected (not raised one at a time) so that the user sees all
of them, each with ``file:line``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tiegraph.graph.errors import DataError
from tiegraph.loaders.layout import discover
from tiegraph.loaders.model import (
    FACT_MODELS,
    MILESTONES,
    Deployment,
    DialogueSession,
    Entity,
    Exchange,
    Exercise,
    Fact,
    FactBase,
    Industrial,
    Membership,
    Operation,
    PartialDate,
    Source,
    StatedTotal,
    Visit,
    article,
    citation_problem,
    date_key,
    participants_of,
)
from tiegraph.loaders.paths import default_data_dir, default_sources_dir
from tiegraph.loaders.yamlfile import FileProblem, Record, read_records

_FACT_ADAPTER: TypeAdapter[Any] = TypeAdapter(Fact)
_DATE_ADAPTER: TypeAdapter[str] = TypeAdapter(PartialDate)
_DATE_FIELDS = {"date", "start", "end", "established", *MILESTONES}


def fold_space(text: str) -> str:
    """Return ``text`` with every run of white space folded to one space (quote matching)."""
    return re.sub(r"\s+", " ", text).strip()


def entity_name(eid: str, entity: Entity) -> str:
    """Return an entity's display name: its ``name``, else (a state) pycountry's common name
    or name of its ISO 3166-1 alpha-3 id."""
    import pycountry

    if entity.name:
        return entity.name
    country = pycountry.countries.get(alpha_3=eid)
    return getattr(country, "common_name", None) or country.name

@dataclass
class Dataset:
    """The validated content of a data folder."""

    sources: dict[str, Source]
    entities: dict[str, Entity]
    facts: dict[str, FactBase]
    records: dict[str, Record] = field(default_factory=dict, repr=False)
    quotes_checked: bool = False

    def actor_of(self, entity_id: str) -> str:
        """Return the top-level actor (state or organisation id) an entity belongs to."""
        entity = self.entities[entity_id]
        return entity.state if entity.kind in ("service", "agency", "unit") else entity.id  # type: ignore[return-value]

    def name_of(self, entity_id: str) -> str:
        """Return the display name of an entity (pycountry's name for states without one)."""
        return self.names[entity_id]

    @cached_property
    def names(self) -> dict[str, str]:
        """Return the display name of every entity, by id (:func:`entity_name`)."""
        return {eid: entity_name(eid, ent) for eid, ent in self.entities.items()}

    def parties_of(self, fact: FactBase) -> list[tuple[str, str]]:
        """Return (entity id, role) for every participant, sessions taking their series'."""
        if isinstance(fact, DialogueSession):
            return participants_of(self.facts[fact.series])
        if isinstance(fact, StatedTotal) and fact.series in self.facts:
            series = [(e, "counted") for e, _ in participants_of(self.facts[fact.series])]
            return participants_of(fact) + [p for p in series if p[0] not in fact.actors]
        return participants_of(fact)

    def actors_of(self, fact: FactBase) -> list[str]:
        """Return the sorted top-level actors (states, organisations) a fact involves."""
        return sorted({self.actor_of(eid) for eid, _ in self.parties_of(fact)})


def _format_loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(record)"


def _validation_problems(record: Record, exc: ValidationError, what: str) -> list[str]:
    problems = []
    rid = record.data.get("id", "?")
    for err in exc.errors():
        loc = tuple(err["loc"])
        # discriminated unions put the tag first: ("exercise", "participants", 0)
        if loc and loc[0] == record.data.get("type"):
            loc = loc[1:]
        # a model validator's error names the field it is about (loaders.model.FieldError)
        loc += tuple(getattr(err.get("ctx", {}).get("error"), "loc", ()))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (see docs/data-format.md for the fields of this type)"
        elif err["type"] == "union_tag_invalid":
            loc = ("type",)
            tag = str(record.data.get("type"))
            msg = (
                f"unknown type {record.data.get('type')!r}{_close(tag, FACT_MODELS)}; "
                f"the types are {', '.join(FACT_MODELS)}"
            )
        elif err["type"] == "union_tag_not_found":
            loc = ("type",)
            msg = "field 'type' is required"
        problems.append(f"{record.where(loc)}: {what} {rid}: {_format_loc(loc)}: {msg}")
    return problems


@dataclass
class _Gaps:
    """What the tables lack because of problems already reported: the ids of records that failed
    validation, and the files that could not be read, by kind (source, entity, fact)."""

    invalid: set[tuple[str, str]] = field(default_factory=set)
    unread: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def unknown(self, kind: str, ref: str) -> str | None:
        """Return what to add to an 'unknown <kind> <ref>' problem, or None when ``ref`` names
        an invalid record (already reported: a second problem would only mislead)."""
        if (kind, ref) in self.invalid:
            return None
        files = self.unread.get(kind)
        return f" ({', '.join(files)} could not be read)" if files else ""


def _read_dir(
    paths: Iterable[Path], base: Path, problems: list[str], unread: list[str]
) -> list[Record]:
    records: list[Record] = []
    for path in paths:
        name = _rel(path, base)
        try:
            records.extend(read_records(path, name, skipped=problems))
        except FileProblem as exc:
            problems.append(str(exc))
            unread.append(str(name))
        except OSError as exc:
            problems.append(f"{name}: cannot read: {exc.strerror}")
            unread.append(str(name))
    return records


def _rel(path: Path, base: Path) -> Path:
    try:
        return path.relative_to(base.parent)
    except ValueError:
        return path


def load_dataset(
    data_dir: Path | None = None,
    sources_dir: Path | None = None,
    *,
    check_quotes: bool = True,
) -> Dataset:
    """Return the validated :class:`Dataset` of ``data_dir``.

    Quotes are checked against the texts in ``sources_dir`` (default: ``../shared/sources``)
    when that folder exists. Raises :class:`graph.errors.DataError` listing every problem.
    """
    data_dir = Path(data_dir or default_data_dir())
    if sources_dir is None and check_quotes:
        sources_dir = default_sources_dir()
    layout = discover(data_dir)
    problems: list[str] = []
    gaps = _Gaps()
    source_records = _read_dir([layout.sources], data_dir, problems, gaps.unread["source"])
    entity_records = _read_dir(layout.entities, data_dir, problems, gaps.unread["entity"])
    fact_records = _read_dir(layout.facts, data_dir, problems, gaps.unread["fact"])

    sources: dict[str, Source] = {}
    entities: dict[str, Entity] = {}
    facts: dict[str, FactBase] = {}
    where: dict[str, Record] = {}
    seen_folded: dict[str, str] = {}

    def keep(rec: Record, obj: Any, table: dict[str, Any], what: str) -> None:
        oid = obj.id
        folded = oid.lower()
        if folded in seen_folded:
            problems.append(
                f"{rec.where(('id',))}: duplicate id {oid!r}"
                + (f" (collides with {seen_folded[folded]})" if seen_folded[folded] else "")
            )
            return
        seen_folded[folded] = f"{what} {oid!r} at {rec.where(('id',))}"
        table[oid] = obj
        where[oid] = rec

    def invalid(rec: Record, exc: ValidationError, what: str) -> None:
        problems.extend(_validation_problems(rec, exc, what))
        if isinstance(rec.data.get("id"), str):
            gaps.invalid.add((what, rec.data["id"]))

    for rec in source_records:
        try:
            keep(rec, Source.model_validate(rec.data), sources, "source")
        except ValidationError as exc:
            invalid(rec, exc, "source")
    for rec in entity_records:
        try:
            keep(rec, Entity.model_validate(rec.data), entities, "entity")
        except ValidationError as exc:
            invalid(rec, exc, "entity")
    for rec in fact_records:
        try:
            keep(rec, _FACT_ADAPTER.validate_python(rec.data), facts, "fact")
        except ValidationError as exc:
            invalid(rec, exc, "fact")

    dataset = Dataset(sources=sources, entities=entities, facts=facts, records=where)
    texts = _source_texts(sources, sources_dir, where, problems) if sources_dir else None
    dataset.quotes_checked = texts is not None
    _check_entities(dataset, problems, gaps)
    _check_facts(dataset, texts, problems, gaps)
    if problems:
        raise DataError(problems)
    return dataset


def _not_a_text_file(path: Path) -> str | None:
    """Return what ``path`` leads to when it exists and is not a regular file (a folder, a
    FIFO, a device), else None; nothing is opened."""
    import stat

    from tiegraph.loaders.layout import _kind

    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing: reported when it is read
    if stat.S_ISREG(mode):
        return None
    return "a folder" if stat.S_ISDIR(mode) else _kind(mode)


def _source_texts(
    sources: dict[str, Source], sources_dir: Path, where: dict[str, Record], problems: list[str]
) -> dict[str, str]:
    texts = {}
    root = sources_dir.resolve()
    for sid, src in sources.items():
        path = sources_dir / src.file
        if not path.resolve().is_relative_to(root):  # '..', an absolute path, a symlink out
            problems.append(
                f"{where[sid].where(('file',))}: source {sid}: file {src.file!r} is outside the "
                f"folder of source texts {sources_dir}; name a file inside it"
            )
            continue
        kind = _not_a_text_file(path)
        if kind is not None:  # a FIFO would block the read forever
            problems.append(f"{where[sid].where(('file',))}: source text {path} is {kind}, "
                            "not a text file")
            continue
        try:
            texts[sid] = fold_space(path.read_text(encoding="utf-8"))
        except OSError:
            problems.append(f"{where[sid].where(('file',))}: source text {path} is missing")
        except UnicodeDecodeError as exc:
            problems.append(
                f"{where[sid].where(('file',))}: source text {path} is not UTF-8 "
                f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
            )
    return texts


def _check_entities(ds: Dataset, problems: list[str], gaps: _Gaps) -> None:
    import pycountry

    aliases: dict[str, str] = {}
    for eid, ent in ds.entities.items():
        rec = ds.records[eid]
        if ent.kind == "state" and pycountry.countries.get(alpha_3=eid) is None:
            problems.append(f"{rec.where(('id',))}: {eid!r} is not an ISO 3166-1 alpha-3 code")
        if ent.state is not None:
            target = ds.entities.get(ent.state)
            if target is None and (more := gaps.unknown("entity", ent.state)) is not None:
                problems.append(
                    f"{rec.where(('state',))}: {eid}: unknown state {ent.state!r}{more}"
                )
            elif target is not None and target.kind != "state":
                problems.append(
                    f"{rec.where(('state',))}: {eid}: {ent.state!r} is {article(target.kind)}, "
                    "not a state"
                )
        if ent.service is not None:
            svc = ds.entities.get(ent.service)
            if svc is None:
                if (more := gaps.unknown("entity", ent.service)) is not None:
                    problems.append(
                        f"{rec.where(('service',))}: {eid}: unknown service {ent.service!r}"
                        f"{_close(ent.service, ds.entities)}{more}"
                    )
            elif svc.kind != "service":
                problems.append(
                    f"{rec.where(('service',))}: {eid}: {ent.service!r} is {article(svc.kind)}, "
                    "not a service"
                )
            elif svc.state != ent.state:
                problems.append(
                    f"{rec.where(('service',))}: {eid}: service {ent.service} belongs to "
                    f"{svc.state}, not {ent.state}"
                )
        for i, alias in enumerate(ent.aliases):
            key = alias.casefold()
            if key in aliases and aliases[key] != eid:
                problems.append(
                    f"{rec.where(('aliases', i))}: {eid}: alias {alias!r} is already an alias "
                    f"of {aliases[key]}"
                )
            aliases[key] = eid


_ACTOR_KINDS = ("state", "organisation")


def _check_facts(
    ds: Dataset, texts: dict[str, str] | None, problems: list[str], gaps: _Gaps
) -> None:
    for fid, fact in ds.facts.items():
        rec = ds.records[fid]

        def entity_ref(
            eid: str,
            loc: tuple[Any, ...],
            kinds: tuple[str, ...] | None = None,
            rec: Record = rec,
            fid: str = fid,
        ) -> None:
            ent = ds.entities.get(eid)
            if ent is None:
                if (more := gaps.unknown("entity", eid)) is not None:
                    hint = _close(eid, ds.entities)
                    problems.append(
                        f"{rec.where(loc)}: {fid}: unknown entity {eid!r}{hint}{more}"
                    )
            elif kinds and ent.kind not in kinds:
                problems.append(
                    f"{rec.where(loc)}: {fid}: {eid!r} is {article(ent.kind)}; "
                    f"expected {article(' or '.join(kinds))}"
                )

        for key in ("parties", "participants", "observers"):
            kinds = _ACTOR_KINDS if key == "parties" else None
            for i, eid in enumerate(getattr(fact, key, None) or []):
                entity_ref(eid, (key, i), kinds)
            values = getattr(fact, key, None) or []
            if len(set(values)) != len(values):
                problems.append(f"{rec.where((key,))}: {fid}: {key} lists an entity twice")
        if isinstance(fact, StatedTotal):
            for i, eid in enumerate(fact.actors):
                entity_ref(eid, ("actors", i), _ACTOR_KINDS)
            if fact.visitor:
                entity_ref(fact.visitor, ("visitor",))
        if isinstance(fact, Visit):
            entity_ref(fact.visitor, ("visitor",))
            entity_ref(fact.host, ("host",), _ACTOR_KINDS)
        if getattr(fact, "host", None) and not isinstance(fact, Visit):
            entity_ref(fact.host, ("host",), _ACTOR_KINDS)  # type: ignore[attr-defined]
        if isinstance(fact, Membership):
            entity_ref(fact.member, ("member",))
            entity_ref(fact.organisation, ("organisation",), ("organisation",))
        if isinstance(fact, DialogueSession | StatedTotal) and fact.series:
            series = ds.facts.get(fact.series)
            if series is None:
                if (more := gaps.unknown("fact", fact.series)) is not None:
                    known = [k for k, v in ds.facts.items() if v.type == "dialogue_series"]  # type: ignore[attr-defined]
                    problems.append(
                        f"{rec.where(('series',))}: {fid}: unknown dialogue series "
                        f"{fact.series!r}{_close(fact.series, known)}{more}"
                    )
            elif series.type != "dialogue_series":  # type: ignore[attr-defined]
                problems.append(
                    f"{rec.where(('series',))}: {fid}: series {fact.series!r} is "
                    f"{article(series.type)}, not a dialogue_series"  # type: ignore[attr-defined]
                )
        if (self_tie := _self_tie(ds, fact)) is not None:
            problems.append(f"{rec.where((self_tie[0],))}: {fid}: {self_tie[1]}")
        _check_citations(ds, fid, rec, fact, texts, problems, gaps)


def _self_tie(ds: Dataset, fact: FactBase) -> tuple[str, str] | None:
    """Return (field, message) when ``fact`` ties an actor to itself or to its own service,
    agency or unit: a visit or membership whose two sides are one actor, a deployment whose
    host is a participant's own state, or an exercise, operation, exchange or industrial
    project whose entities all belong to one actor. Return None otherwise (also when an
    entity is unknown: that is reported already)."""
    parts = participants_of(fact)
    if any(eid not in ds.entities for eid, _ in parts):
        return None
    if isinstance(fact, Visit | Membership):
        (a, role_a), (b, role_b) = parts
        if ds.actor_of(a) == ds.actor_of(b):
            return role_b, (f"the {role_a} {a!r} and the {role_b} {b!r} are both "
                            f"{ds.actor_of(a)}: a tie of an actor with itself")
        return None
    if isinstance(fact, Deployment):
        host = fact.host
        if host and any(ds.actor_of(e) == ds.actor_of(host) for e in fact.participants):
            return "host", (f"the host {host!r} is the participants' own actor "
                            f"{ds.actor_of(host)}: a deployment to itself is not a tie")
        return None
    if isinstance(fact, Exercise | Operation | Exchange | Industrial):
        actors = {ds.actor_of(eid) for eid, _ in parts}
        if len(parts) >= 2 and len(actors) == 1:
            return "participants", (f"every entity belongs to {actors.pop()}: a tie of an actor "
                                    "with itself or its own service, agency or unit")
    return None


def _check_citations(
    ds: Dataset,
    fid: str,
    rec: Record,
    fact: FactBase,
    texts: dict[str, str] | None,
    problems: list[str],
    gaps: _Gaps,
) -> None:
    def check(cites: list[Any], base: tuple[Any, ...]) -> list[str]:
        dates = []
        for i, cit in enumerate(cites):
            loc = (*base, "citations", i)
            src = ds.sources.get(cit.source)
            if src is None:
                if (more := gaps.unknown("source", cit.source)) is not None:
                    problems.append(
                        f"{rec.where((*loc, 'source'))}: {fid}: unknown source {cit.source!r}"
                        f"{_close(cit.source, ds.sources)}{more}"
                    )
                continue
            dates.append(src.date)
            if (wrong := citation_problem(cit, src)) is not None:
                problems.append(f"{rec.where(loc)}: {fid}: {wrong}")
                continue
            if (
                texts is not None
                and cit.quote is not None
                and cit.source in texts
                and fold_space(cit.quote) not in texts[cit.source]
            ):
                problems.append(
                    f"{rec.where((*loc, 'quote'))}: {fid}: quote not found verbatim in "
                    f"{cit.source} ({src.file}): {cit.quote[:60]!r}"
                )
        return dates

    source_dates = check(fact.citations, ())
    planned = getattr(fact, "status", None) == "planned"
    latest = max(source_dates, key=lambda d: date_key(d, end=True), default=None)
    if latest and not planned:
        for loc, value in _dates_with_locs(fact):
            if date_key(value) > date_key(latest, end=True):
                problems.append(
                    f"{rec.where(loc)}: {fid}: {_format_loc(loc)} {value} is after its latest "
                    f"source ({latest}); mark announced events 'status: planned'"
                )
    for j, claim in enumerate(fact.disputed):
        check(claim.citations, ("disputed", j))
        if claim.field in _DATE_FIELDS:
            try:
                _DATE_ADAPTER.validate_python(claim.value)
            except ValidationError as exc:
                msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
                problems.append(f"{rec.where(('disputed', j, 'value'))}: {fid}: {msg}")


def _dates_with_locs(fact: FactBase) -> list[tuple[tuple[Any, ...], str]]:
    """Return (key path, date) for every date in ``fact.dates()``, to report its line."""
    values = set(fact.dates())
    out: list[tuple[tuple[Any, ...], str]] = []
    for key in (*MILESTONES, "established", "date", "start", "end", "as_of"):
        value = getattr(fact, key, None)
        if isinstance(value, str) and value in values:
            out.append(((key,), value))
    for i, value in enumerate(getattr(fact, "revised", None) or []):
        out.append((("revised", i), value))
    return out


def _close(name: str, known: Iterable[str]) -> str:
    from tiegraph.graph.names import suggest

    near = suggest(name, list(known))
    return f" (did you mean {', '.join(near)}?)" if near else ""


def facts_by_file(ds: Dataset) -> dict[str, list[str]]:
    """Return fact ids grouped by the file they come from."""
    out: dict[str, list[str]] = defaultdict(list)
    for fid in ds.facts:
        out[str(ds.records[fid].file)].append(fid)
    return dict(out)
