"""Every export parses with a strict parser, whatever the (valid) data (issue 16 item 4).

GraphML and GEXF of every graph kind (``all``, ``actors``, ``full``) and the JSON export are
written by ``tiegraph export`` for the bundled data and for the good fixture with hostile but
valid names: quotes, ``<``, ``&``, ``]]>``, a tab and a newline, non-BMP characters, right-to-left
marks and overrides, a name that reads like markup. The XML is parsed with
``xml.etree.ElementTree`` (expat: a character XML 1.0 cannot hold, or malformed markup, is a
ParseError), the JSON with ``json.loads`` refusing NaN and Infinity; each hostile name must come
back out of the parsed document exactly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner

from tiegraph.graph.cli import main
from tiegraph.loaders.paths import default_data_dir

GOOD = Path(__file__).parent / "fixtures" / "good"
KINDS = ("all", "actors", "full")
FORMATS = ("graphml", "gexf", "json")

#: Where each hostile name goes in the good fixture: (file, record id, key).
HOSTILE = {
    ("entities/units.yaml", "gbr-hms-example", "name"): 'HMS "Example" & <Sons> \'Ltd\'',
    ("entities/states.yaml", "FRA", "name"): "France \u202eecnarF\u202c \u200f(RTL)\u200f",
    ("entities/states.yaml", "GBR", "name"): "U.K. & \"Northern\" <Ireland> \U0001F1EC\U0001F1E7",
    ("entities/organisations.yaml", "nato", "name"): "NATO ]]> <![CDATA[ x ]]> &amp; &#0;",
    ("facts/military.yaml", "example-shield-2019", "name"): "Example Shield \U0001F6E1 \U0001D54F",
    ("facts/military.yaml", "example-shield-2019", "location"): "Pacific\tOcean\nnorth",
    ("facts/visits.yaml", "visit-gbr-raf-to-jpn-2019-04", "role"): "<script>alert(1)</script>",
    ("entities/services.yaml", "jpn-msdf", "name"): "海上自衛隊 \u05e2\u05d1\u05e8\u05d9\u05ea",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good fixture with the HOSTILE names (validated: they are all valid)."""
    root = tmp_path_factory.mktemp("hostile-names")
    data = root / "data"
    shutil.copytree(GOOD, data, ignore=shutil.ignore_patterns("texts"))
    shutil.copytree(GOOD / "texts", root / "texts")
    for (file, rid, key), value in HOSTILE.items():
        path = data / file
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        next(r for r in records if r["id"] == rid)[key] = value
        path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(data),
                                       "--sources", str(root / "texts")])
    assert result.exit_code == 0, result.output
    return data


def _no_constants(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")


def strings_of(path: Path, fmt: str) -> set[str]:
    """Parse ``path`` strictly; return every text and attribute value (or JSON string)."""
    if fmt == "json":
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict):
                for k, v in value.items():
                    found.add(k)
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constants))
        return found
    root = ElementTree.parse(path).getroot()  # ParseError on anything XML cannot hold
    return {s for el in root.iter() for s in (el.text, *el.attrib.values()) if s}


def export(data: Path, kind: str, fmt: str, out: Path) -> Path:
    """Run ``tiegraph export`` on the files backend; return the file written."""
    target = out / f"{kind}.{fmt}"
    env = {"TIEGRAPH_DATA": str(data), "TIEGRAPH_SOURCE": "files",
           "TIEGRAPH_CACHE": str(out / "cache")}
    result = CliRunner().invoke(main, ["export", str(target), "--graph", kind,
                                       "--format", fmt], env=env)
    assert result.exit_code == 0, result.output
    return target


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_exports_of_the_bundled_data_parse_strictly(kind: str, fmt: str, tmp_path: Path) -> None:
    strings = strings_of(export(default_data_dir(), kind, fmt, tmp_path), fmt)
    assert "Japan" in strings


def graph_strings(data: Path, kind: str) -> set[str]:
    """Return every string the graph ``kind`` of ``data`` holds (node and edge attributes),
    built as ``tiegraph export`` builds it."""
    from tiegraph.graph.api import FilesBackend
    from tiegraph.graph.network import actor_graph_of, full_graph
    from tiegraph.graph.projection import project, to_networkx

    backend = FilesBackend(data)
    if kind == "actors":
        G = actor_graph_of(backend)
    else:
        spec = project(backend.dataset)
        G = to_networkx(spec) if kind == "all" else full_graph(spec)
    attrs = [d for _, d in G.nodes(data=True)] + [d for *_, d in G.edges(data=True)]
    return {v for d in attrs for v in d.values() if isinstance(v, str)}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_exports_of_hostile_names_parse_and_keep_them(kind: str, fmt: str, hostile: Path,
                                                      tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    held = set(HOSTILE.values()) & graph_strings(hostile, kind)
    assert len(held) >= 2, held  # each kind holds some of them (names at least)
    strings = strings_of(export(hostile, kind, fmt, tmp_path), fmt)
    missing = sorted(held - strings)
    assert not missing, missing
