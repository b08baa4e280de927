"""The fixed layout of a data folder, checked before any file is opened.

A data folder holds exactly::

    sources.yaml            required
    entities/*.yaml|*.yml   required folder; regular files only, no subfolders
    facts/*.yaml|*.yml      required folder; regular files only, no subfolders
    ledger.yaml             optional (the coverage ledger, loaders/coverage.py)
    README, README.md, README.txt   optional notes
    texts/                  optional folder of source texts (not read as data)

A bulk CSV folder (loaders/bulk.py, docs/scale.md) is checked the same way
(:func:`check_bulk_folder`): its five CSV files, optionally ``texts/`` and a README, nothing
else.

Anything else -- a wrong suffix (``*.YAML``, ``*.txt``), a subfolder of ``entities/`` or
``facts/``, a stray file in the root, a FIFO, socket or device, a symlink whose target is
outside the data folder -- is a problem naming the file. Entries are checked with ``lstat``
and ``stat`` so that nothing is opened (a FIFO would block the reader forever).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tiegraph.graph.errors import DataError

#: The suffixes of record files in entities/ and facts/ (lower case, exactly).
RECORD_SUFFIXES = (".yaml", ".yml")
#: Files the root may hold besides sources.yaml.
OPTIONAL_ROOT_FILES = frozenset({"ledger.yaml", "README", "README.md", "README.txt"})
#: Folders the root may hold; entities/ and facts/ are required.
ROOT_DIRS = ("entities", "facts")
OPTIONAL_ROOT_DIRS = frozenset({"texts"})


@dataclass(frozen=True)
class Layout:
    """The data files of a folder whose layout is valid, in reading order."""

    sources: Path
    entities: list[Path]
    facts: list[Path]

    def files(self) -> list[Path]:
        """Return every data file: sources.yaml, then the entity and fact files."""
        return [self.sources, *self.entities, *self.facts]


def _kind(mode: int) -> str:
    """Return the name of a non-regular file type, for messages."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


class _Checker:
    """Collects the layout problems of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.real_root = Path(os.path.realpath(data_dir))
        self.problems: list[str] = []

    def name(self, path: Path) -> Path:
        """Return ``path`` as messages name it: relative to the data folder's parent."""
        try:
            return path.relative_to(self.data_dir.parent)
        except ValueError:
            return path

    def mode(self, path: Path) -> int | None:
        """Return the mode of what ``path`` leads to, or None (problem recorded) when it is a
        symlink leading outside the data folder, a dangling symlink, or cannot be examined."""
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                target = Path(os.path.realpath(path))
                if target != self.real_root and self.real_root not in target.parents:
                    self.problems.append(
                        f"{self.name(path)}: a symlink to {target}, outside the data folder; "
                        "copy the file into the folder instead"
                    )
                    return None
                st = os.stat(path)
        except FileNotFoundError:
            self.problems.append(f"{self.name(path)}: a symlink whose target does not exist")
            return None
        except OSError as exc:
            self.problems.append(f"{self.name(path)}: cannot examine: {exc.strerror}")
            return None
        return st.st_mode

    def regular(self, path: Path) -> bool:
        """Return True when ``path`` leads to a regular file; record a problem otherwise."""
        mode = self.mode(path)
        if mode is None:
            return False
        if stat.S_ISDIR(mode):
            self.problems.append(f"{self.name(path)}: a folder where a file belongs; "
                                 "see docs/data-format.md for the layout of a data folder")
            return False
        if not stat.S_ISREG(mode):
            self.problems.append(f"{self.name(path)}: {_kind(mode)}, not a data file")
            return False
        return True

    def record_dir(self, sub: str) -> list[Path]:
        """Return the record files of ``entities/`` or ``facts/``, recording every entry that
        is not one."""
        folder = self.data_dir / sub
        mode = self.mode(folder)
        if mode is None:
            return []
        if not stat.S_ISDIR(mode):
            self.problems.append(f"{self.name(folder)}: must be a folder of YAML files")
            return []
        found = []
        for path in sorted(folder.iterdir()):
            mode = self.mode(path)
            if mode is None:
                continue
            if stat.S_ISDIR(mode):
                self.problems.append(f"{self.name(path)}: a folder where a file belongs ({sub}/ "
                                     f"has no subfolders); move its files into {sub}/")
            elif path.suffix not in RECORD_SUFFIXES:
                self.problems.append(
                    f"{self.name(path)}: not a data file (the files of {sub}/ end in .yaml or "
                    ".yml, in lower case); remove or rename it"
                )
            elif not stat.S_ISREG(mode):
                self.problems.append(f"{self.name(path)}: {_kind(mode)}, not a data file")
            else:
                found.append(path)
        return found


def discover(data_dir: Path) -> Layout:
    """Return the :class:`Layout` of ``data_dir``. Raises :class:`graph.errors.DataError`
    listing every entry that the format does not define and every missing required part."""
    data_dir = Path(data_dir)
    if not os.path.lexists(data_dir / "sources.yaml"):
        raise DataError([f"{data_dir}: no sources.yaml here; is this a tiegraph data folder?"])
    check = _Checker(data_dir)
    for sub in ROOT_DIRS:
        if not os.path.lexists(data_dir / sub):
            check.problems.append(f"{check.name(data_dir / sub)}: missing; a data folder has "
                                  "sources.yaml, entities/ and facts/")
    for path in sorted(data_dir.iterdir()):
        if path.name in ("sources.yaml", *OPTIONAL_ROOT_FILES):
            check.regular(path)
        elif path.name in OPTIONAL_ROOT_DIRS:
            mode = check.mode(path)
            if mode is not None and not stat.S_ISDIR(mode):
                check.problems.append(f"{check.name(path)}: must be a folder")
        elif path.name not in ROOT_DIRS:
            check.problems.append(
                f"{check.name(path)}: not part of a data folder (the root holds sources.yaml, "
                "entities/, facts/ and optionally ledger.yaml, README, texts/); move it out"
            )
    entities = check.record_dir("entities") if os.path.lexists(data_dir / "entities") else []
    facts = check.record_dir("facts") if os.path.lexists(data_dir / "facts") else []
    if check.problems:
        raise DataError(check.problems)
    return Layout(data_dir / "sources.yaml", entities, facts)


#: The files a bulk CSV folder holds (loaders.bulk.FILES; repeated here so that this module
#: needs nothing of the bulk loader), and what else it may hold.
BULK_FILES = ("sources.csv", "entities.csv", "facts.csv", "participants.csv", "citations.csv")
BULK_OPTIONAL_FILES = frozenset({"README", "README.md", "README.txt"})
BULK_OPTIONAL_DIRS = frozenset({"texts"})


def check_bulk_folder(folder: Path) -> None:
    """Return None when every entry of the bulk folder ``folder`` is one the format defines;
    raise :class:`graph.errors.DataError` naming every other one.

    A bulk folder holds the five CSV files (``BULK_FILES``), optionally ``texts/`` (the source
    texts) and a README. A stray file or subfolder, a FIFO, socket or device in place of a CSV
    file (reading it would block), and a symlink leading outside the folder are problems;
    nothing is opened. A missing CSV file is left to the bulk loader, which names the files a
    folder needs; a ``folder`` that is not a folder is left to the caller too.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    check = _Checker(folder)
    for path in sorted(folder.iterdir()):
        if path.name in BULK_FILES or path.name in BULK_OPTIONAL_FILES:
            check.regular(path)
        elif path.name in BULK_OPTIONAL_DIRS:
            mode = check.mode(path)
            if mode is not None and not stat.S_ISDIR(mode):
                check.problems.append(f"{check.name(path)}: must be a folder (of source texts)")
        else:
            check.problems.append(
                f"{check.name(path)}: not part of a bulk folder (it holds {', '.join(BULK_FILES)}"
                " and optionally texts/ and a README); move it out"
            )
    if check.problems:
        raise DataError(check.problems)
