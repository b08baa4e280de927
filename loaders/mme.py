"""Import the Multinational Military Exercises data set (MME v7, D'Orazio & Galambos).

The user passes the CSV as published (the project does not ship it; tests read it from
``../shared/datasets``). Each row becomes an :class:`~loaders.model.Exercise` whose citation
names the data set (:data:`MME_SOURCE`, the one declaration of it), its version and the row's
``MMEID``. Every quirk of the data set's README has a rule here and a count in the
:class:`ImportReport`:

* duplicate ``MMEID``: the rows are different exercises, so both are kept; the second (third…)
  gets the id ``<mmeid>-2`` (``-3``…), its locator still names the published ``MMEID`` and row;
* ``-9`` (unknown): an unknown participant is dropped from the list, an unknown name leaves
  the exercise unnamed (``MME <MMEID>``), an unknown location leaves it blank;
* ``xx`` day: the date keeps month precision (``1980-01``);
* organisations: a participant column naming an organisation (``NATO``) and the free-text
  ``AdditionalParticipantInfo`` are matched against the names and aliases of the existing
  entities (organisations become participants); the free text is kept as a property;
* country names: matched to the ISO 3166-1 alpha-3 ids of ``data/entities`` (names and
  aliases), else through pycountry and :data:`COUNTRY_NAMES`; ``Baltic States`` expands to its
  three states. A name that maps to nothing is an error listing every such name;
* exercise-type flags (``CPX`` … ``Humanitarian``, 0 or 1) are kept as ``types`` (those
  set); the domain follows from the flags (one of Sea/Land/Air/Amphibious/Cyber, else
  ``joint``/``other``);
* an end date before the start date (not in the README; 6 rows): the end is dropped and
  the published end kept in the note;
* a row with fewer than two known participants is not an exercise between actors: it is
  counted and listed, not loaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from tiegraph.graph.errors import DataError
from tiegraph.loaders.dates import date_key
from tiegraph.loaders.model import Citation, Entity, Exercise, FactBase, Source
from tiegraph.loaders.paths import (  # noqa: F401  (source_kind: re-exported)
    MME_ENV,
    MME_SOURCE_ID,
    SOURCE_KINDS,
    source_kind,
)

if TYPE_CHECKING:
    from tiegraph.loaders.dataset import Dataset

MME_SOURCE = Source(
    id=MME_SOURCE_ID,
    kind="dataset",
    version="7",
    file="mme_v7.csv",
    title="Multinational Military Exercises (MME), version 7",
    author="Vito D'Orazio and Akos Galambos",
    publisher="Harvard Dataverse, doi:10.7910/DVN/KHFODX",
    date="2010",
    address="https://doi.org/10.7910/DVN/KHFODX",
    note="Exercises 1980-2010; the project reads the CSV the user passes (not shipped).",
)
"""The one declaration of the MME data set as a source (citations refer to its id)."""

FLAGS = ("CPX", "Air", "Land", "Sea", "Amphibious", "Cyber", "Warfighting", "Peacekeeping",
         "Humanitarian")
_DOMAIN_FLAGS = {"Sea": "maritime", "Land": "land", "Air": "air", "Amphibious": "amphibious",
                 "Cyber": "cyber"}
UNKNOWN = "-9"

#: Names the data set spells in ways neither the entities nor pycountry know. Former states
#: take their ISO 3166-3 codes (their entities are created with the name below).
COUNTRY_NAMES: dict[str, str] = {
    "Antigua & Barbuda": "ATG",
    "Bosnia & Herzegovina": "BIH",
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Congo - Brazzaville": "COG",
    "Congo - Kinshasa": "COD",
    "Côte d’Ivoire": "CIV",
    "Hong Kong SAR China": "HKG",
    "Myanmar (Burma)": "MMR",
    "St. Kitts & Nevis": "KNA",
    "st. christopher": "KNA",
    "St. Lucia": "LCA",
    "St. Vincent & Grenadines": "VCT",
    "São Tomé & Príncipe": "STP",
    "Trinidad & Tobago": "TTO",
    "Turkey": "TUR",
    "Russia": "RUS",
    "Czechoslovakia": "CSK",
    "German Democratic Republic": "DDR",
    "Yugoslavia": "YUG",
    "Netherlands Antilles": "ANT",
}
#: Names of groups of states that stand for their members.
GROUPS: dict[str, tuple[str, ...]] = {"Baltic States": ("EST", "LVA", "LTU")}


@dataclass
class ImportReport:
    """What the import did, rule by rule (the counts the README's quirks predict)."""

    rows: int = 0
    exercises: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    new_states: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the report as lines of text (rows read, exercises made, one per rule)."""
        out = [f"{self.rows} rows read, {self.exercises} exercises"]
        out += [f"  {rule}: {n}" for rule, n in sorted(self.counts.items())]
        if self.skipped:
            out.append(f"  not loaded (fewer than two known participants): "
                       f"{', '.join(self.skipped[:10])}{' …' if len(self.skipped) > 10 else ''}")
        return out


@dataclass
class MMEImport:
    """The result of :func:`load_mme`: exercises, the state entities they add, the report."""

    source: Source
    exercises: dict[str, Exercise]
    entities: dict[str, Entity]
    report: ImportReport


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _name_table(entities: dict[str, Entity]) -> dict[str, str]:
    """Return folded name/alias -> entity id for states and organisations."""
    table: dict[str, str] = {}
    for eid, ent in entities.items():
        if ent.kind not in ("state", "organisation"):
            continue
        for name in (ent.name, *ent.aliases, eid if ent.kind == "state" else None):
            if name:
                table.setdefault(_fold(name), eid)
    return table


def _country(name: str, table: dict[str, str]) -> tuple[tuple[str, ...], str | None]:
    """Return the entity ids a participant name stands for and, for a state the entities do
    not hold, its display name; ``()`` when nothing matches."""
    import pycountry

    if name in GROUPS:
        return GROUPS[name], None
    if (eid := table.get(_fold(name))) is not None:
        return (eid,), None
    code = COUNTRY_NAMES.get(name)
    if code is None:
        try:
            code = pycountry.countries.lookup(name).alpha_3
        except LookupError:
            return (), None
    if code in table.values():
        return (code,), None
    return (code,), name


def _new_state(code: str, name: str) -> Entity:
    """Return the entity of a state the curated entities lack: named by pycountry (current
    states, the name left to it) or by the data set (former states, ISO 3166-3)."""
    import pycountry

    historic = pycountry.countries.get(alpha_3=code) is None
    return Entity.model_construct(id=code, kind="state", name=name if historic else None,
                                  aliases=[], state=None, service=None, unit_type=None, cow=None,
                                  note="added by the MME import")


def _org_pattern(entities: dict[str, Entity]) -> list[tuple[re.Pattern[str], str]]:
    """Return (word-bounded pattern, organisation id) for every organisation name and alias."""
    out = []
    for eid, ent in entities.items():
        if ent.kind == "organisation":
            for name in (ent.name, *ent.aliases):
                if name and len(name) >= 2:
                    out.append((re.compile(rf"\b{re.escape(name)}\b"), eid))
    return out


def _date(row: dict[str, str], prefix: str, report: ImportReport) -> str:
    year, month, day = (row[f"{prefix}.{p}"] for p in ("year", "month", "day"))
    if day == "xx":
        report.counts[f"'xx' {'start' if prefix == 's' else 'end'} day -> month precision"] += 1
        return f"{int(year):04d}-{int(month):02d}"
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def load_mme(path: Path, entities: dict[str, Entity]) -> MMEImport:
    """Read the MME CSV at ``path`` with the curated ``entities``; return the exercises, the
    state entities they add and the import report. Raises DataError (file and line) for a
    missing file, missing columns, bad values or names that map to no entity."""
    import pandas as pd

    if not path.is_file():
        raise DataError([f"{path}: no such file (the MME v7 CSV, e.g. ../shared/datasets/"
                         "mme_v7.csv)"])
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError([f"{path}: not a readable CSV ({exc})"]) from None
    state_cols = [c for c in df.columns if re.fullmatch(r"State[A-Z]{1,2}", c)]
    needed = ["MMEID", "Ex_Name", "s.year", "s.month", "s.day", "e.year", "e.month", "e.day",
              "AdditionalParticipantInfo", *FLAGS]
    if missing := [c for c in needed if c not in df.columns] + ([] if state_cols else ["StateA"]):
        raise DataError([f"{path}:1: missing column(s): {', '.join(missing)}"])
    table = _name_table(entities)
    orgs = _org_pattern(entities)
    report = ImportReport(rows=len(df))
    unmapped: dict[str, list[int]] = {}
    problems: list[str] = []
    new_states: dict[str, Entity] = {}
    exercises: dict[str, Exercise] = {}
    seen: Counter[str] = Counter()
    resolved: dict[str, tuple[tuple[str, ...], str | None]] = {}
    for i, row in enumerate(df.to_dict("records")):
        line = i + 2
        mmeid = row["MMEID"].strip()
        seen[mmeid] += 1
        fid = mmeid if seen[mmeid] == 1 else f"{mmeid}-{seen[mmeid]}"
        if seen[mmeid] > 1:
            report.counts["duplicate MMEID (kept, id suffixed)"] += 1
        participants: list[str] = []
        had_unknown = False
        for col in state_cols:
            name = row[col].strip()
            if not name:
                continue
            if name == UNKNOWN:
                had_unknown = True
                continue
            if name not in resolved:
                resolved[name] = _country(name, table)
            ids, new_name = resolved[name]
            if not ids:
                unmapped.setdefault(name, []).append(line)
                continue
            if name in GROUPS:
                report.counts["group name expanded to its states"] += 1
            if entities.get(ids[0]) is not None and entities[ids[0]].kind == "organisation":
                report.counts["organisation in a participant column"] += 1
            for code in ids:
                if code not in entities and code not in new_states:
                    new_states[code] = _new_state(code, new_name or name)
            participants += [p for p in ids if p not in participants]
        if had_unknown:
            report.counts["'-9' participant dropped"] += 1
        info = row["AdditionalParticipantInfo"].strip()
        if info:
            report.counts["free-text participant information kept"] += 1
            found = [eid for pat, eid in orgs if pat.search(info)]
            if found:
                report.counts["organisation named in free text -> participant"] += 1
            participants += [p for p in dict.fromkeys(found) if p not in participants]
        name = row["Ex_Name"].strip()
        if not name or name == UNKNOWN:
            report.counts["no exercise name ('' or '-9')"] += 1
            name = f"MME {mmeid}"
        if "xx" in (row["s.day"].strip(), row["e.day"].strip()):
            report.counts["row with an 'xx' start or end day"] += 1
        if len(participants) < 2:
            report.counts["fewer than two known participants (not loaded)"] += 1
            report.skipped.append(mmeid)
            continue
        types = []
        for f in FLAGS:
            v = row[f].strip()
            if v not in ("0", "1"):
                problems.append(f"{path}:{line}: {mmeid}: flag {f} is {v!r}, not 0 or 1")
            elif v == "1":
                types.append(f.lower())
        domains = [d for f, d in _DOMAIN_FLAGS.items() if f.lower() in types]
        domain = domains[0] if len(domains) == 1 else ("joint" if domains else "other")
        try:
            start, end = _date(row, "s", report), _date(row, "e", report)
            if date_key(end, end=True) < date_key(start):
                report.counts["end before start (end dropped, kept in the note)"] += 1
                info = f"{info}; MME end date {end} is before its start".lstrip("; ")
                end = start
            location = row.get("Location", "").strip()
            locator = f"MME v{MME_SOURCE.version}, MMEID {mmeid}, row {line}"
            exercises[fid] = Exercise(
                type="exercise", id=fid, name=name, domain=domain,
                start=start, end=None if end == start else end,
                participants=participants, types=types,
                location=None if location in ("", UNKNOWN) else location,
                description=(row.get("FocusDescription") or "").strip() or None,
                note=f"MME: {info}" if info else None,
                citations=[Citation(source=MME_SOURCE.id, locator=locator)],
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            problems.append(f"{path}:{line}: {mmeid}: {'.'.join(map(str, err['loc']))}: "
                            f"{err['msg'].removeprefix('Value error, ')}")
    if unmapped:
        problems.insert(0, f"{path}: {len(unmapped)} participant name(s) map to no entity: "
                        + "; ".join(f"{n!r} (line {', '.join(map(str, ls[:3]))}"
                                    f"{' …' if len(ls) > 3 else ''})"
                                    for n, ls in sorted(unmapped.items())))
    if problems:
        raise DataError(problems)
    report.exercises = len(exercises)
    report.new_states = sorted(new_states)
    report.counts["state entities added (not in data/entities)"] = len(new_states)
    return MMEImport(MME_SOURCE, exercises, new_states, report)


# --- one graph, two kinds of source ---------------------------------------------------------

def fact_source_kinds(ds: Dataset, fact: FactBase) -> set[str]:
    """Return the kinds of source (``curated``, ``mme``) that cite ``fact``."""
    return {source_kind(c.source) for c in fact.citations}


def combine(ds: Dataset, imported: MMEImport, kinds: tuple[str, ...] = SOURCE_KINDS) -> Dataset:
    """Return one dataset of the curated facts and the MME exercises (the MME source and the
    states it adds included), keeping only facts cited by one of ``kinds``."""
    from tiegraph.loaders.dataset import Dataset

    facts: dict[str, FactBase] = {**ds.facts}
    clash = sorted(set(facts) & set(imported.exercises))
    if clash:
        raise DataError([f"MME ids clash with curated fact ids: {', '.join(clash[:10])}"])
    facts.update(imported.exercises)
    out = Dataset({**ds.sources, MME_SOURCE.id: MME_SOURCE},
                  {**ds.entities, **imported.entities}, facts, ds.records, ds.quotes_checked)
    return select_sources(out, kinds)


def select_sources(ds: Dataset, kinds: tuple[str, ...]) -> Dataset:
    """Return ``ds`` with only the facts that a source of one of ``kinds`` cites (the series
    of a kept dialogue session are kept with it)."""
    from tiegraph.loaders.dataset import Dataset

    if set(kinds) >= set(SOURCE_KINDS):
        return ds
    keep = {fid: f for fid, f in ds.facts.items() if fact_source_kinds(ds, f) & set(kinds)}
    for fact in list(keep.values()):
        if (series := getattr(fact, "series", None)) and series in ds.facts:
            keep.setdefault(series, ds.facts[series])
    return Dataset(ds.sources, ds.entities, keep, ds.records, ds.quotes_checked)


def load_combined(data_dir: Path | None, mme: Path | None,
                  kinds: tuple[str, ...] = SOURCE_KINDS, *,
                  check_quotes: bool = True) -> Dataset:
    """Return the curated dataset of ``data_dir`` with the MME CSV ``mme`` (if given),
    restricted to ``kinds``; raise DataError when ``mme`` is selected but not given."""
    from tiegraph.loaders.dataset import load_dataset

    ds = load_dataset(data_dir, check_quotes=check_quotes)
    if mme is None:
        if kinds == ("mme",):
            raise DataError([f"--sources mme needs the MME CSV: pass --with-mme PATH or set "
                             f"{MME_ENV}"])
        return ds
    return combine(ds, load_mme(mme, ds.entities), kinds)
