"""Read a YAML data file into records while remembering the line of every value.

The validator reports problems as ``file:line``; PyYAML's composed node tree carries the
marks, so each record comes with a map from its key path (``("citations", 0, "quote")``) to
the 1-based line where that value starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5_000_000
# libyaml's loader is several times faster and keeps the same marks; fall back to pure Python.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


@dataclass
class Record:
    """One top-level mapping of a data file, with line numbers for its values."""

    data: dict[str, Any]
    file: Path
    line: int
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_) -> int:
        """Return the line of the longest prefix of ``loc`` that has one (else the record's)."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return self.line

    def where(self, loc: Path_ = ()) -> str:
        """Return ``file:line`` for ``loc`` (for messages)."""
        return f"{self.file}:{self.line_of(loc)}"


class FileProblem(Exception):
    """A whole file cannot be read; ``str()`` is the message with file and line."""


def _plain(value: Any) -> Any:
    """Turn YAML-native dates back into the ISO strings the format uses."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: Path) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise FileProblem(
                    f"{file}:{line}: duplicate key {key!r} (first at line {seen[key]})"
                )
            seen[key] = line
            _walk(value_node, (*path, key), lines, file)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, file)


def _convert(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _convert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(v) for v in value]
    return _plain(value)


def read_records(file: Path) -> list[Record]:
    """Return the records of a YAML file that holds a list of mappings.

    Raises :class:`FileProblem` (with file and line) for unreadable bytes, YAML syntax errors,
    duplicate keys, an empty file, or a top level that is not a list of mappings.
    """
    raw = file.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise FileProblem(
            f"{file}: {len(raw):,} bytes is larger than the {MAX_FILE_BYTES:,}-byte limit for a "
            "data file; split it into several files"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblem(
            f"{file}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FileProblem(f"{file}:1: the file is empty; a data file holds a YAML list")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise FileProblem(f"{file}:{line}: YAML syntax error: {exc.problem}") from None
    finally:
        loader.dispose()
    if not isinstance(node, yaml.SequenceNode) or not isinstance(data, list):
        raise FileProblem(
            f"{file}:{node.start_mark.line + 1}: the top level must be a list of records "
            "(lines starting with '- ')"
        )
    records = []
    for i, (item_node, item) in enumerate(zip(node.value, data, strict=True)):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise FileProblem(f"{file}:{line}: record {i + 1} is not a mapping of keys to values")
        lines: dict[Path_, int] = {}
        _walk(item_node, (), lines, file)
        records.append(Record(data=_convert(item), file=file, line=line, lines=lines))
    return records
