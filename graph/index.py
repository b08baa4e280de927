"""The compiled index of the files backend: actors and ties, cached by content.

The key is a SHA-256 over every data file (path and bytes) and over the source of the modules
that turn data into ties, so the cache can never answer for other data or older code.

The cache file holds the ties as columns (:class:`TieTable`): every distinct string once, and
one array of 32-bit codes per string field of :class:`graph.ties.Tie`, and one of the ties'
participant counts ``n``. Reading it is one file read,
a CRC-32 check, one JSON parse of the distinct strings and the arrays copied as they are: no
per-tie parsing. The format is data only (JSON and raw integers, never pickle), so a file
that someone else wrote can at worst give wrong answers, and it lives in the user's own cache
folder. A file that is truncated, corrupt, of another format version or inconsistent
(lengths, codes out of range, strings not sorted) is not trusted: the index is built again and
the file replaced. The CRC catches accidents (a disk error, a crash mid-write of a foreign
tool); it is no defence against a deliberate writer, who would need the user's account
anyway.
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
import os
import sys
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiegraph.loaders.layout import discover

if TYPE_CHECKING:
    from tiegraph.graph.ties import Tie

_CODE = ("graph/schema.py", "graph/ties.py", "graph/index.py", "loaders/model.py",
         "loaders/dataset.py", "loaders/yamlfile.py", "loaders/layout.py", "loaders/mme.py")
FORMAT = 5  # 3: the participant count n of each tie; 4: the strict layout check; 5: MME

#: The string fields of :class:`graph.ties.Tie`, in order: the coded columns of a
#: :class:`TieTable` (its last field, the participant count ``n``, is kept as it is).
TIE_FIELDS = ("a", "b", "fact", "category", "when", "terminated")
_MAGIC = b"tiegraph-index\n"
_COLLECT_AFTER = 100_000  # ties; see TieTable.ties
_CODE_TYPE = next(t for t in ("I", "L") if array(t).itemsize == 4)  # unsigned 32-bit


def cache_dir() -> Path:
    """Return the cache folder: ``TIEGRAPH_CACHE``, else ``$XDG_CACHE_HOME/tiegraph`` or
    ``~/.cache/tiegraph``."""
    if env := os.environ.get("TIEGRAPH_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tiegraph"


def content_key(data_dir: Path) -> str:
    """Return the SHA-256 that identifies the data files and the deriving code."""
    h = hashlib.sha256(f"tiegraph-index-{FORMAT}".encode())
    files = discover(data_dir).files()
    root = Path(__file__).resolve().parents[1]
    for path in files:
        h.update(str(path.relative_to(data_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    for rel in _CODE:
        code = root / rel
        if code.is_file():
            h.update(code.read_bytes())
    return h.hexdigest()


def _code_changed_since_import() -> bool:
    """Return True when a deriving module's file changed after this process imported the
    package: the index built here may then come from older code than the key says."""
    imported = min(
        (getattr(sys.modules[p], "IMPORTED_AT", 0.0) for p in ("tiegraph.graph", "tiegraph.loaders")
         if p in sys.modules),
        default=0.0,
    )
    root = Path(__file__).resolve().parents[1]
    mtimes = [(root / rel).stat().st_mtime for rel in _CODE if (root / rel).is_file()]
    return max(mtimes, default=0.0) >= imported


# --- ties as columns ------------------------------------------------------------------------


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic objects are made (it would
    scan the growing heap again and again), then restore its previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _max_code(col: array) -> int:
    """Return the largest code of a column (0 when empty); numpy only for long columns, so
    that a small index is read without importing it."""
    if len(col) < 1 << 16:
        return max(col, default=0)
    import numpy as np

    return int(np.frombuffer(col, dtype=np.uint32).max())


def _min_size(col: array) -> int:
    """Return the smallest value of a non-empty column (numpy only for long columns)."""
    if len(col) < 1 << 16:
        return min(col)
    import numpy as np

    return int(np.frombuffer(col, dtype=np.uint32).min())


@dataclass(frozen=True, eq=False)
class TieTable:
    """Ties as columns: ``strings`` holds every distinct value once, sorted, and ``columns``
    one array of unsigned 32-bit codes per field of :data:`TIE_FIELDS`: ``0`` for None, ``i +
    1`` for ``strings[i]``, so comparing two codes compares their strings; ``sizes`` holds
    each tie's participant count ``n``. Row ``i`` of the columns is tie ``i``, in the order the
    ties were given."""

    strings: list[str]
    columns: tuple[array, ...]
    sizes: array

    def __len__(self) -> int:
        """Return the number of ties."""
        return len(self.columns[0])

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> TieTable:
        """Return the table of ``rows``, each the fields of a tie in :data:`TIE_FIELDS`
        order then its participant count ``n`` (as :func:`build_index` gives them; a row
        without ``n`` is bilateral, 2)."""
        with _gc_paused():
            columns = [list(map(operator.itemgetter(k), rows)) for k in range(len(TIE_FIELDS))]
            distinct = set().union(*columns)
            distinct.discard(None)
            strings = sorted(distinct)
            code: dict[str | None, int] = {s: i for i, s in enumerate(strings, 1)}
            code[None] = 0
            at = len(TIE_FIELDS)
            sizes = array(_CODE_TYPE, (row[at] if len(row) > at else 2 for row in rows))
            return cls(strings, tuple(array(_CODE_TYPE, map(code.__getitem__, col))
                                      for col in columns), sizes)

    @classmethod
    def from_ties(cls, ties: Iterable[Tie]) -> TieTable:
        """Return the table of ``ties`` (:class:`graph.ties.Tie`), in their order."""
        return cls.from_rows(list(map(operator.attrgetter(*TIE_FIELDS, "n"), ties)))

    def _values(self) -> list[list[str | None]]:
        """Return the columns decoded (each distinct string one shared object)."""
        lookup = [None, *self.strings]
        return [list(map(lookup.__getitem__, col)) for col in self.columns]

    def rows(self) -> list[list[Any]]:
        """Return the ties as rows, the shape of :func:`build_index`'s ``ties``."""
        with _gc_paused():
            return [list(row) for row in zip(*self._values(), self.sizes, strict=True)]

    def ties(self) -> list[Tie]:
        """Return the ties as :class:`graph.ties.Tie` objects, in table order."""
        from tiegraph.graph.ties import Tie

        with _gc_paused():
            ties = list(map(Tie, *self._values(), self.sizes))
        if len(ties) >= _COLLECT_AFTER:
            # One full collection moves the new objects to the oldest generation at once;
            # else the collector walks them all in each younger generation first (at 10^6
            # events, seconds spent in whatever runs next).
            gc.collect()
        return ties

    def to_bytes(self) -> bytes:
        """Return the table as bytes: the length of the strings' JSON (8 bytes), that JSON,
        then each column and the sizes (little-endian). :meth:`from_bytes` reads it back."""
        strings = json.dumps(self.strings, ensure_ascii=False).encode()
        columns = []
        for col in (*self.columns, self.sizes):
            if sys.byteorder == "big":
                col = array(_CODE_TYPE, col)
                col.byteswap()
            columns.append(col.tobytes())
        return b"".join([len(strings).to_bytes(8, "little"), strings, *columns])

    @classmethod
    def from_bytes(cls, body: bytes | memoryview, n: int) -> TieTable:
        """Return the table of ``n`` ties that :meth:`to_bytes` wrote; raise ValueError when
        ``body`` does not hold exactly that (wrong lengths, strings not strictly sorted,
        codes out of range, a participant count below 2)."""
        body = memoryview(body)
        size = int.from_bytes(body[:8], "little")
        strings = json.loads(bytes(body[8:8 + size]))
        start, width = 8 + size, 4 * n
        if (not isinstance(strings, list) or len(body) != start + (len(TIE_FIELDS) + 1) * width
                or not all(isinstance(s, str) for s in strings)
                or not all(map(operator.lt, strings, strings[1:]))):
            raise ValueError("not a tie table")
        columns = []
        for k in range(len(TIE_FIELDS)):
            col = array(_CODE_TYPE)
            col.frombytes(body[start + k * width:start + (k + 1) * width])
            if sys.byteorder == "big":
                col.byteswap()
            if _max_code(col) > len(strings):
                raise ValueError(f"codes of {TIE_FIELDS[k]} out of range")
            columns.append(col)
        sizes = array(_CODE_TYPE)
        sizes.frombytes(body[start + len(TIE_FIELDS) * width:])
        if sys.byteorder == "big":
            sizes.byteswap()
        if n and _min_size(sizes) < 2:
            raise ValueError("participant counts below 2")
        return cls(strings, tuple(columns), sizes)


# --- building and caching -------------------------------------------------------------------


def build_index(ds: Any) -> dict[str, Any]:
    """Return the index of a validated dataset: ``actors`` (dicts) and ``ties`` (lists)."""
    from tiegraph.graph.ties import ties_from_dataset

    actors = [{"id": eid, "name": ds.name_of(eid), "kind": e.kind, "aliases": list(e.aliases),
               "state": e.state} for eid, e in ds.entities.items()]
    return {"actors": actors, "ties": [list(astuple(t)) for t in ties_from_dataset(ds)]}


def _actors_ok(actors: Any) -> bool:
    """Return True when ``actors`` has the shape :func:`build_index` gives."""
    keys = {"id", "name", "kind", "aliases", "state"}
    return isinstance(actors, list) and all(
        isinstance(a, dict) and a.keys() == keys and isinstance(a["aliases"], list)
        for a in actors)


def write_index(path: Path, index: dict[str, Any]) -> None:
    """Write ``index`` (``actors`` and a :class:`TieTable` of ``ties``) to ``path``,
    atomically: the magic line, the CRC-32 of the rest (8 hex digits and a newline), a JSON
    header line (format, number of ties, actors), then :meth:`TieTable.to_bytes`."""
    table: TieTable = index["ties"]
    header = json.dumps({"format": FORMAT, "ties": len(table), "actors": index["actors"]},
                        ensure_ascii=False).encode()
    payload = header + b"\n" + table.to_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False,
                                     suffix=".tmp") as tmp:
        try:
            tmp.write(_MAGIC + b"%08x\n" % zlib.crc32(payload))
            tmp.write(payload)
            tmp.close()
            os.replace(tmp.name, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp.name)
            raise


def read_index(path: Path) -> dict[str, Any]:
    """Return the index that :func:`write_index` wrote to ``path`` (``actors`` and a
    :class:`TieTable` of ``ties``); raise OSError when it cannot be read and ValueError when
    it is not exactly such a file (see the module docstring)."""
    data = path.read_bytes()
    view, head = memoryview(data), len(_MAGIC) + 9
    if not data.startswith(_MAGIC) or data[head - 1:head] != b"\n":
        raise ValueError("not a tiegraph index")
    if data[len(_MAGIC):head - 1] != b"%08x" % zlib.crc32(view[head:]):
        raise ValueError("corrupt index: CRC mismatch")
    end = data.find(b"\n", head)
    if end < 0:
        raise ValueError("no header")
    header = json.loads(data[head:end])
    if (not isinstance(header, dict) or header.get("format") != FORMAT
            or not isinstance(header.get("ties"), int) or header["ties"] < 0
            or not _actors_ok(header.get("actors"))):
        raise ValueError("unknown index format")
    return {"actors": header["actors"], "ties": TieTable.from_bytes(view[end + 1:], header["ties"])}


def cached_index(name: str, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return the index cached as ``<name>-<key>.idx`` in :func:`cache_dir`: ``actors``
    (dicts) and ``ties`` (a :class:`TieTable`). When it is missing or not trusted (see the
    module docstring), ``build()`` it (``ties`` as rows, like :func:`build_index`) and cache
    it, atomically. A cache that cannot be written is skipped silently: it is only a cache;
    neither is one written by code older than the files on disk."""
    path = cache_dir() / f"{name}-{key[:32]}.idx"
    try:
        return read_index(path)
    except (OSError, ValueError):
        pass
    built = build()
    index = {"actors": built["actors"], "ties": TieTable.from_rows(built["ties"])}
    if _code_changed_since_import():
        return index
    with suppress(OSError):
        write_index(path, index)
    return index


def load_or_build_index(data_dir: Path, dataset: Callable[[], Any]) -> dict[str, Any]:
    """Return the index for the YAML data folder ``data_dir`` (see :func:`cached_index`),
    building it from ``dataset()`` (the validated dataset) when it is not cached."""
    try:
        key = content_key(data_dir)
    except OSError:
        built = build_index(dataset())
        return {"actors": built["actors"], "ties": TieTable.from_rows(built["ties"])}
    return cached_index("index", key, lambda: build_index(dataset()))
