"""The bad-input corpus: every way a data folder can be wrong gets a precise `file:line` error.

Each case in ``tests/fixtures/bad/cases.yaml`` is the valid folder ``tests/fixtures/good/`` with
one defect. The test builds it in ``tmp_path``, runs ``tiegraph validate`` on it, and expects
exit code 3 with the case's message (file relative to the data folder's parent, and line). A few
cases too large to store are generated here (``GENERATED_CASES``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tiegraph.graph.cli import main
from tiegraph.graph.errors import DataError
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.model import FACT_MODELS
from tiegraph.loaders.yamlfile import MAX_EXPANDED_BYTES, MAX_FILE_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
CASES: list[dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "bad" / "cases.yaml").read_text(encoding="utf-8")
)


def _huge_file(root: Path) -> None:
    """A facts file over the size limit (made here: it is not committed)."""
    good = (root / "data/facts/visits.yaml").read_text(encoding="utf-8")
    padding = "# " + "x" * 97 + "\n"
    count = MAX_FILE_BYTES // len(padding) + 10
    (root / "data/facts/huge.yaml").write_text(good + padding * count, encoding="utf-8")


def _deep_nesting(root: Path) -> None:
    """A value nested 100,000 lists deep (a recursive parser would overflow its stack)."""
    depth = 100_000
    (root / "data/facts/deep.yaml").write_text(
        "- id: deep\n  value: " + "[" * depth + "]" * depth + "\n", encoding="utf-8"
    )


def _long_block_nesting(root: Path) -> None:
    """Block sequences nested 50,000 deep on one line (`- - - - ...`)."""
    (root / "data/facts/deep.yaml").write_text(
        "- id: deep\n  value:\n    " + "- " * 50_000 + "x\n", encoding="utf-8"
    )


def _fifo(root: Path) -> None:
    """A FIFO named like a facts file (opening it would block every command forever)."""
    os.mkfifo(root / "data/facts/pipe.yaml")


def _symlink_file_outside(root: Path) -> None:
    """A facts file that is a symlink to a file outside the data folder."""
    (root / "elsewhere.yaml").write_bytes((root / "data/facts/visits.yaml").read_bytes())
    (root / "data/facts/visits.yaml").unlink()
    (root / "data/facts/visits.yaml").symlink_to(root / "elsewhere.yaml")


def _symlink_facts_outside(root: Path) -> None:
    """facts/ itself a symlink to a folder outside the data folder."""
    shutil.move(root / "data/facts", root / "outside-facts")
    (root / "data/facts").symlink_to(root / "outside-facts", target_is_directory=True)


def alias_bomb_text(anchor_bytes: int = 200_000, file_bytes: int = 727_000) -> str:
    """Return a facts file of ``file_bytes`` whose visits all reuse one ``anchor_bytes`` role
    through a YAML alias (the issue's file: 727 KB, expanding to about 400 MB)."""
    record = ("- id: bomb-{i}\n  type: visit\n  visitor: gbr-raf\n  host: JPN\n"
              "  kind: service_chief\n  role: {role}\n  date: \"2019-04\"\n  citations:\n"
              "    - source: example-2020-note\n      locator: para. 4\n      quote: In April "
              "2019, the Chief of the Air Staff of the United Kingdom visited Tokyo.\n")
    text = record.format(i=0, role=f"&big \"{'x' * anchor_bytes}\"")
    i = 1
    while len(text) < file_bytes:
        text += record.format(i=i, role="*big")
        i += 1
    return text


def _alias_bomb_bytes(root: Path) -> None:
    """Few aliases (under the value limit) of one large value: 400 MB once expanded."""
    (root / "data/facts/bomb.yaml").write_text(alias_bomb_text(), encoding="utf-8")


GENERATED_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "file-too-large": (_huge_file, "data/facts/huge.yaml: 5,"),
    "nesting-too-deep-flow": (_deep_nesting, "data/facts/deep.yaml:2: values nested more than"),
    "nesting-too-deep-block": (
        _long_block_nesting,
        "data/facts/deep.yaml:3: values nested more than",
    ),
    "alias-bomb-bytes": (
        _alias_bomb_bytes,
        f"data/facts/bomb.yaml:248: YAML aliases (*name) expand the file to more than "
        f"{MAX_EXPANDED_BYTES:,} bytes",
    ),
    "layout-fifo": (_fifo, "data/facts/pipe.yaml: a FIFO, not a data file"),
    "layout-symlink-file-outside": (
        _symlink_file_outside, "data/facts/visits.yaml: a symlink to "
    ),
    "layout-symlink-facts-outside": (_symlink_facts_outside, "data/facts: a symlink to "),
}


def build(tmp_path: Path) -> tuple[Path, Path]:
    """Copy the good folder to ``tmp_path/data`` and its texts to ``tmp_path/texts``."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data, ignore=shutil.ignore_patterns("texts"))
    shutil.copytree(GOOD / "texts", tmp_path / "texts")
    return data, tmp_path / "texts"


def apply(root: Path, case: dict[str, Any]) -> None:
    """Apply one case's defect to the copy under ``root``."""
    path = root / case["file"]
    if case.get("delete"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    elif "content" in case:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case["content"].encode(case.get("encoding", "utf-8")))
    elif "append" in case:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(case["append"])
    else:
        text = path.read_text(encoding="utf-8")
        assert text.count(case["old"]) == 1, f"{case['name']}: 'old' must occur once in {path}"
        path.write_text(text.replace(case["old"], case["new"]), encoding="utf-8")


def expected(case: dict[str, Any]) -> list[str]:
    exp = case["expect"]
    return [exp] if isinstance(exp, str) else list(exp)


def run_validate(data: Path, texts: Path) -> Any:
    return CliRunner().invoke(main, ["validate", "--data", str(data), "--sources", str(texts)])


def problems_of(data: Path, texts: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(data, texts)
    return info.value.problems


# --- the corpus itself ----------------------------------------------------------------------


def test_corpus_is_well_formed() -> None:
    names = [c["name"] for c in CASES] + list(GENERATED_CASES)
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(names) >= 35
    for case in CASES:
        actions = [k for k in ("old", "append", "content", "delete") if k in case]
        assert len(actions) == 1, f"{case['name']}: give exactly one of old/append/content/delete"
        assert ("old" in case) == ("new" in case), case["name"]
        assert expected(case), case["name"]
        assert isinstance(case.get("count"), int) and case["count"] >= 1, case["name"]


def test_good_folder_is_valid(tmp_path: Path) -> None:
    data, texts = build(tmp_path)
    result = run_validate(data, texts)
    assert result.exit_code == 0, result.output
    assert "ok: 1 sources, 9 entities, 11 facts, 11 citations; quotes verified" in result.output
    ds = load_dataset(data, texts)
    # one fact of every type
    assert {f.type for f in ds.facts.values()} == set(FACT_MODELS)  # type: ignore[attr-defined]


def test_planned_event_may_postdate_its_source(tmp_path: Path) -> None:
    """The control for the `date-after-source` case: `status: planned` makes it valid."""
    data, texts = build(tmp_path)
    visits = data / "facts/visits.yaml"
    text = visits.read_text(encoding="utf-8")
    visits.write_text(
        text.replace('  date: "2019-04"\n', '  date: "2021-04"\n  status: planned\n'),
        encoding="utf-8",
    )
    result = run_validate(data, texts)
    assert result.exit_code == 0, result.output


# --- one defect at a time -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_case(tmp_path: Path, case: dict[str, Any]) -> None:
    data, texts = build(tmp_path)
    apply(tmp_path, case)
    result = run_validate(data, texts)
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    for want in expected(case):
        assert any(want in line for line in lines), f"expected {want!r} in:\n{result.output}"
    assert lines[-1] == f"error: {case['count']} problem(s) in the data files", result.output

    problems = problems_of(data, texts)
    for want in expected(case):
        assert any(want in p for p in problems), f"expected {want!r} in {problems}"
    assert len(problems) == case["count"], problems


@pytest.mark.parametrize("name", list(GENERATED_CASES))
def test_generated_case(tmp_path: Path, name: str) -> None:
    make, want = GENERATED_CASES[name]
    data, texts = build(tmp_path)
    make(tmp_path)
    result = run_validate(data, texts)
    assert result.exit_code == 3, result.output
    assert want in result.output, result.output
    assert any(want in p for p in problems_of(data, texts))


# --- many defects at once -------------------------------------------------------------------

#: Cases in different files and different stages of validation (YAML syntax, schema, ids,
#: cross-references, quotes): all must be reported together.
SEVERAL = [
    "yaml-tab-indent",
    "unknown-agreement-kind",
    "duplicate-entity-id",
    "unknown-entity",
    "quote-too-short",
    "unknown-dialogue-series",
    "state-not-iso3",
]


def test_all_problems_are_reported(tmp_path: Path) -> None:
    data, texts = build(tmp_path)
    by_name = {c["name"]: c for c in CASES}
    wants = []
    for name in SEVERAL:
        apply(tmp_path, by_name[name])
        wants += expected(by_name[name])
    problems = problems_of(data, texts)
    for want in wants:
        assert any(want in p for p in problems), f"expected {want!r} in {problems}"
    assert len(problems) == len(SEVERAL), problems

    result = run_validate(data, texts)
    assert result.exit_code == 3
    assert f"error: {len(SEVERAL)} problem(s) in the data files" in result.output
    for want in wants:
        assert want in result.output


def test_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    """The control for the symlink cases: a link to a file inside the data folder is read."""
    data, texts = build(tmp_path)
    (data / "texts").mkdir()
    shutil.move(data / "facts/visits.yaml", data / "texts/visits.yaml")
    (data / "facts/visits.yaml").symlink_to(data / "texts/visits.yaml")
    (data / "README.md").write_text("notes\n", encoding="utf-8")
    (data / "ledger.yaml").write_text("[]\n", encoding="utf-8")
    result = run_validate(data, texts)
    assert result.exit_code == 0, result.output


def test_fifo_does_not_block_the_files_backend(tmp_path: Path) -> None:
    """A FIFO in facts/ is reported by a files-backend command (it used to hang forever)."""
    data, _ = build(tmp_path)
    _fifo(tmp_path)
    result = CliRunner().invoke(main, ["densest"], env={"TIEGRAPH_DATA": str(data)})
    assert result.exit_code == 3, result.output
    assert "data/facts/pipe.yaml: a FIFO" in result.output


def test_alias_bomb_in_bytes_is_refused_before_any_export(tmp_path: Path) -> None:
    """The issue's 727 KB file reusing one 200 KB value: `export --format json` wrote 406 MB with
    2.5 GB of memory; now it stops at reading the file (exit 3) and writes nothing."""
    data, _ = build(tmp_path)
    _alias_bomb_bytes(tmp_path)
    assert 700_000 < (data / "facts/bomb.yaml").stat().st_size < MAX_FILE_BYTES
    out = tmp_path / "graph.json"
    env = {"TIEGRAPH_DATA": str(data), "TIEGRAPH_CACHE": str(tmp_path / "cache"),
           "TIEGRAPH_SOURCE": "files"}
    result = CliRunner().invoke(main, ["export", str(out), "--format", "json"], env=env)
    assert result.exit_code == DataError.exit_code, result.output
    assert "expand the file to more than 5,000,000 bytes" in result.stderr
    assert not out.exists()


def test_a_few_aliases_of_a_value_are_still_accepted(tmp_path: Path) -> None:
    """The control for the byte guard: the same file with a 200-byte role (0.5 MB expanded)."""
    data, texts = build(tmp_path)
    text = alias_bomb_text(anchor_bytes=200, file_bytes=50_000)
    (data / "facts/bomb.yaml").write_text(text.replace("x" * 200, "Chief " * 33), encoding="utf-8")
    result = run_validate(data, texts)
    assert result.exit_code == 0, result.output
    assert f"{11 + text.count('- id: bomb-')} facts" in result.output
