"""The coverage ledger: which parts of each source the facts cite, and why the rest is left out.

A source is divided into *units*: the RAND report (``hornung-2020-rand``) into its footnotes,
identified as ``ch. N, fn. M`` exactly as the facts' locators name them; every other source
into its paragraphs (the texts have one paragraph per line; short lines without a full stop
are headings or page furniture, not paragraphs). A footnote is *cited* when a citation's
locator names it; a paragraph is *cited* when a citation's quote lies in it (the short
sources count paragraphs in different ways, and the quote pins the paragraph exactly).

Every unit in scope is either cited or listed in ``data/ledger.yaml`` with a kind and a
one-line reason; :func:`ledger_report` returns both and the units still open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from tiegraph.loaders.dataset import Dataset, fold_space

FOOTNOTE_SOURCE = "hornung-2020-rand"
LEDGER_FILE = "ledger.yaml"
LEDGER_KINDS = (
    "context",  # background the source gives, no event or tie of the actors
    "opinion",  # an assessment, motivation or argument, not a fact
    "not_a_tie",  # an event or statement that involves no tie between the actors
    "covered_by",  # its content is recorded by the fact named in `fact` (cited elsewhere)
    "attribution",  # a footnote that only attributes (interview, reference), states nothing
    "text_missing",  # a footnote whose text the stored copy lost
)

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: the forms a footnote's opening number takes in the text extraction: ``¹²``, ``^{12``,
#: ``$^{^{12}}$``
_FOOTNOTE_START = re.compile(r"^\s*(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\^\{(\d+)|\$\^\{\^\{(\d+))")
_FOOTNOTE_LOCATOR = re.compile(r"\bch\. (\d+)\b.*?\bfns?\. ([\d ,–-]+(?:and [\d]+)?)")


@dataclass(frozen=True)
class Unit:
    """One footnote or paragraph of a source: ``key`` (``ch. 6, fn. 12`` or ``para. 4``) and
    its folded text (empty when the copy lost a footnote's text)."""

    source: str
    key: str
    text: str


@dataclass
class LedgerReport:
    """Per source: the units in scope, the cited ones, the ledgered ones and the open ones."""

    units: dict[str, list[Unit]] = field(default_factory=dict)
    cited: dict[str, set[str]] = field(default_factory=dict)
    ledgered: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    scopes: dict[str, list[int] | Literal["all"]] = field(default_factory=dict)

    def open_units(self, source: str) -> list[Unit]:
        """Return the units of ``source`` neither cited nor in the ledger, in text order."""
        done = self.cited[source] | self.ledgered[source]
        return [u for u in self.units[source] if u.key not in done]

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per source: units, cited, ledgered (and not cited), open."""
        out = []
        for sid, units in self.units.items():
            cited = {u.key for u in units} & self.cited[sid]
            ledgered = ({u.key for u in units} & self.ledgered[sid]) - cited
            out.append({"source": sid, "unit": "footnote" if sid == FOOTNOTE_SOURCE
                        else "paragraph", "scope": self.scope_label(sid), "units": len(units),
                        "cited": len(cited), "ledgered": len(ledgered),
                        "open": len(units) - len(cited) - len(ledgered)})
        return out

    def scope_label(self, source: str) -> str:
        """Return ``all`` or the chapters in scope (``ch. 1, 6, 7``)."""
        scope = self.scopes.get(source, "all")
        return "all" if scope == "all" else "ch. " + ", ".join(map(str, scope))


def footnotes(text: str) -> list[Unit]:
    """Return the footnotes of the RAND report's text, ``ch. N, fn. M``, in order.

    Chapters are counted by the footnote numbering starting again; every number from 1 to the
    highest of a chapter is a footnote, with empty text where the copy lost it.
    """
    found: dict[tuple[int, int], str] = {}
    chapter, last = 1, 0
    for line in text.split("\n"):
        m = _FOOTNOTE_START.match(line)
        if not m:
            continue
        num = int((m.group(1) or "").translate(_SUPERSCRIPT) or m.group(2) or m.group(3))
        if num == 1 and last >= 1:
            chapter += 1
        last = num
        found.setdefault((chapter, num), fold_space(line))
    units = []
    for ch in sorted({c for c, _ in found}):
        top = max(n for c, n in found if c == ch)
        units += [Unit(FOOTNOTE_SOURCE, f"ch. {ch}, fn. {n}", found.get((ch, n), ""))
                  for n in range(1, top + 1)]
    return units


def paragraphs(source: str, text: str) -> list[Unit]:
    """Return the paragraphs of a short source (one per line; headings and page furniture,
    short lines without a final full stop, are left out), keyed ``para. K`` in text order."""
    out = []
    for line in text.split("\n"):
        s = fold_space(line)
        if len(s) < 140 and not re.search(r"[.!?”\"]$", s):
            continue
        out.append(Unit(source, f"para. {len(out) + 1}", s))
    return out


def footnotes_cited(locator: str) -> list[str]:
    """Return the footnote keys (``ch. 3, fn. 25``) a locator names: ``fn. 25``,
    ``fns. 18-19``, ``fns. 3, 5``."""
    m = _FOOTNOTE_LOCATOR.search(locator)
    if not m:
        return []
    keys = []
    for part in re.split(r",|and", m.group(2)):
        bounds = [int(x) for x in re.findall(r"\d+", part)]
        if len(bounds) == 2:
            keys += [f"ch. {m.group(1)}, fn. {n}" for n in range(bounds[0], bounds[1] + 1)]
        elif bounds:
            keys.append(f"ch. {m.group(1)}, fn. {bounds[0]}")
    return keys


def read_ledger(data_dir: Path) -> dict[str, Any]:
    """Return the ledger file's content (``scope`` and ``entries``); an empty ledger when
    the file is absent."""
    path = data_dir / LEDGER_FILE
    if not path.is_file():
        return {"scope": {}, "entries": []}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {"scope": {}, "entries": []}


def ledger_report(ds: Dataset, data_dir: Path, texts: dict[str, str], *,
                  whole: bool = False) -> LedgerReport:
    """Return the :class:`LedgerReport` of the dataset against the source texts ``texts``
    (source id -> raw text; sources without a text are left out). ``problems`` lists ledger
    entries that name no unit, an unknown kind or fact, or a unit that is also cited.
    ``whole`` counts every chapter, not only the ledger's scope (to see what remains)."""
    ledger = read_ledger(data_dir)
    report = LedgerReport(scopes={} if whole else dict(ledger.get("scope") or {}))
    cites = [c for f in ds.facts.values() for c in _all_citations(f)]
    for sid, raw in texts.items():
        units = footnotes(raw) if sid == FOOTNOTE_SOURCE else paragraphs(sid, raw)
        scope = report.scopes.get(sid, "all")
        if scope != "all":
            units = [u for u in units if int(u.key.split(",")[0][4:]) in scope]
        report.units[sid] = units
        mine = [c for c in cites if c.source == sid]
        if sid == FOOTNOTE_SOURCE:
            report.cited[sid] = {k for c in mine for k in footnotes_cited(c.locator)}
        else:
            quotes = [fold_space(c.quote) for c in mine if c.quote]
            report.cited[sid] = {u.key for u in units if any(q in u.text for q in quotes)}
        report.ledgered[sid] = set()
    for i, entry in enumerate(ledger.get("entries") or []):
        _ledger_entry(report, ds, i, entry)
    return report


def _ledger_entry(report: LedgerReport, ds: Dataset, i: int, entry: dict[str, Any]) -> None:
    where = f"{LEDGER_FILE}: entry {i + 1}"
    sid = entry.get("source")
    if sid not in report.units:
        if sid not in ds.sources:
            report.problems.append(f"{where}: unknown source {sid!r}")
        return
    if entry.get("kind") not in LEDGER_KINDS:
        report.problems.append(f"{where}: kind {entry.get('kind')!r} is not one of "
                               f"{', '.join(LEDGER_KINDS)}")
    if not str(entry.get("reason") or "").strip():
        report.problems.append(f"{where}: a one-line reason is required")
    if entry.get("kind") == "covered_by" and entry.get("fact") not in ds.facts:
        report.problems.append(f"{where}: covered_by needs the id of an existing fact, "
                               f"not {entry.get('fact')!r}")
    units = report.units[sid]
    if "starts" in entry:
        start = fold_space(str(entry["starts"]))
        # a paragraph that is exactly the given words wins over longer ones that start so
        keys = ([u.key for u in units if u.text == start]
                or [u.key for u in units if u.text.startswith(start)])
    else:
        keys = [u.key for u in units if u.key == entry.get("unit")]
    if not keys:
        if sid == FOOTNOTE_SOURCE and "unit" in entry:
            return  # a footnote of a chapter outside the enforced scope
        report.problems.append(f"{where}: no unit of {sid} "
                               f"{'starts with' if 'starts' in entry else 'is'} "
                               f"{entry.get('starts') or entry.get('unit')!r}")
        return
    for key in keys:
        if key in report.cited[sid]:
            report.problems.append(f"{where}: {sid} {key} is cited by a fact; drop the entry")
        report.ledgered[sid].add(key)


def _all_citations(fact: Any) -> list[Any]:
    return list(fact.citations) + [c for d in fact.disputed for c in d.citations]


def read_texts(ds: Dataset, sources_dir: Path | None) -> dict[str, str]:
    """Return the raw text of every source whose file is in ``sources_dir`` (none if None)."""
    if sources_dir is None:
        return {}
    out = {}
    for sid, src in ds.sources.items():
        path = Path(sources_dir) / src.file
        if path.is_file():
            out[sid] = path.read_text(encoding="utf-8")
    return out


_SUPERLATIVE = re.compile(r"\b(first|only|never)\b", re.IGNORECASE)


def reviewed_candidates(data_dir: Path) -> dict[tuple[str, str], str]:
    """Return the claim candidates a curator has checked and found to be no disagreement:
    ``(fact, other)`` -> the one-line reason, from the ledger's ``candidates`` list."""
    return {(str(c.get("fact")), str(c.get("other"))): str(c.get("reason") or "")
            for c in read_ledger(data_dir).get("candidates") or []}


def claim_candidates(ds: Dataset, reviewed: dict[tuple[str, str], str] | None = None,
                     ) -> list[dict[str, Any]]:
    """Return pairs of facts a curator should check for an unrecorded disagreement: rows with
    ``check`` (``same type and parties`` or ``'first' contradicted``), the two fact ids, their
    dates and sources, ``recorded`` (either fact has ``disputed`` claims) and ``reviewed``
    (the reason a curator gave in the ledger's ``candidates`` list for finding no
    disagreement; empty when not reviewed).

    * two facts of the same type, kind (or domain), visitor and actors, cited from different
      sources, dated within a year of each other (the same event told twice, perhaps differently);
    * a fact whose quote says "first", "only" or "never" while a fact of the same type, kind,
      visitor and actors from another source is dated earlier (the latest such fact).
    """
    from tiegraph.loaders.dates import date_key

    groups: dict[tuple[Any, ...], list[Any]] = {}
    for fact in ds.facts.values():
        when = getattr(fact, "when", None)
        if when and getattr(fact, "status", None) != "planned":
            sort = getattr(fact, "kind", None) or getattr(fact, "domain", None)
            visitor = getattr(fact, "visitor", None)  # a ship's visit is not a minister's
            key = (fact.type, sort, visitor, tuple(ds.actors_of(fact)))
            groups.setdefault(key, []).append(fact)
    rows = []
    for facts in groups.values():
        facts.sort(key=lambda f: date_key(f.when))
        for i, b in enumerate(facts):
            earlier = [a for a in facts[:i] if not _sources(a) & _sources(b)]
            rows += [_candidate("same type and parties", a, b) for a in earlier
                     if int(b.when[:4]) - int(a.when[:4]) <= 1]
            before = [a for a in earlier if date_key(a.when, end=True) < date_key(b.when)]
            if before and any(_SUPERLATIVE.search(c.quote or "") for c in b.citations):
                rows.append(_candidate("'first' contradicted", b, before[-1]))
    for row in rows:
        row["reviewed"] = (reviewed or {}).get((row["fact"], row["other"]), "")
    return rows


def _sources(fact: Any) -> set[str]:
    return {c.source for c in fact.citations}


def _candidate(check: str, a: Any, b: Any) -> dict[str, Any]:
    return {"check": check, "fact": a.id, "when": a.when, "sources": ", ".join(sorted(_sources(a))),
            "other": b.id, "other_when": b.when,
            "other_sources": ", ".join(sorted(_sources(b))),
            "recorded": bool(a.disputed or b.disputed)}
