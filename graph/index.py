"""The compiled index of the files backend: actors and ties as plain JSON, cached by content.

The key is a SHA-256 over every data file (path and bytes) and over the source of the modules
that turn data into ties, so the cache can never answer for other data or older code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

_CODE = ("graph/schema.py", "graph/ties.py", "graph/index.py", "loaders/model.py",
         "loaders/dataset.py", "loaders/yamlfile.py")
FORMAT = 1


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
    files = [data_dir / "sources.yaml"] + sorted(
        p for sub in ("entities", "facts") for p in (data_dir / sub).glob("*.y*ml")
    )
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
        (getattr(sys.modules[p], "IMPORTED_AT", 0.0) for p in ("graph", "loaders")
         if p in sys.modules),
        default=0.0,
    )
    root = Path(__file__).resolve().parents[1]
    mtimes = [(root / rel).stat().st_mtime for rel in _CODE if (root / rel).is_file()]
    return max(mtimes, default=0.0) >= imported


def build_index(ds: Any) -> dict[str, Any]:
    """Return the index of a validated dataset: ``actors`` (dicts) and ``ties`` (lists)."""
    from graph.ties import ties_from_dataset

    actors = [{"id": eid, "name": ds.name_of(eid), "kind": e.kind, "aliases": list(e.aliases),
               "state": e.state} for eid, e in ds.entities.items()]
    return {"actors": actors, "ties": [list(astuple(t)) for t in ties_from_dataset(ds)]}


def cached_index(name: str, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return the index cached as ``<name>-<key>.json`` in :func:`cache_dir`, else ``build()``
    it and cache it (atomically). A cache that cannot be written is skipped silently: it is
    only a cache; neither is one written by code older than the files on disk."""
    path = cache_dir() / f"{name}-{key[:32]}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    index = build()
    if _code_changed_since_import():
        return index
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                         suffix=".tmp") as tmp:
            json.dump(index, tmp)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return index


def load_or_build_index(data_dir: Path, dataset: Callable[[], Any]) -> dict[str, Any]:
    """Return the cached index for the YAML data folder ``data_dir``, building it from
    ``dataset()`` (the validated dataset) when missing."""
    try:
        key = content_key(data_dir)
    except OSError:
        return build_index(dataset())
    return cached_index("index", key, lambda: build_index(dataset()))
