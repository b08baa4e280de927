"""Network analysis and exports on the hand-made fixture in tests/fixtures/small.

The fixture's state graph (see the comment at the top of its facts.yaml), with the default
weights (agreements 3, exercises 2, operations 2, others 1):

    AUS --- USA                  pair       ties                         count  weight
      \\     /                    AUS-JPN    exercise                         1       2
       JPN ------ GBR --- NATO    AUS-USA    exercise                         1       2
                   |     /       JPN-USA    exercise, agreement              2       5
                  FRA --         GBR-JPN    2 dialogues, visit, operation    4       5
                   |             FRA-GBR    agreement, exercise              2       5
                  DEU            FRA-NATO   exercise                         1       2
                                 GBR-NATO   exercise                         1       2
                                 DEU-FRA    exchange, visit                  2       2

Every expected value below is worked out by hand from this picture.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from tiegraph.graph.api import FilesBackend, densest, ties_per_year
from tiegraph.graph.cli import main
from tiegraph.graph.export import FORMATS, export_graph, read_export
from tiegraph.graph.network import (
    actor_graph,
    actor_graph_of,
    centrality,
    communities,
    eigenvector,
    full_graph,
    graph_stats,
    pagerank,
    shortest_paths,
)
from tiegraph.graph.projection import project, to_networkx
from tiegraph.graph.ties import Window
from tiegraph.loaders.dataset import load_dataset

SMALL = Path(__file__).parent / "fixtures" / "small"
TEXTS = SMALL / "texts"


@pytest.fixture(autouse=True)
def small_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point every backend (and the CLI) at the fixture, with a private index cache."""
    monkeypatch.setenv("TIEGRAPH_DATA", str(SMALL))
    monkeypatch.setenv("TIEGRAPH_SOURCES", str(TEXTS))
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TIEGRAPH_SOURCE", raising=False)


@pytest.fixture(scope="module")
def dataset() -> Any:
    return load_dataset(SMALL, TEXTS)  # quotes checked: the fixture is valid data


@pytest.fixture
def backend() -> FilesBackend:
    return FilesBackend(SMALL)


@pytest.fixture
def G(backend: FilesBackend) -> nx.Graph:
    return actor_graph_of(backend)


def by_id(rows: list[dict[str, Any]], column: str) -> dict[str, Any]:
    return {r["id"]: r[column] for r in rows}


# --- the state graph ------------------------------------------------------------------------


def test_fixture_is_valid_and_quotes_are_checked(dataset: Any) -> None:
    assert dataset.quotes_checked
    assert (len(dataset.entities), len(dataset.facts)) == (11, 12)


def test_actor_graph_nodes_and_edges(G: nx.Graph) -> None:
    assert sorted(G) == ["AUS", "DEU", "FRA", "GBR", "JPN", "USA", "nato"]
    assert G.nodes["nato"] == {"name": "NATO", "kind": "organisation"}
    expected = {  # (count, weight) from the picture
        ("AUS", "JPN"): (1, 2.0), ("AUS", "USA"): (1, 2.0), ("JPN", "USA"): (2, 5.0),
        ("GBR", "JPN"): (4, 5.0), ("FRA", "GBR"): (2, 5.0), ("FRA", "nato"): (1, 2.0),
        ("GBR", "nato"): (1, 2.0), ("DEU", "FRA"): (2, 2.0),
    }
    got = {tuple(sorted((u, v))): (d["count"], d["weight"]) for u, v, d in G.edges(data=True)}
    assert got == expected
    uk_japan = G.edges["GBR", "JPN"]
    assert (uk_japan["dialogues"], uk_japan["visits"], uk_japan["operations"]) == (2, 1, 1)
    assert uk_japan["agreements"] == 0
    # units, services and agencies count for their state: the Royal Navy, the MOD and the
    # MSDF appear only through GBR and JPN; the membership and the series are not ties.
    assert uk_japan["facts"] == ["gulf-of-aden-counter-piracy-2009", "gbr-jpn-two-plus-two-2015",
                                 "gbr-jpn-two-plus-two-2017", "visit-gbr-mod-to-jpn-2018-05"]


def test_actor_graph_window_and_weights(backend: FilesBackend) -> None:
    # Since 2018: the treaty (2010), the operation (2009), both 2+2 sessions (2015, 2017) and
    # the ACSA (2016) drop out; every actor still has a tie.
    G = actor_graph_of(backend, Window(since="2018"))
    assert G.number_of_nodes() == 7 and G.number_of_edges() == 8
    assert G.edges["GBR", "JPN"]["count"] == 1 and G.edges["JPN", "USA"]["count"] == 1
    # Since 2019 only Pacific Shield (AUS, JPN, USA) and the DEU-FRA exchange and visit remain.
    G19 = actor_graph_of(backend, Window(since="2019"))
    assert sorted(G19) == ["AUS", "DEU", "FRA", "JPN", "USA"]
    assert G19.number_of_edges() == 4
    # --weight exercises=10: AUS-JPN is one exercise -> 10; JPN-USA 10 + 3 = 13.
    W = actor_graph_of(backend, weights={"exercises": 10})
    assert W.edges["AUS", "JPN"]["weight"] == 10.0 and W.edges["JPN", "USA"]["weight"] == 13.0
    with pytest.raises(ValueError, match="unknown categories"):
        actor_graph_of(backend, weights={"exercise": 1})


def test_degree_and_weighted_degree(G: nx.Graph) -> None:
    rows = centrality(G, ["degree", "weighted_degree"])
    assert by_id(rows, "degree") == {"AUS": 2, "USA": 2, "JPN": 3, "GBR": 3, "FRA": 3,
                                     "nato": 2, "DEU": 1}
    # JPN: 2 (AUS) + 5 (USA) + 5 (GBR) = 12; GBR: 5 + 5 + 2 = 12; FRA: 5 + 2 + 2 = 9;
    # USA: 2 + 5 = 7; AUS, NATO: 2 + 2 = 4; DEU: 2.
    assert by_id(rows, "weighted_degree") == {"AUS": 4.0, "USA": 7.0, "JPN": 12.0,
                                              "GBR": 12.0, "FRA": 9.0, "nato": 4.0, "DEU": 2.0}
    # Ranked by degree, ties broken by weighted degree, then by name.
    assert [r["id"] for r in rows] == ["JPN", "GBR", "FRA", "USA", "AUS", "nato", "DEU"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]


def test_betweenness_on_the_fixture(G: nx.Graph) -> None:
    # Every shortest path is unique (and the same hop-wise and by 1/weight: each triangle's
    # direct edge, 0.5 or 0.2 long, beats the two-edge detour, 0.7). Pairs whose path
    # passes through a node:
    #   JPN: {AUS,USA} x {GBR,FRA,NATO,DEU}                          = 8
    #   GBR: {AUS,USA} x {FRA,NATO,DEU} (6) + JPN-FRA, JPN-NATO, JPN-DEU = 9
    #   FRA: {AUS,USA}-DEU (2) + JPN-DEU + GBR-DEU + NATO-DEU         = 5
    # normalised by (n-1)(n-2)/2 = 15.
    rows = centrality(G, ["betweenness"])
    got = by_id(rows, "betweenness")
    assert got == pytest.approx({"JPN": 8 / 15, "GBR": 9 / 15, "FRA": 5 / 15, "AUS": 0,
                                 "USA": 0, "nato": 0, "DEU": 0})
    assert rows[0]["id"] == "GBR"


def test_betweenness_star_path_and_weights() -> None:
    star = nx.star_graph(4)  # centre 0 lies on all C(4,2) = 6 leaf pairs: 6 / 6 = 1
    assert by_id(centrality(star, ["betweenness"]), "betweenness") == {0: 1.0, 1: 0.0, 2: 0.0,
                                                                       3: 0.0, 4: 0.0}
    path = nx.path_graph("abcd")  # b on a-c, a-d; c on a-d, b-d: 2 / 3 each
    assert by_id(centrality(path, ["betweenness"]), "betweenness") == pytest.approx(
        {"a": 0, "b": 2 / 3, "c": 2 / 3, "d": 0})
    # A square whose heavy side is short: lengths (1/weight) a-b 1, b-c 0.8, c-d 0.25, d-a
    # 0.25. a->c: via d 0.5 beats via b 1.8; b->d: via c 1.05 beats via a 1.25; a-b direct 1
    # beats 1.3 round the other side. So d and c each carry one pair: 1 / 3 (unweighted,
    # every node would carry half a pair).
    sq = nx.Graph()
    sq.add_weighted_edges_from([("a", "b", 1), ("b", "c", 1.25), ("c", "d", 4), ("d", "a", 4)])
    assert by_id(centrality(sq, ["betweenness"]), "betweenness") == pytest.approx(
        {"a": 0, "b": 0, "c": 1 / 3, "d": 1 / 3})
    # An edge of weight 0 (e.g. --weight visits=0) carries no path: a-b-c is cut at a-b.
    cut = nx.Graph()
    cut.add_weighted_edges_from([("a", "b", 0.0), ("b", "c", 1.0)])
    assert by_id(centrality(cut, ["betweenness"]), "betweenness") == {"a": 0, "b": 0, "c": 0}
    assert sum(pagerank(cut).values()) == pytest.approx(1.0)


def test_eigenvector_connected_and_disconnected(G: nx.Graph) -> None:
    # Connected: the same as networkx's power iteration.
    assert eigenvector(G) == pytest.approx(nx.eigenvector_centrality(G, weight="weight"),
                                           abs=1e-5)
    # A triangle plus a separate edge: within each component every node is equivalent; each
    # component's unit vector is scaled by sqrt(size / 5): 1/sqrt(3) * sqrt(3/5) and
    # 1/sqrt(2) * sqrt(2/5) are both 1/sqrt(5). An isolated node gets 0.
    H = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y")])
    assert eigenvector(H) == pytest.approx({v: 1 / math.sqrt(5) for v in H})
    H.add_node("lonely")
    assert eigenvector(H)["lonely"] == 0.0


def test_pagerank_by_hand(G: nx.Graph) -> None:
    # Path a-b-c, damping 0.85: x_a = 0.05 + 0.425 x_b, x_b = 0.05 + 0.85 (x_a + x_c) with
    # x_a = x_c, so x_b = 0.135 / 0.2775 and x_a = (1 - x_b) / 2.
    pr = pagerank(nx.path_graph("abc"))
    assert pr["b"] == pytest.approx(0.135 / 0.2775)
    assert pr["a"] == pytest.approx((1 - 0.135 / 0.2775) / 2) == pytest.approx(pr["c"])
    assert sum(pagerank(G).values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown measure"):
        centrality(G, ["closeness"])
    with pytest.raises(ValueError, match="undirected simple graph"):
        centrality(nx.MultiDiGraph(G))


def test_shortest_path_australia_to_germany(G: nx.Graph) -> None:
    paths = shortest_paths(G, "AUS", "DEU")
    assert len(paths) == 1  # the only path: AUS - JPN - GBR - FRA - DEU
    steps = paths[0]
    assert [(s["from"], s["to"]) for s in steps] == [("AUS", "JPN"), ("JPN", "GBR"),
                                                      ("GBR", "FRA"), ("FRA", "DEU")]
    assert steps[1]["to_name"] == "United Kingdom" and steps[1]["count"] == 4
    assert (steps[1]["dialogues"], steps[1]["visits"], steps[1]["operations"]) == (2, 1, 1)
    # examples: the three most recent of the four facts
    assert steps[1]["facts"] == ["visit-gbr-mod-to-jpn-2018-05", "gbr-jpn-two-plus-two-2017",
                                 "gbr-jpn-two-plus-two-2015"]
    assert steps[3]["facts"] == ["visit-deu-to-fra-2020-02", "deu-fra-liaison-officers-2019"]


def test_shortest_paths_several_none_and_errors(backend: FilesBackend) -> None:
    square = nx.Graph([("a", "b"), ("b", "d"), ("a", "c"), ("c", "d")])
    paths = shortest_paths(square, "a", "d")
    assert [[s["to"] for s in p] for p in paths] == [["b", "d"], ["c", "d"]]
    assert len(shortest_paths(square, "a", "d", max_paths=1)) == 1
    G19 = actor_graph_of(backend, Window(since="2019"))  # two components
    assert shortest_paths(G19, "AUS", "DEU") == []
    with pytest.raises(ValueError, match="GBR has no ties"):
        shortest_paths(G19, "AUS", "GBR")


@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_communities_two_clusters(G: nx.Graph, method: str) -> None:
    # m = 25 (sum of weights), 2m = 50; weighted degrees as in test_degree_and_weighted_degree.
    # {AUS,USA,JPN} | {GBR,FRA,NATO,DEU}: internal weights 9 and 11, degree sums 23 and 27:
    #   Q = 9/25 - (23/50)^2 + 11/25 - (27/50)^2 = 0.2968
    # moving JPN across gives 2/25 - (11/50)^2 + 16/25 - (39/50)^2 = 0.0632, moving GBR
    # across 14/25 - (35/50)^2 + 4/25 - (15/50)^2 = 0.14: the split below is the best.
    rows = communities(G, method)  # type: ignore[arg-type]
    assert [(r["community"], r["size"], r["ids"]) for r in rows] == [
        (1, 4, ["FRA", "DEU", "nato", "GBR"]),  # sorted by name: France, Germany, NATO, UK
        (2, 3, ["AUS", "JPN", "USA"]),
    ]
    assert rows[0]["names"] == ["France", "Germany", "NATO", "United Kingdom"]
    partition = [set(r["ids"]) for r in rows]
    assert nx.community.modularity(G, partition) == pytest.approx(0.2968)
    assert communities(G, method) == rows  # type: ignore[arg-type]  # deterministic


def test_graph_stats(G: nx.Graph) -> None:
    stats = graph_stats(G)
    # density 2*8 / (7*6); local clustering AUS 1, USA 1, JPN 1/3, GBR 1/3, FRA 1/3,
    # NATO 1, DEU 0 -> 4/7; transitivity 3 * 2 triangles / 12 connected triples = 0.5.
    assert stats == pytest.approx({
        "nodes": 7, "edges": 8, "density": 16 / 42, "components": 1, "largest_component": 7,
        "isolates": 0, "average_clustering": 4 / 7, "transitivity": 0.5, "degree_min": 1,
        "degree_max": 3, "degree_mean": 16 / 7, "degree_median": 2.0,
    })
    assert graph_stats(nx.Graph())["nodes"] == 0


def test_densest_and_timeline_on_the_fixture(backend: FilesBackend) -> None:
    rows = densest(backend)
    assert [(r["rank"], r["a_id"], r["b_id"], r["total"]) for r in rows] == [
        (1, "GBR", "JPN", 4),
        (2, "FRA", "GBR", 2), (2, "DEU", "FRA", 2), (2, "JPN", "USA", 2),  # by a's name
        (3, "AUS", "JPN", 1), (3, "AUS", "USA", 1), (3, "FRA", "nato", 1), (3, "GBR", "nato", 1),
    ]
    years = [(r["year"], r["total"]) for r in ties_per_year(backend, "Japan")]
    # 2009 operation, 2015 and 2017 sessions, 2016 ACSA, 2018 visit, 2019 exercise (2 ties)
    assert years == [(2009, 1), (2015, 1), (2016, 1), (2017, 1), (2018, 1), (2019, 2)]


def test_full_graph(dataset: Any) -> None:
    F = full_graph(project(dataset))
    # 11 entities + 12 facts; no Source, no Claim (Pacific Shield has a disputed date).
    assert F.number_of_nodes() == 23
    assert {d["group"] for _, d in F.nodes(data=True)} == {"Actor", "Fact"}
    # Edges, by hand: 4 BELONGS_TO + per fact the entities it names, one relationship each
    # (Pacific Shield 3, ACSA 2, 2+2 series 2, each session 1 to its series, MOD visit 2,
    # counter-piracy 2, treaty 2, Channel Guard 3, exchange 2, DEU visit 2, membership 2).
    assert F.number_of_edges() == 4 + 3 + 2 + 2 + 1 + 1 + 2 + 2 + 2 + 3 + 2 + 2 + 2
    assert F.edges["USA", "pacific-shield-2019"]["types"] == ["PARTICIPATED_IN"]
    assert F.edges["JPN", "jpn-usa-acsa"]["types"] == ["SIGNED"]  # a party: SIGNED only
    assert not F.has_edge("JPN", "pacific-shield-2019")  # Japan took part through jpn-msdf
    assert F.edges["gbr-hms-albion", "gbr-royal-navy"]["types"] == ["BELONGS_TO"]
    assert not F.has_edge("JPN", "USA")  # no derived EXERCISED_WITH shortcut
    assert not F.has_edge("GBR", "nato")  # no MEMBER_OF shortcut
    assert F.nodes["gbr-hms-albion"]["kind"] == "unit"
    assert F.nodes["channel-guard-2018"]["kind"] == "exercise"


# --- exports --------------------------------------------------------------------------------


def assert_same_graph(G: nx.Graph, H: nx.Graph) -> None:
    assert type(H) is type(G)
    assert H.graph == G.graph
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    if G.is_multigraph():
        assert sorted(H.edges(keys=True, data=True), key=repr) == sorted(
            G.edges(keys=True, data=True), key=repr)
    assert nx.utils.graphs_equal(G, H)


def output_path(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", ["all", "actors", "full"])
def test_export_round_trip(dataset: Any, backend: FilesBackend, tmp_path: Path, fmt: str,
                           which: str) -> None:
    spec = project(dataset)
    G = {"all": to_networkx(spec), "actors": actor_graph_of(backend, Window(since="2010")),
         "full": full_graph(spec)}[which]
    written = export_graph(spec if which == "all" else G, output_path(tmp_path, fmt), fmt)  # type: ignore[arg-type]
    assert all(p.exists() for p in written)
    H = read_export(output_path(tmp_path, fmt), fmt)  # type: ignore[arg-type]
    assert_same_graph(G, H)
    if which == "all":  # the values that the formats cannot hold as they are
        assert H.nodes["JPN"]["labels"] == ("Actor", "State")
        assert H.nodes["JPN"]["aliases"] == ["Tokyo"]
        assert H.nodes["pacific-shield-2019:date:1"]["preferred"] is False
        rel = H.edges["JPN", "jpn-usa-acsa", "SIGNED:JPN:jpn-usa-acsa"]
        assert rel["type"] == "SIGNED" and rel["sources"] == ["fixture-notes"]
        assert H.nodes["gbr-nato-membership"]["start"] == "1949-04"


def test_export_renames_reserved_names(dataset: Any, tmp_path: Path) -> None:
    spec = project(dataset)
    export_graph(spec, tmp_path / "g.gexf", "gexf")
    text = (tmp_path / "g.gexf").read_text(encoding="utf-8")
    for name in ("type", "start", "end", "id", "label", "key"):
        assert f'title="{name}"' not in text
    assert 'title="rel_type"' in text and 'title="fact_type"' in text
    assert 'title="start_date"' in text and 'title="labels:tuple"' in text
    assert 'label="Japan"' in text  # Gephi shows names
    export_graph(spec, tmp_path / "csv", "csv")
    header = (tmp_path / "csv" / "nodes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,") and "year:int" in header and "aliases:json" in header


def test_export_tricky_values_round_trip(tmp_path: Path) -> None:
    G = nx.MultiGraph(name="tricky", meta={"n": 1})
    G.add_node("a", type="x", tags=["p", "q"], pair=("u", 1), empty="", flag=True,
               score=0.1, big=2**40, nested={"k": [1, 2]}, mixed=1, note="naïve, \"quoted\"")
    G.add_node("b", mixed="one", skipped=None)
    G.add_edge("a", "b", key=0, weight=2.5, start="2019", id="e1", key_attr=1)
    G.add_edge("a", "b", key=1, weight=1.0, label="second")
    expected = G.copy()
    del expected.nodes["b"]["skipped"]  # None means absent in every format
    for fmt in FORMATS:
        export_graph(G, output_path(tmp_path / fmt, fmt), fmt)  # type: ignore[arg-type]
        assert_same_graph(expected, read_export(output_path(tmp_path / fmt, fmt), fmt))  # type: ignore[arg-type]


def test_csv_cells_a_spreadsheet_would_run_are_neutralised_and_read_back(tmp_path: Path
                                                                        ) -> None:
    """OWASP's CSV injection rule: a text cell beginning with = + - @ tab or return gets a
    leading ' (and so does one beginning with '), which reading removes: the round trip
    stays exact."""
    import csv

    G = nx.DiGraph()
    hostile = ["=HYPERLINK(\"http://x\")", "+1", "-102", "@SUM(A1)", "\tx", "\rx", "'q", "''"]
    for i, name in enumerate(hostile):
        G.add_node(f"n{i}", name=name, count=-i)
    G.add_node("=id", name="plain")
    G.add_edge("=id", "n0", label="=1+1")
    export_graph(G, tmp_path / "csv", "csv")
    with (tmp_path / "csv" / "nodes.csv").open(newline="", encoding="utf-8") as fh:
        cells = [cell for row in list(csv.reader(fh))[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert "-2" in cells  # numbers stay numbers
    assert_same_graph(G, read_export(tmp_path / "csv", "csv"))
    out = CliRunner().invoke(main, ["stats", "--csv", "--section", "totals"])
    assert out.exit_code == 0


def test_export_refuses_what_it_cannot_keep(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="node ids must be strings"):
        export_graph(nx.path_graph(3), tmp_path / "g.graphml", "graphml")
    clash = nx.Graph()
    clash.add_node("a", type="x", fact_type="y")
    with pytest.raises(ValueError, match="cannot hold both"):
        export_graph(clash, tmp_path / "g.gexf", "gexf")
    with pytest.raises(ValueError, match="unknown format"):
        export_graph(clash, tmp_path / "g.xml", "xml")  # type: ignore[arg-type]


# --- the command line -----------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_centrality() -> None:
    result = run("centrality", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # degree 3 and weighted degree 12 for both; betweenness 9/15 puts the UK before Japan
    assert [r["id"] for r in rows[:3]] == ["GBR", "JPN", "FRA"]
    assert rows[0]["weighted_degree"] == 12.0
    result = run("centrality", "--measure", "betweenness", "--top", "2", "--csv")
    assert result.stdout.splitlines() == ["rank,id,name,kind,betweenness",
                                          "1,GBR,United Kingdom,state,0.6",
                                          "2,JPN,Japan,state,0.5333"]
    result = run("centrality", "--graph", "full", "--top", "3")
    assert result.exit_code == 0 and "United Kingdom" in result.stdout
    result = run("centrality", "--graph", "full", "--since", "2018")
    assert result.exit_code == 2 and "apply to --graph actors" in result.stderr


def test_cli_path() -> None:
    result = run("path", "Australia", "Germany")
    assert result.exit_code == 0, result.output
    assert "1. Australia -> Japan -> United Kingdom -> France -> Germany (4 hops)" in result.stdout
    rows = json.loads(run("path", "AUS", "Berlin", "--json").stdout)
    assert [(r["from"], r["to"], r["count"]) for r in rows] == [
        ("AUS", "JPN", 1), ("JPN", "GBR", 4), ("GBR", "FRA", 2), ("FRA", "DEU", 2)]
    # a unit and an alias resolve to their states: HMS Albion -> GBR, Tokyo -> JPN
    rows = json.loads(run("path", "HMS Albion", "Tokyo", "--json").stdout)
    assert [(r["from"], r["to"]) for r in rows] == [("GBR", "JPN")]
    result = run("path", "AUS", "DEU", "--since", "2019")
    assert result.exit_code == 0 and "no path between Australia and Germany" in result.stdout
    result = run("path", "AUS", "UK", "--since", "2021")
    assert result.exit_code == 2 and "Australia has no ties in this window" in result.stderr


def test_cli_unknown_name_exits_6_with_suggestions() -> None:
    result = run("path", "Japn", "UK")
    assert result.exit_code == 6
    assert "Did you mean" in result.stderr and "Japan" in result.stderr


def test_cli_communities_and_graph_stats() -> None:
    result = run("communities", "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "community,size,names,ids",
        '1,4,"France, Germany, NATO, United Kingdom","FRA, DEU, nato, GBR"',
        '2,3,"Australia, Japan, United States","AUS, JPN, USA"',
    ]
    assert run("communities", "--method", "greedy", "--json").exit_code == 0
    stats = json.loads(run("graph-stats", "--json").stdout)[0]
    assert (stats["nodes"], stats["edges"], stats["components"]) == (7, 8, 1)
    stats = json.loads(run("graph-stats", "--since", "2019", "--json").stdout)[0]
    assert (stats["nodes"], stats["edges"], stats["components"]) == (5, 4, 2)
    assert "largest_component" in run("graph-stats", "--graph", "full").stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_export(dataset: Any, tmp_path: Path, fmt: str) -> None:
    out = output_path(tmp_path, fmt)
    result = run("export", "--format", fmt, str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 26 nodes" in result.stdout  # 11 entities, 12 facts, 1 source, 2 claims
    assert_same_graph(to_networkx(project(dataset)), read_export(out, fmt))  # type: ignore[arg-type]


def test_cli_export_options(backend: FilesBackend, tmp_path: Path) -> None:
    result = run("export", str(tmp_path / "actors.graphml"), "--graph", "actors",
                 "--since", "2019")  # format from the suffix
    assert result.exit_code == 0, result.output
    H = read_export(tmp_path / "actors.graphml", "graphml")
    assert_same_graph(actor_graph_of(backend, Window(since="2019")), H)
    assert H.graph["window"] == {"since": "2019"}
    result = run("export", str(tmp_path / "graph.txt"))
    assert result.exit_code == 2 and "give --format" in result.stderr


def test_actor_graph_from_plain_ties() -> None:
    from tiegraph.graph.ties import Tie

    ties = [Tie("A", "B", "f1", "visits", "2020"), Tie("A", "B", "f2", "agreements", None)]
    G = actor_graph(ties, {"A": "state", "B": "state"}, {"A": "Aland", "B": "Bland"})
    # undated ties sort last; agreements weigh 3, visits 1
    assert G.edges["A", "B"]["facts"] == ["f1", "f2"] and G.edges["A", "B"]["weight"] == 4.0


def test_cli_import_does_not_load_networkx() -> None:
    code = ("import sys, graph.cli; "
            "print(sorted(m for m in ('networkx', 'pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# --- the columnar state graph equals the per-tie one ------------------------------------------


def reference_actor_graph(ties: list[Any], kinds: dict[str, str], names: dict[str, str],
                          window: Window | None = None,
                          weights: dict[str, float] | None = None) -> nx.Graph:
    """The state graph as it was built before the columnar version: tie by tie."""
    from tiegraph.graph.analysis import DEFAULT_WEIGHTS, pair_counts
    from tiegraph.graph.schema import CATEGORY_ORDER
    from tiegraph.loaders.dates import date_key

    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    window = window or Window()
    kept = [t for t in ties if window.keeps(t)]
    facts: dict[tuple[str, str], list[Any]] = {}
    for t in sorted(kept, key=lambda t: (date_key(t.when) if t.when else "9999", t.fact)):
        facts.setdefault((t.a, t.b), []).append(t)
    G = nx.Graph(window={k: v for k, v in vars(window).items() if v}, weights=w)
    for actor in sorted({x for pair in facts for x in pair}):
        G.add_node(actor, name=names[actor], kind=kinds[actor])
    for (a, b), counts in sorted(pair_counts(kept).items()):
        G.add_edge(a, b, weight=float(sum(w[c] * n for c, n in counts.items())),
                   count=sum(counts.values()), **{c: counts[c] for c in CATEGORY_ORDER},
                   facts=[t.fact for t in facts[(a, b)]])
    return G


def graph_dump(G: nx.Graph) -> Any:
    """Everything about a graph that a caller can see, insertion order included (weights
    by their exact bits)."""
    def exact(d: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(k, (type(v).__name__, v.hex() if isinstance(v, float) else v))
                for k, v in d.items()]
    return (G.graph, [(v, exact(d)) for v, d in G.nodes(data=True)],
            [(u, v, exact(d)) for u, v, d in G.edges(data=True)],
            [(v, list(G.adj[v])) for v in G])


def random_ties(seed: int, n: int) -> tuple[list[Any], dict[str, str], dict[str, str]]:
    """Unsorted ties between a few actors (ids of mixed case and script), with dates of every
    precision (some the same day written differently), undated ties and terminations."""
    import random

    from tiegraph.graph.schema import CATEGORY_ORDER
    from tiegraph.graph.ties import Tie

    rnd = random.Random(seed)
    actors = ["AUS", "DEU", "FRA", "GBR", "JPN", "USA", "nato", "Ωmega", "aaa", "ZZZ"]
    dates = [None, "2018", "2018-01", "2018-01-01", "2018-12", "2019-06-30", "2020", "1999-02"]
    ties = []
    for _ in range(n):
        a, b = sorted(rnd.sample(actors, 2))
        fact = f"f{rnd.randrange(n // 2)}-{rnd.choice('xyZ')}"
        ties.append(Tie(a, b, fact, rnd.choice(CATEGORY_ORDER), rnd.choice(dates),
                        rnd.choice([None, None, "2019", "2021-03"])))
    ties = list({(t.a, t.b, t.fact): t for t in ties}.values())  # (a, b, fact) is unique
    kinds = {x: "organisation" if x == "nato" else "state" for x in actors}
    return ties, kinds, {x: x.title() for x in actors}


@pytest.mark.parametrize("seed", range(4))
def test_actor_graph_equals_the_per_tie_build(seed: int) -> None:
    from tiegraph.graph.index import TieTable

    ties, kinds, names = random_ties(seed, 3000)
    weights = {"visits": 0.1, "dialogues": 0.7, "exercises": 1 / 3, "operations": 0.2}
    windows = [None, Window(since="2018-06"), Window(until="2018"), Window(as_of="2019-12"),
               Window(since="2018", until="2018-01"), Window(since="2030")]
    for window in windows:
        for w in (None, weights):
            want = graph_dump(reference_actor_graph(ties, kinds, names, window, w))
            assert graph_dump(actor_graph(ties, kinds, names, window, w)) == want
            table = TieTable.from_ties(ties)
            assert graph_dump(actor_graph(table, kinds, names, window, w)) == want


def test_actor_graph_of_a_backend_equals_the_per_tie_build(backend: FilesBackend) -> None:
    actors = backend.actors.values()
    kinds, names = {a.id: a.kind for a in actors}, {a.id: a.name for a in actors}
    for window in (None, Window(since="2018"), Window(as_of="2016")):
        want = reference_actor_graph(backend.ties, kinds, names, window, {"visits": 0.3})
        got = actor_graph_of(backend, window, {"visits": 0.3})
        assert graph_dump(got) == graph_dump(want)


def test_actor_graph_of_no_ties() -> None:
    G = actor_graph([], {}, {})
    assert G.number_of_nodes() == 0 and G.graph == {"window": {}, "weights": G.graph["weights"]}


def test_actor_graph_sorts_the_same_without_the_one_key_shortcut(monkeypatch) -> None:
    import tiegraph.graph.network

    ties, kinds, names = random_ties(9, 2000)
    want = graph_dump(reference_actor_graph(ties, kinds, names, Window(since="2018")))
    # lexsort on three keys instead
    monkeypatch.setattr(tiegraph.graph.network, "_ONE_KEY_LIMIT", 0)
    assert graph_dump(actor_graph(ties, kinds, names, Window(since="2018"))) == want


def test_dense_rank_counting_equals_sorting() -> None:
    import numpy as np

    from tiegraph.graph.network import _dense_rank

    codes = np.array([5, 3, 3, 0, 9, 5, 5], dtype=np.int64)
    want = np.unique(codes, return_inverse=True)
    for size in (10, 10**9):  # counting, then sorting
        distinct, rank = _dense_rank(codes, size)
        assert distinct.tolist() == want[0].tolist() and rank.tolist() == want[1].tolist()
    assert [x.tolist() for x in _dense_rank(np.array([], dtype=np.int64), 4)] == [[], []]
