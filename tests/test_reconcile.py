"""Reconciling MME with the curated exercises: matching, merging into one fact, claims."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.test_mme import FIXTURE, real_file
from tiegraph.graph.cli import main
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.mme import MME_SOURCE, combine, load_combined, load_mme
from tiegraph.loaders.model import Citation, Exercise
from tiegraph.loaders.reconcile import merge, reconcile

DATA = Path(__file__).parents[1] / "data"


def exercise(fid: str, start: str, parts: list[str], mme: bool) -> Exercise:
    cite = (Citation(source=MME_SOURCE.id, locator=f"MMEID {fid}") if mme else
            Citation(source="hornung-2020-rand", locator="ch. 3", quote="a quote of ten chars"))
    return Exercise(type="exercise", id=fid, name=fid, domain="maritime", start=start,
                    participants=parts, citations=[cite])


def test_match_merge_and_claims() -> None:
    curated = load_dataset(DATA, check_quotes=False)
    ds = combine(curated, load_mme(FIXTURE, curated.entities))
    extra = {
        "cur-a": exercise("cur-a", "1990-05", ["JPN", "GBR"], mme=False),  # matches mme1
        "cur-b": exercise("cur-b", "1995-07-04", ["JPN", "FRA", "USA"], mme=False),  # mme2
        "cur-c": exercise("cur-c", "2004", ["JPN", "DEU"], mme=False),  # year: actors differ
    }
    ds.facts.update(extra)
    uk = reconcile(ds, ("JPN", "GBR"))
    merged = [e for e in uk.both if e.id == "cur-a"]
    assert merged and [c.source for c in merged[0].citations] == ["hornung-2020-rand",
                                                                  MME_SOURCE.id]
    assert merged[0].disputed == []
    fra = reconcile(ds, ("JPN", "FRA"))
    (b,) = [e for e in fra.both if e.id == "cur-b"]
    assert [d.field for d in b.disputed] == ["participants"]
    assert b.disputed[0].value == ["FRA", "JPN"]
    deu = reconcile(ds, ("JPN", "DEU"))
    assert "cur-c" in {e.id for e in deu.curated_only}
    assert "mme3" in {e.id for e in deu.mme_only}


def test_date_disagreement_is_a_claim() -> None:
    ds = load_dataset(DATA, check_quotes=False)
    cur = exercise("c", "2001-03-01", ["JPN", "GBR"], mme=False)
    cur = cur.model_copy(update={"end": "2001-03-10"})
    other = exercise("m", "2001-03-05", ["JPN", "GBR"], mme=True)
    one = merge(ds, cur, other)
    assert [(d.field, d.value) for d in one.disputed] == [("start", "2001-03-05")]
    assert len(one.citations) == 2


def test_real_file_japan(tmp_path: Path) -> None:
    ds = load_combined(DATA, real_file(), check_quotes=False)
    counts = {o: reconcile(ds, ("JPN", o)).counts() for o in ("GBR", "FRA", "DEU")}
    assert counts["GBR"] == {"both": 1, "mme_only": 18, "curated_only": 0, "claims": 0}
    assert counts["FRA"] == {"both": 0, "mme_only": 18, "curated_only": 0, "claims": 0}
    assert counts["DEU"] == {"both": 0, "mme_only": 8, "curated_only": 7, "claims": 0}
    result = CliRunner().invoke(main, ["reconcile", "mme", "Japan", "UK", "--with-mme",
                                       str(real_file())], env={"TIEGRAPH_CACHE": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "1 in both (0 claim(s)), 18 only in MME, 0 only curated" in result.output
    assert "MMEID mme132" in result.output


def test_cli_needs_the_file() -> None:
    result = CliRunner().invoke(main, ["reconcile", "mme", "Japan"], env={"TIEGRAPH_MME": ""})
    assert result.exit_code == 2 and "needs the MME CSV" in result.output
