"""Read a YAML data file into records while remembering the line of every value.

The validator reports problems as ``file:line``; PyYAML's composed node tree carries the
marks, so each record comes with a map from its key path (``("citations", 0, "quote")``) to
the 1-based line where that value starts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5_000_000
#: Deepest nesting of collections a file may have (a record needs about 7; deeper input is
#: refused before it is composed, since libyaml's composer recurses in C and would crash).
MAX_DEPTH = 30
#: How many values YAML aliases (``*name``) may add to a file when expanded ("billion laughs").
MAX_ALIAS_VALUES = 100_000
#: How large a file may be with its aliases expanded, in bytes: a file written out without
#: aliases has ``MAX_FILE_BYTES`` at most, so an expansion may not go beyond that either (a few
#: large values repeated by alias would otherwise fill the memory and every export).
MAX_EXPANDED_BYTES = MAX_FILE_BYTES
#: Characters YAML 1.1 does not accept in a stream (its "printable" set is everything else):
#: C0 controls but tab, LF and CR; DEL; C1 controls but NEL; U+FFFE and U+FFFF.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# libyaml's loader is several times faster and keeps the same marks; fall back to pure Python.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """The safe loader without YAML 1.1's implicit timestamps: an unquoted ``2019-02-30`` stays
    the string it is (and gets a proper date error) instead of crashing the date constructor."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

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


def _too_deep(file: Path | str, line: int) -> FileProblem:
    """Return the problem for collections nested deeper than ``MAX_DEPTH`` at ``line``."""
    return FileProblem(
        f"{file}:{line}: values nested more than {MAX_DEPTH} levels deep; a record "
        "is a mapping of plain values and lists"
    )


def _unprintable_problem(file: Path | str, text: str) -> FileProblem | None:
    """Return the problem for the first character YAML cannot hold (a NUL, another control
    character, U+FFFE/U+FFFF) with its line and column, or None when there is none."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return FileProblem(
        f"{file}:{line}: character U+{ord(found.group()):04X} at column {column} is not allowed "
        "in a YAML file (a control character or non-character); remove it, or write it as an "
        "escape in a double-quoted value if it is meant"
    )


def _syntax_problem(file: Path | str, text: str, exc: yaml.MarkedYAMLError) -> FileProblem:
    """Return the problem for a YAML syntax error, at the most useful line.

    An unclosed quote is the usual culprit of confusing errors: the quoted value runs on to the
    next quote character, and YAML breaks there. Such errors are reported where the quote opens.
    """
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    if "nesting depth" in problem:  # PyYAML >= 6.0.4 has a depth limit of its own
        return _too_deep(file, line)
    if (
        exc.context == "while scanning a quoted scalar"
        and exc.context_mark is not None
        and "end of stream" in problem
    ):
        return FileProblem(
            f"{file}:{exc.context_mark.line + 1}: YAML syntax error: the quoted value that starts "
            f"here is never closed ({problem} at line {line})"
        )
    quoted = _last_quoted_scalar(text, mark) if mark else None
    if quoted is not None and quoted.start_mark.line < quoted.end_mark.line == line - 1:
        return FileProblem(
            f"{file}:{quoted.start_mark.line + 1}: YAML syntax error: the quoted value that "
            f"starts here runs on to line {line}, where the YAML breaks ({problem}); is its "
            "closing quote missing?"
        )
    where = ""
    if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
        where = f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
    return FileProblem(f"{file}:{line}: YAML syntax error: {problem}{where}")


def _last_quoted_scalar(text: str, mark: Any) -> Any:
    """Return the last scalar token before ``mark`` if it is quoted (else None)."""
    loader = _Loader(text)
    last = None
    try:
        while loader.check_token():
            token = loader.get_token()
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return last if last is not None and last.style in ('"', "'") else None


def _check_shape(loader: Any, file: Path | str, file_bytes: int) -> None:
    """Refuse input that would exhaust the composer or the memory: collections nested deeper
    than ``MAX_DEPTH``, aliases that add more than ``MAX_ALIAS_VALUES`` values or take the file
    (``file_bytes`` long) beyond ``MAX_EXPANDED_BYTES`` when expanded, and aliases to the
    collection they are in. Reads the event stream, which needs no recursion.

    The expanded size of a node is the UTF-8 bytes of its scalars (keys included) plus one byte
    per value, with the aliases inside it expanded: an alias adds its anchor's expanded size.
    """
    stack: list[list[Any]] = []  # [anchor, values, bytes] of each open collection, expanded
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, bytes) when expanded
    added_values = 0
    added_bytes = 0
    while loader.check_event():
        event = loader.get_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _too_deep(file, line)
            stack.append([event.anchor, 1, 1])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, values, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = (values, size)
        elif isinstance(event, yaml.AliasEvent):
            if any(entry[0] == event.anchor for entry in stack):
                raise FileProblem(
                    f"{file}:{line}: YAML alias *{event.anchor} refers to the collection it is in"
                )
            values, size = sizes.get(event.anchor, (1, 1))
            added_values += values
            added_bytes += size
            if added_values > MAX_ALIAS_VALUES:
                raise FileProblem(
                    f"{file}:{line}: YAML aliases (*name) expand to more than "
                    f"{MAX_ALIAS_VALUES:,} values; write the values out instead"
                )
            if file_bytes + added_bytes > MAX_EXPANDED_BYTES:
                raise FileProblem(
                    f"{file}:{line}: YAML aliases (*name) expand the file to more than "
                    f"{MAX_EXPANDED_BYTES:,} bytes (the limit for a data file); write the "
                    "values out, or split the file"
                )
        elif isinstance(event, yaml.ScalarEvent):
            values, size = 1, len(event.value.encode("utf-8")) + 1
            if event.anchor is not None:
                sizes[event.anchor] = (values, size)
        else:
            continue
        if stack:
            stack[-1][1] += values
            stack[-1][2] += size


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


def read_records(
    file: Path, name: Path | None = None, skipped: list[str] | None = None
) -> list[Record]:
    """Return the records of a YAML file that holds a list of mappings.

    ``name`` is how messages and the records name the file (default: ``file``). When
    ``skipped`` is a list, list items that are not mappings are reported there and left out
    (the other records are returned); otherwise they raise :class:`FileProblem`. Raises
    :class:`FileProblem` (with file and line) for unreadable bytes, YAML syntax errors,
    duplicate keys, an empty file, input nested too deeply or expanding too much through
    aliases (in values or in bytes), or a top level that is not a list of mappings.
    """
    raw = file.read_bytes()
    file = name if name is not None else file
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
    unprintable = _unprintable_problem(file, text)
    if unprintable is not None:
        raise unprintable
    loader = _Loader(text)
    try:
        _check_shape(loader, file, len(raw))
        loader.dispose()
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            raise FileProblem(f"{file}:1: the file is empty; a data file holds a YAML list")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(file, text, exc) from None
    except yaml.YAMLError as exc:  # any other refusal of the reader (no mark): never a traceback
        raise FileProblem(f"{file}:1: YAML error: {exc}") from None
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
            problem = f"{file}:{line}: record {i + 1} is not a mapping of keys to values"
            if skipped is None:
                raise FileProblem(problem)
            skipped.append(problem)
            continue
        lines: dict[Path_, int] = {}
        _walk(item_node, (), lines, file)
        records.append(Record(data=_convert(item), file=file, line=line, lines=lines))
    return records
