"""The Cypher query library against the real data in a real Neo4j: every ``queries/*.cypher``
runs with its header's example parameters and gives the answer the data and the sources give;
the densest rankings equal the Python ones exactly; ``tiegraph query`` handles names, files,
parameters and hostile input.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from test_browser import readme_browser_example

from tiegraph.graph.api import FilesBackend, densest, explain, ties_per_year
from tiegraph.graph.api import coverage as coverage_report
from tiegraph.graph.cli import main
from tiegraph.graph.projection import project
from tiegraph.graph.schema import CATEGORY_ORDER, NODE_TYPES, REL_TYPES
from tiegraph.graph.ties import Tie, Window
from tiegraph.loaders.dates import date_key
from tiegraph.loaders.neo4j_loader import database_fingerprint, load_graph
from tiegraph.queries.library import (
    QUERY_DIR,
    QueryError,
    UnknownQueryError,
    check_params,
    list_queries,
    load_query,
    load_query_file,
    parse_cypher_literal,
    parse_param_value,
    parse_params,
    parse_query,
    query_path,
    run_query,
    single_statement,
    strip_browser_commands,
    used_parameters,
)

pytestmark = pytest.mark.neo4j

DATA = Path(__file__).resolve().parents[1] / "data"
QUERY_FILES = sorted(p.stem for p in QUERY_DIR.glob("*.cypher"))
HOSTILE = "'}) MATCH (n) DETACH DELETE n //"


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FilesBackend]:
    """The Python side of every comparison: the same data, read from the files (with a
    fresh index cache, so that no index compiled elsewhere answers)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIEGRAPH_CACHE", str(tmp_path_factory.mktemp("index-cache")))
        backend = FilesBackend(DATA)
        backend.ties  # noqa: B018 - build the index inside the fresh cache
        yield backend


@pytest.fixture(scope="module")
def ds(files: FilesBackend) -> Any:
    return files.dataset


@pytest.fixture(scope="module")
def spec(files: FilesBackend) -> Any:
    """The graph loaded into Neo4j: projected from the very dataset ``files`` answers from."""
    return project(files.dataset)


@pytest.fixture(scope="module")
def db(neo4j_driver: Any, neo4j_settings: Any, spec: Any) -> tuple[Any, str]:
    """The real data loaded once for the module: (driver, database)."""
    database = neo4j_settings.database
    with neo4j_driver.session(database=database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    load_graph(neo4j_driver, spec, database)
    return neo4j_driver, database


def run(db: tuple[Any, str], query: str, /, **params: Any) -> list[dict[str, Any]]:
    """Return the rows of the named query (optional parameters left out are null)."""
    driver, database = db
    info = load_query(query)
    return run_query(driver, info.text, check_params(info, params), database)


def cli_env(settings: Any) -> dict[str, str]:
    return {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username,
            "NEO4J_PASSWORD": settings.password.get_secret_value(),
            "NEO4J_DATABASE": settings.database}


def involving(ds: Any, *actors: str, types: tuple[str, ...] | None = None) -> set[str]:
    """Return the ids of the facts (of ``types``) that involve every one of ``actors``."""
    return {fid for fid, f in ds.facts.items()
            if set(actors) <= set(ds.actors_of(f)) and (types is None or f.type in types)}


def keeps(window: Window, when: str | None) -> bool:
    return window.keeps(Tie("a", "b", "f", "c", when))


def plain_densest(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The comparable part of a densest row: rank, ids, per-category counts, total, breadth."""
    return [(r["rank"], r["a_id"], r["b_id"], *(r[c] for c in CATEGORY_ORDER), r["total"],
             r["breadth"]) for r in rows]


def path_ids(path: list[dict[str, Any]]) -> list[str]:
    """Return the ids of the nodes of a plain path."""
    return [item["properties"]["id"] for item in path[::2]]


# --- the expected answers of every query, with its header's example parameters ------------


def expect_graph_overview(rows: list[dict[str, Any]], ctx: Any) -> None:
    spec = ctx.spec
    nodes = {r["name"]: r["count"] for r in rows if r["what"] == "node"}
    rels = {r["name"]: r["count"] for r in rows if r["what"] == "relationship"}
    assert "LoadInfo" not in nodes  # bookkeeping, not data
    assert nodes == dict(Counter(n.labels[-1] for n in spec.nodes.values()))
    assert sum(nodes.values()) == len(spec.nodes)
    assert rels == dict(Counter(r.type for r in spec.rels.values()))
    assert sum(rels.values()) == len(spec.rels)
    groups = {r["name"]: r["group"] for r in rows if r["what"] == "node"}
    assert groups["State"] == "Actor" and groups["Agreement"] == "Fact"
    assert groups["Source"] == "Source" and groups["Claim"] == "Claim"


def expect_schema(rows: list[dict[str, Any]], ctx: Any) -> None:
    (row,) = rows
    labels = {n["properties"]["name"] for n in row["nodes"]}
    assert labels == {n.labels[-1] for n in ctx.spec.nodes.values()} | {"Actor", "Fact"}
    generic = {"PARTICIPATED_IN", "CITES", "HAS_CLAIM"}  # drawn once, between shared labels
    group = {lbl: NODE_TYPES[lbl].group for lbl in NODE_TYPES}
    want = set()
    for rel in ctx.spec.rels.values():
        a, b = ctx.spec.nodes[rel.start].labels[-1], ctx.spec.nodes[rel.end].labels[-1]
        want.add((rel.type, group[a], group[b]) if rel.type in generic else (rel.type, a, b))
    got = [(r["type"], r["start"], r["end"]) for r in row["relationships"]]
    assert sorted(got) == sorted(want)  # each arrow once, and only arrows that occur
    assert len(got) < 40  # readable: db.schema.visualization() itself draws far more


def expect_densest_partnerships(rows: list[dict[str, Any]], ctx: Any) -> None:
    assert len(rows) == 10
    assert plain_densest(rows) == plain_densest(densest(ctx.files, top=10))
    assert {rows[0]["a"], rows[0]["b"]} == {"France", "Japan"}


def expect_densest_partnerships_of(rows: list[dict[str, Any]], ctx: Any) -> None:
    window = Window("2014", "2019-06")
    assert plain_densest(rows) == plain_densest(densest(ctx.files, focus="Japan", window=window))
    assert all(r["a"] == "Japan" for r in rows)
    assert {rows[0]["b"], rows[1]["b"]} == {"United Kingdom", "France"}


def expect_agreements_between(rows: list[dict[str, Any]], ctx: Any) -> None:
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == involving(ctx.ds, "JPN", "GBR", types=("agreement",))
    assert by_id["gbr-jpn-information-security"]["kind"] == "information_security"
    assert by_id["gbr-jpn-information-security"]["signed"] == "2013-07-04"
    assert by_id["gbr-jpn-acsa"]["kind"] == "acsa"
    assert by_id["gbr-jpn-acsa"]["signed"] == "2017-01-26"
    assert by_id["gbr-jpn-equipment-technology-transfer"]["kind"] == (
        "equipment_technology_transfer")
    raa = by_id["gbr-jpn-reciprocal-access"]
    assert raa["kind"] == "reciprocal_access"
    assert raa["status"] == "signed"
    assert raa["agreed_in_principle"] == "2022-05"
    assert {"status = under_negotiation", "status = agreed_in_principle"} <= set(raa["disputed"])
    assert sorted(raa["parties"]) == ["Japan", "United Kingdom"]
    dated = [r["when"] for r in rows if r["when"]]
    assert dated[0] == "1902-01-30"  # the Anglo-Japanese Alliance comes first


def expect_agreements_of(rows: list[dict[str, Any]], ctx: Any) -> None:
    by_partner = {r["partners"][0]: r for r in rows}
    expected = {fid for fid in involving(ctx.ds, "JPN", types=("agreement",))
                if ctx.ds.facts[fid].kind == "reciprocal_access"}
    assert {r["id"] for r in rows} == expected
    assert {"Australia", "United Kingdom", "France"} <= set(by_partner)
    assert by_partner["Australia"]["status"] == "signed"
    assert by_partner["Australia"]["signed"] == "2022-01-06"
    assert by_partner["United Kingdom"]["status"] == "signed"
    assert by_partner["France"]["status"] == "under_negotiation"
    assert by_partner["France"]["negotiations_launched"] == "2024-05"
    assert "negotiations_launched = 2022" in by_partner["France"]["disputed"]


def expect_citations_per_source(rows: list[dict[str, Any]], ctx: Any) -> None:
    expected = {r["source"]: r["facts"] for r in coverage_report(ctx.files)["by_source"]}
    expected.update({sid: 0 for sid in ctx.ds.sources if sid not in expected})
    assert {r["source"]: r["facts"] for r in rows} == expected
    citations = Counter(c.source for f in ctx.ds.facts.values() for c in f.citations)
    claims = Counter(c.source for f in ctx.ds.facts.values() for d in f.disputed
                     for c in d.citations)
    for r in rows:  # preferred claims repeat the fact's own citations
        assert r["citations"] >= citations[r["source"]] + claims[r["source"]]
    assert rows[0]["source"] == "hornung-2020-rand"


def expect_common_partners(rows: list[dict[str, Any]], ctx: Any) -> None:
    per_pair: Counter[tuple[str, str]] = Counter((t.a, t.b) for t in ctx.files.ties)

    def ties(x: str, y: str) -> int:
        return per_pair[tuple(sorted((x, y)))]  # type: ignore[index]

    actors = {t.a for t in ctx.files.ties} | {t.b for t in ctx.files.ties}
    expected = {c: (ties("GBR", c), ties("FRA", c)) for c in actors - {"GBR", "FRA"}
                if ties("GBR", c) and ties("FRA", c)}
    assert {r["partner_id"]: (r["ties_with_a"], r["ties_with_b"]) for r in rows} == expected
    assert rows[0]["partner"] == "Japan"


def expect_conflicting_claims(rows: list[dict[str, Any]], ctx: Any) -> None:
    disputed = {fid for fid, f in ctx.ds.facts.items() if f.disputed}
    assert {r["fact"] for r in rows} == disputed
    expected_rows = sum(len({d.field for d in f.disputed}) + len(f.disputed)
                        for f in ctx.ds.facts.values())
    assert len(rows) == expected_rows
    per_field = defaultdict(list)
    for r in rows:
        per_field[(r["fact"], r["field"])].append(r)
    for claims in per_field.values():
        assert [c["preferred"] for c in claims].count(True) == 1
        assert claims[0]["preferred"]  # the preferred value first
        assert all(c["reason"] for c in claims[1:])
        assert all(c["sources"] for c in claims)
    status = per_field[("gbr-jpn-reciprocal-access", "status")]
    assert status[0]["value"] == "signed"
    assert {c["value"] for c in status[1:]} == {"under_negotiation", "agreed_in_principle"}
    assert any(s.startswith("hornung-2020-rand (") for c in status for s in c["sources"])


def expect_cooperation_between(rows: list[dict[str, Any]], ctx: Any) -> None:
    types = ("operation", "deployment", "exchange", "industrial")
    assert {r["id"] for r in rows} == involving(ctx.ds, "JPN", "GBR", types=types)
    assert {r["type"] for r in rows} <= {"Operation", "Deployment", "Exchange",
                                         "IndustrialProject"}


def python_depth(files: FilesBackend, actor: str, as_of: str | None) -> dict[str, Any]:
    """Return graph.depth's answer for ``actor``'s partners as of ``as_of`` (None: the latest
    dated tie), the CLI's way: partner id -> (the CLI's row, :class:`graph.depth.PairDepth`)."""
    from tiegraph.graph.api import depth_rows, depth_window, resolve, top_actor
    from tiegraph.graph.depth import pair_depth

    focus = top_actor(files, resolve(files, actor))
    window = depth_window(files, Window(until=as_of))
    day = window.until
    rows = depth_rows(files, focus=focus, window=window)
    out = {}
    for row in rows:
        b = row["b_id"] if row["a_id"] == focus else row["a_id"]
        pair = tuple(sorted((focus, b)))
        ties = [t for t in files.ties if (t.a, t.b) == pair]
        out[b] = (row, pair_depth(focus, b, files.depth_facts, ties, day))  # type: ignore[arg-type]
    return out


def check_depth_components(rows: list[dict[str, Any]], files: FilesBackend, actor: str,
                           as_of: str | None) -> None:
    """The Cypher rows equal graph.depth's components (within 1e-9), the CLI's rounded
    values and ranking, and the inputs (kinds, levels, branches, counts) behind them."""
    from tiegraph.graph.depth import COMPONENT_KEYS, COMPONENTS, INSTITUTIONS, LEVELS

    python = python_depth(files, actor, as_of)
    assert {r["b_id"] for r in rows} == set(python)
    for r in rows:
        row, got = python[r["b_id"]]
        for c in COMPONENTS:
            assert r[c] == pytest.approx(got.values[c], abs=1e-9), (r["b"], c)
            assert r[c] == pytest.approx(row[COMPONENT_KEYS[c]], abs=1e-6), (r["b"], c)
        assert r["depth"] == pytest.approx(row["score"], abs=1e-6), r["b"]
        assert r["as_of"] == date_key(row["as_of"], end=True)
        held = got.details["institutions"]
        assert r["institution_kinds"] == [k for k in INSTITUTIONS if k in held.split(", ")]
        levels = {lv["level"]: lv["value"] for lv in r["levels"]}
        assert set(levels) <= set(LEVELS)
        assert sum(levels.values()) / 4 == pytest.approx(got.values["mechanisms"], abs=1e-9)
        assert ", ".join(r["branches"]) == got.details["forces"].replace("none", "")
        assert got.details["industry"].startswith(f"{r['projects']} project(s)")
        assert got.details["operations"].startswith(f"{r['operation_count']} operation(s)")
    # the CLI's ranking: deepest first (ties in depth in either order)
    assert [r["depth"] for r in rows] == sorted((r["depth"] for r in rows), reverse=True)


def expect_depth_components_of(rows: list[dict[str, Any]], ctx: Any) -> None:
    check_depth_components(rows, ctx.files, "Japan", "2019-12-31")
    depth = {r["b_id"]: r["depth"] for r in rows}
    # issue 13 item 4: as of 2019 the UK is deepest, France second, Germany and NATO below
    assert [r["b_id"] for r in rows[:2]] == ["GBR", "FRA"]
    assert depth["FRA"] > depth["DEU"] and depth["FRA"] > depth["nato"]


def expect_dialogue_series_of(rows: list[dict[str, Any]], ctx: Any) -> None:
    ds = ctx.ds
    series = involving(ds, "DEU", types=("dialogue_series",))
    assert {r["id"] for r in rows} == series
    sessions = Counter(f.series for f in ds.facts.values() if f.type == "dialogue_session")
    assert {r["id"]: r["n_sessions"] for r in rows} == {s: sessions[s] for s in series}
    assert [r["n_sessions"] for r in rows] == sorted((r["n_sessions"] for r in rows),
                                                     reverse=True)


def expect_dialogues_between(rows: list[dict[str, Any]], ctx: Any) -> None:
    ds = ctx.ds
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == involving(ds, "JPN", "FRA", types=("dialogue_series",))
    two = by_id["fra-jpn-two-plus-two"]
    assert two["kind"] == "two_plus_two"
    assert two["sessions"][:3] == ["2014-01-09", "2015-03-15", "2017-01-06"]
    assert two["first"] == "2014-01-09"
    for sid, row in by_id.items():
        dates = sorted((f.when for f in ds.facts.values()
                        if f.type == "dialogue_session" and f.series == sid),
                       key=lambda d: (d if len(d) == 10 else d + "-01" if len(d) == 7
                                      else d + "-01-01"))
        assert row["sessions"] == dates
        assert row["n_sessions"] == len(dates)


def expect_exercises_between(rows: list[dict[str, Any]], ctx: Any) -> None:
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == involving(ctx.ds, "JPN", "GBR", types=("exercise",))
    sutherland = by_id["gbr-jpn-sutherland-exercise-2018"]
    assert sutherland["year"] == 2018
    assert "HMS Sutherland (Royal Navy)" in sutherland["b_forces"]
    assert "JS Suzunami (Japan Maritime Self-Defense Force)" in sutherland["a_forces"]
    albion = by_id["gbr-jpn-albion-shimokita-exercise-2018"]
    assert albion["b_forces"] == ["HMS Albion (Royal Navy)"]
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)


def expect_fact_evidence(rows: list[dict[str, Any]], ctx: Any) -> None:
    fact = ctx.ds.facts["gbr-jpn-reciprocal-access"]
    own = [(r["source"], r["locator"], r["quote"]) for r in rows if r["about"] == "fact"]
    assert own == [(c.source, c.locator, c.quote) for c in fact.citations]
    claims = [r for r in rows if r["about"] == "claim: status = under_negotiation"]
    assert {r["source"] for r in claims} == {"hornung-2020-rand"}
    assert any("unsuccessful in negotiating" in r["quote"] for r in claims)
    preferred = [r for r in rows if r["about"] == "claim: status = signed (preferred)"]
    assert len(preferred) == len(fact.citations)
    assert all(r["title"] for r in rows)


def expect_fact_neighbourhood(rows: list[dict[str, Any]], ctx: Any) -> None:
    ids = {i for r in rows for i in path_ids(r["path"])}
    assert all(path_ids(r["path"])[0] == "gbr-jpn-reciprocal-access" for r in rows)
    fact = ctx.ds.facts["gbr-jpn-reciprocal-access"]
    sources = {c.source for c in fact.citations} | {c.source for d in fact.disputed
                                                    for c in d.citations}
    assert {"JPN", "GBR"} | sources <= ids
    assert any(i.startswith("gbr-jpn-reciprocal-access:status:") for i in ids)
    types = {r["path"][1]["type"] for r in rows}
    assert types == {"SIGNED", "CITES", "HAS_CLAIM"}  # an agreement's parties: SIGNED only


def expect_find_actor(rows: list[dict[str, Any]], ctx: Any) -> None:
    ids = {r["id"] for r in rows}
    assert {"gbr-royal-navy", "fra-navy", "deu-navy"} <= ids
    for r in rows:
        assert any("navy" in k.lower() for k in [r["id"], r["name"], *r["aliases"]])


def expect_memberships_as_of(rows: list[dict[str, Any]], ctx: Any) -> None:
    assert {r["id"] for r in rows} == {"jpn-nato-partnership-2014",
                                       "jpn-nato-interoperability-platform-2014"}
    assert {r["member"] for r in rows} == {"Japan"}


def expect_pair_evidence(rows: list[dict[str, Any]], ctx: Any) -> None:
    expected = explain(ctx.files, "Japan", "UK", Window("2017", "2017"))
    assert rows == expected
    assert {r["fact"] for r in rows} >= {"gbr-jpn-acsa"}


def expect_pair_graph(rows: list[dict[str, Any]], ctx: Any) -> None:
    expected = {t.fact for t in ctx.files.ties
                if (t.a, t.b) == ("JPN", "nato") and Window("2014", "2014").keeps(t)}
    # each path runs from one side (through its unit or service, if that took part) to a fact
    ends = {(path_ids(r["path"])[0], path_ids(r["path"])[-1]) for r in rows}
    assert {fact for _, fact in ends} == expected
    assert ends == {(side, fact) for side in ("JPN", "nato") for fact in expected}
    for r in rows:  # one participation relationship per path, any other step is BELONGS_TO
        kinds = [step["type"] for step in r["path"][1::2]]
        assert kinds.count("BELONGS_TO") == len(kinds) - 1 - kinds.count("HAS_SESSION")


def expect_port_calls_by_year(rows: list[dict[str, Any]], ctx: Any) -> None:
    expected: dict[int, set[str]] = defaultdict(set)
    for fid, f in ctx.ds.facts.items():
        if f.type == "visit" and f.kind == "port_call" and f.host == "JPN":
            expected[int(f.when[:4])].add(fid)
    assert {r["year"]: set(r["visits"]) for r in rows} == expected
    by_year = {r["year"]: r for r in rows}
    assert by_year[2018]["port_calls"] == 3
    assert {s.split(" [")[0] for s in by_year[2018]["ships"]} == {
        "HMS Albion", "HMS Sutherland", "HMS Argyll"}
    assert by_year[2019]["ships"] == ["HMS Montrose [United Kingdom]"]


def expect_stated_totals(rows: list[dict[str, Any]], ctx: Any) -> None:
    """The Cypher twin of graph.totals: the same totals involving the UK, the same counts of
    dated facts, and the ids of those facts."""
    from tiegraph.graph.totals import in_series, stated_totals

    expected = {r["total"]: r for r in stated_totals(ctx.ds, "GBR")}
    assert expected and {r["id"] for r in rows} == set(expected)
    for r in rows:
        total = ctx.ds.facts[r["id"]]
        assert r["dated"] == expected[r["id"]]["dated"]
        assert set(r["dated_ids"]) == {fid for fid, f in ctx.ds.facts.items()
                                       if in_series(ctx.ds, total, f)}
        assert (r["stated"], r["qualifier"], r["as_of"]) == (total.count, total.qualifier,
                                                             total.as_of)


def expect_relationship_as_of(rows: list[dict[str, Any]], ctx: Any) -> None:
    ties = [r for r in rows if r["section"] == "ties"]
    window = Window(as_of="2017-06")
    expected = Counter(t.category for t in ctx.files.ties
                       if (t.a, t.b) == ("GBR", "JPN") and window.keeps(t))
    assert {r["item"]: r["value"] for r in ties} == dict(expected)
    agreements = {r["item"]: r for r in rows if r["section"] == "agreement"}
    names = {f.name: fid for fid, f in ctx.ds.facts.items() if f.type == "agreement"}
    by_id = {names[k]: v for k, v in agreements.items()}
    assert (by_id["gbr-jpn-acsa"]["value"], by_id["gbr-jpn-acsa"]["date"]) == (
        "signed", "2017-01-26")  # in force only from 2017-08-18
    assert by_id["gbr-jpn-information-security"]["value"] == "in_force"
    assert by_id["gbr-jpn-treaty-alliance-1902"]["value"] == "terminated"
    assert "gbr-jpn-reciprocal-access" not in by_id
    dialogues = {r["item"]: r for r in rows if r["section"] == "dialogue"}
    assert all(r["date"] <= "2017-06-30" for r in dialogues.values())


def expect_services_exercised_with(rows: list[dict[str, Any]], ctx: Any) -> None:
    ds = ctx.ds
    expected: dict[str, set[str]] = defaultdict(set)
    for fid in involving(ds, "JPN", "GBR", types=("exercise",)):
        for p in ds.facts[fid].participants:
            if ds.actor_of(p) != "JPN":
                continue
            ent = ds.entities[p]
            if ent.kind in ("service", "agency"):
                service = ds.name_of(p)
            elif ent.kind == "unit":
                service = ds.name_of(ent.service) if ent.service else "(service not recorded)"
            else:
                service = "(service not named)"
            expected[service].add(fid)
    assert {r["service"]: r["exercises"] for r in rows} == {k: len(v)
                                                             for k, v in expected.items()}
    msdf = next(r for r in rows if r["service"] == "Japan Maritime Self-Defense Force")
    assert {"JS Suzunami", "JS Shimokita"} <= set(msdf["units"])


def expect_shortest_path(rows: list[dict[str, Any]], ctx: Any) -> None:
    (row,) = rows
    assert row["steps"] == 1
    assert row["actors"] == ["Germany", "Pakistan"]
    assert path_ids(row["path"])[0] == "DEU" and path_ids(row["path"])[-1] == "PAK"


def expect_ties_per_year(rows: list[dict[str, Any]], ctx: Any) -> None:
    assert rows == ties_per_year(ctx.files, "Japan", "UK")


def expect_unit_record(rows: list[dict[str, Any]], ctx: Any) -> None:
    ds = ctx.ds
    expected = {fid for fid, f in ds.facts.items()
                if any(e == "gbr-hms-montrose" for e, _ in ds.parties_of(f))}
    assert {r["id"] for r in rows} == expected
    visit = next(r for r in rows if r["type"] == "Visit")
    assert (visit["when"], visit["role"], visit["with"]) == ("2019-03", "visitor", ["Japan"])


def expect_units_visited(rows: list[dict[str, Any]], ctx: Any) -> None:
    assert {(r["unit"], r["year"]) for r in rows} == {
        ("HMS Albion", 2018), ("HMS Sutherland", 2018), ("HMS Argyll", 2018),
        ("HMS Montrose", 2019)}  # RAND: Montrose deployed in late 2018, visited in March 2019
    assert {r["service"] for r in rows} == {"Royal Navy"}
    assert {r["state"] for r in rows} == {"United Kingdom"}


def expect_visits_between(rows: list[dict[str, Any]], ctx: Any) -> None:
    ds = ctx.ds
    expected = {fid for fid in involving(ds, "JPN", "DEU", types=("visit",))
                if keeps(Window(since="2015"), ds.facts[fid].when)}
    assert {r["id"] for r in rows} == expected
    by_id = {r["id"]: r for r in rows}
    assert by_id["visit-deu-foreign-office-to-jpn-2018-07"]["direction"] == "Germany -> Japan"
    assert by_id["visit-deu-foreign-office-to-jpn-2018-07"]["person"] == "Heiko Maas"


CHECKS = {name[len("expect_"):]: fn for name, fn in globals().items()
          if name.startswith("expect_")}


class Ctx:
    """What the checks compare with."""

    def __init__(self, files: FilesBackend, spec: Any) -> None:
        self.files = files
        self.ds = files.dataset
        self.spec = spec


@pytest.mark.parametrize("name", QUERY_FILES)
def test_every_query_gives_the_expected_answer(db: Any, files: FilesBackend, spec: Any,
                                               name: str) -> None:
    assert name in CHECKS, f"queries/{name}.cypher has no expected answer: add expect_{name}"
    info = load_query(name)
    rows = run(db, name, **info.examples)
    assert rows, f"{name} returned no rows with its example parameters"
    CHECKS[name](rows, Ctx(files, spec))


def test_there_are_enough_queries() -> None:
    assert len(QUERY_FILES) >= 22
    assert set(CHECKS) == set(QUERY_FILES)


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUERY_FILES)
def test_header_declares_every_parameter_with_an_example(name: str) -> None:
    info = load_query(name)
    assert info.name == name and re.match(r"^[a-z0-9_]+$", name)
    assert info.question.endswith("?") or "?" in info.question
    assert info.returns
    text = query_path(name).read_text()
    assert text.startswith("// name: ")
    used = used_parameters(info.text)
    declared = {p.name for p in info.params}
    assert set(used) == declared, f"{name}: uses {used}, declares {sorted(declared)}"
    for p in info.params:
        assert p.example is not None, f"{name}: no ':param {p.name} => ...;' line"
        assert p.description, f"{name}: parameter {p.name} is not described"
        parse_cypher_literal(p.example)
        assert f"// :param {p.name} => {p.example};" in text
    if not info.params:
        assert "// params: none" in text


def test_param_lines_evaluate_in_neo4j_as_in_python(db: Any) -> None:
    """The Browser runs ':param x => VALUE' as 'RETURN VALUE AS x': every example must be
    valid Cypher with the value the library reads from it (test-only use of our own text)."""
    driver, database = db
    with driver.session(database=database) as session:
        for info in list_queries():
            for p in info.params:
                value = session.run(f"RETURN {p.example} AS value").single()["value"]
                assert value == p.example_value, (info.name, p.name)


@pytest.mark.parametrize("name", QUERY_FILES)
def test_queries_never_paste_values_into_text(name: str) -> None:
    """Names and dates come only from $parameters: no literal actor names or dates."""
    info = load_query(name)
    code = re.sub(r"//[^\n]*", "", info.text)
    assert not re.search(r"'(JPN|GBR|FRA|DEU|Japan|UK|France|Germany|NATO|nato)'", code)
    assert not re.search(r"'(?!9999')\d{4}(-\d{2})?(-\d{2})?'", code)


# --- depth: Cypher equals Python -----------------------------------------------------------


@pytest.mark.parametrize(("actor", "as_of"), [("JPN", "2012"), ("uk", "2016-06"),
                                               ("France", None), ("Japan", "2024-12-31")])
def test_depth_components_equal_python(db: Any, files: FilesBackend, actor: str,
                                       as_of: str | None) -> None:
    rows = run(db, "depth_components_of", actor=actor, as_of=as_of)
    assert rows
    check_depth_components(rows, files, actor, as_of)


# --- densest: Cypher equals Python ----------------------------------------------------------


WINDOWS = [
    Window(),
    Window("2014", None),
    Window(None, "2016"),
    Window("2014", "2019-06"),
    Window("2016-10", "2018-04-27"),
    Window("2017-01-26", "2017-01-26"),
]


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.since}..{w.until}")
def test_densest_ranking_equals_python_overall(db: Any, files: FilesBackend,
                                               window: Window) -> None:
    rows = run(db, "densest_partnerships", since=window.since, until=window.until)
    python = densest(files, window=window)
    assert plain_densest(rows) == plain_densest(python)
    assert [(r["a"], r["b"]) for r in rows] == [(r["a"], r["b"]) for r in python]


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.since}..{w.until}")
@pytest.mark.parametrize("actor", ["Japan", "JPN", "japan", "UK", "NATO"])
def test_densest_ranking_equals_python_for_one_actor(db: Any, files: FilesBackend, actor: str,
                                                     window: Window) -> None:
    rows = run(db, "densest_partnerships_of", actor=actor, since=window.since,
               until=window.until)
    python = densest(files, focus=actor, window=window)
    assert plain_densest(rows) == plain_densest(python)
    assert [(r["a"], r["b"]) for r in rows] == [(r["a"], r["b"]) for r in python]


def test_densest_with_japan_puts_france_and_the_uk_first(db: Any) -> None:
    rows = run(db, "densest_partnerships_of", actor="Japan")
    assert [r["b"] for r in rows[:2]] == ["France", "United Kingdom"]
    assert rows[0]["breadth"] == 6


@pytest.mark.parametrize("pair", [("Japan", "UK"), ("Japan", None), ("France", "Japan")])
def test_timeline_equals_python(db: Any, files: FilesBackend, pair: tuple[str, Any]) -> None:
    a, b = pair
    for window in (Window(), Window("2010", "2018-06")):
        rows = run(db, "ties_per_year", a=a, b=b, since=window.since, until=window.until)
        assert rows == ties_per_year(files, a, b, window)


@pytest.mark.parametrize("pair", [("Japan", "France"), ("Germany", "Japan"),
                                  ("Britain", "NATO")])
def test_pair_evidence_equals_explain(db: Any, files: FilesBackend,
                                      pair: tuple[str, str]) -> None:
    rows = run(db, "pair_evidence", a=pair[0], b=pair[1])
    assert rows == explain(files, *pair)


def test_shortest_paths_are_chains_of_ties(db: Any, files: FilesBackend) -> None:
    """The chain walks the graph's own relationships (shortest in relationships): every fact
    on it involves the actors beside it, it runs from a to b, and it has at least as many
    facts as the shortest chain of the tie graph (units and services add BELONGS_TO steps,
    so a chain with fewer relationships can cross more facts)."""
    graph = nx.Graph()
    graph.add_edges_from((t.a, t.b) for t in files.ties)
    names = {a.id: a.name for a in files.actors.values()}
    top = {e.id: files.dataset.actor_of(e.id) for e in files.dataset.entities.values()}
    pairs = [("DEU", "AUS"), ("PAK", "ctf-151"), ("FRA", "GBR"), ("CHN", "nato"),
             ("DJI", "UKR")]
    for a, b in pairs:
        if a not in graph or b not in graph:
            continue
        rows = run(db, "shortest_path", a=a, b=b)
        if not nx.has_path(graph, a, b):
            assert rows == []
            continue
        (row,) = rows
        nodes = row["path"][::2]
        ids = [n["properties"]["id"] for n in nodes]
        assert ids[0] == a and ids[-1] == b
        facts = [i for i, n in enumerate(nodes) if "Fact" in n["labels"]]
        assert row["steps"] == len(facts) >= nx.shortest_path_length(graph, a, b)
        for i in facts:  # a fact's neighbours on the chain are actors it involves
            involved = set(nodes[i]["properties"]["actors"])
            for j in (i - 1, i + 1):
                if "Actor" in nodes[j]["labels"]:
                    assert top[ids[j]] in involved, (a, b, ids[i], ids[j])
        states = [i for i in ids if i in names and files.dataset.entities[i].kind
                  in ("state", "organisation")]
        assert row["actors"] == [names[x] for x in states]


# --- the graph as the Browser draws it -----------------------------------------------------


def test_one_relationship_between_a_fact_and_an_actor(db: Any) -> None:
    driver, database = db
    rows = driver.execute_query(
        "MATCH (a:Actor)-[r]-(f:Fact) WITH a, f, collect(type(r)) AS types "
        "WHERE size(types) > 1 RETURN a.id AS a, f.id AS f, types LIMIT 5",
        database_=database).records
    assert [dict(r) for r in rows] == []
    gone = driver.execute_query("MATCH ()-[r:INVOLVES]->() RETURN count(r) AS n",
                                database_=database).records[0]["n"]
    assert gone == 0


def test_readme_example_draws_what_it_returns(db: Any) -> None:
    """The Browser's default "connect result nodes" draws every relationship between the
    nodes a query returns: for the README's example that must add nothing."""
    driver, database = db
    nodes: set[str] = set()
    rels: set[str] = set()
    for record in driver.execute_query(readme_browser_example(), database_=database).records:
        for value in record.values():
            for path in value if isinstance(value, list) else [value]:
                if path is None:
                    continue
                nodes |= {n.element_id for n in path.nodes}
                rels |= {r.element_id for r in path.relationships}
    assert len(nodes) > 10 and rels
    between = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE elementId(a) IN $ids AND elementId(b) IN $ids "
        "RETURN collect(elementId(r)) AS r", ids=sorted(nodes), database_=database
    ).records[0]["r"]
    assert set(between) == rels


def test_dates_are_neo4j_dates(db: Any) -> None:
    from neo4j.time import Date, Duration

    driver, database = db
    rec = driver.execute_query(
        "MATCH (f:Fact {id: 'gbr-jpn-information-security'})<-[s:SIGNED]-(:State {id: 'JPN'}) "
        "RETURN f.when AS when, f.precision AS precision, f.when_start AS a, f.when_end AS b, "
        "s.date_start AS s, duration.inDays(f.when_start, f.when_end).days AS span",
        database_=database).records[0]
    assert isinstance(rec["a"], Date) and isinstance(rec["b"], Date)
    assert rec["a"].iso_format() == rec["when"] or rec["a"].iso_format().startswith(rec["when"])
    assert isinstance(rec["s"], Date) and rec["span"] >= 0
    month = driver.execute_query(
        "MATCH (f:Fact) WHERE f.precision = 'month' RETURN f.when AS when, f.when_start AS a, "
        "f.when_end AS b LIMIT 1", database_=database).records[0]
    assert month["a"].iso_format() == month["when"] + "-01"
    assert month["b"].month == month["a"].month and (month["b"] + Duration(days=1)).day == 1
    spells = driver.execute_query(
        "MATCH ()-[r:MEMBER_OF]->() WHERE r.start IS NOT NULL "
        "RETURN r.start AS start, r.since AS since LIMIT 5", database_=database).records
    assert spells and all(isinstance(r["since"], Date) for r in spells)


LOOKUPS = [n for n in QUERY_FILES if "actor_keys" in load_query(n).text]


def test_every_actor_parameter_is_looked_up_through_the_index() -> None:
    assert len(LOOKUPS) >= 20
    scanning = [n for n in QUERY_FILES
                if re.search(r"toLower\(toString\(\$\w+\)\) IN", load_query(n).text)]
    assert scanning == []


@pytest.mark.parametrize("name", LOOKUPS)
def test_actor_lookups_use_the_index(db: Any, name: str) -> None:
    """PROFILE shows the name lookup answered by the actor_keys index, never by reading
    every Actor node."""
    driver, database = db
    info = load_query(name)
    with driver.session(database=database) as session:
        summary = session.run("PROFILE " + info.text, check_params(info, info.examples)).consume()
    operators: list[str] = []

    def walk(plan: dict[str, Any]) -> None:
        details = plan.get("args", {}).get("Details", "")
        operators.append(f"{plan['operatorType']} {details}")
        for child in plan.get("children", []):
            walk(child)

    walk(summary.profile)
    assert any("db.index.fulltext.queryNodes" in op for op in operators), operators
    scans = [op for op in operators
             if op.startswith(("NodeByLabelScan", "AllNodesScan")) and ":Actor" in op]
    assert scans == [], scans


def test_relationship_as_of_2024_sees_the_reciprocal_access_agreement(db: Any) -> None:
    rows = run(db, "relationship_as_of", a="JPN", b="Britain", as_of="2024-05-31")
    raa = next(r for r in rows if r["item"] == "Japan–UK Reciprocal Access Agreement")
    assert (raa["value"], raa["date"]) == ("agreed_in_principle", "2022-05")
    assert raa["note"] == "reported status: signed"


def test_memberships_before_2014_are_none(db: Any) -> None:
    assert run(db, "memberships_as_of", as_of="2013-12-31") == []
    assert len(run(db, "memberships_as_of", as_of="2014")) == 2


def test_agreement_kinds_as_a_list_and_all_kinds(db: Any, files: FilesBackend) -> None:
    rows = run(db, "agreements_of", actor="Japan", kind=["acsa"])
    assert {r["id"] for r in rows} == {"gbr-jpn-acsa", "fra-jpn-acsa"}
    everything = run(db, "agreements_of", actor="Japan")
    assert {r["id"] for r in everything} == involving(files.dataset, "JPN",
                                                      types=("agreement",))


def test_names_resolve_by_id_name_alias_and_case(db: Any) -> None:
    expected = {r["id"] for r in run(db, "agreements_between", a="Japan", b="United Kingdom")}
    for a, b in [("JPN", "GBR"), ("japan", "uk"), ("Tokyo", "Britain"), ("JPN", "Royal Navy")]:
        assert {r["id"] for r in run(db, "agreements_between", a=a, b=b)} == expected
    assert run(db, "agreements_between", a="Atlantis", b="UK") == []
    found = run(db, "find_actor", name="britain")
    assert found[0]["id"] == "GBR"


# --- the library without a server ----------------------------------------------------------


def test_query_names_are_checked() -> None:
    for bad in ["../graph/cli", "x; MATCH (n) DETACH DELETE n", "graph_overview/../x",
                "GRAPH_OVERVIEW", "", "graph overview", "/etc/passwd", "graph_overview.cypher",
                "..", "a\nb", "graph_overview\n"]:
        with pytest.raises(QueryError, match="invalid query name"):
            load_query(bad)
    with pytest.raises(UnknownQueryError, match="Did you mean: agreements_between"):
        load_query("agreements_betwen")


def test_list_queries_parses_every_header() -> None:
    infos = list_queries()
    assert [i.name for i in infos] == QUERY_FILES
    densest_of = next(i for i in infos if i.name == "densest_partnerships_of")
    assert [(p.name, p.optional) for p in densest_of.params] == [
        ("actor", False), ("since", True), ("until", True)]
    assert densest_of.examples == {"actor": "Japan", "since": "2014", "until": "2019-06"}
    assert densest_of.required == ["actor"]


def test_params_are_json_or_text() -> None:
    assert parse_param_value("2016") == 2016
    assert parse_param_value("null") is None
    assert parse_param_value('["acsa", "treaty"]') == ["acsa", "treaty"]
    assert parse_param_value("Japan") == "Japan"
    assert parse_param_value('"null"') == "null"
    assert parse_param_value("NaN") == "NaN"
    assert parse_param_value(HOSTILE) == HOSTILE
    assert parse_params(["a=United Kingdom", "b=x=y"]) == {"a": "United Kingdom", "b": "x=y"}
    for bad in (["novalue"], ["=x"], ["a b=1"], ["a=1", "a=2"]):
        with pytest.raises(QueryError):
            parse_params(bad)


def test_missing_and_unknown_parameters_are_errors() -> None:
    info = load_query("agreements_between")
    with pytest.raises(QueryError, match=r"needs parameter\(s\) b: e.g. --param b=UK"):
        check_params(info, {"a": "Japan"})
    with pytest.raises(QueryError, match="does not take acter"):
        check_params(info, {"acter": "Japan", "a": "x", "b": "y"})
    window = load_query("densest_partnerships_of")
    assert check_params(window, {"actor": "Japan"}) == {"actor": "Japan", "since": None,
                                                        "until": None}


def test_statements_and_browser_lines() -> None:
    text = "// :param a => 1;\n:param b => 'x';\nMATCH (n) // a ; comment\nRETURN ';' AS s;\n"
    assert single_statement(strip_browser_commands(text)).endswith("RETURN ';' AS s")
    for bad in ["RETURN 1; RETURN 2", "RETURN 1;\nMATCH (n) DETACH DELETE n", "", "// only"]:
        with pytest.raises(QueryError):
            single_statement(bad)
    with pytest.raises(QueryError, match="unterminated"):
        single_statement("RETURN 'x")
    assert used_parameters("RETURN $a, '$b', `$c`, $a // $d") == ["a"]
    info = parse_query("// name: mine\n// question: x?\n// params:\n//   x: optional\n"
                       "// :param x => [1, 'a', null, {k: true}];\nRETURN $x")
    assert info.examples == {"x": [1, "a", None, {"k": True}]}
    assert info.required == []


def test_grass_style_sheet_covers_every_label_and_type() -> None:
    text = (QUERY_DIR / "tiegraph.grass").read_text()
    assert "/*" not in text and '"' not in text  # the Browser's parser has neither
    rules = dict(re.findall(r"^([a-zA-Z_.]+)\s*\{([^}]*)\}", text, re.MULTILINE))
    for label in NODE_TYPES:
        assert "caption:" in rules[f"node.{label}"], label
        assert "color:" in rules[f"node.{label}"], label
    for rel in REL_TYPES:
        assert "caption:" in rules[f"relationship.{rel}"], rel
    size = {k: int(re.search(r"diameter: (\d+)px", v).group(1))  # type: ignore[union-attr]
            for k, v in rules.items() if k.startswith("node.")}
    assert size["node.State"] == max(size.values())


# --- the command line ---------------------------------------------------------------------


def test_cli_list() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for name in QUERY_FILES:
        assert name in result.output
    assert "actor='Japan'" in result.output
    as_json = CliRunner().invoke(main, ["query", "--list", "--json"])
    listed = json.loads(as_json.stdout)
    assert [q["name"] for q in listed] == QUERY_FILES
    first = listed[0]
    assert first["params"][0] == {"name": "a", "optional": False, "example": "Japan",
                                  "description": first["params"][0]["description"]}


def test_cli_named_query_json_and_csv(db: Any, neo4j_settings: Any) -> None:
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    result = runner.invoke(main, ["query", "agreements_between", "--param", "a=Japan",
                                  "--param", "b=United Kingdom", "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"gbr-jpn-acsa", "gbr-jpn-reciprocal-access"} <= {r["id"] for r in rows}
    csv_out = runner.invoke(main, ["query", "densest_partnerships", "-p", "top=3", "--csv"],
                            env=env)
    assert csv_out.exit_code == 0, csv_out.output
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("rank,a,b,agreements") and len(lines) == 4
    table = runner.invoke(main, ["query", "shortest_path", "-p", "a=Germany",
                                 "-p", "b=Pakistan"], env=env)
    assert table.exit_code == 0, table.output
    assert "Germany -[PARTICIPATED_IN]- MSDF replenishment" in table.stdout


def test_cli_file(db: Any, neo4j_settings: Any, tmp_path: Path) -> None:
    mine = tmp_path / "mine.cypher"
    mine.write_text("// name: mine\n// question: Which agreements of a kind?\n// params:\n"
                    "//   kind: agreement kind, required\n"
                    ":param kind => 'acsa';\n"
                    "MATCH (g:Agreement {kind: $kind})\nRETURN g.id AS id ORDER BY id;\n")
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    result = runner.invoke(main, ["query", "--file", str(mine), "-p", "kind=acsa", "--json"],
                           env=env)
    assert result.exit_code == 0, result.output
    assert {"gbr-jpn-acsa", "fra-jpn-acsa"} <= {r["id"] for r in json.loads(result.stdout)}
    missing = runner.invoke(main, ["query", "--file", str(mine)], env=env)
    assert missing.exit_code != 0 and "needs parameter(s) kind" in missing.output
    two = tmp_path / "two.cypher"
    two.write_text("MATCH (n) RETURN count(n);\nMATCH (n) DETACH DELETE n;\n")
    refused = runner.invoke(main, ["query", "--file", str(two)], env=env)
    assert refused.exit_code != 0 and "more than one statement" in refused.output
    assert load_query_file(mine).text.endswith("ORDER BY id")


def test_cli_errors(db: Any, neo4j_settings: Any) -> None:
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    missing = runner.invoke(main, ["query", "agreements_between", "--param", "a=Japan"],
                            env=env)
    assert missing.exit_code != 0
    assert "needs parameter(s) b" in missing.output and "--param b=UK" in missing.output
    unknown = runner.invoke(main, ["query", "agreements_betwen"], env=env)
    assert unknown.exit_code != 0
    assert "Did you mean: agreements_between" in unknown.output
    nothing = runner.invoke(main, ["query"], env=env)
    assert nothing.exit_code != 0
    bad_date = runner.invoke(main, ["query", "densest_partnerships", "-p", "since=20x6"],
                             env=env)
    assert bad_date.exit_code != 0 and "the query failed" in bad_date.output


def test_cli_refuses_hostile_names(db: Any, neo4j_settings: Any) -> None:
    driver, database = db
    before = database_fingerprint(driver, database)
    runner = CliRunner()
    for name in ["../graph/cli", "x; MATCH (n) DETACH DELETE n", "../../data/sources.yaml",
                 "graph_overview; DROP", "graph_overview MATCH (n) DETACH DELETE n"]:
        result = runner.invoke(main, ["query", name], env=cli_env(neo4j_settings))
        assert result.exit_code != 0, name
        assert "invalid query name" in result.output, name
    assert database_fingerprint(driver, database) == before


def test_cli_unknown_actor_names_exit_6_as_in_the_analysis_commands(
        db: Any, neo4j_settings: Any) -> None:
    runner, env = CliRunner(), cli_env(neo4j_settings)
    result = runner.invoke(main, ["query", "agreements_between", "-p", "a=Japn", "-p", "b=UK"],
                           env=env)
    assert result.exit_code == 6, result.output
    assert result.stdout == ""
    assert "unknown actor 'Japn' (--param a). Did you mean: Japan?" in result.stderr
    narnia = runner.invoke(main, ["query", "agreements_between", "-p", "a=Japan",
                                  "-p", "b=Narnia"], env=env)
    assert narnia.exit_code == 6, narnia.output
    assert "unknown actor 'Narnia' (--param b)." in narnia.stderr
    assert "Did you mean" not in narnia.stderr  # no unrelated name is ever offered
    # find_actor's parameter is a search text, not an actor: no rows is an answer there.
    search = runner.invoke(main, ["query", "find_actor", "-p", "name=Narnia"], env=env)
    assert search.exit_code == 0 and "(no rows)" in search.stdout


def test_cli_write_runs_only_with_write_and_only_a_file(db: Any, neo4j_settings: Any,
                                                        tmp_path: Path) -> None:
    driver, database = db
    before = database_fingerprint(driver, database)
    runner, env = CliRunner(), cli_env(neo4j_settings)
    note = tmp_path / "note.cypher"
    note.write_text("CREATE (n:ScratchNote {t: 1}) WITH n DELETE n RETURN 'done' AS ok\n")
    refused = runner.invoke(main, ["query", "--file", str(note)], env=env)
    assert refused.exit_code == 2 and "give --write" in refused.stderr
    written = runner.invoke(main, ["query", "--file", str(note), "--write", "--json"], env=env)
    assert written.exit_code == 0, written.output
    assert json.loads(written.stdout) == [{"ok": "done"}]
    library = runner.invoke(main, ["query", "graph_overview", "--write"], env=env)
    assert library.exit_code == 2 and "--write runs your own --file" in library.stderr
    assert database_fingerprint(driver, database) == before


@pytest.mark.parametrize("value", [HOSTILE, "Japan` RETURN 1 //", "Japan'\nMATCH (n) DELETE n",
                                   "\\' OR 1=1 //", "$actor"])
def test_cli_passes_hostile_values_as_data(db: Any, neo4j_settings: Any, tmp_path: Path,
                                           value: str) -> None:
    driver, database = db
    before = database_fingerprint(driver, database)
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    for name, key in [("find_actor", "name"), ("fact_evidence", "fact")]:
        result = runner.invoke(main, ["query", name, "--param", f"{key}={value}", "--json"],
                               env=env)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []
    as_actor = runner.invoke(main, ["query", "agreements_of", "--param", f"actor={value}"],
                             env=env)
    assert as_actor.exit_code == 6 and "unknown actor" in as_actor.stderr, as_actor.output
    echo = tmp_path / "echo.cypher"
    echo.write_text("RETURN $x AS x\n")
    result = runner.invoke(main, ["query", "--file", str(echo), "--param", f"x={value}",
                                  "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"x": value}]
    assert database_fingerprint(driver, database) == before


def test_cli_file_cannot_write(db: Any, neo4j_settings: Any, tmp_path: Path) -> None:
    driver, database = db
    before = database_fingerprint(driver, database)
    wipe = tmp_path / "wipe.cypher"
    wipe.write_text("MATCH (n) DETACH DELETE n")
    result = CliRunner().invoke(main, ["query", "--file", str(wipe)],
                                env=cli_env(neo4j_settings))
    assert result.exit_code == 2 and "read transaction" in result.output
    assert database_fingerprint(driver, database) == before
