"""Initial loads with Neo4j's offline importer (``neo4j-admin database import full``).

The online loaders (:mod:`loaders.neo4j_loader`, :mod:`loaders.bulk`) write through Cypher
transactions, and on a small machine the server's CPU bounds them (docs/scale.md). For the
*first* load of a large input into an *empty* database of a tiegraph-managed local server
(:mod:`graph.localserver`), this module uses Neo4j's own bulk importer instead:

1. check that the database is empty (an offline import replaces the whole database, so it
   refuses to run on one that holds anything), before and again after step 2;
2. validate the folder exactly like ``tiegraph bulk-load`` (every row; nothing happens
   unless all are valid) and, in the same pass, write each valid chunk's projection as the
   importer's CSV files (one per node group and per relationship type and end groups, typed
   headers) into ``<home>/import`` (deleted afterwards, and at once if a row is invalid);
4. stop the server, move the empty database's folders aside, run the importer, start the
   server again; if the importer fails, its partial output is deleted, the empty database is
   moved back and the server restarted, so the database is as it was;
5. create the schema (:func:`graph.schema.constraint_statements`), wait for the indexes to be
   populated, and record the load in the ``LoadInfo`` node like the other loaders.

The graph is the same, node for node and property for property, as ``tiegraph bulk-load``
writes (tests/test_admin_import.py compares them). Later changes go through the online
loaders, which compare and write only the difference.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiegraph.graph.errors import ConfigError, LocalServerError, RefusedError
from tiegraph.graph.projection import GraphSpec
from tiegraph.graph.schema import (
    GROUP_LABELS,
    NODE_TYPES,
    REL_TYPES,
    TEMPORAL_PROPERTIES,
    check_label,
    check_rel_type,
)

#: Separator of list elements in the importer's CSV (``--array-delimiter``): the ASCII unit
#: separator, which no curated text contains (checked while writing).
ARRAY_DELIMITER = "\x1f"
_CSV_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_BACKUP = ".tiegraph-before-import"


@dataclass
class ImportResult:
    """The outcome of an offline import: sizes and where the time went (seconds)."""

    facts: int = 0
    nodes: int = 0
    relationships: int = 0
    quotes_checked: bool = False
    seconds_validate: float = 0.0
    seconds_export: float = 0.0
    seconds_import: float = 0.0
    seconds_restart: float = 0.0
    seconds_schema: float = 0.0
    data_hash: str = ""

    @property
    def seconds_total(self) -> float:
        """Return the end-to-end time: validation, export, import, restart and schema."""
        return (self.seconds_validate + self.seconds_export + self.seconds_import
                + self.seconds_restart + self.seconds_schema)


def _csv_type(value: Any, where: str) -> str | None:
    """Return the importer's type of ``value`` (``string``, ``long[]``, ...), None for []."""
    if isinstance(value, list):
        kinds = {_csv_type(v, where) for v in value}
        if not kinds:
            return None
        if len(kinds) != 1 or any(k is None or k.endswith("[]") for k in kinds):
            raise ValueError(f"{where}: a list of mixed or nested values cannot be imported")
        return f"{kinds.pop()}[]"
    kind = _CSV_TYPES.get(type(value))
    if kind is None:
        raise ValueError(f"{where}: a {type(value).__name__} value cannot be imported")
    return kind


def _field(value: Any) -> str:
    """Return one CSV field: strings always quoted (so "" stays an empty string, not null),
    numbers and booleans bare, lists joined by :data:`ARRAY_DELIMITER` and quoted."""
    kind = type(value)
    if kind is str:
        return '"' + value.replace('"', '""') + '"'
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return repr(value)
    if kind is list:
        parts = []
        for item in value:
            text = item if type(item) is str else _field(item)
            if ARRAY_DELIMITER in text:
                raise ValueError("a list element contains the importer's array delimiter U+001F")
            parts.append(text)
        return '"' + ARRAY_DELIMITER.join(parts).replace('"', '""') + '"'
    raise ValueError(f"a {kind.__name__} value cannot be imported")


class _File:
    """One CSV file of the importer and its typed columns. Columns are learnt from the rows
    as they come and appended at the end; earlier rows are then shorter than the header,
    which the importer reads as absent values. The header goes into a file of its own,
    written when every column is known."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.types: dict[str, str] = {}
        self.multiline = False

    def row(self, fixed: list[str], props: dict[str, Any], where: str, skip: str = "") -> None:
        types = self.types
        for key, value in props.items():
            temporal = key in TEMPORAL_PROPERTIES  # an ISO string, imported as a date
            kind = "date" if temporal else _CSV_TYPES.get(type(value))
            known = types.get(key)
            if kind is not None and kind == known or key == skip:
                continue
            if known is None or kind is None:  # a new column, or a list
                kind = "date" if temporal else _csv_type(value, f"{where}.{key}")
                if known is None:
                    if kind is not None:  # an empty list: the column takes the others' type
                        types[key] = kind
                    continue
                if kind is None or kind == known:
                    continue
            raise ValueError(f"{where}: property {key!r} is {known} and {kind} in different "
                             "items; the importer needs one type per column")
        fields = fixed + [('"' + v.replace('"', '""') + '"') if type(v) is str else _field(v)
                          for v in map(props.get, types)]
        while not fields[-1]:  # a short row must not end in an empty field: the importer
            fields.pop()       # would read the next line as the rest of this one
        line = ",".join(fields)
        if "\n" in line or "\r" in line:
            self.multiline = True
        self.handle.write(line + "\n")


def _end_groups() -> dict[str, tuple[str | None, str | None]]:
    """Return, per relationship type, the group label of its start and end nodes where the
    schema makes it unique (None where it does not, e.g. CITES starts at a Fact or a Claim)."""
    def group(labels: str) -> str | None:
        groups = {lbl if lbl in GROUP_LABELS else NODE_TYPES[lbl].group
                  for lbl in labels.split("|")}
        return groups.pop() if len(groups) == 1 else None

    return {t: (group(r.start), group(r.end)) for t, r in REL_TYPES.items()}


_END_GROUPS = _end_groups()


class ImportFiles:
    """The importer's CSV files in one folder: add parts of the graph with :meth:`add`, then
    :meth:`finish` for the importer's arguments. Memory holds the group label of every node
    that is not a ``Fact`` (entities, sources, claims), not the facts themselves."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.files: dict[tuple[str, ...], _File] = {}
        self.group_of: dict[str, str] = {}
        self.nodes = 0
        self.relationships = 0

    def _file(self, name: tuple[str, ...]) -> _File:
        file = self.files.get(name)
        if file is None:
            file = self.files[name] = _File(self.folder / ("-".join(name) + ".csv"))
        return file

    def groups(self, groups: Mapping[str, str]) -> None:
        """Record the group labels of nodes that relationships may end at (not Facts)."""
        self.group_of.update((k, g) for k, g in groups.items() if g != "Fact")

    def add(self, spec: GraphSpec) -> None:
        """Write the nodes and relationships of ``spec``; a relationship's end nodes must be
        in ``spec``, in an earlier part or in :meth:`groups` (else they are taken as Facts
        and the importer reports the missing node)."""
        group_of = self.group_of
        for node in spec.nodes.values():
            group = node.labels[0]
            if group != "Fact":
                group_of[node.id] = group
            self._file(("nodes", group)).row([_field(node.id), _field(list(node.labels))],
                                              node.props, node.id, skip="id")
        for rel in spec.rels.values():
            start, end = _END_GROUPS.get(rel.type, (None, None))
            name = ("rels", rel.type, start or group_of.get(rel.start, "Fact"),
                    end or group_of.get(rel.end, "Fact"))
            self._file(name).row([_field(rel.start), _field(rel.end)], rel.props, rel.key)
        self.nodes += len(spec.nodes)
        self.relationships += len(spec.rels)

    def finish(self) -> list[str]:
        """Close the files, write their headers; return the importer's input arguments."""
        args = []
        multiline = False
        for name, file in sorted(self.files.items()):
            file.handle.close()
            multiline = multiline or file.multiline
            typed = [f"{k}:{t}" for k, t in file.types.items()]
            if name[0] == "nodes":
                header = [f"id:ID({check_label(name[1])})", ":LABEL", *typed]
            else:
                check_rel_type(name[1])
                header = [f":START_ID({check_label(name[2])})",
                          f":END_ID({check_label(name[3])})", *typed]
            head = file.path.with_suffix(".header.csv")
            head.write_text(",".join(header) + "\n", encoding="utf-8")
            if name[0] == "nodes":
                args.append(f"--nodes={head},{file.path}")
            else:
                args.append(f"--relationships={name[1]}={head},{file.path}")
        if multiline:
            args.append("--multiline-fields=true")
        return args


def write_import_files(parts: Iterable[GraphSpec], folder: Path,
                       groups: Mapping[str, str] | None = None) -> tuple[list[str], int, int]:
    """Write the importer's CSV files for ``parts`` into ``folder`` (``groups``: the group
    labels of end nodes that are in no part); return the importer's arguments, the number
    of nodes and of relationships."""
    files = ImportFiles(folder)
    files.groups(groups or {})
    for spec in parts:
        files.add(spec)
    return files.finish(), files.nodes, files.relationships


def _check_target(home: Path, uri: str) -> None:
    """Raise unless the server of ``home`` is running and ``uri`` is its Bolt address (the
    emptiness check must look at the database that the import replaces)."""
    from urllib.parse import urlsplit

    from tiegraph.graph import localserver

    st = localserver.status(home)
    if not st.running:
        raise LocalServerError(f"no local Neo4j server is running at {home}: start it with "
                               "`tiegraph neo4j start` (the import needs its home and an "
                               "empty database)")
    parts = urlsplit(uri)
    try:
        port = parts.port or 7687
    except ValueError:
        port = None
    if parts.hostname not in ("localhost", "127.0.0.1", "::1") or port != st.bolt_port:
        raise ConfigError(f"the connection settings point at {parts.hostname}:{port}, but the "
                          f"local server at {home} listens on 127.0.0.1:{st.bolt_port}: set "
                          f"NEO4J_URI=bolt://127.0.0.1:{st.bolt_port} (or --uri)")


def _refuse_unless_empty(driver: Any, database: str) -> None:
    """Raise RefusedError (exit 8) if ``database`` holds any node."""
    with driver.session(database=database) as session:
        empty = session.run("MATCH (n) RETURN count(n) = 0 AS empty").single()["empty"]
    if not empty:
        raise RefusedError(
            f"database {database!r} is not empty: an offline import replaces the whole "
            "database, so it only does initial loads. Use `tiegraph bulk-load` or `tiegraph "
            "load` (they write only the difference), or empty the database first")


def offline_import(
    folder: Path | None,
    home: Path,
    settings: Any,
    *,
    sources_dir: Path | None = None,
    check_quotes: bool = True,
    chunk_size: int | None = None,
    progress: Any = None,
    importer_heap: str = "1g",
    mme: Path | None = None,
) -> ImportResult:
    """Validate the bulk ``folder`` and import it with ``neo4j-admin database import full``
    into the empty database of the local server in ``home`` (which must be running, with
    ``settings`` to connect to it); return an :class:`ImportResult`. With ``mme`` (the MME
    v7 CSV) its exercises are imported too, as ``bulk-load`` and ``load`` take them.

    Raises DataError (invalid input: nothing touched), ConfigError (the database is not
    empty), LocalServerError (the server is not running, or the importer failed: the empty
    database is restored and the server restarted) or the driver's errors.
    """
    from tiegraph.graph.projection import project
    from tiegraph.loaders.bulk import (
        CHUNK_SIZE,
        FACTS_FILE,
        _file_hash,
        _project,
        _set_load_info,
        base_spec,
        files_hash,
        validate_bulk,
    )
    from tiegraph.loaders.dataset import load_dataset
    from tiegraph.loaders.mme import combine, load_mme
    from tiegraph.loaders.neo4j_loader import init_schema, open_driver, spec_hash, translate_errors
    from tiegraph.loaders.paths import default_data_dir

    folder = Path(folder) if folder is not None else default_data_dir()
    home = Path(home).expanduser().resolve()
    database = settings.database
    _check_target(home, settings.uri)
    with open_driver(settings, writes=True) as driver, translate_errors(settings, writes=True):
        _refuse_unless_empty(driver, database)
    result = ImportResult()
    t0 = time.perf_counter()
    work = home / "import" / f"tiegraph-import-{time.time_ns()}"
    files = ImportFiles(work)
    export = [0.0]
    try:
        if (folder / FACTS_FILE).is_file():
            def write(ds: Any) -> None:  # each valid chunk, during the validation pass
                t = time.perf_counter()
                files.add(_project(ds))
                export[0] += time.perf_counter() - t

            data = validate_bulk(folder, sources_dir, check_quotes=check_quotes,
                                 chunk_size=chunk_size or CHUNK_SIZE, progress=progress,
                                 on_chunk=write, mme=mme)
            t = time.perf_counter()
            files.add(base_spec(data))
            export[0] += time.perf_counter() - t
            result.facts = data.facts
            result.quotes_checked = data.quotes_checked
            result.data_hash = ("bulk:" + files_hash(folder)
                                + (f"+mme:{_file_hash(mme)}" if mme else ""))
        else:  # a YAML data folder
            ds = load_dataset(folder, sources_dir, check_quotes=check_quotes)
            if mme is not None:
                ds = combine(ds, load_mme(mme, ds.entities))
            whole = project(ds)
            t = time.perf_counter()
            files.add(whole)
            export[0] += time.perf_counter() - t
            result.facts = len(ds.facts)
            result.quotes_checked = check_quotes
            result.data_hash = spec_hash(whole)
        t = time.perf_counter()
        args = files.finish()
        result.nodes, result.relationships = files.nodes, files.relationships
        result.seconds_export = export[0] + time.perf_counter() - t
        result.seconds_validate = time.perf_counter() - t0 - result.seconds_export
        with open_driver(settings, writes=True) as driver, translate_errors(settings, writes=True):
            _refuse_unless_empty(driver, database)  # written to while validating?
    except BaseException:
        for file in files.files.values():
            file.handle.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        _import(home, database, args, settings, result, importer_heap)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t3 = time.perf_counter()
    with open_driver(settings, writes=True) as driver, translate_errors(settings, writes=True):
        init_schema(driver, database)
        with driver.session(database=database) as session:
            session.run("CALL db.awaitIndexes(86400)").consume()
            session.execute_write(_set_load_info, result)
    result.seconds_schema = time.perf_counter() - t3
    return result


def _import(home: Path, database: str, args: list[str], settings: Any, result: ImportResult,
            heap: str) -> None:
    """Stop the server, import, start it again (restoring the empty database on failure)."""
    from tiegraph.graph import localserver

    password = settings.password.get_secret_value() if settings.password else None
    data = home / "data"
    folders = [data / "databases" / database, data / "transactions" / database]
    t = time.perf_counter()
    localserver.stop(home)
    for path in folders:
        backup = path.with_name(path.name + _BACKUP)
        shutil.rmtree(backup, ignore_errors=True)
        if path.exists():
            path.rename(backup)
    done = localserver.admin(home, [
        "database", "import", "full", database, f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
        "--id-type=string", "--overwrite-destination=true", "--bad-tolerance=0", "--verbose",
        "--max-off-heap-memory=2g", f"--report-file={home / 'logs' / 'import.report'}",
        *args], heap=heap)
    result.seconds_import = time.perf_counter() - t
    (home / "logs" / "tiegraph-import.log").write_text(done.stdout + done.stderr)
    failed = done.returncode != 0
    for path in folders:
        backup = path.with_name(path.name + _BACKUP)
        if failed:
            shutil.rmtree(path, ignore_errors=True)
            if backup.exists():
                backup.rename(path)
        else:
            shutil.rmtree(backup, ignore_errors=True)
    t = time.perf_counter()
    localserver.restart(home, password=password)
    result.seconds_restart = time.perf_counter() - t
    if failed:
        lines = [ln for ln in (done.stdout + done.stderr).strip().splitlines()
                 if not ln.lstrip().startswith("at ")]  # the Java stack frames
        tail = "\n".join(lines[-15:])
        raise LocalServerError(f"neo4j-admin database import failed (exit code "
                               f"{done.returncode}); the database is as it was. Its output "
                               f"ends:\n{tail}")
