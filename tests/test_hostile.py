"""Hostile input: actor names that look like Cypher, paths that leave their folder, labels and
relationship types that are not in the schema, and a static check that no Cypher text is
built from anything but schema-checked names and constants.

(Hostile query names and ``--param`` values of ``tiegraph query`` are tested with the query
library, in tests/test_queries.py.)
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tiegraph.graph.cli import main
from tiegraph.graph.errors import DataError, UnknownActorError
from tiegraph.graph.projection import GraphSpec, Node, Rel, project
from tiegraph.graph.schema import NODE_TYPES, REL_TYPES, check_label, check_rel_type
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.neo4j_loader import database_fingerprint, load_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small"
GOOD = FIXTURES / "good"

# --- actor names ------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "Japan' }) MATCH (n) DETACH DELETE n //",
    'Japan" }) MATCH (n) DETACH DELETE n //',
    "JPN`) DETACH DELETE n //",
    "`x`",
    "a\nb",
    "Japan\nerror: injected line",
    "' OR 1=1 --",
    "$a",
    "{id: 'JPN'}",
    "JPN\x00",
    "\u202eJapan",  # right-to-left override
    "Jаpan",  # Cyrillic а
    "../../etc/passwd",
    "   ",
    "x" * 100_000,
]
# How each command takes a name: the hostile one, and a real actor for the other end.
FORMS = {
    "densest --with": lambda name: ["densest", "--with", name],
    "explain A": lambda name: ["explain", name, "Japan"],
    "explain B": lambda name: ["explain", "Japan", name],
    "path A": lambda name: ["path", name, "Japan"],
    "path B": lambda name: ["path", "Japan", name],
    "timeline A": lambda name: ["timeline", name],
    "timeline B": lambda name: ["timeline", "Japan", name],
}


def cli_env(settings: Any, tmp_path: Path) -> dict[str, str]:
    return {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username,
            "NEO4J_PASSWORD": settings.password.get_secret_value(),
            "NEO4J_DATABASE": settings.database, "TIEGRAPH_DATA": str(SMALL),
            "TIEGRAPH_CACHE": str(tmp_path / "cache"), "TIEGRAPH_SOURCE": "files"}


@pytest.fixture(scope="module")
def small_graph(neo4j_driver: Any, neo4j_settings: Any) -> Iterator[Any]:
    """The session server holding the small fixture's graph."""
    database = neo4j_settings.database
    with neo4j_driver.session(database=database) as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    load_graph(neo4j_driver, project(load_dataset(SMALL, check_quotes=False)), database)
    yield neo4j_driver
    with neo4j_driver.session(database=database) as s:
        s.run("MATCH (n) DETACH DELETE n").consume()


@pytest.mark.parametrize("source", ["files", "neo4j"])
@pytest.mark.parametrize("form", list(FORMS))
def test_hostile_actor_names_are_unknown_actors(small_graph, neo4j_settings, tmp_path, form,
                                                source):
    before = database_fingerprint(small_graph, neo4j_settings.database)
    env = cli_env(neo4j_settings, tmp_path)
    runner = CliRunner()
    sanity = runner.invoke(main, [*FORMS[form]("Japan"), "--source", source, "--json"], env=env)
    assert sanity.exit_code in (0, 2), sanity.output  # 2: path from Japan to Japan
    for name in HOSTILE_NAMES:
        result = runner.invoke(main, [*FORMS[form](name), "--source", source], env=env)
        assert result.exit_code == UnknownActorError.exit_code, (name, result.output)
        assert result.stdout == ""
        # one line: the name is shown with repr, so a newline in it cannot forge output
        assert result.stderr.startswith("error: unknown actor ")
        assert result.stderr.count("\n") == 1, result.stderr
    assert database_fingerprint(small_graph, neo4j_settings.database) == before


# --- paths ----------------------------------------------------------------------------------------


@pytest.fixture
def good_copy(tmp_path: Path) -> tuple[Path, Path]:
    """The good fixture in tmp_path/data, its texts in tmp_path/texts."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data, ignore=shutil.ignore_patterns("texts"))
    shutil.copytree(GOOD / "texts", tmp_path / "texts")
    return data, tmp_path / "texts"


@dataclass
class Opened:
    paths: list[str]


@pytest.fixture
def opened_files() -> Iterator[Opened]:
    """Every file this process opens while the test runs (a Python audit hook; hooks cannot
    be removed, so it records only while a test holds it)."""
    record = Opened([])
    _AUDIT.append(record)
    try:
        yield record
    finally:
        _AUDIT.remove(record)


_AUDIT: list[Opened] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _AUDIT and isinstance(args[0], str | bytes | os.PathLike):
        _AUDIT[-1].paths.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


def read_outside(opened: Opened, *folders: Path) -> list[str]:
    """Return the files opened outside ``folders`` (Python's own files aside: modules, and
    the data of installed packages such as pycountry)."""
    python = tuple(str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix, *sys.path}
                   if p and Path(p).resolve() != Path.cwd().resolve() and Path(p).is_dir()
                   and Path(p).resolve() != ROOT)
    roots = [f.resolve() for f in folders]
    outside = []
    for name in opened.paths:
        path = Path(name).resolve()
        if path.suffix in (".py", ".pyc") or str(path).startswith(python):
            continue
        if not any(path.is_relative_to(root) for root in roots):
            outside.append(name)
    return outside


def relative_to_cwd(target: str) -> str:
    """Return ``target`` as a ``../..`` path from the working directory (a traversal)."""
    return os.path.relpath(target, Path.cwd())


@pytest.mark.parametrize("command", ["validate", "stats", "load"])
@pytest.mark.parametrize("where", ["traversal", "missing", "file"])
def test_data_folder_that_is_not_one_is_a_clear_error(command, where, tmp_path, neo4j_settings,
                                                      small_graph):
    target = {"traversal": relative_to_cwd("/etc"), "missing": str(tmp_path / "no" / "such"),
              "file": str(SMALL / "sources.yaml")}[where]
    if where == "traversal":
        assert target.startswith("..")
    before = database_fingerprint(small_graph, neo4j_settings.database)
    result = CliRunner().invoke(main, [command, "--data", target],
                                env=cli_env(neo4j_settings, tmp_path))
    assert result.exit_code == DataError.exit_code, result.output
    assert f"{target}: no sources.yaml here; is this a tiegraph data folder?" in result.stderr
    assert "Traceback" not in result.output
    assert database_fingerprint(small_graph, neo4j_settings.database) == before


@pytest.mark.parametrize("where", ["traversal", "missing"])
def test_sources_folder_that_is_not_one_is_a_clear_error(where, good_copy, tmp_path,
                                                         opened_files):
    data, _ = good_copy
    target = relative_to_cwd("/etc") if where == "traversal" else str(tmp_path / "none")
    result = CliRunner().invoke(main, ["validate", "--data", str(data), "--sources", target])
    assert result.exit_code == DataError.exit_code, result.output
    assert f"data/sources.yaml:3: source text {target}/source-a.txt is missing" in result.stderr
    assert opened_files.paths and not read_outside(opened_files, data, Path(target))


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "symlink"])
def test_a_source_file_outside_the_texts_folder_is_never_read(how, good_copy, tmp_path,
                                                              opened_files):
    """sources.yaml names a file outside the texts folder. The file holds the right text, so
    reading it would pass the quote check: the error shows it was refused, and the audit hook
    that it was never opened."""
    data, texts = good_copy
    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    shutil.move(texts / "source-a.txt", outside)
    name = {"dot-dot": "../outside/secret.txt", "absolute": str(outside),
            "symlink": "source-a.txt"}[how]
    if how == "symlink":
        (texts / "source-a.txt").symlink_to(outside)
    sources = data / "sources.yaml"
    sources.write_text(sources.read_text().replace("file: source-a.txt", f"file: {name}"))
    with pytest.raises(DataError) as err:
        load_dataset(data, texts)
    assert err.value.problems == [
        f"data/sources.yaml:3: source example-2020-note: file {name!r} is outside the folder "
        f"of source texts {texts}; name a file inside it"]
    assert opened_files.paths and not read_outside(opened_files, data, texts)
    assert not [p for p in opened_files.paths if "secret" in p]


# --- labels and relationship types ------------------------------------------------------------

INJECTIONS = [
    "State) DETACH DELETE n //",
    "State`",
    "`State`",
    "State:Admin",
    "State {id: 'x'}",
    "Actor|Fact",
    "CITES]->() DELETE r //",
    "CITES|HAS_CLAIM",
    "state",
    "cites",
    "State ",
    " State",
    "Stаte",  # Cyrillic а
    "State\x00",
    "",
    "n",
    "Label",
]


@pytest.mark.parametrize("name", INJECTIONS)
def test_check_label_and_rel_type_refuse_anything_else(name):
    with pytest.raises(ValueError, match="not in the tiegraph schema"):
        check_label(name)
    with pytest.raises(ValueError, match="not in the tiegraph schema"):
        check_rel_type(name)


def test_check_label_and_rel_type_accept_the_schema():
    for node_type in NODE_TYPES.values():
        assert check_label(node_type.label) == node_type.label
        assert check_label(node_type.group) == node_type.group
    for rel_type in REL_TYPES:
        assert check_rel_type(rel_type) == rel_type
        with pytest.raises(ValueError):
            check_label(rel_type)


EVIL = "Evil`) WITH 1 AS x MATCH (n) DETACH DELETE n //"


@pytest.mark.parametrize("where", ["label", "group", "relationship type"])
def test_loader_refuses_a_spec_outside_the_schema_and_writes_nothing(where, neo4j_driver,
                                                                      neo4j_settings,
                                                                      small_graph):
    """The wanted graph differs from the loaded one (so the load deletes and writes first),
    and one node or relationship has a label or type that is not in the schema."""
    database = neo4j_settings.database
    before = database_fingerprint(neo4j_driver, database)
    spec = project(load_dataset(GOOD, check_quotes=False))
    bad = GraphSpec(dict(spec.nodes), dict(spec.rels))
    if where == "label":
        bad.nodes["evil"] = Node("evil", ("Fact", EVIL), {"id": "evil"})
    elif where == "group":
        bad.nodes["evil"] = Node("evil", (EVIL, "Visit"), {"id": "evil"})
    else:
        a, b = sorted(n for n in spec.nodes if spec.nodes[n].labels[0] == "Actor")[:2]
        bad.rels["evil"] = Rel("evil", EVIL, a, b, {"key": "evil"})
    with pytest.raises(ValueError, match="not in the tiegraph schema"):
        load_graph(neo4j_driver, bad, database)
    assert database_fingerprint(neo4j_driver, database) == before


# --- no Cypher built from anything but checked names and constants -------------------------------

SCANNED = ("graph", "loaders", "queries")
CYPHER_WORDS = re.compile(
    r"\b(MATCH|MERGE|CREATE|DELETE|DETACH|REMOVE|RETURN|UNWIND|SET|WHERE|CALL|DROP|SHOW)\b")
CHECKS = {"check_label", "check_rel_type"}
SAFE_BUILTINS = {"sorted", "list", "tuple", "set", "frozenset", "str", "len", "int", "reversed"}
# Functions whose query text is a parameter, and why that is by design. Each call to them is
# checked in turn where it is a `.run(...)` call (Neo4jBackend.run's callers are).
PASS_THROUGH = {
    ("graph/api.py", "run", "cypher"): "Neo4jBackend.run: its callers' queries are checked",
    ("queries/library.py", "run_query", "text"): "run_query: the text of a named query file or the "
                                            "user's own --file, in a read-only transaction",
}


@dataclass
class Finding:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


class CypherTextCheck:
    """Check one module: every query passed to ``.run(...)`` or ``.execute_query(...)``, and
    every f-string, ``%`` or ``.format`` whose text reads like Cypher, may interpolate only

    * constants (literals, module constants built of literals, graph.schema's tables and
      functions), and what is derived from them (comprehensions over them, their attributes,
      their items by a safe key, joins of them);
    * names passed through ``check_label``/``check_rel_type``: a ``check_...(name)``
      statement that dominates the use (earlier in the same block or an enclosing one) with
      no assignment to ``name`` in between, or ``name = check_label(...)``.

    A function parameter or any other value is unsafe; a query that is a function parameter
    is reported as a pass-through (allowed only in ``PASS_THROUGH``).
    """

    def __init__(self, source: str, file: str) -> None:
        self.file = file
        self.tree = ast.parse(source)
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node  # type: ignore[attr-defined]
        self.schema_imports: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "tiegraph.graph.schema":
                self.schema_imports |= {a.asname or a.name for a in node.names}
        self.findings: list[Finding] = []
        self.pass_through: list[tuple[str, str, str]] = []
        self.run_calls = 0
        self.formatted_queries = 0
        self._busy: set[tuple[int, str]] = set()

    # -- scopes and bindings

    @staticmethod
    def _scope_of(node: ast.AST) -> ast.AST:
        node = node.parent  # type: ignore[attr-defined]
        while not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                             | ast.Module):
            node = node.parent  # type: ignore[attr-defined]
        return node

    @staticmethod
    def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
        """The nodes of ``scope`` outside nested functions and lambdas."""
        todo = list(ast.iter_child_nodes(scope))
        while todo:
            node = todo.pop()
            yield node
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.extend(ast.iter_child_nodes(node))

    def _bindings(self, scope: ast.AST, name: str) -> list[tuple[int, ast.AST | None, str]]:
        """Return (line, value, kind) for each binding of ``name`` in ``scope``: kind is
        'value' (the value is the bound expression), 'item' (an element of the value),
        'default' (a lambda's default: the value, seen from the enclosing scope), 'param'
        (no value: a parameter), 'schema' (imported from tiegraph.graph.schema) or 'other'."""
        out: list[tuple[int, ast.AST | None, str]] = []
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = scope.args
            positional = [*args.posonlyargs, *args.args]
            defaults = dict(zip([a.arg for a in positional[len(positional)
                                                           - len(args.defaults):]],
                                args.defaults, strict=True))
            defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults,
                                                       strict=True) if d is not None})
            every = [*positional, *args.kwonlyargs, args.vararg, args.kwarg]
            if name in {a.arg for a in every if a is not None}:
                if isinstance(scope, ast.Lambda) and name in defaults:  # not overridden:
                    out.append((scope.lineno, defaults[name], "default"))  # the driver calls

                else:
                    out.append((scope.lineno, None, "param"))
        for node in self._own_nodes(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    out += self._target(target, name, node.value, node.lineno)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
                out += self._target(node.target, name, node.value, node.lineno)
            elif isinstance(node, ast.For | ast.AsyncFor):
                out += [(node.lineno, node.iter, "item")
                        for _ in self._names_in(node.target, name)]
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                out += [(node.context_expr.lineno, None, "other")
                        for _ in self._names_in(node.optional_vars, name)]
            elif isinstance(node, ast.NamedExpr) and node.target.id == name:
                out.append((node.lineno, node.value, "value"))
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name).split(".")[0] == name:
                        kind = "schema" if name in self.schema_imports else "other"
                        out.append((node.lineno, None, kind))
            elif isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
                out.append((node.lineno, None, "other"))
        return out

    def _target(self, target: ast.AST, name: str, value: ast.AST,
                line: int) -> list[tuple[int, ast.AST | None, str]]:
        if isinstance(target, ast.Name):
            return [(line, value, "value")] if target.id == name else []
        if isinstance(target, ast.Tuple | ast.List):
            return [(line, value, "item")] if list(self._names_in(target, name)) else []
        return []

    @staticmethod
    def _names_in(target: ast.AST, name: str) -> Iterator[ast.Name]:
        for node in ast.walk(target):
            if isinstance(node, ast.Name) and node.id == name:
                yield node

    def _checked(self, use: ast.AST, name: str, scope: ast.AST) -> bool:
        """True if a ``check_...(name)`` statement dominates ``use`` in ``scope``, with no
        assignment to ``name`` between it and the use."""
        statement = use
        while not isinstance(statement, ast.stmt):
            statement = statement.parent  # type: ignore[attr-defined]
        rebound = [line for line, _, _ in self._bindings(scope, name)]
        while statement is not scope and not isinstance(statement, ast.Module):
            parent = statement.parent  # type: ignore[attr-defined]
            for field_name in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(parent, field_name, None)
                if not isinstance(block, list) or statement not in block:
                    continue
                for earlier in block[:block.index(statement)]:
                    if (isinstance(earlier, ast.Expr) and isinstance(earlier.value, ast.Call)
                            and isinstance(earlier.value.func, ast.Name)
                            and earlier.value.func.id in CHECKS
                            and [ast.dump(a) for a in earlier.value.args]
                            == [ast.dump(ast.Name(name, ast.Load()))]
                            and not [r for r in rebound if earlier.lineno < r <= use.lineno]):
                        return True
            statement = parent
        return False

    def _comprehension_binding(self, use: ast.AST, name: str) -> ast.AST | None:
        node = use
        while not isinstance(node, ast.Module):
            node = node.parent  # type: ignore[attr-defined]
            if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
                for gen in node.generators:
                    if list(self._names_in(gen.target, name)):
                        return gen.iter
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return None
        return None

    # -- safety of expressions

    def safe(self, expr: ast.AST | None, at: ast.AST) -> bool:
        """True if ``expr`` (found at ``at``) is built only of constants and checked names."""
        if expr is None:
            return True
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.JoinedStr):
            return all(self.safe(v.value, at) for v in expr.values
                       if isinstance(v, ast.FormattedValue))
        if isinstance(expr, ast.Name):
            return self._safe_name(expr.id, at)
        if isinstance(expr, ast.Attribute | ast.Starred):
            return self.safe(expr.value, at)
        if isinstance(expr, ast.Subscript):
            return self.safe(expr.value, at) and self.safe(expr.slice, at)
        if isinstance(expr, ast.Slice):
            return all(self.safe(p, at) for p in (expr.lower, expr.upper, expr.step))
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Name):
                if expr.func.id in CHECKS or expr.func.id in self.schema_imports:
                    return True
                if expr.func.id not in SAFE_BUILTINS:
                    return False
            elif not self.safe(expr.func, at):
                return False
            return (all(self.safe(a, at) for a in expr.args)
                    and all(self.safe(k.value, at) for k in expr.keywords))
        if isinstance(expr, ast.BinOp):
            return self.safe(expr.left, at) and self.safe(expr.right, at)
        if isinstance(expr, ast.BoolOp):
            return all(self.safe(v, at) for v in expr.values)
        if isinstance(expr, ast.UnaryOp):
            return self.safe(expr.operand, at)
        if isinstance(expr, ast.Compare):
            return True  # a boolean
        if isinstance(expr, ast.IfExp):
            return self.safe(expr.body, at) and self.safe(expr.orelse, at)
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            return all(self.safe(e, at) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return all(self.safe(e, at) for e in [*expr.keys, *expr.values] if e is not None)
        if isinstance(expr, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self.safe(expr.elt, expr.elt)  # generator targets resolve to their iters
        if isinstance(expr, ast.DictComp):
            return self.safe(expr.key, expr.key) and self.safe(expr.value, expr.value)
        return False

    def _safe_name(self, name: str, at: ast.AST) -> bool:
        key = (id(at), name)
        if key in self._busy:
            return False  # a cycle: x = x + ...
        self._busy.add(key)
        try:
            iterable = self._comprehension_binding(at, name)
            if iterable is not None:
                return self.safe(iterable, iterable)
            scope = self._scope_of(at)
            while True:
                if not isinstance(scope, ast.Module) and self._checked(at, name, scope):
                    return True
                bindings = self._bindings(scope, name)
                if bindings:
                    if isinstance(scope, ast.Module) and self.file == "graph/schema.py":
                        return True  # the schema's own tables
                    return all(self._safe_binding(value, kind, scope)
                               for _, value, kind in bindings)
                if isinstance(scope, ast.Module):
                    return False  # a builtin or an unknown name
                at, scope = scope, self._scope_of(scope)
        finally:
            self._busy.discard(key)

    def _safe_binding(self, value: ast.AST | None, kind: str, scope: ast.AST) -> bool:
        if kind == "schema":
            return True
        if kind in ("param", "other") or value is None:
            return False
        return self.safe(value, scope if kind == "default" else value)

    def _binding_scope(self, name: str, at: ast.AST) -> ast.AST:
        """Return the innermost scope around ``at`` that binds ``name``."""
        scope = self._scope_of(at)
        while not isinstance(scope, ast.Module) and not self._bindings(scope, name):
            scope = self._scope_of(scope)
        return scope

    # -- the checks

    def run(self) -> CypherTextCheck:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("run", "execute_query") and not (
                        isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "subprocess"):
                    self._check_query(node)
                elif (node.func.attr == "format" and isinstance(node.func.value, ast.Constant)
                      and CYPHER_WORDS.search(str(node.func.value.value))):
                    self._report(node, "Cypher built with str.format")
            elif isinstance(node, ast.JoinedStr) and self._reads_like_cypher(node):
                self.formatted_queries += 1
                if not self.safe(node, node):
                    self._report(node, "an f-string of Cypher interpolates an unchecked value")
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
                  and isinstance(node.left, ast.Constant)
                  and CYPHER_WORDS.search(str(node.left.value))):
                self._report(node, "Cypher built with %")
        return self

    @staticmethod
    def _reads_like_cypher(node: ast.JoinedStr) -> bool:
        text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        return bool(CYPHER_WORDS.search(text))

    def _check_query(self, call: ast.Call) -> None:
        query = call.args[0] if call.args else next(
            (k.value for k in call.keywords if k.arg in ("query", "cypher")), None)
        if query is None:
            return
        self.run_calls += 1
        if self.safe(query, query):
            return
        if isinstance(query, ast.Name):
            scope = self._binding_scope(query.id, query)
            kinds = {kind for _, _, kind in self._bindings(scope, query.id)}
            if kinds == {"param"}:
                name = getattr(scope, "name", "<lambda>")
                self.pass_through.append((self.file, name, query.id))
                return
        self._report(call, f"query {ast.unparse(query)[:60]!r} is not built of constants and "
                           "schema-checked names")

    def _report(self, node: ast.AST, what: str) -> None:
        self.findings.append(Finding(self.file, getattr(node, "lineno", 0), what))


def check_source(source: str, file: str = "<sample>") -> CypherTextCheck:
    return CypherTextCheck(textwrap.dedent(source), file).run()


def test_no_cypher_is_built_from_unchecked_names():
    findings: list[str] = []
    pass_through: list[tuple[str, str, str]] = []
    runs = formatted = 0
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            check = check_source(path.read_text(encoding="utf-8"), rel)
            findings += [str(f) for f in check.findings]
            pass_through += check.pass_through
            runs += check.run_calls
            formatted += check.formatted_queries
    assert not findings, "\n".join(findings)
    assert set(pass_through) <= set(PASS_THROUGH), pass_through
    # not vacuous: the loader's writes are among what was checked
    assert runs >= 12 and formatted >= 8, (runs, formatted)


SAFE_SAMPLES = {
    "checked parameter": """
        from tiegraph.graph.schema import check_label
        def f(tx, label):
            check_label(label)
            tx.run(f"MATCH (n:{label}) RETURN n")
    """,
    "checked in the enclosing loop": """
        from tiegraph.graph.schema import check_rel_type
        def f(tx, by_type):
            for rel_type, keys in by_type.items():
                check_rel_type(rel_type)
                for batch in keys:
                    tx.run(f"MATCH ()-[r:{rel_type}]->() DELETE r", keys=batch)
    """,
    "schema constants": """
        from tiegraph.graph.schema import DATA_GROUPS
        def f(tx):
            groups = " OR ".join(f"n:{g}" for g in DATA_GROUPS)
            tx.run(f"MATCH (n) WHERE {groups} RETURN n")
    """,
    "query in a variable, checked by assignment": """
        from tiegraph.graph.schema import check_rel_type
        def f(tx, rel):
            t = check_rel_type(rel)
            query = f"MATCH ()-[r:{t}]->() RETURN r"
            tx.run(query)
    """,
    "module constant": """
        QUERY = "MATCH (n) RETURN n"
        def f(session):
            return session.run(QUERY)
    """,
}
UNSAFE_SAMPLES = {
    "unchecked parameter": """
        def f(tx, label):
            tx.run(f"MATCH (n:{label}) RETURN n")
    """,
    "check that may not run": """
        from tiegraph.graph.schema import check_label
        def f(tx, label, strict):
            if strict:
                check_label(label)
            tx.run(f"MATCH (n:{label}) RETURN n")
    """,
    "reassigned after the check": """
        from tiegraph.graph.schema import check_label
        def f(tx, label, other):
            check_label(label)
            label = other
            tx.run(f"MATCH (n:{label}) RETURN n")
    """,
    "check after the use": """
        from tiegraph.graph.schema import check_label
        def f(tx, label):
            tx.run(f"MATCH (n:{label}) RETURN n")
            check_label(label)
    """,
    "label from the data": """
        def f(tx, spec):
            for node in spec.nodes.values():
                tx.run(f"MERGE (n:{node.labels[0]} {{id: $id}})", id=node.id)
    """,
    "query in a variable": """
        def f(tx, name):
            query = "MATCH (n:" + name + ") RETURN n"
            tx.run(query)
    """,
    "percent": """
        def f(tx, name):
            tx.run("MATCH (n:%s) RETURN n" % name)
    """,
    "format": """
        def f(tx, name):
            tx.run("MATCH (n:{}) RETURN n".format(name))
    """,
    "built away from run": """
        def statements(names):
            return [f"CREATE INDEX FOR (n:{name}) ON (n.id)" for name in names]
    """,
}


@pytest.mark.parametrize("name", list(SAFE_SAMPLES))
def test_the_check_accepts_checked_names_and_constants(name):
    check = check_source(SAFE_SAMPLES[name])
    assert not check.findings and not check.pass_through, check.findings


@pytest.mark.parametrize("name", list(UNSAFE_SAMPLES))
def test_the_check_finds_unchecked_names(name):
    assert check_source(UNSAFE_SAMPLES[name]).findings
