"""Captions for the Neo4j Browser (graph/captions.py): short, readable, on every node."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tiegraph.graph.captions import MAX_LENGTH, actor_caption, fit, shorten
from tiegraph.graph.projection import project
from tiegraph.loaders.dataset import load_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def captions() -> dict[str, str]:
    spec = project(load_dataset(DATA))
    return {nid: node.props.get("caption", "") for nid, node in spec.nodes.items()}


def test_every_node_has_a_short_caption(captions: dict[str, str]) -> None:
    assert all(captions.values())
    assert max(len(c) for c in captions.values()) <= MAX_LENGTH
    cut = [c for c in captions.values() if c.endswith("…") or "… " in c]
    assert len(cut) < 0.1 * len(captions)  # most are whole, not cut


def test_captions_say_who_what_when(captions: dict[str, str]) -> None:
    assert captions["gbr-jpn-information-security"] == "GBR–JPN ISA 2013"
    assert captions["visit-gbr-hms-albion-to-jpn-2018-08"] == "HMS Albion → JPN 2018-08"
    assert captions["hornung-2020-rand"] == "Hornung 2020"
    assert captions["JPN"] == "Japan"
    assert captions["nato"] == "NATO"
    assert captions["jpn-msdf"] == "JPN JMSDF"  # a service's code after its state's
    sessions = [c for nid, c in captions.items() if nid.startswith("gbr-jpn-two-plus-two-")]
    assert sessions and all(re.fullmatch(r"GBR–JPN 2\+2 \d{4}(-\d\d)?", c) for c in sessions)


def test_cutting_keeps_the_date() -> None:
    assert shorten("abcdef", 4) == "abc…"
    assert fit("A very long visiting delegation", "→ JPN 2018-08", 26) == (
        "A very long… → JPN 2018-08")
    assert len(fit("x" * 40, "2019", 26)) == 26
    assert actor_caption("state", "GBR", "United Kingdom", ["UK"]) == "United Kingdom"
    assert actor_caption("state", "VCT", "Saint Vincent and the Grenadines", []) == "VCT"
    assert actor_caption("organisation", "x", "Organization for Security", ["OSCE"]) == "OSCE"
