"""The files backend's compiled index: cached by content, rebuilt when the data changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from graph.api import FilesBackend
from graph.index import content_key

DATA = Path(__file__).resolve().parents[1] / "data"


def test_index_is_cached_and_keyed_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    first = FilesBackend(data)
    ties = first.ties
    cached = list((tmp_path / "cache").glob("index-*.json"))
    assert len(cached) == 1
    assert json.loads(cached[0].read_text())["ties"] == [list(t.__dict__.values()) for t in ties]

    # A fresh backend answers from the cache without reading the facts.
    second = FilesBackend(data)
    assert second.ties == ties and "dataset" not in second.__dict__

    # Any edit to the data gives a new key, hence a new index.
    key = content_key(data)
    facts = data / "facts" / "rand-uk.yaml"
    text = facts.read_text()
    assert "date: 1973-02\n" in text
    facts.write_text(text.replace("date: 1973-02\n", "date: '1973'\n", 1))
    assert content_key(data) != key
    third = FilesBackend(data)
    assert len(third.ties) == len(ties)
    assert len(list((tmp_path / "cache").glob("index-*.json"))) == 2
