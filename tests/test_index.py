"""The files backend's compiled index: cached by content, rebuilt when the data changes, read
back exactly, and never trusted when the file is damaged."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest

from tiegraph.graph.api import FilesBackend
from tiegraph.graph.index import (
    FORMAT,
    TieTable,
    build_index,
    cached_index,
    content_key,
    read_index,
    write_index,
)
from tiegraph.graph.ties import Tie
from tiegraph.loaders.bulk import BulkBackend, build_bulk_index
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.synthetic import generate

DATA = Path(__file__).resolve().parents[1] / "data"

ROWS: list[list[Any]] = [
    ["AUS", "JPN", "ex-1", "exercises", "2019-05", None, 3],
    ["FRA", "GBR", "lancaster-house", "agreements", "2010-11-02", "2099", 2],
    ["GBR", "JPN", "ex-1", "exercises", "2019-05", None, 3],
    ["GBR", "JPN", "undated", "visits", None, None, 2],
    ["DEU", "FRA", "échange \"franco\"\n-allemand", "exchanges_industrial", "2020", None, 2],
]


def test_index_is_cached_and_keyed_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    first = FilesBackend(data)
    ties = first.ties
    cached = list((tmp_path / "cache").glob("index-*.idx"))
    assert len(cached) == 1
    assert read_index(cached[0])["ties"].rows() == [list(t.__dict__.values()) for t in ties]
    assert ties == [Tie(*row) for row in build_index(first.dataset)["ties"]]

    # A fresh backend answers from the cache without reading the facts.
    second = FilesBackend(data)
    assert second.ties == ties and "dataset" not in second.__dict__
    assert second.actors == first.actors

    # Any edit to the data gives a new key, hence a new index.
    key = content_key(data)
    facts = data / "facts" / "rand-uk.yaml"
    text = facts.read_text()
    assert "date: 1973-02\n" in text
    facts.write_text(text.replace("date: 1973-02\n", "date: '1973'\n", 1))
    assert content_key(data) != key
    third = FilesBackend(data)
    assert len(third.ties) == len(ties)
    assert len(list((tmp_path / "cache").glob("index-*.idx"))) == 2


# --- the cache format -----------------------------------------------------------------------


def test_tie_table_round_trips_exactly(tmp_path: Path) -> None:
    table = TieTable.from_rows(ROWS)
    assert table.strings == sorted({v for row in ROWS for v in row[:-1] if v is not None})
    assert list(table.sizes) == [3, 2, 3, 2, 2]
    assert table.rows() == ROWS and len(table) == len(ROWS)
    assert table.ties() == [Tie(*row) for row in ROWS]
    assert TieTable.from_ties(table.ties()).rows() == ROWS
    # each distinct string is one object, shared by every tie that holds it
    ties = table.ties()
    assert ties[0].fact is ties[2].fact and ties[2].b is ties[3].b

    actors = [{"id": "GBR", "name": "United Kingdom", "kind": "state", "aliases": ["UK"],
               "state": None}]
    write_index(tmp_path / "i.idx", {"actors": actors, "ties": table})
    back = read_index(tmp_path / "i.idx")
    assert back["actors"] == actors and back["ties"].rows() == ROWS
    assert back["ties"].strings == table.strings

    write_index(tmp_path / "empty.idx", {"actors": [], "ties": TieTable.from_rows([])})
    empty = read_index(tmp_path / "empty.idx")
    assert empty["actors"] == [] and empty["ties"].rows() == [] and empty["ties"].ties() == []


def test_cached_index_equals_a_fresh_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    dataset = load_dataset(DATA, check_quotes=False)
    fresh = build_index(dataset)
    built: list[int] = []

    def build() -> dict[str, Any]:
        built.append(1)
        return build_index(dataset)

    first = cached_index("index", "k" * 64, build)
    second = cached_index("index", "k" * 64, build)
    assert built == [1]
    for index in (first, second):
        assert index["actors"] == fresh["actors"]
        assert index["ties"].rows() == fresh["ties"]


def _damaged(path: Path) -> dict[str, bytes]:
    """Every kind of damage to a good cache file, by name."""
    good = path.read_bytes()
    magic_and_crc = len(b"tiegraph-index\n") + 9
    header_end = good.index(b"\n", magic_and_crc)
    flipped = bytearray(good)
    flipped[-3] ^= 0x01  # a bit of the last column
    flipped_header = bytearray(good)
    flipped_header[magic_and_crc + 2] ^= 0x20
    payload = good[magic_and_crc:]
    header = json.loads(payload[:header_end - magic_and_crc])
    body = payload[header_end - magic_and_crc + 1:]

    def with_crc(header: dict[str, Any], body: bytes) -> bytes:
        # a file that passes the CRC but whose content is inconsistent
        new = json.dumps(header).encode() + b"\n" + body
        return b"tiegraph-index\n" + b"%08x\n" % zlib.crc32(new) + new

    sizes_at = len(body) - 4 * header["ties"]  # the participant counts come last
    out_of_range = bytearray(body)
    out_of_range[sizes_at - 4:sizes_at] = (2**31).to_bytes(4, "little")
    one_actor = bytearray(body)
    one_actor[-4:] = (1).to_bytes(4, "little")
    return {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "one byte short": good[:-1],
        "one byte more": good + b"\0",
        "bit flip in the ties": bytes(flipped),
        "bit flip in the header": bytes(flipped_header),
        "json of the old format": json.dumps({"actors": [], "ties": []}).encode(),
        "other format version": with_crc({**header, "format": FORMAT + 1}, body),
        "wrong number of ties": with_crc({**header, "ties": header["ties"] - 1}, body),
        "code out of range": with_crc(header, bytes(out_of_range)),
        "a tie of one actor": with_crc(header, bytes(one_actor)),
        "actors not a list": with_crc({**header, "actors": {}}, body),
    }


def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    index = {"actors": [], "ties": ROWS}
    cached_index("t", "0" * 64, lambda: index)
    path = tmp_path / "cache" / f"t-{'0' * 32}.idx"
    good = path.read_bytes()
    for name, damage in _damaged(path).items():
        path.write_bytes(damage)
        with pytest.raises(ValueError):
            read_index(path)
        built: list[int] = []
        got = cached_index("t", "0" * 64, lambda: built.append(1) or index)  # noqa: B023
        assert built == [1], name
        assert got["ties"].rows() == ROWS, name
        assert path.read_bytes() == good, name  # and the cache file is replaced
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_bulk_backend_reads_back_what_it_built(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    generate(tmp_path / "s", 300, seed=3, yaml_files=False)
    folder = tmp_path / "s" / "bulk"
    fresh = build_bulk_index(folder)
    cold = BulkBackend(folder)
    assert cold.ties == [Tie(*row) for row in fresh["ties"]]
    assert len(list((tmp_path / "cache").glob("bulk-index-*.idx"))) == 1
    warm = BulkBackend(folder)
    assert warm.ties == cold.ties and warm.actors == cold.actors
    assert warm.tie_table.rows() == fresh["ties"]
    assert [a.__dict__ for a in warm.actors.values()] == [
        {**a, "aliases": tuple(a["aliases"])} for a in fresh["actors"]]
