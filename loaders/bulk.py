"""The bulk tabular format: CSV files for inputs too large for YAML (docs/scale.md).

A bulk folder holds five CSV files (UTF-8, a header row, one record per row)::

    sources.csv        one row per source document   (the columns of sources.yaml)
    entities.csv       one row per entity            (the keys of entities/*.yaml)
    facts.csv          one row per fact: its scalar fields (lists go to the next two files)
    participants.csv   fact, field, entity: one row per entry of a fact's parties,
                       participants or observers list, in list order
    citations.csv      fact, source, locator, quote: one row per citation, in order

``facts.csv`` is sorted by fact id, and ``participants.csv`` and ``citations.csv`` are sorted
by their ``fact`` column (a stable sort keeps each list in order): the loader reads the three
files side by side, in chunks, and never holds more than a chunk of them. An empty cell is an
absent value; ``aliases`` (entities) and ``revised`` (agreements) hold several values
separated by ``|``. Disputed claims have no bulk form: curate those in YAML.

Every record is validated by the pydantic models of :mod:`loaders.model` and the cross-record
checks of :mod:`loaders.dataset` (the rules of the YAML files), and each problem is reported
as ``file:line``. The whole input is validated before anything is written; the graph is then
written in one transaction per chunk, with the projection of :mod:`graph.projection` and the
writer of :mod:`loaders.neo4j_loader` (label-qualified ``UNWIND ... CREATE`` of the
difference), so a bulk-loaded graph has the same nodes, labels, relationships and properties
as a YAML-loaded one.

Memory: entities, sources (and their texts) and a slim reference of each dialogue series
(:class:`SeriesRef`: id, name, parties) are held; facts, participants and citations stream,
and duplicate fact ids are found from the previous id (the file is sorted). A load is *not*
atomic: each chunk commits on its own. It is idempotent: each chunk is compared with what
the database holds and only the difference is written, so a rerun after a failure finishes
the load, and a rerun of unchanged data writes nothing. Facts absent from the files are left
in the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import pickle
import re
import sys
import tempfile
import time
from collections import ChainMap, Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import astuple, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import ValidationError

from tiegraph.graph.api import IndexedBackend
from tiegraph.graph.errors import DataError, RefusedError
from tiegraph.graph.projection import GraphSpec, Node, Rel, project
from tiegraph.graph.schema import from_db
from tiegraph.loaders.bulk_guard import bulk_removal_refusal
from tiegraph.loaders.dataset import (
    _FACT_ADAPTER,
    Dataset,
    _check_entities,
    _check_facts,
    _close,
    _Gaps,
    _source_texts,
    _validation_problems,
    entity_name,
)
from tiegraph.loaders.layout import check_bulk_folder
from tiegraph.loaders.model import (
    FACT_MODELS,
    DialogueSeries,
    DialogueSession,
    Entity,
    FactBase,
    Source,
)
from tiegraph.loaders.yamlfile import Path_, Record

SOURCES_FILE = "sources.csv"
ENTITIES_FILE = "entities.csv"
FACTS_FILE = "facts.csv"
PARTICIPANTS_FILE = "participants.csv"
CITATIONS_FILE = "citations.csv"
FILES = (SOURCES_FILE, ENTITIES_FILE, FACTS_FILE, PARTICIPANTS_FILE, CITATIONS_FILE)

#: Separator of the values of a list held in one cell (``aliases``, ``revised``).
LIST_SEP = "|"
#: The list fields of facts that live in participants.csv, one row per entry.
PARTICIPANT_FIELDS = ("parties", "participants", "observers", "actors")
#: Facts per chunk: the unit of reading, validating and writing (one transaction each).
CHUNK_SIZE = 5000
#: Problems reported in full; the rest are counted (memory stays flat on garbage input).
MAX_PROBLEMS = 500
_SENTINEL = "\x00extra"  # an extra column: a row with more cells than the header fills it
Progress = Callable[[str, int], None]


def _columns(models: Iterable[Any], skip: Iterable[str] = ()) -> tuple[str, ...]:
    """Return the fields of ``models`` as columns: ``id`` (and ``type``) first, in model
    order, without ``skip``."""
    models = list(models)
    out: dict[str, None] = dict.fromkeys(
        ["id", "type"] if any("type" in m.model_fields for m in models) else ["id"])
    for model in models:
        out.update(dict.fromkeys(model.model_fields))
    for name in skip:
        out.pop(name, None)
    return tuple(out)


SOURCE_COLUMNS = _columns([Source])
ENTITY_COLUMNS = _columns([Entity])
FACT_COLUMNS = _columns(FACT_MODELS.values(), ("citations", "disputed", *PARTICIPANT_FIELDS))
PARTICIPANT_COLUMNS = ("fact", "field", "entity")
CITATION_COLUMNS = ("fact", "source", "locator", "quote")


def _cell_lists(models: Iterable[Any]) -> frozenset[str]:
    """Return the list fields held in one cell, ``|``-separated (aliases, revised)."""
    return frozenset(
        name for m in models for name, f in m.model_fields.items()
        if get_origin(f.annotation) is list
        and name not in ("citations", "disputed", *PARTICIPANT_FIELDS)
    )


def _nullable_required(model: Any) -> frozenset[str]:
    """Return the fields that must be present but may be null (a source's title, ...): an
    empty cell gives them None instead of leaving them out."""
    return frozenset(name for name, f in model.model_fields.items()
                     if f.is_required() and type(None) in get_args(f.annotation))


CELL_LISTS = _cell_lists([Entity, *FACT_MODELS.values()])
#: The integer fields (strict in the models): a cell of ASCII digits becomes an int.
CELL_INTS = frozenset({"cow", "ordinal", "count"})


def _cell_value(col: str, value: str) -> Any:
    """Return a cell as the models take it: a list for :data:`CELL_LISTS`, an int for a cell
    of ASCII digits in :data:`CELL_INTS`, else the string (which validation may reject)."""
    if col in CELL_LISTS:
        return value.split(LIST_SEP)
    if col in CELL_INTS and value.isascii() and value.isdigit():
        return int(value)
    return value

_SOURCE_NULLS = _nullable_required(Source)
_REQUIRED = {
    SOURCES_FILE: ("id", "file", "title", "author", "publisher", "date"),
    ENTITIES_FILE: ("id", "kind"),
    FACTS_FILE: ("id", "type"),
    PARTICIPANTS_FILE: PARTICIPANT_COLUMNS,
    CITATIONS_FILE: CITATION_COLUMNS,
}
_ALLOWED = {
    SOURCES_FILE: SOURCE_COLUMNS,
    ENTITIES_FILE: ENTITY_COLUMNS,
    FACTS_FILE: FACT_COLUMNS,
    PARTICIPANTS_FILE: PARTICIPANT_COLUMNS,
    CITATIONS_FILE: CITATION_COLUMNS,
}


# --- writing the format (the generator and converters) ------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEP.join(str(v) for v in value)
    return str(value)


def source_row(record: dict[str, Any]) -> list[str]:
    """Return the sources.csv row (cells in :data:`SOURCE_COLUMNS` order) of a source record."""
    return [_cell(record.get(c)) for c in SOURCE_COLUMNS]


def entity_row(record: dict[str, Any]) -> list[str]:
    """Return the entities.csv row (cells in :data:`ENTITY_COLUMNS` order) of an entity."""
    return [_cell(record.get(c)) for c in ENTITY_COLUMNS]


def fact_rows(record: dict[str, Any]) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Return the rows of one fact record (a mapping in the YAML fact format): its facts.csv
    row, its participants.csv rows and its citations.csv rows. Raises ValueError for disputed
    claims, which the bulk format does not hold."""
    if record.get("disputed"):
        raise ValueError(f"fact {record.get('id')}: disputed claims have no bulk form")
    fid = record["id"]
    row = [_cell(record.get(c)) for c in FACT_COLUMNS]
    parts = [[fid, fld, entity] for fld in PARTICIPANT_FIELDS for entity in record.get(fld) or []]
    cites = [[fid, c["source"], c["locator"], c["quote"]] for c in record.get("citations") or []]
    return row, parts, cites


class BulkWriter:
    """Write a bulk folder: ``with BulkWriter(folder) as w: w.source(...); w.fact(...)``.

    Facts must be given in id order (the format's sort order); the writer checks it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._last = ""

    def __enter__(self) -> BulkWriter:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._handles = {name: (self.folder / name).open("w", encoding="utf-8", newline="")
                         for name in FILES}
        self._writers = {name: csv.writer(h, lineterminator="\n")
                         for name, h in self._handles.items()}
        for name in FILES:
            self._writers[name].writerow(_ALLOWED[name])
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles.values():
            handle.close()

    def source(self, record: dict[str, Any]) -> None:
        """Add a source record."""
        self._writers[SOURCES_FILE].writerow(source_row(record))

    def entity(self, record: dict[str, Any]) -> None:
        """Add an entity record."""
        self._writers[ENTITIES_FILE].writerow(entity_row(record))

    def fact(self, record: dict[str, Any]) -> None:
        """Add a fact record (ids must increase); raises ValueError otherwise."""
        if record["id"] <= self._last:
            raise ValueError(f"fact {record['id']} comes after {self._last}: write facts in "
                             "id order")
        self._last = record["id"]
        row, parts, cites = fact_rows(record)
        self._writers[FACTS_FILE].writerow(row)
        self._writers[PARTICIPANTS_FILE].writerows(parts)
        self._writers[CITATIONS_FILE].writerows(cites)


# --- reading --------------------------------------------------------------------------------


@dataclass
class CsvRecord(Record):
    """A record assembled from CSV rows; ``files`` names the file of each key path whose line
    is in ``lines`` (participants and citations come from their own files)."""

    files: dict[Path_, Path] = field(default_factory=dict)

    def where(self, loc: Path_ = ()) -> str:
        """Return ``file:line`` for ``loc``: the row (and file) that holds that value."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return f"{self.files.get(loc[:end], self.file)}:{self.lines[loc[:end]]}"
        return f"{self.file}:{self.line}"


@dataclass
class Row:
    """One CSV row: its 1-based line and its non-empty cells by column."""

    line: int
    values: dict[str, str]


class _Problems:
    """The problems found so far: the first :data:`MAX_PROBLEMS` in full, the rest counted."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = 0

    def add(self, problem: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[str]) -> None:
        for p in problems:
            self.add(p)

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self) -> DataError:
        """Return the DataError listing every problem (and how many were left out)."""
        extra = [f"... and {self.more} more problem(s)"] if self.more else []
        return DataError(self.items + extra)


def _header(path: Path, name: Path, problems: _Problems) -> tuple[list[str], int] | None:
    """Return the header's columns and how many physical lines it takes, or None (reported)
    when the file cannot be read or its header is unusable."""
    file = name.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            lines = reader.line_num
    except FileNotFoundError:
        problems.add(f"{name}: missing: a bulk folder has {', '.join(FILES)}")
        return None
    except UnicodeDecodeError as exc:
        problems.add(f"{name}:1: not UTF-8 ({exc.reason})")
        return None
    except (OSError, csv.Error) as exc:
        problems.add(f"{name}:1: cannot read: {exc}")
        return None
    if not header:
        problems.add(f"{name}:1: the file is empty; it needs a header row")
        return None
    header = [h.strip() for h in header]
    ok = True
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.add(f"{name}:1: column {col!r} appears twice")
            ok = False
        seen.add(col)
        if col not in _ALLOWED[file]:
            problems.add(f"{name}:1: unknown column {col!r}{_close(col, _ALLOWED[file])}; the "
                         f"columns of {file} are {', '.join(_ALLOWED[file])}")
    for col in _REQUIRED[file]:
        if col not in seen:
            problems.add(f"{name}:1: column {col!r} is missing")
            ok = False
    return (header, lines) if ok else None


def read_rows(path: Path, name: Path, problems: _Problems,
              chunk_size: int = CHUNK_SIZE) -> Iterator[list[Row]]:
    """Yield the rows of one CSV file in chunks of ``chunk_size``, read with pandas.

    Cells are strings; empty cells are left out of :attr:`Row.values`; unknown columns are
    reported once (from the header) and ignored; blank lines are skipped. A row with more
    cells than the header, a CSV syntax error or bytes that are not UTF-8 are reported with
    their line (the file is not read further after a syntax error).
    """
    import pandas as pd

    head = _header(path, name, problems)
    if head is None:
        return
    header, header_lines = head
    allowed = set(_ALLOWED[name.name])
    keep = [(i, col) for i, col in enumerate(header) if col in allowed]
    line = header_lines + 1
    try:
        reader = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
            header=None, skiprows=header_lines, names=[*header, _SENTINEL], index_col=False,
            chunksize=chunk_size, encoding="utf-8-sig", engine="c",
        )
        with reader:
            for frame in reader:
                extra = _newlines(frame, header)
                rows = []
                for n, cells in enumerate(frame.itertuples(index=False, name=None)):
                    if cells[-1]:
                        problems.add(f"{name}:{line}: the row has more cells than the header "
                                     f"({len(header)})")
                    values = {col: cells[i] for i, col in keep if cells[i]}
                    if values:
                        rows.append(Row(line, values))
                    line += 1 + (int(extra[n]) if extra is not None else 0)
                yield rows
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = f"{name}:{match.group(1)}" if match else f"{name}:{line}"
        problems.add(f"{where}: CSV syntax error: "
                     + (f"the row has {int(match.group(2)) - 1} cells; the header has "
                        f"{len(header)}" if match else str(exc).strip()))
    except UnicodeDecodeError as exc:
        problems.add(f"{name}:{_bad_utf8_line(path)}: not UTF-8 ({exc.reason}); save the file "
                     "as UTF-8")


def _newlines(frame: Any, header: list[str]) -> Any:
    """Return per row the number of line breaks inside its cells (None when there are none),
    so that line numbers stay exact for quoted multi-line cells."""
    if not any("\n" in cell for cell in frame.to_numpy().ravel()):
        return None
    counts = None
    for col in header:
        c = frame[col].str.count("\n").to_numpy()
        counts = c if counts is None else counts + c
    return counts


def _bad_utf8_line(path: Path) -> int:
    with path.open("rb") as handle:
        for n, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 1


def _rel_name(folder: Path, file: str) -> Path:
    return Path(folder.name) / file


class _Groups:
    """The rows of participants.csv or citations.csv, taken fact by fact in facts.csv order
    (a merge join of two files sorted by fact id)."""

    def __init__(self, chunks: Iterator[list[Row]], name: Path, problems: _Problems) -> None:
        self._rows = (row for chunk in chunks for row in chunk)
        self.name = name
        self.problems = problems
        self._next: Row | None = None
        self._last = ""
        self._unsorted = False
        self.count = 0
        self._advance()

    def _advance(self) -> None:
        self._next = next(self._rows, None)
        if self._next is None:
            return
        fid = self._next.values.get("fact", "")
        if fid < self._last and not self._unsorted:
            self._unsorted = True
            self.problems.add(
                f"{self.name}:{self._next.line}: rows are not sorted by fact id ({fid!r} comes "
                f"after {self._last!r}); sort the file by its fact column, keeping the order "
                "of each fact's rows (LC_ALL=C sort -s, or pandas sort_values(kind='stable'))")
        self._last = max(fid, self._last)

    def take(self, fact_id: str) -> list[Row]:
        """Return the rows of ``fact_id``; rows of ids before it name no fact (reported)."""
        out = []
        while self._next is not None:
            fid = self._next.values.get("fact", "")
            if fid > fact_id:
                break
            if fid == fact_id:
                out.append(self._next)
            else:
                self._orphan(self._next)
            self.count += 1
            self._advance()
        return out

    def finish(self) -> None:
        """Report the rows left after the last fact (they name no fact)."""
        while self._next is not None:
            self._orphan(self._next)
            self.count += 1
            self._advance()

    def _orphan(self, row: Row) -> None:
        fid = row.values.get("fact")
        if not fid:
            self.problems.add(f"{self.name}:{row.line}: the fact column is empty")
        elif not self._unsorted:
            self.problems.add(f"{self.name}:{row.line}: fact {fid!r} is not in {FACTS_FILE}")


def _assemble(row: Row, facts_name: Path, parts: list[Row], parts_name: Path, cites: list[Row],
              cites_name: Path, problems: _Problems) -> CsvRecord:
    """Return the fact record of one facts.csv row with its participants and citations."""
    data: dict[str, Any] = {}
    lines: dict[Path_, int] = {}
    files: dict[Path_, Path] = {}
    for col, value in row.values.items():
        data[col] = _cell_value(col, value)
        lines[(col,)] = row.line
    for prow in parts:
        fld = prow.values.get("field", "")
        entity = prow.values.get("entity")
        if fld not in PARTICIPANT_FIELDS:
            problems.add(f"{parts_name}:{prow.line}: field {fld!r} is not one of "
                         f"{', '.join(PARTICIPANT_FIELDS)}")
            continue
        if entity is None:
            problems.add(f"{parts_name}:{prow.line}: the entity column is empty")
            continue
        items = data.setdefault(fld, [])
        if not lines.get((fld,)):
            lines[(fld,)] = prow.line
            files[(fld,)] = parts_name
        lines[(fld, len(items))] = prow.line
        files[(fld, len(items))] = parts_name
        items.append(entity)
    if cites:
        data["citations"] = []
        lines[("citations",)] = cites[0].line
        files[("citations",)] = cites_name
    for crow in cites:
        i = len(data["citations"])
        data["citations"].append({k: v for k, v in crow.values.items() if k != "fact"})
        lines[("citations", i)] = crow.line
        files[("citations", i)] = cites_name
    return CsvRecord(data=data, file=facts_name, line=row.line, lines=lines, files=files)


@dataclass(frozen=True, slots=True)
class SeriesRef:
    """What the validation pass keeps of a dialogue series (about 2.5% of the facts, so the
    only per-fact state held): what a session of it reads when it is checked (that its series
    exists and is one) and projected (the series' name and kind for its captions, its parties
    for its ``actors``). Its citations, description and the rest are not kept."""

    id: str
    name: str
    kind: str | None
    parties: tuple[str, ...]

    @classmethod
    def of(cls, series: DialogueSeries) -> SeriesRef:
        """Return the reference of a validated dialogue series."""
        return cls(series.id, series.name, series.kind,
                   tuple(sys.intern(p) for p in series.parties))

    def view(self) -> DialogueSeries:
        """Return a DialogueSeries that answers the lookups of a session's checks and
        projection (id, type, name, kind, parties) exactly as the full model did. It is built
        without validation (the series was validated when read) and has no citations: it is
        never projected itself (its own chunk holds the full model)."""
        return DialogueSeries.model_construct(id=self.id, type="dialogue_series",
                                              name=self.name, kind=self.kind,
                                              parties=list(self.parties))


class _ChunkFacts(dict):  # type: ignore[type-arg]
    """The ``facts`` of a one-chunk Dataset: iterates over the chunk's facts only, while
    lookups (a session's series) also find the dialogue series of the whole input (a
    :meth:`SeriesRef.view` of each, made once per chunk)."""

    def __init__(self, chunk: dict[str, FactBase], series: dict[str, SeriesRef]) -> None:
        super().__init__(chunk)
        self._series = series
        self._views: dict[str, DialogueSeries] = {}

    def _view(self, key: str) -> DialogueSeries | None:
        """Return the view of series ``key``, or None when no series has that id."""
        view = self._views.get(key)
        if view is None:
            ref = self._series.get(key)
            if ref is None:
                return None
            view = self._views[key] = ref.view()
        return view

    def __missing__(self, key: str) -> FactBase:
        view = self._view(key)
        if view is None:
            raise KeyError(key)
        return view

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        value = super().get(key)
        if value is not None:
            return value
        view = self._view(key)
        return view if view is not None else default

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key) or key in self._series


@dataclass
class BulkData:
    """What the validation pass keeps of a bulk folder: sources, entities, a
    :class:`SeriesRef` of each dialogue series, entity names, and counts. Facts are not kept
    (they stream)."""

    folder: Path
    sources: dict[str, Source]
    entities: dict[str, Entity]
    series: dict[str, SeriesRef]
    names: dict[str, str]
    facts: int = 0
    participants: int = 0
    citations: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    quotes_checked: bool = False
    #: the MME import's report, when the load includes the MME CSV
    mme: Any = None

    def dataset(self, facts: dict[str, FactBase], for_checks: bool = False) -> Dataset:
        """Return a Dataset of ``facts`` (one chunk) over the held entities and series. For
        the cross-record checks it holds the sources and entities; otherwise (projection,
        ties) its entities only answer lookups, so projecting it repeats no entity node."""
        entities = self.entities if for_checks else _Lookup(self.entities)
        ds = Dataset(sources=self.sources if for_checks else {}, entities=entities,
                     facts=_ChunkFacts(facts, self.series))
        ds.__dict__["names"] = self.names  # the cached_property, computed once
        return ds


class _Lookup(dict):  # type: ignore[type-arg]
    """An empty mapping whose lookups find the entries of ``table`` (the entities of a chunk
    Dataset that is projected: actor_of and name_of look entities up, nothing iterates)."""

    def __init__(self, table: dict[str, Any]) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, key: str) -> Any:
        return self._table[key]

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._table.get(key, default)


def _default_sources_dir(folder: Path) -> Path | None:
    from tiegraph.loaders.paths import default_sources_dir

    return folder / "texts" if (folder / "texts").is_dir() else default_sources_dir()


def _read_table(folder: Path, file: str, model: Any, problems: _Problems, gaps: _Gaps,
                what: str, seen: dict[str, str], where: dict[str, Record]) -> dict[str, Any]:
    """Return the validated records of sources.csv or entities.csv by id."""
    name = _rel_name(folder, file)
    nulls = _SOURCE_NULLS if model is Source else frozenset()
    out: dict[str, Any] = {}
    present: set[str] | None = None
    for chunk in read_rows(folder / file, name, problems):
        if present is None and nulls:
            head = _header(folder / file, name, _Problems())
            present = set(head[0]) if head else set()
        for row in chunk:
            data: dict[str, Any] = {c: _cell_value(c, v) for c, v in row.values.items()}
            for col in nulls & (present or set()):
                data.setdefault(col, None)
            rec = CsvRecord(data=data, file=name, line=row.line,
                            lines={(c,): row.line for c in data})
            try:
                obj = model.model_validate(data)
            except ValidationError as exc:
                problems.extend(_validation_problems(rec, exc, what))
                if isinstance(data.get("id"), str):
                    gaps.invalid.add((what, data["id"]))
                continue
            folded = obj.id.lower()
            if folded in seen:
                problems.add(f"{rec.where(('id',))}: duplicate id {obj.id!r} (collides with "
                             f"{seen[folded]})")
                continue
            seen[folded] = f"{what} {obj.id!r} at {rec.where(('id',))}"
            out[obj.id] = obj
            where[obj.id] = rec
    return out


def _fact_chunks(folder: Path, problems: _Problems, chunk_size: int,
                 reserved: dict[str, str] | None = None,
                 counts: dict[str, int] | None = None) -> Iterator[list[CsvRecord]]:
    """Yield the fact records of a bulk folder in chunks, assembled from the three files.
    Order problems (unsorted ids, duplicates, rows naming no fact) and collisions with the
    ids in ``reserved`` (sources, entities; folded) go to ``problems``."""
    facts_name = _rel_name(folder, FACTS_FILE)
    parts_name = _rel_name(folder, PARTICIPANTS_FILE)
    cites_name = _rel_name(folder, CITATIONS_FILE)
    parts = _Groups(read_rows(folder / PARTICIPANTS_FILE, parts_name, problems, chunk_size * 3),
                    parts_name, problems)
    cites = _Groups(read_rows(folder / CITATIONS_FILE, cites_name, problems, chunk_size * 2),
                    cites_name, problems)
    last, last_line, unsorted = "", 0, False
    for chunk in read_rows(folder / FACTS_FILE, facts_name, problems, chunk_size):
        records = []
        for row in chunk:
            fid = row.values.get("id", "")
            if fid == last and fid:
                problems.add(f"{facts_name}:{row.line}: duplicate id {fid!r} (first at line "
                             f"{last_line})")
                parts.take(fid)
                cites.take(fid)
                continue
            if fid < last and not unsorted:
                unsorted = True
                problems.add(
                    f"{facts_name}:{row.line}: facts are not sorted by id ({fid!r} comes after "
                    f"{last!r}); sort facts.csv by id (LC_ALL=C sort, or pandas "
                    "sort_values('id')), and participants.csv and citations.csv by fact")
            if reserved is not None and fid.lower() in reserved:
                problems.add(f"{facts_name}:{row.line}: duplicate id {fid!r} (collides with "
                             f"{reserved[fid.lower()]})")
            if fid > last:
                last, last_line = fid, row.line
            records.append(_assemble(row, facts_name, parts.take(fid), parts_name,
                                     cites.take(fid), cites_name, problems))
        yield records
    parts.finish()
    cites.finish()
    if counts is not None:
        counts["participants"] = parts.count
        counts["citations"] = cites.count


def validate_bulk(
    folder: Path,
    sources_dir: Path | None = None,
    *,
    check_quotes: bool = True,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    on_chunk: Callable[[Dataset], None] | None = None,
    mme: Path | None = None,
) -> BulkData:
    """Validate a bulk folder in one streaming pass and return its :class:`BulkData`.

    The rules are those of :func:`loaders.dataset.load_dataset`: the pydantic models, unique
    ids, known entities, sources and series, entity kinds, quotes found verbatim in the source
    texts (in ``sources_dir``: default ``<folder>/texts``, else ``TIEGRAPH_SOURCES`` or
    ``../shared/sources``, when ``check_quotes``), dates not after the sources; plus the
    bulk format's own (columns, sort order). ``on_chunk`` gets a Dataset of each chunk of
    valid facts (used to derive ties in the same pass); ``progress("validate", n)`` is called
    per chunk. With ``mme`` (the MME v7 CSV), its exercises are imported over the folder's
    entities (:func:`loaders.mme.load_mme`) and checked and handed on in chunks after the
    folder's facts; the MME source and the states it adds join the returned sources and
    entities. Raises :class:`graph.errors.DataError` listing every problem as ``file:line``.
    """
    folder = Path(folder)
    problems = _Problems()
    if not folder.is_dir():
        raise DataError([f"{folder}: not a folder"])
    check_bulk_folder(folder)  # before any file is opened (a FIFO would block)
    gaps = _Gaps()
    seen: dict[str, str] = {}
    where: dict[str, Record] = {}
    sources = _read_table(folder, SOURCES_FILE, Source, problems, gaps, "source", seen, where)
    entities = _read_table(folder, ENTITIES_FILE, Entity, problems, gaps, "entity", seen,
                           where)
    for kind, file in (("source", SOURCES_FILE), ("entity", ENTITIES_FILE)):
        if not (folder / file).is_file():
            gaps.unread[kind].append(str(_rel_name(folder, file)))
    base = Dataset(sources=sources, entities=entities, facts={}, records=where)
    _check_entities(base, problems.items, gaps)
    data = BulkData(folder, sources, entities, {}, {})
    try:
        data.names = base.names
    except (AttributeError, KeyError):
        data.names = {eid: e.name or eid for eid, e in entities.items()}
    texts = None
    if check_quotes:
        sources_dir = sources_dir if sources_dir is not None else _default_sources_dir(folder)
        if sources_dir is not None and Path(sources_dir).is_dir():
            texts = _source_texts(sources, Path(sources_dir), where, problems.items)
    data.quotes_checked = texts is not None

    deferred: list[tuple[FactBase, CsvRecord]] = []
    counts: dict[str, int] = {}
    for records in _fact_chunks(folder, problems, chunk_size, seen, counts):
        chunk: dict[str, FactBase] = {}
        chunk_where: dict[str, Record] = {}
        for rec in records:
            try:
                fact = _FACT_ADAPTER.validate_python(rec.data)
            except ValidationError as exc:
                problems.extend(_validation_problems(rec, exc, "fact"))
                if isinstance(rec.data.get("id"), str):
                    gaps.invalid.add(("fact", rec.data["id"]))
                continue
            data.facts += 1
            data.by_type[fact.type] += 1  # type: ignore[attr-defined]
            if isinstance(fact, DialogueSeries):
                data.series[fact.id] = SeriesRef.of(fact)
            if isinstance(fact, DialogueSession) and fact.series not in data.series:
                deferred.append((fact, rec))  # its series may come later in the file
                continue
            chunk[fact.id] = fact
            chunk_where[fact.id] = rec
        _check_chunk(data, chunk, chunk_where, texts, problems, gaps, on_chunk)
        if progress:
            progress("validate", len(records))
    if deferred:
        _check_chunk(data, {f.id: f for f, _ in deferred}, {f.id: r for f, r in deferred},
                     texts, problems, gaps, on_chunk)
    data.participants = counts.get("participants", 0)
    data.citations = counts.get("citations", 0)
    if problems:
        raise problems.error()
    if mme is not None:
        _add_mme(data, mme, seen, chunk_size, on_chunk, progress)
    return data


def _add_mme(data: BulkData, mme: Path, seen: dict[str, str], chunk_size: int,
             on_chunk: Callable[[Dataset], None] | None, progress: Progress | None) -> None:
    """Import the MME CSV over ``data``'s entities into ``data``: its source, the states it
    adds, and its exercises, handed to ``on_chunk`` in chunks (:func:`loaders.mme.load_mme`
    validates each row and maps every participant to an entity, as for ``load --with-mme``).
    Raise DataError when the file cannot be imported or its ids clash with the folder's."""
    from tiegraph.loaders.mme import load_mme

    imported = load_mme(mme, data.entities)
    clash = sorted(set(imported.exercises) & set(seen))
    if clash:
        raise DataError([f"{mme}: MME ids clash with the folder's ids: {', '.join(clash[:10])}"])
    data.sources[imported.source.id] = imported.source
    data.entities.update(imported.entities)
    data.names.update({eid: entity_name(eid, e) for eid, e in imported.entities.items()})
    data.mme = imported.report
    exercises = list(imported.exercises.values())
    for i in range(0, len(exercises), chunk_size):
        chunk = {f.id: f for f in exercises[i:i + chunk_size]}
        data.facts += len(chunk)
        data.by_type["exercise"] += len(chunk)
        data.participants += sum(len(f.participants) + len(f.observers) for f in chunk.values())
        data.citations += len(chunk)
        if on_chunk:
            on_chunk(data.dataset(chunk))
        if progress:
            progress("validate", len(chunk))


def _check_chunk(data: BulkData, chunk: dict[str, FactBase], where: dict[str, Record],
                 texts: dict[str, str] | None, problems: _Problems, gaps: _Gaps,
                 on_chunk: Callable[[Dataset], None] | None) -> None:
    ds = data.dataset(chunk, for_checks=True)
    ds.records = where
    found: list[str] = []
    _check_facts(ds, texts, found, gaps)
    problems.extend(found)
    if on_chunk and not problems:
        on_chunk(data.dataset(chunk))


# --- projection -------------------------------------------------------------------------------


def base_spec(data: BulkData) -> GraphSpec:
    """Return the graph of the sources and entities (Source and Actor nodes, BELONGS_TO)."""
    ds = Dataset(sources=data.sources, entities=data.entities, facts={})
    ds.__dict__["names"] = data.names
    return project(ds)


def project_chunk(data: BulkData, facts: dict[str, FactBase]) -> GraphSpec:
    """Return the nodes and relationships of one chunk of facts: exactly what
    :func:`graph.projection.project` gives for them (their Fact and Claim nodes and every
    relationship they own), without entity or source nodes."""
    return _project(data.dataset(facts))


def _project(ds: Dataset) -> GraphSpec:
    full = project(ds)
    spec = GraphSpec()
    spec.nodes = {k: n for k, n in full.nodes.items() if n.labels[0] in ("Fact", "Claim")}
    spec.rels = {k: r for k, r in full.rels.items() if r.type != "BELONGS_TO"}
    return spec


def bulk_spec(folder: Path, sources_dir: Path | None = None, *, check_quotes: bool = True,
              chunk_size: int = CHUNK_SIZE, mme: Path | None = None) -> GraphSpec:
    """Return the whole graph of a bulk folder (with the MME CSV ``mme``, if given) in memory,
    for tests and small inputs: the same :class:`GraphSpec` as ``project(load_dataset(...))``
    of the same data in YAML (combined with the same MME file)."""
    chunks: list[GraphSpec] = []
    data = validate_bulk(folder, sources_dir, check_quotes=check_quotes, chunk_size=chunk_size,
                         on_chunk=lambda ds: chunks.append(_project(ds)), mme=mme)
    spec = base_spec(data)
    for part in chunks:
        spec.nodes.update(part.nodes)
        spec.rels.update(part.rels)
    return spec


class Spool:
    """Projected chunks kept on disk between the validation pass and the write pass, so that
    the write pass neither reads the CSV files again nor holds the input in memory."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="tiegraph-bulk-")  # noqa: SIM115
        self.chunks = 0

    def add(self, spec: GraphSpec, facts: int) -> None:
        """Append one chunk's spec (and its number of facts)."""
        nodes = [(n.id, n.labels, n.props) for n in spec.nodes.values()]
        rels = [(r.key, r.type, r.start, r.end, r.props) for r in spec.rels.values()]
        pickle.dump((facts, nodes, rels), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.chunks += 1

    def __iter__(self) -> Iterator[tuple[GraphSpec, int]]:
        """Yield ``(spec, facts)`` per chunk, in the order they were added."""
        self._file.seek(0)
        for _ in range(self.chunks):
            facts, nodes, rels = pickle.load(self._file)
            spec = GraphSpec()
            spec.nodes = {n[0]: Node(*n) for n in nodes}
            spec.rels = {r[0]: Rel(*r) for r in rels}
            yield spec, facts

    def close(self) -> None:
        """Delete the spool file."""
        self._file.close()


# --- writing to Neo4j ---------------------------------------------------------------------------

#: Which end of a relationship owns it (the fact it belongs to); actor-to-actor relationships
#: are owned by the fact named in their ``fact`` property.
_OWNER_START = frozenset({"CITES", "HAS_CLAIM", "BELONGS_TO"})
_OWNER_END = frozenset({"PARTICIPATED_IN", "SIGNED", "HAS_SESSION"})
_ACTOR_TIES = ("EXERCISED_WITH", "VISITED", "MEMBER_OF")


def _owner(rel: Rel) -> str:
    if rel.type in _OWNER_START:
        return rel.start
    if rel.type in _OWNER_END:
        return rel.end
    return rel.props.get("fact", "")


def _node(labels: list[str], props: dict[str, Any], group: str) -> Node:
    rest = sorted(lbl for lbl in labels if lbl != group)
    return Node(props["id"], (group, *rest), from_db(props))


#: Per group: the relationships read with a node (those it may own), as Cypher patterns.
_INCIDENT = {
    "Fact": ("[(n)-[r]->(x) WHERE r.key IS NOT NULL | [type(r), x.id, properties(r)]]",
             "[(n)<-[r]-(x) WHERE r.key IS NOT NULL | [type(r), x.id, properties(r)]]"),
    "Claim": ("[(n)-[r:CITES]->(x) | [type(r), x.id, properties(r)]]", "[]"),
    "Actor": ("[(n)-[r:BELONGS_TO]->(x) | [type(r), x.id, properties(r)]]", "[]"),
    "Source": ("[]", "[]"),
}


def read_owned(tx: Any, wanted: GraphSpec) -> GraphSpec:
    """Return what the database holds of the nodes in ``wanted`` and of every relationship
    they own: a fact's citations, participations, SIGNED, HAS_SESSION, claims and
    its actor-to-actor ties (EXERCISED_WITH, VISITED, MEMBER_OF); an entity's BELONGS_TO.
    Stale relationships (a fact whose participants changed) are included, so the difference
    to ``wanted`` deletes them."""
    from tiegraph.graph.schema import check_label, check_rel_type

    current = GraphSpec()
    by_group: dict[str, list[str]] = defaultdict(list)
    for node in wanted.nodes.values():
        by_group[node.labels[0]].append(node.id)
    claims: list[str] = []
    roles: dict[str, dict[str, list[str]]] = {}

    def read(group: str, ids: list[str]) -> None:
        check_label(group)
        out_rels, in_rels = _INCIDENT[group]
        for rec in tx.run(f"UNWIND $ids AS id MATCH (n:{group} {{id: id}}) "
                          f"RETURN labels(n) AS l, properties(n) AS p, {out_rels} AS o, "
                          f"{in_rels} AS i", ids=ids):
            node = _node(rec["l"], rec["p"], group)
            nid = node.id
            current.nodes[nid] = node
            for rel_type, other, props in rec["o"]:
                if rel_type in _OWNER_START:
                    current.rels[props["key"]] = Rel(props["key"], rel_type, nid, other,
                                                     from_db(props))
                if rel_type == "HAS_CLAIM":
                    claims.append(other)
            for rel_type, other, props in rec["i"]:
                if rel_type in _OWNER_END:
                    current.rels[props["key"]] = Rel(props["key"], rel_type, other, nid,
                                                     from_db(props))
                if rel_type == "PARTICIPATED_IN":
                    roles.setdefault(nid, {}).setdefault(props.get("role", ""), []).append(
                        other)

    for group, ids in by_group.items():
        if group != "Claim":
            read(group, ids)
    facts = [nid for nid in by_group.get("Fact", []) if nid in current.nodes]
    claims += [nid for nid in by_group.get("Claim", []) if nid not in set(claims)]
    if claims:
        read("Claim", claims)
    if not facts:
        return current
    # actor-to-actor ties: the keys wanted now, and those the old participants would give
    owners = set(facts)
    keys: dict[str, set[str]] = defaultdict(set)
    for rel in wanted.rels.values():
        if rel.type in _ACTOR_TIES and rel.props.get("fact") in owners:
            keys[rel.type].add(rel.key)
    for fid in facts:
        old_type = current.nodes[fid].props.get("type")
        old_actors = current.nodes[fid].props.get("actors") or ()
        actors_of = sorted(set(old_actors)) if old_type == "exercise" else []
        for i, a in enumerate(actors_of):
            for b in actors_of[i + 1:]:
                keys["EXERCISED_WITH"].add(f"EXERCISED_WITH:{a}:{b}:{fid}")
        r = roles.get(fid, {}) if old_type in ("visit", "membership") else {}
        for v in r.get("visitor", []):
            for h in r.get("host", []):
                keys["VISITED"].add(f"VISITED:{v}:{h}:{fid}")
        for m in r.get("member", []):
            for o in r.get("organisation", []):
                keys["MEMBER_OF"].add(f"MEMBER_OF:{m}:{o}:{fid}")
    for rel_type, wanted_keys in keys.items():
        check_rel_type(rel_type)
        for rec in tx.run(f"UNWIND $keys AS k MATCH (a)-[r:{rel_type} {{key: k}}]->(b) "
                          "RETURN a.id AS a, b.id AS b, properties(r) AS p",
                          keys=sorted(wanted_keys)):
            props = from_db(rec["p"])
            if props.get("fact") in owners:
                current.rels[props["key"]] = Rel(props["key"], rel_type, rec["a"], rec["b"],
                                                 props)
    return current


def write_spec(tx: Any, wanted: GraphSpec, context: Mapping[str, Node],
               progress: Progress | None = None) -> Any:
    """Bring the nodes of ``wanted`` and the relationships they own to exactly ``wanted``
    inside ``tx``, writing only the difference; return the :class:`Diff`. ``context`` holds
    the nodes outside ``wanted`` (entities, sources, series) that relationships may end at.

    The transaction first takes the lock of :func:`loaders.neo4j_loader.load_graph` (the
    ``LoadInfo`` node), so loads never interleave inside a chunk. The difference is written
    by :func:`loaders.neo4j_loader.write_diff`, as for a YAML load: new nodes and
    relationships are CREATEd (the difference was computed under the lock in this
    transaction); changed or stale ones are found by their constrained id or through the
    index on their ``key`` (:func:`graph.schema.constraint_statements`).
    """
    from tiegraph.loaders.neo4j_loader import compute_diff, write_diff

    tx.run("MERGE (m:LoadInfo {id: 'graph'}) SET m.lock = coalesce(m.lock, 0) + 1").consume()
    current = read_owned(tx, wanted)
    diff = compute_diff(current, wanted)
    if diff.empty:
        return diff
    scope = GraphSpec(nodes=ChainMap(current.nodes, context), rels=current.rels)  # type: ignore[arg-type]
    write_diff(tx, scope, wanted, diff, progress)
    return diff


@dataclass
class BulkResult:
    """The outcome of a bulk load: sizes, what changed, and where the time went."""

    facts: int
    nodes: int
    relationships: int
    written: bool
    transactions: int = 0
    seconds_validate: float = 0.0
    seconds_write: float = 0.0
    data_hash: str = ""
    summary: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    quotes_checked: bool = False
    #: the MME import's report (:class:`loaders.mme.ImportReport`) when the load included it
    mme: Any = None

    def add(self, diff: Any) -> None:
        """Add one chunk's Diff to the summary."""
        for name, counts in diff.summary.items():
            self.summary[name].update(counts)

    @property
    def changed(self) -> int:
        """Return the number of nodes and relationships created, updated or removed."""
        return sum(sum(c.values()) for c in self.summary.values())

    def table(self) -> list[dict[str, Any]]:
        """Return rows ``{what, name, created, updated, removed}`` like a YAML load's."""
        from tiegraph.loaders.neo4j_loader import Diff

        return Diff(summary=self.summary).table()


def files_hash(folder: Path) -> str:
    """Return a SHA-256 over the bulk files' names and bytes (read in blocks)."""
    check_bulk_folder(folder)  # the files backend hashes before it validates
    h = hashlib.sha256(b"tiegraph-bulk-1")
    for name in FILES:
        h.update(name.encode() + b"\0")
        try:
            with (Path(folder) / name).open("rb") as handle:
                while block := handle.read(1 << 20):
                    h.update(block)
        except OSError:
            h.update(b"(missing)")
    return h.hexdigest()


def _file_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes (read in blocks)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def bulk_load(
    driver: Any,
    folder: Path,
    database: str,
    *,
    sources_dir: Path | None = None,
    check_quotes: bool = True,
    chunk_size: int = CHUNK_SIZE,
    dry_run: bool = False,
    progress: Progress | None = None,
    prune: bool = False,
    mme: Path | None = None,
) -> BulkResult:
    """Validate a bulk folder, then write it to Neo4j chunk by chunk; return a BulkResult.

    Nothing is written unless the whole folder is valid (DataError otherwise). Then the
    schema is created, the sources and entities are written in one transaction, the dialogue
    series and then the facts in one transaction per ``chunk_size`` facts; each transaction
    reads what the database holds of its nodes and writes only the difference. Not atomic:
    after a failure the chunks committed so far stay, and a rerun completes the load. With
    ``dry_run`` only the validation runs. ``progress(stage, n)`` is called with stage
    ``"validate"`` (facts read) and ``"write"`` (facts written). Unless ``prune``, a load
    that would strip more than it may (:mod:`loaders.bulk_guard`) raises
    :class:`graph.errors.RefusedError` before any write. With ``mme`` (the MME v7 CSV) its
    exercises are written with the folder's facts (:func:`validate_bulk`).
    """
    from tiegraph.loaders.neo4j_loader import init_schema

    folder = Path(folder)
    t0 = time.perf_counter()
    spool = Spool()
    try:
        def keep(ds: Dataset) -> None:
            if not dry_run:
                spool.add(_project(ds), len(ds.facts))

        data = validate_bulk(folder, sources_dir, check_quotes=check_quotes,
                             chunk_size=chunk_size, progress=progress, on_chunk=keep, mme=mme)
        result = BulkResult(facts=data.facts, nodes=0, relationships=0, written=not dry_run,
                            quotes_checked=data.quotes_checked, mme=data.mme)
        result.seconds_validate = time.perf_counter() - t0
        if dry_run:
            return result
        t1 = time.perf_counter()
        if not prune and (refusal := bulk_removal_refusal(driver, database, spool)):
            raise RefusedError(refusal)
        result.data_hash = "bulk:" + files_hash(folder) + (f"+mme:{_file_hash(mme)}" if mme else "")
        init_schema(driver, database)
        base = base_spec(data)
        # the nodes a chunk's relationships may end at: entities, sources, dialogue series
        context = ChainMap(base.nodes, {sid: Node(sid, ("Fact", "DialogueSeries"), {})
                                        for sid in data.series})
        with driver.session(database=database) as session:
            for spec, facts in itertools.chain([(base, 0)], spool):
                result.add(session.execute_write(write_spec, spec, context))
                result.nodes += len(spec.nodes)
                result.relationships += len(spec.rels)
                result.transactions += 1
                if progress and facts:
                    progress("write", facts)
            session.execute_write(_set_load_info, result)
        result.seconds_write = time.perf_counter() - t1
        return result
    finally:
        spool.close()


def _set_load_info(tx: Any, result: BulkResult) -> None:
    tx.run("MERGE (m:LoadInfo {id: 'graph'}) SET m = $props",
           props={"id": "graph", "loaded_at": dt.datetime.now(dt.UTC).isoformat(),
                  "data_hash": result.data_hash, "nodes": result.nodes,
                  "relationships": result.relationships}).consume()


# --- the offline backend ------------------------------------------------------------------------

_INDEX_CODE = ("loaders/bulk.py", "graph/ties.py", "graph/schema.py", "loaders/model.py",
               "loaders/dataset.py")
INDEX_FORMAT = 3  # 2: the ties cached as columns (graph.index.TieTable); 3: with n


def build_bulk_index(folder: Path, sources_dir: Path | None = None, *,
                     check_quotes: bool = False, chunk_size: int = CHUNK_SIZE) -> dict[str, Any]:
    """Return the index of a bulk folder (``actors`` and ``ties``, the shape of
    :func:`graph.index.build_index`), derived in the validation pass."""
    from tiegraph.graph.ties import ties_from_dataset

    ties: list[Any] = []

    def collect(ds: Dataset) -> None:
        ties.extend(list(astuple(t)) for t in ties_from_dataset(ds))

    data = validate_bulk(folder, sources_dir, check_quotes=check_quotes, chunk_size=chunk_size,
                         on_chunk=collect)
    ties.sort()  # (a, b, fact) is unique: the optional fields are never compared
    actors = [{"id": eid, "name": data.names[eid], "kind": e.kind, "aliases": list(e.aliases),
               "state": e.state} for eid, e in data.entities.items()]
    return {"actors": actors, "ties": ties}


def bulk_content_key(folder: Path) -> str:
    """Return the SHA-256 that identifies a bulk folder's files and the deriving code."""
    h = hashlib.sha256(f"tiegraph-bulk-index-{INDEX_FORMAT}".encode())
    h.update(files_hash(folder).encode())
    root = Path(__file__).resolve().parents[1]
    for rel in _INDEX_CODE:
        code = root / rel
        if code.is_file():
            h.update(code.read_bytes())
    return h.hexdigest()


def load_or_build_bulk_index(folder: Path, *, check_quotes: bool = False,
                             chunk_size: int = CHUNK_SIZE) -> dict[str, Any]:
    """Return the cached index of a bulk folder (in :func:`graph.index.cache_dir`): ``actors``
    (dicts) and ``ties`` (a :class:`graph.index.TieTable`), building and caching it when
    missing or not trusted; a cache that cannot be written is skipped (see
    :func:`graph.index.cached_index`)."""
    from tiegraph.graph.index import cached_index

    return cached_index(
        "bulk-index",
        bulk_content_key(folder),
        lambda: build_bulk_index(folder, check_quotes=check_quotes, chunk_size=chunk_size),
    )


class BulkBackend(IndexedBackend):
    """The files backend over a bulk folder: the same ``actors`` and ``ties`` as
    :class:`graph.api.FilesBackend` gives for the same data in YAML, from a cached index."""

    source = "files"

    def __init__(self, folder: Path, *, check_quotes: bool = False,
                 chunk_size: int = CHUNK_SIZE) -> None:
        self.folder = Path(folder)
        self.check_quotes = check_quotes
        self.chunk_size = chunk_size

    @cached_property
    def _index(self) -> dict[str, Any]:
        return load_or_build_bulk_index(self.folder, check_quotes=self.check_quotes,
                                        chunk_size=self.chunk_size)
