"""Property-based fuzzing of the data folder (issue 16 item 3): no input gives a traceback.

Hypothesis mutates the good fixture (``tests/fixtures/good``) -- its bytes, its YAML structure,
its values and their types, and their sizes -- and runs ``tiegraph validate`` on the result,
then ``tiegraph load`` against the session's real Neo4j server. Every run must end in exit code
0 or 3 (invalid data; 8 too for a load without ``--prune``: the removal guard) with no
traceback, and a load that does not succeed must leave the database's fingerprint unchanged.

The suite runs a bounded number of examples (``VALIDATE_EXAMPLES`` and ``LOAD_EXAMPLES``);
``TIEGRAPH_FUZZ_EXAMPLES=N`` runs N validate examples and N/10 (at least the default) loads::

    TIEGRAPH_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tiegraph.graph.cli import main
from tiegraph.loaders.neo4j_loader import database_fingerprint

GOOD = Path(__file__).parent / "fixtures" / "good"
_EXTRA = int(os.environ.get("TIEGRAPH_FUZZ_EXAMPLES", "0") or 0)
VALIDATE_EXAMPLES = _EXTRA or 40
LOAD_EXAMPLES = max(12, _EXTRA // 10)

#: The data files (YAML), relative to the data folder, and each one's parsed records.
YAML_FILES = sorted(str(p.relative_to(GOOD)) for p in GOOD.rglob("*.yaml"))
PARSED: dict[str, Any] = {
    name: yaml.safe_load((GOOD / name).read_text(encoding="utf-8")) for name in YAML_FILES
}
#: Every file a mutation may touch: the YAML files and the source text the quotes are checked in.
ALL_FILES = [*YAML_FILES, "texts/source-a.txt"]


def _ids() -> list[str]:
    """Return every id and every string value of the good fixture (values that refer to
    something, so that a swapped-in value may still pass validation)."""
    found: set[str] = set()

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            for value in obj.values():
                walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)
        elif isinstance(obj, str) and len(obj) < 40:
            found.add(obj)

    for records in PARSED.values():
        walk(records)
    return sorted(found)


KNOWN = _ids()


def _values_by_key() -> dict[str, list[Any]]:
    """Return, for each key of the good fixture, the scalar values it has anywhere there."""
    found: dict[str, set[Any]] = {}

    def walk(obj: Any, key: str) -> None:
        if isinstance(obj, dict):
            for k, value in obj.items():
                walk(value, k)
        elif isinstance(obj, list):
            for value in obj:
                walk(value, key)
        else:
            found.setdefault(key, set()).add(obj)

    for records in PARSED.values():
        walk(records, "")
    return {key: sorted(values, key=repr) for key, values in found.items()}


BY_KEY = _values_by_key()

# --- strategies -------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.text(max_size=20),  # any code point but surrogates: controls, non-BMP, RTL marks
    st.sampled_from(KNOWN),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),  # nan and inf included
    st.booleans(),
    st.none(),
    st.dates(),
    st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
    st.binary(max_size=8),  # !!binary: a bytes value
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(KNOWN)), inner, max_size=3),
    max_leaves=6,
)
#: How many times a value or a list item is repeated by a "size" mutation.
REPEATS = st.sampled_from([2, 3, 50, 2_000, 100_000])


def _paths(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every value inside ``obj`` (mappings by key, lists by index)."""
    found = [path] if path else []
    if isinstance(obj, dict):
        for key, value in obj.items():
            found += _paths(value, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found += _paths(value, (*path, i))
    return found


def _parent(obj: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    """Return the container holding ``path`` and the key or index of it there."""
    for step in path[:-1]:
        obj = obj[step]
    return obj, path[-1]


@st.composite
def structural(draw: st.DrawFn, records: Any) -> bytes:
    """Return the YAML of ``records`` after one change of structure, value, type or size."""
    records = copy.deepcopy(records)
    paths = _paths(records)
    op = draw(st.sampled_from(
        ["set", "delete", "duplicate", "rename", "add", "grow", "swap", "top"]))
    if op == "top" or not paths:
        records = draw(VALUES)
    else:
        path = draw(st.sampled_from(paths))
        parent, key = _parent(records, path)
        if op == "set":
            parent[key] = draw(VALUES)
        elif op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):  # shared: safe_dump writes an alias
            shared = draw(st.booleans())
            parent.insert(key, parent[key] if shared else copy.deepcopy(parent[key]))
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.one_of(st.text(max_size=10), st.sampled_from(KNOWN)))] = parent.pop(key)
        elif op == "add" and isinstance(parent[key], dict):
            parent[key][draw(st.text(max_size=10))] = draw(VALUES)
        elif op == "grow":
            value, times = parent[key], draw(REPEATS)
            if isinstance(value, str):  # up to just over the 5 MB file limit, not beyond
                parent[key] = value * min(times, 6_000_000 // max(len(value), 1))
            elif isinstance(value, list):
                parent[key] = value * min(times, 300)
            else:
                parent[key] = [value] * min(times, 300)
        else:  # swap, or an op that does not fit the container: take another path's value
            other = draw(st.sampled_from(paths))
            source, skey = _parent(records, other)
            parent[key] = copy.deepcopy(source[skey])
    return yaml.safe_dump(records, allow_unicode=True, sort_keys=False,
                          width=2**16).encode("utf-8")


@st.composite
def raw(draw: st.DrawFn, content: bytes) -> bytes:
    """Return ``content`` after one change of its bytes."""
    op = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "lines", "encode"]))
    at = draw(st.integers(0, len(content)))
    if op == "insert":
        chunk = draw(st.one_of(st.binary(min_size=1, max_size=6),
                               st.text(min_size=1, max_size=6).map(str.encode),
                               st.sampled_from([b"\x00", b"\t", b"\r", b"\xef\xbb\xbf", b"\xff",
                                                b"&a ", b"*a", b"- ", b": ", b"{", b"'", b'"',
                                                b"\n  ", b"!!python/object:os.system "])))
        return content[:at] + chunk + content[at:]
    if op == "delete":
        return content[:at] + content[at + draw(st.integers(1, 40)):]
    if op == "replace" and content:
        at = min(at, len(content) - 1)
        return content[:at] + bytes([draw(st.integers(0, 255))]) + content[at + 1:]
    if op == "truncate":
        return content[:at]
    if op == "lines":  # swap two lines or repeat one: indentation and structure break
        lines = content.split(b"\n")
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, lines[j])
        return b"\n".join(lines)
    encoding = draw(st.sampled_from(["utf-16", "latin-1", "cp1252"]))
    return content.decode("utf-8", errors="replace").encode(encoding, errors="replace")


@st.composite
def mutated_folder(draw: st.DrawFn) -> dict[str, bytes | None]:
    """Return the changed files of a mutated good fixture: name -> new bytes (None: deleted)."""
    changes: dict[str, bytes | None] = {}
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["structure", "structure", "bytes", "file"]))
        if kind == "file":
            if draw(st.booleans()):
                changes[draw(st.sampled_from(ALL_FILES))] = None
            else:
                changes[f"facts/new-{draw(st.integers(0, 3))}.yaml"] = draw(st.one_of(
                    st.binary(max_size=40), st.text(max_size=40).map(str.encode),
                    VALUES.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode())))
            continue
        name = draw(st.sampled_from(ALL_FILES if kind == "bytes" else YAML_FILES))
        current = changes.get(name, (GOOD / name).read_bytes())
        if current is None:
            continue
        if kind == "bytes":
            changes[name] = draw(raw(current))
            continue
        try:
            records = yaml.safe_load(current)
        except yaml.YAMLError:
            records = None
        changes[name] = draw(structural(records)) if records is not None else draw(raw(current))
    return changes


#: Keys of the format by what their values are, for mutations that keep a folder plausible.
TEXT_KEYS = {"name", "location", "role", "locator", "title", "reason", "author", "publisher",
             "aliases"}
DATE_KEYS = {"date", "start", "end", "signed", "established", "in_force", "terminated"}
INT_KEYS = {"ordinal", "cow"}
#: Keys whose values a plausible change leaves alone (another value is almost never valid).
FIXED_KEYS = {"id", "type", "kind", "quote", "file"}
#: Names that XML can hold (the broken folders try the others): quotes, <, &, RTL, non-BMP...
HOSTILE = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1,
                  max_size=30).filter(str.strip)
#: Dates up to the fixture's source (2020), at each precision.
DATES = st.tuples(st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)),
                  st.sampled_from([4, 7, 10])).map(lambda t: t[0].isoformat()[: t[1]])


@st.composite
def plausible(draw: st.DrawFn, records: list[Any]) -> bytes:
    """Return the YAML of ``records`` after a change that keeps the structure: a hostile name,
    another date, integer or reference, a record removed or copied under a new id."""
    records = copy.deepcopy(records)
    is_facts = any("citations" in r for r in records)
    op = draw(st.sampled_from(["leaf", "leaf", "leaf", "drop", "copy"]))
    if op == "drop" and is_facts:
        del records[draw(st.integers(0, len(records) - 1))]
    elif op == "copy" and is_facts:
        record = copy.deepcopy(draw(st.sampled_from(records)))
        record["id"] = f"{record['id']}-{draw(st.integers(0, 99))}"
        records.append(record)
    else:
        leaves = [p for p in _paths(records) if not isinstance(_get(records, p), dict | list)
                  and _key(p) not in FIXED_KEYS]
        if not leaves:  # every record dropped, or none with a value to change
            return yaml.safe_dump(records).encode("utf-8")
        path = draw(st.sampled_from(leaves))
        key = _key(path)
        parent, last = _parent(records, path)
        if key in TEXT_KEYS:
            parent[last] = draw(HOSTILE)
        elif key in DATE_KEYS:
            parent[last] = draw(DATES)
        elif key in INT_KEYS:
            parent[last] = draw(st.one_of(st.integers(-5, 1000), st.integers()))
        else:  # a reference or a kind: another value that the same key has somewhere
            parent[last] = draw(st.sampled_from(BY_KEY.get(key, KNOWN)))
    return yaml.safe_dump(records, allow_unicode=True, sort_keys=False).encode("utf-8")


def _key(path: tuple[Any, ...]) -> str:
    """Return the last mapping key on ``path`` (the key of a value, or of its list)."""
    return next((k for k in reversed(path) if isinstance(k, str)), "")


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    """Return the value at ``path`` in ``obj``."""
    for step in path:
        obj = obj[step]
    return obj


@st.composite
def plausible_folder(draw: st.DrawFn) -> dict[str, bytes | None]:
    """Return the changed files of the good fixture after 1-3 :func:`plausible` changes."""
    changes: dict[str, bytes | None] = {}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(YAML_FILES))
        records = yaml.safe_load(changes.get(name) or (GOOD / name).read_bytes())
        changes[name] = draw(plausible(records))
    return changes


#: What the tests draw: a plausible folder (which often loads) or a broken one, as often.
FOLDERS = st.one_of(plausible_folder(), mutated_folder())


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    """A folder for the mutated copies (one at a time)."""
    root = Path(tempfile.mkdtemp(prefix="tiegraph-fuzz-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def build(root: Path, changes: dict[str, bytes | None]) -> tuple[Path, Path]:
    """Write the good fixture with ``changes`` to ``root/data`` (texts in ``root/texts``)."""
    shutil.rmtree(root, ignore_errors=True)
    data = root / "data"
    shutil.copytree(GOOD, data, ignore=shutil.ignore_patterns("texts"))
    shutil.copytree(GOOD / "texts", root / "texts")
    for name, content in changes.items():
        path = root / name if name.startswith("texts/") else data / name
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(content)
    return data, root / "texts"


def assert_clean_exit(result: Result, allowed: tuple[int, ...]) -> None:
    """The command ended by a documented exit code, without an exception escaping."""
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, f"{type(escaped).__name__}: {escaped}\n{result.output[-2000:]}"
    assert result.exit_code in allowed, result.output[-2000:]
    assert "Traceback" not in result.output


def fuzz(examples: int) -> settings:
    """Return the Hypothesis settings of a fuzz test of ``examples`` examples (no example
    database, no deadline: a load takes a while)."""
    return settings(max_examples=examples, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@fuzz(VALIDATE_EXAMPLES)
@given(changes=FOLDERS)
def test_validate_never_gives_a_traceback(work: Path, changes: dict[str, bytes | None]) -> None:
    data, texts = build(work, changes)
    result = CliRunner().invoke(main, ["validate", "--data", str(data), "--sources", str(texts)])
    assert_clean_exit(result, (0, 3))
    event(f"validate exit {result.exit_code}")  # --hypothesis-show-statistics shows the mix
    if result.exit_code == 0:  # valid data: its exports parse with a strict XML parser
        env = {"TIEGRAPH_DATA": str(data), "TIEGRAPH_SOURCES": str(texts),
               "TIEGRAPH_CACHE": str(work / "cache"), "TIEGRAPH_SOURCE": "files"}
        for fmt in ("graphml", "gexf"):
            out = work / f"out.{fmt}"
            exported = CliRunner().invoke(main, ["export", str(out), "--format", fmt],
                                          env=env)
            assert_clean_exit(exported, (0,))
            ElementTree.parse(out)


@pytest.fixture(scope="module")
def good_graph(neo4j_driver: Any, neo4j_settings: Any, work: Path) -> Iterator[dict[str, str]]:
    """The session server holding the good fixture's graph; yields the CLI's environment."""
    data, texts = build(work / "good", {})
    env = {"NEO4J_URI": neo4j_settings.uri, "NEO4J_USERNAME": neo4j_settings.username,
           "NEO4J_PASSWORD": neo4j_settings.password.get_secret_value(),
           "NEO4J_DATABASE": neo4j_settings.database, "TIEGRAPH_SOURCES": str(texts),
           "TIEGRAPH_HOME": str(work / "home")}
    result = CliRunner().invoke(main, ["load", "--quiet", "--prune", "--data", str(data)],
                                env=env)
    assert result.exit_code == 0, result.output
    yield env
    with neo4j_driver.session(database=neo4j_settings.database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()


@fuzz(LOAD_EXAMPLES)
@given(changes=FOLDERS, prune=st.booleans())
def test_load_never_gives_a_traceback_and_a_failed_load_writes_nothing(
        good_graph: dict[str, str], neo4j_driver: Any, neo4j_settings: Any, work: Path,
        changes: dict[str, bytes | None], prune: bool) -> None:
    database = neo4j_settings.database
    before = database_fingerprint(neo4j_driver, database)
    data, texts = build(work / "case", changes)
    args = ["load", "--quiet", "--data", str(data), *(["--prune"] if prune else [])]
    result = CliRunner().invoke(main, args, env={**good_graph, "TIEGRAPH_SOURCES": str(texts)})
    assert_clean_exit(result, (0, 3) if prune else (0, 3, 8))
    event(f"load exit {result.exit_code}")
    if result.exit_code != 0:
        assert database_fingerprint(neo4j_driver, database) == before
