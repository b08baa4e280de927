"""The library API: what the CLI and the notebooks call.

Two backends answer the same questions: :class:`FilesBackend` (the default, offline: the
bundled fact files) and :class:`Neo4jBackend` (the loaded server). Pick one with
:func:`open_backend` (``source="files"`` or ``"neo4j"``, or the ``TIEGRAPH_SOURCE``
environment variable).

>>> backend = open_backend()                           # doctest: +SKIP
>>> densest(backend, focus="Japan", top=3)[0]["b"]      # doctest: +SKIP
'United Kingdom'
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tiegraph.graph.analysis import Measure, PairKind, densest_partnerships, explain_pair, timeline
from tiegraph.graph.errors import UnknownActorError
from tiegraph.graph.settings import Settings
from tiegraph.graph.ties import Tie, Window

if TYPE_CHECKING:
    from tiegraph.graph.index import TieTable

Source = Literal["files", "neo4j"]


@dataclass(frozen=True)
class Actor:
    """An entity as the analysis sees it."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    state: str | None = None


class IndexedBackend:
    """A backend whose actors and ties come from a compiled index (``_index``: a dict with
    ``actors``, a list of dicts, and ``ties``, a :class:`graph.index.TieTable` or a list of
    rows; see :mod:`graph.index`)."""

    _index: dict[str, Any]

    @cached_property
    def actors(self) -> dict[str, Actor]:
        """Return every entity by id."""
        return {a["id"]: Actor(a["id"], a["name"], a["kind"], tuple(a["aliases"]), a["state"])
                for a in self._index["actors"]}

    @cached_property
    def tie_table(self) -> TieTable:
        """Return every tie as columns: the same ties as :attr:`ties`, in the same order
        (what :func:`graph.network.actor_graph_of` reads)."""
        from tiegraph.graph.index import TieTable

        ties = self._index["ties"]
        return ties if isinstance(ties, TieTable) else TieTable.from_rows(ties)

    @cached_property
    def ties(self) -> list[Tie]:
        """Return every tie."""
        return self.tie_table.ties()


class FilesBackend(IndexedBackend):
    """Answers from the fact files.

    The analysis needs only the actors and the ties. Both are kept in a compiled index
    (columns of codes, see :mod:`graph.index`; in ``TIEGRAPH_CACHE`` or
    ``~/.cache/tiegraph``) keyed by a SHA-256 of the data files and of the code that derives
    them, so a fresh process answers without parsing and validating ~600 facts; any edit to
    the data or that code makes a new index. The full,
    validated :attr:`dataset` is loaded only when a command needs it (``explain``, ``stats``).
    """

    source: Source = "files"

    def __init__(self, data_dir: Path | None = None, check_quotes: bool = False,
                 mme: Path | None = None, kinds: tuple[str, ...] | None = None) -> None:
        from tiegraph.loaders.paths import SOURCE_KINDS, default_data_dir

        self.data_dir = Path(data_dir or default_data_dir())
        self.check_quotes = check_quotes
        #: the MME CSV to include (None: curated facts only) and the source kinds selected
        self.mme = mme
        self.kinds = kinds or SOURCE_KINDS

    @cached_property
    def dataset(self) -> Any:
        """Return the validated :class:`loaders.dataset.Dataset`, with the MME exercises when
        :attr:`mme` is set, restricted to :attr:`kinds` (raises DataError)."""
        from tiegraph.loaders.mme import load_combined

        return load_combined(self.data_dir, self.mme, self.kinds, check_quotes=self.check_quotes)

    @cached_property
    def _index(self) -> dict[str, Any]:
        import hashlib

        from tiegraph.graph.index import (
            TieTable,
            build_index,
            cached_index,
            content_key,
            load_or_build_index,
        )
        from tiegraph.loaders.paths import SOURCE_KINDS

        if self.mme is None and self.kinds == SOURCE_KINDS:
            return load_or_build_index(self.data_dir, lambda: self.dataset)
        try:
            h = hashlib.sha256(content_key(self.data_dir).encode())
            h.update(",".join(self.kinds).encode())
            if self.mme is not None:
                h.update(b"\0" + self.mme.read_bytes())
        except OSError:
            built = build_index(self.dataset)
            return {"actors": built["actors"], "ties": TieTable.from_rows(built["ties"])}
        return cached_index("combined", h.hexdigest(), lambda: build_index(self.dataset))

    @cached_property
    def depth_facts(self) -> list[Any]:
        """Return what the depth measure reads (:func:`graph.depth.depth_facts_from_dataset`)."""
        from tiegraph.graph.depth import depth_facts_from_dataset

        return depth_facts_from_dataset(self.dataset)

    def fact_details(self, fact_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Return name, type and citations (source, locator, quote) of the given facts."""
        from tiegraph.graph.projection import fact_name

        out = {}
        for fid in fact_ids:
            fact = self.dataset.facts[fid]
            out[fid] = {
                "name": fact_name(self.dataset, fact),
                "type": fact.type,
                "citations": [c.model_dump() for c in fact.citations],
            }
        return out


#: The facts of the loaded graph and the sources that cite them (for ``--sources``).
FACT_SOURCES_CYPHER = """
MATCH (f:Fact)-[:CITES]->(s:Source)
RETURN f.id AS id, f.series AS series, collect(DISTINCT s.id) AS sources
"""


class Neo4jBackend:
    """Answers from a loaded Neo4j database (run ``tiegraph load`` first), keeping the facts
    that a source of one of ``kinds`` cites (``--sources``; default: every fact), as
    :func:`loaders.mme.select_sources` does for the files backend."""

    source: Source = "neo4j"

    def __init__(self, settings: Settings, kinds: tuple[str, ...] | None = None) -> None:
        from tiegraph.graph.connect import import_driver, open_driver
        from tiegraph.loaders.paths import SOURCE_KINDS

        import_driver(numpy=False)  # reads only: no numpy parameter, a faster start
        self.settings = settings
        self.kinds = kinds or SOURCE_KINDS
        self._driver_cm = open_driver(settings)
        self.driver = self._driver_cm.__enter__()

    def close(self) -> None:
        """Close the driver."""
        self._driver_cm.__exit__(None, None, None)

    def run(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        """Return the records of a read query as dicts (parameters passed as parameters)."""
        from tiegraph.graph.connect import translate_errors

        with translate_errors(self.settings), self.driver.session(
            database=self.settings.database
        ) as session:
            return session.execute_read(lambda tx: [r.data() for r in tx.run(cypher, params)])

    @cached_property
    def actors(self) -> dict[str, Actor]:
        rows = self.run("MATCH (n:Actor) RETURN n.id AS id, n.name AS name, n.kind AS kind, "
                        "coalesce(n.aliases, []) AS aliases, n.state AS state")
        return {r["id"]: Actor(r["id"], r["name"], r["kind"], tuple(r["aliases"]), r["state"])
                for r in rows}

    @cached_property
    def selected(self) -> frozenset[str] | None:
        """Return the ids of the facts a source of :attr:`kinds` cites (the series of a kept
        dialogue session kept with it), or None when every kind is selected; raise DataError
        when the database holds no fact of a selected kind (it was loaded without it)."""
        from tiegraph.graph.errors import DataError
        from tiegraph.loaders.paths import SOURCE_KINDS, source_kind

        if set(self.kinds) >= set(SOURCE_KINDS):
            return None
        rows = self.run(FACT_SOURCES_CYPHER)
        found = {source_kind(s) for r in rows for s in r["sources"]}
        if missing := [k for k in self.kinds if k not in found]:
            raise DataError([
                f"--sources {','.join(self.kinds)}: the Neo4j database "
                f"({self.settings.database}) holds no fact from {', '.join(missing)}"
                + ("; load the MME exercises with 'tiegraph load --with-mme PATH'"
                   if "mme" in missing else "")])
        keep = {r["id"]: r["series"] for r in rows
                if {source_kind(s) for s in r["sources"]} & set(self.kinds)}
        return frozenset(keep) | {series for series in keep.values() if series}

    @cached_property
    def ties(self) -> list[Tie]:
        from tiegraph.graph.connect import translate_errors
        from tiegraph.graph.ties import ties_from_neo4j

        with translate_errors(self.settings):
            ties = ties_from_neo4j(self.driver, self.settings.database)
        keep = self.selected
        return ties if keep is None else [t for t in ties if t.fact in keep]

    @cached_property
    def depth_facts(self) -> list[Any]:
        """Return what the depth measure reads (:func:`graph.depth.depth_facts_from_neo4j`),
        restricted to the selected sources."""
        from tiegraph.graph.depth import depth_facts_from_neo4j

        keep = self.selected
        facts = depth_facts_from_neo4j(self)
        return facts if keep is None else [f for f in facts if f.id in keep]

    def fact_details(self, fact_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.run(
            "UNWIND $ids AS id MATCH (f:Fact {id: id})-[c:CITES]->(s:Source) "
            "WITH f, c, s ORDER BY c.n "
            "RETURN f.id AS id, f.name AS name, f.type AS type, "
            "collect({source: s.id, locator: c.locator, quote: c.quote}) AS citations",
            ids=fact_ids,
        )
        return {r["id"]: {"name": r["name"], "type": r["type"], "citations": r["citations"]}
                for r in rows}


Backend = FilesBackend | Neo4jBackend


def open_backend(source: Source | None = None, settings: Settings | None = None,
                 data_dir: Path | None = None, mme: Path | None = None,
                 kinds: tuple[str, ...] | None = None) -> Backend:
    """Return a backend: ``files`` (default) or ``neo4j`` (``TIEGRAPH_SOURCE`` picks when
    ``source`` is None). The files backend includes the MME CSV ``mme`` and keeps the
    source ``kinds`` given (``curated``, ``mme``); the Neo4j backend answers from what
    ``tiegraph load`` wrote (``mme`` is not read: load with ``--with-mme``), keeping the facts
    the ``kinds`` cite."""
    source = source or os.environ.get("TIEGRAPH_SOURCE", "files")  # type: ignore[assignment]
    if source == "neo4j":
        from tiegraph.graph.settings import load_settings

        return Neo4jBackend(settings or load_settings(), kinds)
    if source != "files":
        raise ValueError(f"unknown source {source!r}: use 'files' or 'neo4j'")
    return FilesBackend(data_dir, mme=mme, kinds=kinds)


def resolve(backend: Backend, name: str) -> str:
    """Return the actor id for a name, id or alias (any case); raise UnknownActorError with
    'did you mean' suggestions otherwise. Services, agencies and units resolve to themselves."""
    index: dict[str, str] = {}
    for actor in backend.actors.values():
        for key in (actor.id, actor.name, *actor.aliases):
            index.setdefault(key.casefold(), actor.id)
    key = name.strip().casefold()
    if key in index:
        return index[key]
    from tiegraph.graph.names import suggest

    labels = {k: backend.actors[actor_id].name for k, actor_id in index.items()}
    raise UnknownActorError(name, suggest(key, labels))


def top_actor(backend: Backend, actor_id: str) -> str:
    """Return the state of a service, agency or unit; states and organisations themselves."""
    actor = backend.actors[actor_id]
    return actor.state if actor.state else actor.id


def densest(
    backend: Backend,
    *,
    measure: Measure = "count",
    weights: dict[str, float] | None = None,
    window: Window | None = None,
    focus: str | None = None,
    pair_kind: PairKind = "all",
    top: int | None = None,
) -> list[dict[str, Any]]:
    """Return the ranked densest partnerships (see :func:`graph.analysis.densest_partnerships`;
    ``depth``: :func:`depth_rows`); ``focus`` is a name or alias."""
    focus_id = top_actor(backend, resolve(backend, focus)) if focus else None
    kinds = {a.id: a.kind for a in backend.actors.values()}
    names = {a.id: a.name for a in backend.actors.values()}
    if measure == "depth":
        return depth_rows(backend, weights=weights, window=window, focus=focus_id,
                          pair_kind=pair_kind, top=top)
    return densest_partnerships(backend.ties, kinds, names, measure=measure, weights=weights,
                                window=window, focus=focus_id, pair_kind=pair_kind, top=top)


def densest_by_measure(backend: Backend, *, weights: dict[str, float] | None = None,
                       weighted_measure: str | None = None, window: Window | None = None,
                       focus: str | None = None, pair_kind: PairKind = "all"
                       ) -> dict[str, list[dict[str, Any]]]:
    """Return the full ranking under every measure (``weights`` go to ``weighted_measure``),
    depth left out when the window has a start (depth is as of one date)."""
    from tiegraph.graph.analysis import MEASURES

    out = {}
    for m in MEASURES:
        if m == "depth" and window is not None and window.since:
            continue
        out[m] = densest(backend, measure=m, weights=weights if m == weighted_measure else None,
                         window=window, focus=focus, pair_kind=pair_kind)
    return out


def depth_window(backend: Backend, window: Window | None) -> Window:
    """Return the window depth is computed in: ``window`` when it has an end, else one that
    ends at the latest dated tie; raise ValueError for ``--since`` (depth is a state at one
    date, not a sum over a period)."""
    from tiegraph.graph.depth import latest_date

    window = window or Window()
    if window.since:
        raise ValueError("depth is computed as of one date: give --until or --as-of, "
                         "not --since")
    if window.until or window.as_of:
        return window
    return Window(until=latest_date(backend.ties))


def depth_rows(backend: Backend, *, weights: dict[str, float] | None = None,
               window: Window | None = None, focus: str | None = None,
               pair_kind: PairKind = "all", top: int | None = None) -> list[dict[str, Any]]:
    """Return the pairs ranked by depth (:mod:`graph.depth`) as of the window's end: the rows
    of the ``count`` measure in that window (tie counts per category included) plus one
    column per component (0–1, keyed ``depth_<component>``: :data:`graph.depth.COMPONENT_KEYS`),
    ``as_of``, ``score`` (the depth) and ``why`` (per component name: ``value``, ``detail``,
    ``facts``). ``focus`` is an actor id."""
    from tiegraph.graph.analysis import check_request, rank_rows
    from tiegraph.graph.depth import (
        COMPONENT_KEYS,
        COMPONENTS,
        check_depth_weights,
        depth_score,
        pair_depth,
    )

    check_request("depth", weights, top)
    check_depth_weights(weights)
    window = depth_window(backend, window)
    as_of: str = window.as_of or window.until  # type: ignore[assignment]
    kinds = {a.id: a.kind for a in backend.actors.values()}
    names = {a.id: a.name for a in backend.actors.values()}
    rows = densest_partnerships(backend.ties, kinds, names, window=window, focus=focus,
                                pair_kind=pair_kind)
    facts = backend.depth_facts
    by_actor: dict[str, list[Any]] = {}
    for f in facts:
        for actor in f.actors:
            by_actor.setdefault(actor, []).append(f)
    ties_of: dict[tuple[str, str], list[Tie]] = {}
    for t in backend.ties:
        ties_of.setdefault((t.a, t.b), []).append(t)
    for row in rows:
        a, b = row["a_id"], row["b_id"]
        got = pair_depth(a, b, by_actor.get(a, []), ties_of.get(tuple(sorted((a, b))), []),
                         as_of)
        row.pop("rank")
        row.update({COMPONENT_KEYS[c]: round(got.values[c], 6) for c in COMPONENTS})
        row["as_of"] = as_of
        row["score"] = round(depth_score(got.values, weights), 6)
        row["why"] = {c: {"value": round(got.values[c], 6), "detail": got.details[c],
                          "facts": got.evidence[c]} for c in COMPONENTS}
    return rank_rows(rows, top)


def explain(backend: Backend, a: str, b: str, window: Window | None = None) -> list[dict[str, Any]]:
    """Return the evidence for a pair: one row per tie and citation with category, date,
    fact id and name, source, locator and quote."""
    a_id = top_actor(backend, resolve(backend, a))
    b_id = top_actor(backend, resolve(backend, b))
    if a_id == b_id:
        raise ValueError(
            f"{a!r} and {b!r} are the same actor ({backend.actors[a_id].name}): a pair needs two "
            "different actors, e.g. explain Japan 'United Kingdom'")
    ties = explain_pair(backend.ties, a_id, b_id, window)
    details = backend.fact_details(sorted({t.fact for t in ties}))
    rows = []
    for t in ties:
        info = details[t.fact]
        for cit in info["citations"]:
            rows.append({"category": t.category, "date": t.when, "fact": t.fact,
                         "name": info["name"], "source": cit["source"],
                         "locator": cit["locator"], "quote": cit["quote"]})
    return rows


def ties_per_year(backend: Backend, a: str, b: str | None = None,
                  window: Window | None = None) -> list[dict[str, Any]]:
    """Return ties per year and category for actor ``a`` (optionally only with ``b``)."""
    a_id = top_actor(backend, resolve(backend, a))
    b_id = top_actor(backend, resolve(backend, b)) if b else None
    return timeline(backend.ties, a_id, b_id, window)


def coverage(backend: FilesBackend) -> dict[str, list[dict[str, Any]]]:
    """Return the coverage report: facts by type, claims, the ledger, claim candidates,
    stated totals beside the dated facts of their series, facts by source, Japan's ties by
    partner, and totals."""
    ds = backend.dataset
    by_type = Counter(f.type for f in ds.facts.values())
    by_source: Counter[str] = Counter()
    for f in ds.facts.values():
        for sid in {c.source for c in f.citations}:
            by_source[sid] += 1
    by_partner: Counter[str] = Counter()
    for t in backend.ties:
        if "JPN" in (t.a, t.b):
            other = t.b if t.a == "JPN" else t.a
            by_partner[backend.actors[other].name] += 1
    return {
        "by_type": [{"type": k, "facts": v} for k, v in sorted(by_type.items())],
        "claims": _claim_counts(ds),
        "ledger": _ledger_rows(ds, backend.data_dir),
        "claim_candidates": _candidate_rows(ds, backend.data_dir),
        "stated_totals": _total_rows(ds),
        "by_source": [{"source": k, "facts": v} for k, v in sorted(by_source.items())],
        "japan_by_partner": [{"partner": k, "ties": v} for k, v in by_partner.most_common()],
        "totals": [{"facts": len(ds.facts), "entities": len(ds.entities),
                    "sources": len(ds.sources), "ties": len(backend.ties),
                    "citations": sum(len(f.citations) for f in ds.facts.values())}],
    }


def _claim_counts(ds: Any) -> list[dict[str, Any]]:
    """Return the disputed facts, the Claim nodes they make (each disputed field: the preferred
    claim plus the others) and the claims that are not preferred."""
    fields = {(f.id, c.field) for f in ds.facts.values() for c in f.disputed}
    others = sum(len(f.disputed) for f in ds.facts.values())
    return [{"disputed_facts": len({fid for fid, _ in fields}), "claims": len(fields) + others,
             "not_preferred": others}]


def _ledger_rows(ds: Any, data_dir: Path) -> list[dict[str, Any]]:
    """Return the coverage ledger per source (units in scope, cited, ledgered, open), or one row
    saying that the source texts are absent."""
    from tiegraph.loaders.coverage import ledger_report, read_texts
    from tiegraph.loaders.paths import default_sources_dir

    texts = read_texts(ds, default_sources_dir())
    if not texts:
        return [{"source": "(source texts absent: set TIEGRAPH_SOURCES)", "unit": "",
                 "scope": "", "units": 0, "cited": 0, "ledgered": 0, "open": 0}]
    rows = ledger_report(ds, data_dir, texts).rows()
    whole = ledger_report(ds, data_dir, texts, whole=True).rows()
    return rows + [r for r in whole if r["source"] in {x["source"] for x in rows
                                                        if x["scope"] != "all"}]


def _total_rows(ds: Any) -> list[dict[str, Any]]:
    """Return each stated total beside the dated facts of its series (see
    :func:`graph.totals.stated_totals`)."""
    from tiegraph.graph.totals import stated_totals

    return stated_totals(ds)


def _candidate_rows(ds: Any, data_dir: Path) -> list[dict[str, Any]]:
    """Return the pairs of facts a curator should check for an unrecorded disagreement, with
    the reason of those reviewed (see :func:`loaders.coverage.claim_candidates`)."""
    from tiegraph.loaders.coverage import claim_candidates, reviewed_candidates

    return claim_candidates(ds, reviewed_candidates(data_dir))
