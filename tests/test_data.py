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


def test_coverage_ledger_is_complete(dataset, sources_dir):
    """Every footnote of the RAND report and every paragraph of the short
    sources is cited by a fact or listed in data/ledger.yaml with a kind and a reason."""
    from tiegraph.loaders.coverage import ledger_report, read_texts
    from tiegraph.loaders.paths import default_data_dir

    texts = read_texts(dataset, sources_dir)
    missing = set(dataset.sources) - set(texts)
    if missing:
        pytest.skip(f"source texts absent for {sorted(missing)}: the ledger cannot be checked")
    report = ledger_report(dataset, default_data_dir(), texts)
    assert not report.problems, "\n".join(report.problems)
    open_units = [f"{sid} {u.key}: {u.text[:80]}" for sid in report.units
                  for u in report.open_units(sid)]
    assert not open_units, "neither cited nor in data/ledger.yaml:\n" + "\n".join(open_units)
    rows = {r["source"]: r for r in report.rows()}
    assert set(rows) == set(dataset.sources)
    # the whole RAND report is enforced: its seven chapters' footnotes (673 in this copy)
    assert rows["hornung-2020-rand"]["scope"] == "all"
    assert rows["hornung-2020-rand"]["units"] > 600


def test_ledger_units_follow_the_texts():
    """Footnotes restart per chapter and keep their numbers; paragraphs skip headings."""
    from tiegraph.loaders.coverage import footnotes, footnotes_cited, paragraphs

    text = "Body.¹\n\n¹ First note.\n³ Third note, the second lost.\nHeading\n\n¹ Next chapter."
    assert [(u.key, u.text) for u in footnotes(text)] == [
        ("ch. 1, fn. 1", "¹ First note."), ("ch. 1, fn. 2", ""),
        ("ch. 1, fn. 3", "³ Third note, the second lost."), ("ch. 2, fn. 1", "¹ Next chapter.")]
    assert footnotes_cited("ch. 4, History, fns. 18-19") == ["ch. 4, fn. 18", "ch. 4, fn. 19"]
    assert footnotes_cited("ch. 3, Defense and Strategic Dialogues, fn. 25") == ["ch. 3, fn. 25"]
    assert footnotes_cited("ch. 3, History, para. 2") == []
    paras = paragraphs("s", "A Heading\n\nA paragraph that ends.\nAnother one here!\n")
    assert [u.key for u in paras] == ["para. 1", "para. 2"]


def test_every_claim_candidate_is_recorded_or_reviewed(dataset):
    """Each candidate disagreement is either recorded as claims or listed in the ledger's
    `candidates` with the reason it is none; no listed pair is stale (no longer a candidate)."""
    from tiegraph.loaders.coverage import claim_candidates, reviewed_candidates
    from tiegraph.loaders.paths import default_data_dir

    reviewed = reviewed_candidates(default_data_dir())
    rows = claim_candidates(dataset, reviewed)
    open_rows = [f"{r['check']}: {r['fact']} / {r['other']}" for r in rows
                 if not r["recorded"] and not r["reviewed"]]
    assert not open_rows, ("record these as claims or list them under `candidates` in "
                           "data/ledger.yaml:\n" + "\n".join(open_rows))
    stale = set(reviewed) - {(r["fact"], r["other"]) for r in rows}
    assert not stale, f"listed under `candidates` but no longer candidates: {sorted(stale)}"
    assert all(len(reason) >= 10 for reason in reviewed.values())


def test_claim_candidates_flag_first_statements_with_earlier_facts(dataset):
    from tiegraph.loaders.coverage import claim_candidates

    rows = {(r["check"], r["fact"], r["other"]): r for r in claim_candidates(dataset)}
    # Sun (2022) calls the 2021 Japan–Germany 2+2 "the first"; RAND dates an earlier
    # political-military session: a disagreement already recorded as a claim.
    key = ("'first' contradicted", "deu-jpn-two-plus-two-2021",
           "deu-jpn-political-military-2019-11-27")
    assert key in rows and rows[key]["recorded"]
    for row in rows.values():
        assert row["sources"] != row["other_sources"]
        assert row["other_when"] <= row["when"]
