"""The named Cypher queries of ``queries/*.cypher``: list them, load them, run them.

Each query is one file whose name is the query's name. Its header is a block of ``//``
comments::

    // name: agreements_between
    // question: Which agreements do two actors share, with their kind, status and dates?
    // params:
    //   a: an actor (name, id or alias), required
    //   b: another actor, required
    // :param a => 'Japan';
    // :param b => 'UK';
    // returns: one row per agreement ...

The ``:param`` lines are Neo4j Browser commands, commented so that the file pastes into the
Browser unchanged. A parameter whose description says ``optional`` is null when not given;
every other parameter the query uses must be given: the examples are documentation, never
defaults.

Values always travel as Cypher parameters, never as query text, and every query runs in a
read transaction (the server refuses writes there).

>>> [q.name for q in list_queries()][:2]                     # doctest: +SKIP
['agreements_between', 'agreements_of']
>>> rows = run_query(driver, load_query("agreements_between").text,
...                  {"a": "Japan", "b": "UK"}, "neo4j")     # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiegraph.graph.errors import TiegraphError
from tiegraph.graph.names import suggest

QUERY_DIR = Path(__file__).resolve().parent
NAME_RE = re.compile(r"^[a-z0-9_]+$")
PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PARAM_LINE = re.compile(r"^:param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.*?)\s*;?\s*$")
_PARAM_DOC = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$")
_HEADER_KEY = re.compile(r"^(name|question|params|returns):\s*(.*)$")
_BROWSER_COMMAND = re.compile(
    r"^\s*:(param|params|use|play|guide|style|help|server|clear|sysinfo|history|config|"
    r"queries|schema|dbs|debug)\b", re.IGNORECASE)
#: The largest user query file ``--file`` reads.
MAX_FILE_BYTES = 1_000_000


class QueryError(TiegraphError):
    """A query cannot be found, loaded or run as asked (bad name, file, parameters, Cypher):
    a usage error (exit 2)."""

    exit_code = 2


class UnknownQueryError(QueryError):
    """No query has that name; ``suggestions`` holds close names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = (f" Did you mean: {', '.join(suggestions)}?" if suggestions
                else " See `tiegraph query --list`.")
        super().__init__(f"unknown query {name!r}.{hint}")


@dataclass(frozen=True)
class Param:
    """A parameter of a query: its name, the example value as Cypher text (from the
    ``:param`` line), its description, and whether it may be left out (then it is null)."""

    name: str
    example: str | None
    description: str
    optional: bool

    @property
    def example_value(self) -> Any:
        """Return the example as a Python value (None if there is no example)."""
        return None if self.example is None else parse_cypher_literal(self.example)


@dataclass(frozen=True)
class QueryInfo:
    """A query: its name, the question it answers, its parameters, what it returns, its full
    text (header included) and the file it comes from (None for text given directly)."""

    name: str
    question: str
    params: tuple[Param, ...]
    returns: str
    text: str
    path: Path | None = None

    @property
    def required(self) -> list[str]:
        """Return the names of the parameters that must be given: those the query text uses,
        except the ones the header marks optional."""
        optional = {p.name for p in self.params if p.optional}
        return [n for n in used_parameters(self.text) if n not in optional]

    @property
    def examples(self) -> dict[str, Any]:
        """Return the header's example values by parameter name (for documentation, tests)."""
        return {p.name: p.example_value for p in self.params if p.example is not None}

    def param(self, name: str) -> Param | None:
        """Return the declared parameter ``name``, or None."""
        return next((p for p in self.params if p.name == name), None)


# --- reading queries ----------------------------------------------------------------------


def query_names() -> list[str]:
    """Return the names of the bundled queries, sorted."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.cypher") if NAME_RE.fullmatch(p.stem))


def list_queries() -> list[QueryInfo]:
    """Return every bundled query, parsed, sorted by name."""
    return [load_query(name) for name in query_names()]


def query_path(name: str) -> Path:
    """Return the file of the bundled query ``name``.

    Raises :class:`QueryError` when the name is not ``^[a-z0-9_]+$`` (so no path, no
    traversal, no Cypher) and :class:`UnknownQueryError` (with close names) when no such
    query exists.
    """
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        shown = name if len(str(name)) <= 60 else str(name)[:57] + "..."
        raise QueryError(
            f"invalid query name {shown!r}: a name has only lower-case letters, digits and "
            "underscores (see `tiegraph query --list`; run your own file with --file)"
        )
    path = (QUERY_DIR / f"{name}.cypher").resolve()
    if path.parent != QUERY_DIR or not path.is_file():
        names = query_names()
        raise UnknownQueryError(name, suggest(name, names))
    return path


def load_query(name: str) -> QueryInfo:
    """Return the bundled query ``name`` (see :func:`query_path` for the errors)."""
    path = query_path(name)
    info = parse_query(path.read_text(encoding="utf-8"), default_name=name, path=path)
    if info.name != name:
        raise QueryError(f"{path.name}: its header says 'name: {info.name}', not {name!r}")
    return info


def load_query_file(path: Path) -> QueryInfo:
    """Return a user's query file, read as text and checked to hold one statement.

    Lines that are Browser commands (``:param ...``, ``:use ...``) are dropped, so a file that
    was written for the Browser runs unchanged; their values are not used.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise QueryError(f"{path}: {size} bytes is too large for a query file")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QueryError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise QueryError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_query(text, default_name=path.stem, path=path)


def parse_query(text: str, default_name: str = "query", path: Path | None = None) -> QueryInfo:
    """Return the :class:`QueryInfo` of query ``text``: header parsed, Browser command lines
    dropped, and exactly one Cypher statement checked (a trailing ``;`` is allowed)."""
    header = _parse_header(text)
    body = strip_browser_commands(text)
    statement = single_statement(body, where=str(path or default_name))
    params = _header_params(header.get("params", []))
    return QueryInfo(
        name=" ".join(header.get("name", [])).strip() or default_name,
        question=" ".join(header.get("question", [])).strip(),
        params=params,
        returns=" ".join(header.get("returns", [])).strip(),
        text=statement,
        path=path,
    )


def _parse_header(text: str) -> dict[str, list[str]]:
    """Return the header's sections (name, question, params, returns) as lists of lines.

    A section starts with ``// key: ...`` (one space after ``//``); more indented comment lines
    continue it. Lines of ``params`` keep their indentation (it tells a parameter's
    description from its continuation)."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("//"):
            break
        content = line[2:].rstrip()
        stripped = content.strip()
        match = _HEADER_KEY.match(stripped)
        if match and len(content) - len(content.lstrip()) <= 1:
            current = match.group(1)
            first = match.group(2).strip()
            sections[current] = [first] if first else []
        elif current is not None and stripped:
            sections[current].append(content if current == "params" else stripped)
    return sections


def _header_params(lines: list[str]) -> tuple[Param, ...]:
    """Return the parameters declared by a header's ``params`` lines: ``name: description``
    lines (indented by up to 3 spaces; deeper lines continue the description) and Browser
    ``:param name => example;`` lines."""
    docs: dict[str, str] = {}
    examples: dict[str, str] = {}
    order: list[str] = []
    last: str | None = None
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped.lower() == "none":
            continue
        if m := _PARAM_LINE.match(stripped):
            examples[m.group(1)] = m.group(2)
            if m.group(1) not in order:
                order.append(m.group(1))
            last = None
        elif indent <= 3 and (m := _PARAM_DOC.match(stripped)):
            last = m.group(1)
            docs[last] = m.group(2)
            if last not in order:
                order.append(last)
        elif last is not None:
            docs[last] += " " + stripped
    return tuple(
        Param(name, examples.get(name), docs.get(name, ""),
              "optional" in docs.get(name, "").lower())
        for name in order
    )


# --- lexing Cypher just enough ------------------------------------------------------------


def _segments(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, text)`` pieces of Cypher: kind is 'code', 'string' (quoted, with its
    quotes), 'ident' (backticked), or 'comment'. Unterminated strings raise QueryError."""
    i, n = 0, len(text)
    start = 0
    while i < n:
        ch = text[i]
        two = text[i:i + 2]
        if two == "//" or two == "/*":
            if start < i:
                yield "code", text[start:i]
            end = text.find("\n", i) if two == "//" else text.find("*/", i + 2)
            if end == -1:
                if two == "/*":
                    raise QueryError("unterminated /* comment in the query")
                end = n
            else:
                end = end if two == "//" else end + 2
            yield "comment", text[i:end]
            i = start = end
        elif ch in "'\"`":
            if start < i:
                yield "code", text[start:i]
            j = i + 1
            while j < n:
                if text[j] == "\\" and ch != "`":
                    j += 2
                    continue
                if text[j] == ch:
                    if ch == "`" and text[j + 1:j + 2] == "`":  # `` inside an identifier
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                raise QueryError(f"unterminated {ch} quote in the query")
            yield ("ident" if ch == "`" else "string"), text[i:j + 1]
            i = start = j + 1
        else:
            i += 1
    if start < n:
        yield "code", text[start:]


def strip_browser_commands(text: str) -> str:
    """Return ``text`` without Neo4j Browser command lines (``:param x => 1;``, ``:params``,
    ``:use db``, ``:play``, ...): each such line outside comments and strings is dropped
    whole, strings and all."""
    out: list[str] = []
    at_line_start = True
    skipping = False
    for kind, piece in _segments(text):
        if kind != "code":
            if not skipping:
                out.append(piece)
            at_line_start = False
            continue
        for k, line in enumerate(piece.split("\n")):
            if k > 0:
                out.append("\n")
                at_line_start, skipping = True, False
            if skipping:
                continue
            if at_line_start and _BROWSER_COMMAND.match(line):
                skipping = True
                continue
            out.append(line)
            if line.strip():
                at_line_start = False
    return "".join(out)


def single_statement(text: str, where: str = "query") -> str:
    """Return ``text`` without a final ``;``; raise QueryError if it holds no statement or
    more than one."""
    pieces = list(_segments(text))
    code_at = [k for k, (kind, piece) in enumerate(pieces)
               if kind in ("string", "ident") or (kind == "code" and piece.strip())]
    if not code_at:
        raise QueryError(f"{where}: no Cypher statement found")
    semicolons = [(k, m.start()) for k, (kind, piece) in enumerate(pieces) if kind == "code"
                  for m in re.finditer(";", piece)]
    if semicolons:
        k, pos = semicolons[0]
        after = pieces[k][1][pos + 1:]
        rest = [p for kind, p in pieces[k + 1:] if kind != "comment"]
        if len(semicolons) > 1 or after.strip() or any(p.strip() for p in rest):
            raise QueryError(f"{where}: holds more than one statement; give exactly one "
                             "(a trailing ';' is allowed)")
        pieces[k] = ("code", pieces[k][1][:pos] + after)
    return "".join(piece for _, piece in pieces).strip()


_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)
#: The one form of LOAD CSV the runner lets through: FROM a string literal (``\0N\0`` stands
#: for the N-th string of the statement) directly followed by AS.
_LOAD_CSV_FROM_LITERAL = re.compile(
    r"\bLOAD\s+CSV\s+(?:WITH\s+HEADERS\s+)?FROM\s*\x00(\d+)\x00\s*AS\b", re.IGNORECASE)


def check_load_csv(text: str) -> None:
    """Return None when every ``LOAD CSV`` in ``text`` reads a ``file:///`` URL (a file in the
    server's import folder) given as a string literal; raise :class:`QueryError` otherwise.

    A remote URL (``http``, ``https``, ``ftp``, ``file://host/``) would make the server fetch
    it, and a URL computed at run time (a parameter, a concatenation, a variable) cannot be
    checked, so both are refused. Comments and strings are told apart from code, so a
    ``LOAD CSV`` inside a string or comment is not one.
    """
    strings: list[str] = []
    masked: list[str] = []
    for kind, piece in _segments(text):
        if kind == "string":
            masked.append(f"\x00{len(strings)}\x00")
            strings.append(piece[1:-1])
        else:
            masked.append(" " if kind == "comment" else piece)
    code = "".join(masked)
    allowed = {m.start(): int(m.group(1)) for m in _LOAD_CSV_FROM_LITERAL.finditer(code)}
    for found in _LOAD_CSV.finditer(code):
        if found.start() not in allowed:
            raise QueryError("the query's LOAD CSV reads from a URL computed when it runs; "
                             "tiegraph runs LOAD CSV only FROM a 'file:///...' string literal "
                             "(a file in the server's import folder), never from the network")
        url = strings[allowed[found.start()]]
        if not url.lower().startswith("file:///"):
            raise QueryError(f"the query's LOAD CSV reads from {url[:200]!r}: tiegraph runs "
                             "LOAD CSV only from 'file:///...' URLs (files in the server's "
                             "import folder), never from the network")


def used_parameters(text: str) -> list[str]:
    """Return the names of the ``$parameters`` a Cypher text uses, in order of appearance."""
    names: list[str] = []
    for kind, piece in _segments(text):
        if kind == "code":
            for m in re.finditer(r"\$([A-Za-z_][A-Za-z0-9_]*)", piece):
                if m.group(1) not in names:
                    names.append(m.group(1))
    # $`odd name` parameters are legal Cypher; the CLI cannot name them, so they show as-is.
    return names


def parse_cypher_literal(text: str) -> Any:
    """Return the Python value of a Cypher literal: a string in single or double quotes,
    a number, true/false/null, or a list or map of those. Raise QueryError otherwise."""
    value, end = _literal(text.strip(), 0)
    if text.strip()[end:].strip():
        raise QueryError(f"cannot read the literal {text!r}")
    return value


def _literal(s: str, i: int) -> tuple[Any, int]:
    """Return the literal starting at ``s[i]`` (after spaces) and the index after it."""
    while i < len(s) and s[i].isspace():
        i += 1
    if i >= len(s):
        raise QueryError(f"cannot read the literal {s!r}")
    ch = s[i]
    if ch in "'\"":
        out, j = [], i + 1
        escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}
        while j < len(s) and s[j] != ch:
            if s[j] == "\\" and j + 1 < len(s):
                out.append(escapes.get(s[j + 1], s[j + 1]))
                j += 2
            else:
                out.append(s[j])
                j += 1
        if j >= len(s):
            raise QueryError(f"unterminated string in {s!r}")
        return "".join(out), j + 1
    if ch in "[{":
        close = "]" if ch == "[" else "}"
        items: list[Any] = []
        pairs: dict[str, Any] = {}
        j = i + 1
        while True:
            while j < len(s) and s[j].isspace():
                j += 1
            if j < len(s) and s[j] == close:
                return (items if ch == "[" else pairs), j + 1
            if ch == "{":
                m = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:").match(s, j)
                if not m:
                    raise QueryError(f"cannot read the map in {s!r}")
                key = m.group(1)
                value, j = _literal(s, m.end())
                pairs[key] = value
            else:
                value, j = _literal(s, j)
                items.append(value)
            while j < len(s) and s[j].isspace():
                j += 1
            if j < len(s) and s[j] == ",":
                j += 1
            elif not (j < len(s) and s[j] == close):
                raise QueryError(f"cannot read the list or map in {s!r}")
    m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null", re.IGNORECASE).match(s, i)
    if not m:
        raise QueryError(f"cannot read the literal {s[i:]!r}")
    word = m.group(0).lower()
    if word in ("true", "false"):
        return word == "true", m.end()
    if word == "null":
        return None, m.end()
    number = m.group(0)
    return (float(number) if m.group(1) or m.group(2) else int(number)), m.end()


# --- parameters ---------------------------------------------------------------------------


def parse_param_value(text: str) -> Any:
    """Return a ``--param`` value: parsed as JSON when it is valid JSON (numbers, null,
    true/false, lists, objects, "quoted strings"), else the text itself as a string."""
    def no_constants(word: str) -> Any:
        raise ValueError(word)  # NaN and Infinity stay text

    try:
        return json.loads(text, parse_constant=no_constants)
    except ValueError:
        return text


def parse_params(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Return the parameters of ``KEY=VALUE`` items (see :func:`parse_param_value`)."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not PARAM_NAME_RE.fullmatch(key):
            raise QueryError(f"--param {item!r}: write KEY=VALUE, e.g. --param actor=Japan "
                             "(KEY is letters, digits and underscores)")
        if key in params:
            raise QueryError(f"--param {key} is given twice")
        params[key] = parse_param_value(value)
    return params


def check_params(info: QueryInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    """Return the parameters to send: those given, plus null for each optional one left out.

    Raises :class:`QueryError` listing every missing required parameter (with the header's
    example) and every parameter the query does not take.
    """
    used = used_parameters(info.text)
    known = set(used) | {p.name for p in info.params}
    unknown = sorted(set(params) - known)
    if unknown:
        takes = ", ".join(used) or "no parameters"
        raise QueryError(f"query {info.name!r} does not take {', '.join(unknown)} "
                         f"(it takes: {takes})")
    missing = [n for n in info.required if n not in params]
    if missing:
        hints = []
        for name in missing:
            p = info.param(name)
            example = p.example_value if p and p.example is not None else "VALUE"
            shown = example if isinstance(example, str) else json.dumps(example)
            hints.append(f"--param {name}={shown}")
        raise QueryError(f"query {info.name!r} needs parameter(s) {', '.join(missing)}: "
                         f"e.g. {' '.join(hints)}")
    full = dict(params)
    for p in info.params:
        if p.optional and p.name in used:
            full.setdefault(p.name, None)
    return full


# --- running ------------------------------------------------------------------------------


def run_query(driver_or_backend: Any, text: str, params: Mapping[str, Any] | None = None,
              database: str | None = None, *, settings: Any = None,
              write: bool = False) -> list[dict[str, Any]]:
    """Run one Cypher statement in a read transaction (a write transaction if ``write``) and
    return its rows as plain Python dicts (column order kept; nodes, relationships and paths
    converted by :func:`to_plain`).

    ``driver_or_backend`` is a neo4j Driver or a :class:`graph.api.Neo4jBackend`; the
    backend's (or the given) :class:`~graph.settings.Settings` give the default database and
    clear server error messages. ``params`` are sent as Cypher parameters. Cypher and
    parameter errors raise :class:`QueryError`, and so does a ``LOAD CSV`` from anything but a
    ``file:///`` literal (:func:`check_load_csv`), before the server is asked; an unreachable
    server raises :class:`graph.errors.ServerError`.
    """
    from contextlib import nullcontext

    from neo4j import exceptions as ne

    check_load_csv(text)

    settings = settings or getattr(driver_or_backend, "settings", None)
    driver = getattr(driver_or_backend, "driver", driver_or_backend)
    database = database or (settings.database if settings else None) or "neo4j"
    if settings is not None:
        from tiegraph.loaders.neo4j_loader import translate_errors

        guard: Any = translate_errors(settings, writes=write)
    else:
        guard = nullcontext()

    def work(tx: Any) -> list[dict[str, Any]]:
        result = tx.run(text, dict(params or {}))
        keys = list(result.keys())
        return [{k: to_plain(record[k]) for k in keys} for record in result]

    with guard:
        try:
            with driver.session(database=database, notifications_min_severity="OFF") as s:
                return s.execute_write(work) if write else s.execute_read(work)
        except ne.AuthError:
            raise
        except ne.ClientError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise
            if exc.code == "Neo.ClientError.Statement.AccessMode":
                raise QueryError("the query tries to write, and queries run in a read "
                                 "transaction: give --write to run your own --file as a write "
                                 "(use `tiegraph load` to change the curated graph)") from None
            message = (exc.message or str(exc)).strip()
            raise QueryError(f"the query failed ({exc.code}): {message}") from None


def to_plain(value: Any) -> Any:
    """Return a Neo4j value as plain Python: a node as ``{"labels": [...], "properties":
    {...}}``, a relationship as ``{"type", "start", "end", "properties"}`` (ends by their
    ``id`` property), a path as the list ``[node, rel, node, ...]``, temporal values as ISO
    strings, lists and maps recursively; everything else unchanged."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": _props(value)}
    if isinstance(value, Relationship):
        return {"type": value.type, "start": _end_id(value.start_node),
                "end": _end_id(value.end_node), "properties": _props(value)}
    if isinstance(value, Path):
        out: list[Any] = [to_plain(value.nodes[0])]
        for rel, node in zip(value.relationships, value.nodes[1:], strict=True):
            out += [to_plain(rel), to_plain(node)]
        return out
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _props(entity: Any) -> dict[str, Any]:
    """Return a node's or relationship's properties as plain Python, sorted by key."""
    return {k: to_plain(v) for k, v in sorted(dict(entity).items())}


def _end_id(node: Any) -> Any:
    """Return the ``id`` property of a relationship's end node, else its ``name`` (the label
    of a virtual node of ``db.schema.visualization()``), else its element id."""
    if node is None:
        return None
    return node.get("id", node.get("name", node.element_id))


def _is_node(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"labels", "properties"}


def _is_rel(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"type", "start", "end", "properties"}


def caption(value: Any) -> Any:
    """Return a short text for a plain node, relationship or path (for tables and CSV):
    a node by its name or id, a relationship as ``start -[TYPE]-> end``, a path as
    ``a -[TYPE]- b ...``; other values unchanged (lists element-wise)."""
    if _is_node(value):
        props = value["properties"]
        return str(props.get("name") or props.get("id") or ":".join(value["labels"]))
    if _is_rel(value):
        return f"{value['start']} -[{value['type']}]-> {value['end']}"
    if (isinstance(value, list) and len(value) % 2 == 1
            and all(_is_node(v) for v in value[::2]) and all(_is_rel(v) for v in value[1::2])):
        return " ".join(str(caption(v)) if _is_node(v) else f"-[{v['type']}]-" for v in value)
    if isinstance(value, list):
        return [caption(v) for v in value]
    return value
