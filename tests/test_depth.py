"""The depth measure (graph.depth): every component on hand-checked facts, and its ranking of
Japan's partners on the bundled data against the RAND report (issue 13)."""

from __future__ import annotations

import pytest

from tiegraph.graph.depth import (
    COMPONENTS,
    DepthFact,
    check_depth_weights,
    depth_score,
    pair_depth,
    saturate,
)
from tiegraph.graph.ties import Tie

P = ("GBR", "JPN")
FACTS = [
    # institutions: a framework, an ACSA in force, an information-security agreement signed
    # after the date, and an equipment agreement terminated before it
    DepthFact("frame", "agreement", P, kind="joint_declaration", signed="2017-08"),
    DepthFact("acsa", "agreement", P, kind="acsa", signed="2017-01", in_force="2017-08"),
    DepthFact("later", "agreement", P, kind="information_security", signed="2021"),
    DepthFact("ended", "agreement", P, kind="equipment_technology_transfer", signed="2013",
              terminated="2018"),
    DepthFact("trilateral", "agreement", ("GBR", "JPN", "USA"), kind="acsa", signed="2015"),
    # mechanisms: a 2+2 that met in 2019, staff talks that last met in 2010, an "other" series
    DepthFact("twoplus", "dialogue_series", P, kind="two_plus_two", established="2015"),
    DepthFact("s1", "dialogue_session", P, when="2019-03", series="twoplus"),
    DepthFact("staff", "dialogue_series", P, kind="staff_talks"),
    DepthFact("s2", "dialogue_session", P, when="2010", series="staff"),
    DepthFact("misc", "dialogue_series", P, kind="other", established="2000"),
    # forces: sea by units' services, air by the domain of a state-level exercise; land only
    # on Japan's side; a trilateral exercise does not count
    DepthFact("x-sea", "exercise", P, when="2018", domain="maritime",
              parts=(("GBR", "sea"), ("JPN", "sea"))),
    DepthFact("x-air", "exercise", P, when="2016", domain="air",
              parts=(("GBR", None), ("JPN", None))),
    DepthFact("x-land", "exercise", P, when="2017", domain="joint",
              parts=(("GBR", None), ("JPN", "land"))),
    DepthFact("x-tri", "exercise", ("GBR", "JPN", "USA"), when="2018", domain="land",
              parts=(("GBR", "land"), ("JPN", "land"), ("USA", "land"))),
    # industry: one bilateral research project, one cancelled, one with three actors (1/2)
    DepthFact("i1", "industrial", P, when="2014", kind="joint_research"),
    DepthFact("i2", "industrial", P, when="2015", kind="co_development", status="cancelled"),
    DepthFact("i3", "industrial", ("FRA", "GBR", "JPN"), when="2016", kind="co_development"),
    DepthFact("i4", "industrial", P, when="2016", kind="procurement"),
    # operations: a bilateral one and one of five actors (1/4); one after the date
    DepthFact("o1", "operation", P, when="2013"),
    DepthFact("o2", "deployment", ("AUS", "FRA", "GBR", "JPN", "USA"), when="2001"),
    DepthFact("o3", "operation", P, when="2020"),
]
TIES = [Tie("GBR", "JPN", f"t{i}", "visits", f"{2015 + i % 5}") for i in range(20)] + [
    Tie("GBR", "JPN", f"m{i}", "exercises", "2012", n=3) for i in range(10)]


def test_every_component_on_hand_checked_facts() -> None:
    got = pair_depth("JPN", "GBR", FACTS, TIES, "2019-12-31")
    assert got.values == pytest.approx({
        "institutions": 2 / 5,            # framework, acsa
        "mechanisms": (1 + 0.5) / 4,      # 2+2 met lately; staff talks not since 2010
        "forces": 2 / 3,                  # sea and air; land only on one side
        "industry": 1.5 / 3.5,            # k = 1 + 1/2, half-point 2
        "operations": 1.25 / 3.25,        # k = 1 + 1/4
        "intensity": 4 / 14,              # 20 ties in 2015-2019: 4 a year, half-point 10
    })
    assert got.evidence["institutions"] == ["acsa", "frame"]
    assert got.evidence["forces"] == ["x-air", "x-sea"]
    assert got.evidence["industry"] == ["i1", "i3"]
    assert got.details["mechanisms"] == "2+2, staff (not met lately)"
    # five years before: 10 ties of a three-actor event, 1/2 each: 5; the trend is 20 / 5
    assert got.details["intensity"] == "4/year since 2014, x4 on the 5 years before"


def test_as_of_an_earlier_date_drops_what_came_later() -> None:
    got = pair_depth("JPN", "GBR", FACTS, TIES, "2016-12")
    # the ACSA was signed in 2017, the framework in 2017-08; the equipment agreement was in
    # force until its termination in 2018
    assert got.values["institutions"] == pytest.approx(1 / 5)
    assert got.evidence["institutions"] == ["ended"]
    assert got.values["forces"] == pytest.approx(1 / 3)  # only the 2016 air exercise


def test_depth_score_is_the_weighted_mean() -> None:
    values = dict(zip(COMPONENTS, (1.0, 0.5, 0.0, 0.0, 0.0, 0.5), strict=True))
    assert depth_score(values) == pytest.approx(2 / 6)
    assert depth_score(values, {"institutions": 4}) == pytest.approx(5 / 9)
    with pytest.raises(ValueError, match="unknown depth components"):
        check_depth_weights({"visits": 1})
    with pytest.raises(ValueError, match="not all 0"):
        check_depth_weights(dict.fromkeys(COMPONENTS, 0))
    assert saturate(0, 2) == 0 and saturate(2, 2) == 0.5


# --- the bundled data against the source ----------------------------------------------------


def japan(measure: str, **kwargs) -> list[str]:
    from tiegraph.graph.api import FilesBackend, densest
    from tiegraph.graph.ties import Window

    rows = densest(FilesBackend(), measure=measure, focus="Japan",
                   window=Window(until="2019-12-31"), **kwargs)
    return [r["b_id"] for r in rows]


def test_depth_ranks_the_uk_first_as_the_rand_report_does() -> None:
    """RAND (data current to 2019): Japan–UK ties "the most robust", France's growing, Germany's
    lacking depth, NATO's lacking dialogues and exchanges. Count keeps France first."""
    depth = japan("depth")
    assert depth[:2] == ["GBR", "FRA"]
    assert depth.index("DEU") > 1 and depth.index("nato") > 1
    assert japan("count")[0] == "FRA"


def test_depth_rows_carry_components_and_evidence() -> None:
    from tiegraph.graph.api import FilesBackend, densest
    from tiegraph.graph.ties import Window

    rows = densest(FilesBackend(), measure="depth", focus="Japan", top=2,
                   window=Window(until="2019-12-31"))
    uk, france = rows
    assert uk["forces"] == 1.0 and france["forces"] == pytest.approx(1 / 3)
    assert uk["why"]["forces"]["detail"] == "land, sea, air"
    assert france["why"]["forces"]["detail"] == "sea"
    assert uk["why"]["industry"]["detail"] == "7 project(s), shares 7"
    assert uk["as_of"] == "2019-12-31"
    assert all(0 <= uk[c] <= 1 for c in COMPONENTS)
    assert len(uk["why"]["industry"]["facts"]) == 7 and len(france["why"]["industry"]["facts"]) == 2


def test_depth_facts_resolve_units_to_their_service_branch() -> None:
    from tiegraph.graph.api import FilesBackend

    facts = {f.id: f for f in FilesBackend().depth_facts}
    exercise = next(f for f in facts.values() if f.type == "exercise"
                    and ("GBR", "land") in f.parts and f.actors == ("GBR", "JPN"))
    assert ("JPN", "land") in exercise.parts  # the GSDF, with a British Army unit


def test_the_uk_stays_first_without_any_one_component() -> None:
    """Not fitted to one answer: leaving out any one component (weight 0) keeps the order
    UK, France, then Germany and NATO."""
    for component in COMPONENTS:
        order = japan("depth", weights={component: 0})
        assert order[:2] == ["GBR", "FRA"], component
        assert {"DEU", "nato"} <= set(order[2:4]) or order.index("DEU") > 1, component
