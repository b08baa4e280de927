"""The bundled data: valid, every quote verbatim in its source, every source represented."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from tiegraph.loaders.dataset import default_sources_dir, load_dataset


@pytest.fixture(scope="module")
def sources_dir():
    found = default_sources_dir()
    if found is None:
        reason = (
            "the source texts (../shared/sources/) are absent: quotes cannot be checked "
            "against them"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def dataset(sources_dir):
    return load_dataset(sources_dir=sources_dir)


def test_every_quote_is_verbatim_in_its_source(dataset):
    # load_dataset raises DataError listing any quote not found; reaching here means none.
    assert dataset.quotes_checked
    assert sum(len(f.citations) for f in dataset.facts.values()) >= len(dataset.facts)


def test_every_source_document_is_cited(dataset):
    cited = Counter(c.source for f in dataset.facts.values() for c in f.citations)
    assert set(cited) == set(dataset.sources), (
        f"uncited sources: {set(dataset.sources) - set(cited)}"
    )


def test_core_partners_are_covered(dataset):
    actors = Counter(a for f in dataset.facts.values() for a in dataset.actors_of(f))
    for actor in ("JPN", "GBR", "FRA", "DEU", "nato"):
        assert actors[actor] >= 20, actor


def test_every_fact_type_is_present(dataset):
    types = Counter(f.type for f in dataset.facts.values())
    assert set(types) >= {
        "agreement",
        "dialogue_series",
        "dialogue_session",
        "visit",
        "exercise",
        "deployment",
        "operation",
        "exchange",
        "membership",
    }


def test_dates_keep_their_precision(dataset):
    # "February 1973" in the RAND footnote is a month, never an invented day.
    visit = dataset.facts["visit-gbr-mod-to-jpn-1973-02"]
    assert visit.date == "1973-02"


def test_conflicting_claims_are_kept(dataset):
    disputed = [f for f in dataset.facts.values() if f.disputed]
    assert disputed, "the sources disagree in places; the data must keep both claims"
    for fact in disputed:
        for claim in fact.disputed:
            assert claim.citations and claim.reason
