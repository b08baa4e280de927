"""Where the bundled data and the source texts are, without heavy imports."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_dir() -> Path:
    """Return the bundled data folder: ``TIEGRAPH_DATA``, the checkout's ``data/``, or the copy
    installed with the package."""
    if env := os.environ.get("TIEGRAPH_DATA"):
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data", here.parent / "graph" / "bundled_data"):
        if (candidate / "sources.yaml").is_file():
            return candidate
    return here.parent / "data"


def _shared_dir(env: str, name: str) -> Path | None:
    """Return the folder ``$env`` or ``../shared/<name>`` beside the checkout (None if absent)."""
    if value := os.environ.get(env):
        return Path(value)
    candidate = Path(__file__).resolve().parents[2] / "shared" / name
    return candidate if candidate.is_dir() else None


def default_sources_dir() -> Path | None:
    """Return the folder of the source texts (``TIEGRAPH_SOURCES`` or ``../shared/sources``
    beside the checkout), or None when it is absent."""
    return _shared_dir("TIEGRAPH_SOURCES", "sources")


def default_datasets_dir() -> Path | None:
    """Return the folder of the peer data sets (``TIEGRAPH_DATASETS`` or ``../shared/datasets``
    beside the checkout), or None when it is absent."""
    return _shared_dir("TIEGRAPH_DATASETS", "datasets")


#: The kinds of source a graph can draw on (``--sources``): the curated fact files, MME.
SOURCE_KINDS = ("curated", "mme")
MME_ENV = "TIEGRAPH_MME"
#: The id of the MME data set's source (``loaders.mme.MME_SOURCE``), here so that reading
#: from Neo4j can tell the kinds apart without importing the models.
MME_SOURCE_ID = "dorazio-galambos-mme-v7"


def source_kind(source_id: str) -> str:
    """Return the kind of source (one of :data:`SOURCE_KINDS`) of the source ``source_id``:
    ``mme`` for the MME data set, ``curated`` for every other source (the documents)."""
    return "mme" if source_id == MME_SOURCE_ID else "curated"


def parse_source_kinds(text: str | None) -> tuple[str, ...]:
    """Return the source kinds a ``--sources`` value names (``curated,mme``; None: all), in
    :data:`SOURCE_KINDS` order; raise ValueError for an unknown or empty one."""
    if text is None:
        return SOURCE_KINDS
    kinds = {k.strip() for k in text.split(",") if k.strip()}
    if not kinds or kinds - set(SOURCE_KINDS):
        raise ValueError(f"--sources {text!r}: give a comma-separated list of "
                         f"{', '.join(SOURCE_KINDS)}")
    return tuple(k for k in SOURCE_KINDS if k in kinds)


def mme_path(explicit: Path | None) -> Path | None:
    """Return the MME CSV to include: ``explicit`` (``--with-mme``), else ``TIEGRAPH_MME``,
    else None (curated facts only)."""
    if explicit is not None:
        return explicit
    env = os.environ.get(MME_ENV)
    return Path(env) if env else None
