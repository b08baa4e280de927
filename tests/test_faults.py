"""Faults during a load, against real Neo4j servers (no mocks): the server stopped or killed,
the connection cut, the loader killed, the server restarted, loads running at the same time.

Every test ends the same way: the database holds a consistent graph, the old one or the new
one, complete (its content fingerprint equals that of a clean load of the old or the new data),
and the next load succeeds.

The loads run in real ``tiegraph load`` processes (``PAUSABLE_CLI``: the click command itself,
with a pause added inside ``load_graph`` so that a test can strike at a known point: before the
commit, or between two write batches). Tests that stop or kill a server use one dedicated
throwaway server (``own_server``), restarted on the same home and ports; the others use the
session's server. A small fixture keeps each load to about a second.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from neo4j import Driver, GraphDatabase

from tiegraph.graph import localserver
from tiegraph.graph.projection import GraphSpec, project
from tiegraph.graph.settings import DEFAULT_DATABASE, DEFAULT_USERNAME, Secret, Settings
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.neo4j_loader import (
    UNCONFIRMED_COMMIT,
    compute_diff,
    database_fingerprint,
    load_graph,
    spec_hash,
)

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
CLI_TIMEOUT = 120  # s: the longest any tiegraph process may take here (driver retries: 30 s)

# `tiegraph` itself, with a pause inside load_graph chosen by TIEGRAPH_TEST_PAUSE:
#   commit  - before_commit: every write done, nothing committed
#   batch:N - after the N-th write batch, batches shrunk to 5 rows (so there are dozens)
# At the pause it prints "PAUSED ..." on stderr and waits for a line on stdin.
PAUSABLE_CLI = """
import os, sys
import tiegraph.loaders.neo4j_loader as nl
from tiegraph.graph.cli import main

mode = os.environ.get("TIEGRAPH_TEST_PAUSE", "")
real_load_graph = nl.load_graph


def pause(where):
    print(f"PAUSED {where}", file=sys.stderr, flush=True)
    sys.stdin.readline()


def load_graph(*args, **kwargs):
    if mode == "commit":
        kwargs["before_commit"] = lambda: pause("before commit")
    elif mode.startswith("batch:"):
        nl._batches.__defaults__ = (5,)
        wanted, seen = int(mode[6:]), []

        def progress(stage, n):
            seen.append(stage)
            if len(seen) == wanted:
                pause(f"after batch {wanted} ({stage})")

        kwargs["progress"] = progress
    return real_load_graph(*args, **kwargs)


nl.load_graph = load_graph
main(args=sys.argv[1:], prog_name="tiegraph")
"""


# --- the data: OLD, NEW (a few edits of OLD) and OTHER (unrelated) ---------------------------


@dataclass
class Data:
    path: Path
    spec: GraphSpec


@dataclass
class Datasets:
    old: Data
    new: Data
    other: Data
    texts: Path
    fingerprints: dict[str, str] = field(default_factory=dict)  # of a clean load, by name

    def named(self, name: str) -> Data:
        return getattr(self, name)


def _copy_data(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("texts"))
    return target


def _make_new(path: Path) -> None:
    """Edit the small fixture: one fact removed, one re-dated, one added."""
    facts_file = path / "facts" / "facts.yaml"
    facts = yaml.safe_load(facts_file.read_text(encoding="utf-8"))
    facts = [f for f in facts if f["id"] != "channel-guard-2018"]
    for fact in facts:
        if fact["id"] == "visit-gbr-mod-to-jpn-2018-05":
            fact["date"] = "2018"
    added = dict(next(f for f in facts if f["id"] == "jpn-usa-acsa"))
    added.update(id="jpn-usa-acsa-renewal", name="Japan–US ACSA (renewal)")
    facts.append(added)
    facts_file.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False),
                          encoding="utf-8")


def content_fingerprint(driver: Driver, database: str) -> str:
    """Return :func:`database_fingerprint` without ``LoadInfo.loaded_at``: the one value in
    which two complete loads of the same data differ (the time they ran)."""

    def work(tx: Any) -> str:
        nodes = []
        for rec in tx.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p"):
            props = dict(rec["p"])
            if "LoadInfo" in rec["l"]:
                props.pop("loaded_at", None)
            nodes.append(json.dumps([sorted(rec["l"]), props], sort_keys=True, default=str))
        rels = [json.dumps([r["t"], r["a"], r["b"], r["p"]], sort_keys=True, default=str)
                for r in tx.run("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, "
                                "b.id AS b, properties(r) AS p")]
        return json.dumps([sorted(nodes), sorted(rels)])

    with driver.session(database=database) as session:
        return session.execute_read(work)


def wipe(driver: Driver, database: str) -> None:
    with driver.session(database=database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, neo4j_driver: Driver,
         neo4j_settings: Settings) -> Datasets:
    """OLD, NEW and OTHER, with the content fingerprint of a clean load of each."""
    root = tmp_path_factory.mktemp("fault-data")
    old = _copy_data(FIXTURES / "small", root / "old")
    new = _copy_data(FIXTURES / "small", root / "new")
    _make_new(new)
    other = _copy_data(FIXTURES / "good", root / "other")
    texts = root / "texts"
    texts.mkdir()
    for folder in (FIXTURES / "small" / "texts", FIXTURES / "good" / "texts"):
        for text in folder.iterdir():
            shutil.copy(text, texts / text.name)
    sets = Datasets(*(Data(p, project(load_dataset(p, texts))) for p in (old, new, other)),
                    texts=texts)
    database = neo4j_settings.database
    for name in ("old", "new", "other"):
        wipe(neo4j_driver, database)
        load_graph(neo4j_driver, sets.named(name).spec, database)
        sets.fingerprints[name] = content_fingerprint(neo4j_driver, database)
    wipe(neo4j_driver, database)
    assert len(set(sets.fingerprints.values())) == 3
    return sets


@pytest.fixture
def session_db(neo4j_driver: Driver, neo4j_settings: Settings) -> Iterator[Driver]:
    """The session server's database, emptied of nodes before and after the test."""
    wipe(neo4j_driver, neo4j_settings.database)
    yield neo4j_driver
    wipe(neo4j_driver, neo4j_settings.database)


def graph_is(driver: Driver, database: str, data: Datasets, name: str) -> bool:
    """Return True if the database holds exactly a complete load of dataset ``name``."""
    return content_fingerprint(driver, database) == data.fingerprints[name]


def assert_exact_difference(result: Any, before: GraphSpec, after: GraphSpec) -> None:
    """The load changed exactly what differs between ``before`` and ``after``, nothing else."""
    want = compute_diff(before, after)
    got = result.diff
    for part in ("create_nodes", "update_nodes", "delete_nodes", "create_rels", "update_rels",
                 "delete_rels"):
        assert sorted(getattr(got, part)) == sorted(getattr(want, part)), part
    assert not want.empty


# --- tiegraph processes -------------------------------------------------------------------------


def cli_env(settings: Settings, data: Datasets, tmp_path: Path, **over: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TIEGRAPH_"))}
    env.update(NEO4J_URI=settings.uri, NEO4J_USERNAME=settings.username,
               NEO4J_PASSWORD=settings.password.get_secret_value(),
               NEO4J_DATABASE=settings.database, TIEGRAPH_SOURCES=str(data.texts),
               TIEGRAPH_HOME=str(tmp_path / "tiegraph-home"),
               TIEGRAPH_ENV_FILE=str(tmp_path / "no.env"), PYTHONPATH=str(ROOT))
    env.update(over)
    return env


class Tiegraph:
    """A ``tiegraph`` process (PAUSABLE_CLI), its output collected by two reader threads."""

    def __init__(self, args: list[str], env: dict[str, str], pause: str = "") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PAUSABLE_CLI, *args], cwd=ROOT,
            env={**env, "TIEGRAPH_TEST_PAUSE": pause}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self.paused = threading.Event()
        self.readers = [threading.Thread(target=self._read, args=(s, b), daemon=True)
                        for s, b in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)
            if line.startswith("PAUSED"):
                self.paused.set()

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait_paused(self, timeout: float = CLI_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self.paused.wait(0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"tiegraph never paused (exit {self.proc.returncode}):\n"
                            f"{self.stdout}\n{self.stderr}")

    def release(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def wait(self, timeout: float = CLI_TIMEOUT) -> int:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"tiegraph did not finish within {timeout} s:\n{self.stderr}")
        for reader in self.readers:
            reader.join(10)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


@contextmanager
def tiegraph(args: list[str], env: dict[str, str], pause: str = "") -> Iterator[Tiegraph]:
    process = Tiegraph(args, env, pause)
    try:
        yield process
    finally:
        process.kill()


def load_args(data: Data, *more: str) -> list[str]:
    """Return the arguments of a load of ``data``; ``--prune`` because OTHER replaces the whole
    graph (the removal guard is tested in tests/test_loader.py)."""
    return ["load", "--quiet", "--prune", "--data", str(data.path), *more]


def assert_clear_server_error(process: Tiegraph, code: int, *messages: str) -> None:
    """Exit code 4, one `error:` line saying one of ``messages``, no traceback, no success."""
    assert code == 4, process.stdout + process.stderr
    errors = [line for line in process.err if line.startswith("error: ")]
    assert len(errors) == 1, process.stderr
    assert any(m in errors[0] for m in messages), errors[0]
    assert "Traceback" not in process.stderr
    assert "item(s) changed" not in process.stdout


# --- a dedicated server to stop, kill and restart -------------------------------------------


@dataclass
class OwnServer:
    home: Path
    bolt: int
    http: int
    password: str
    starts: int = 1

    @property
    def settings(self) -> Settings:
        return Settings(uri=f"bolt://127.0.0.1:{self.bolt}", username=DEFAULT_USERNAME,
                        password=Secret(self.password), database=DEFAULT_DATABASE)

    @property
    def pid(self) -> int | None:
        return localserver.status(self.home).pid

    def start(self) -> None:
        localserver.start(self.home, bolt_port=self.bolt, http_port=self.http,
                          password=self.password)
        self.starts += 1

    def wait_ports_free(self, timeout: float = 60) -> None:
        """Return once nothing listens on the server's ports: a killed JVM counts as gone
        (status) a few seconds before the kernel has closed its sockets."""
        deadline = time.monotonic() + timeout
        for port in (self.bolt, self.http):
            while True:
                with socket.socket() as sock:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    try:
                        sock.bind(("127.0.0.1", port))
                        break
                    except OSError:
                        assert time.monotonic() < deadline, f"port {port} is still taken"
                time.sleep(0.2)

    def ensure_running(self) -> None:
        if self.pid is None:
            self.start()

    @contextmanager
    def driver(self) -> Iterator[Driver]:
        """A new driver (the old one's connections die with the server)."""
        with GraphDatabase.driver(self.settings.uri, auth=self.settings.auth()) as driver:
            yield driver


@pytest.fixture(scope="module")
def own_server(neo4j_jars: Path, free_ports: Any,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnServer]:
    home = tmp_path_factory.mktemp("fault-server") / "home"
    bolt, http = free_ports()
    server = OwnServer(home, bolt, http, secrets.token_urlsafe(18))
    localserver.start(home, bolt_port=bolt, http_port=http, password=server.password)
    yield server
    if server.pid is not None:
        localserver.stop(home)


def load_on(server: OwnServer, data: Data) -> Any:
    with server.driver() as driver:
        return load_graph(driver, data.spec, DEFAULT_DATABASE)


def fingerprints_of(server: OwnServer) -> tuple[str, str]:
    """Return (database_fingerprint, content_fingerprint) of the server's database."""
    with server.driver() as driver:
        return (database_fingerprint(driver, DEFAULT_DATABASE),
                content_fingerprint(driver, DEFAULT_DATABASE))


# --- d. the server restarted between two loads -------------------------------------------------


def test_server_restarted_between_loads(own_server, data):
    load_on(own_server, data.old)
    before = fingerprints_of(own_server)
    assert before[1] == data.fingerprints["old"]
    localserver.stop(own_server.home)
    own_server.start()
    assert fingerprints_of(own_server) == before  # the restart kept everything, exactly
    result = load_on(own_server, data.new)
    assert_exact_difference(result, data.old.spec, data.new.spec)
    assert fingerprints_of(own_server)[1] == data.fingerprints["new"]


# --- a. the server stopped or killed during a load ----------------------------------------------


def test_server_stopped_while_a_load_waits_to_commit(own_server, data, tmp_path):
    """SIGTERM (graph.localserver.stop) while every write is done but not committed."""
    own_server.ensure_running()
    load_on(own_server, data.new)
    before = fingerprints_of(own_server)
    with tiegraph(load_args(data.old), cli_env(own_server.settings, data, tmp_path),
                  pause="commit") as loader:
        loader.wait_paused()
        localserver.stop(own_server.home)
        loader.release()
        code = loader.wait()
    # The server rolls the load back as it stops and may answer the COMMIT that follows
    # without a bookmark: the load must not report success (it did before the fix).
    assert_clear_server_error(loader, code, UNCONFIRMED_COMMIT, "cannot reach Neo4j")
    own_server.start()
    assert fingerprints_of(own_server) == before
    result = load_on(own_server, data.old)  # the next load succeeds
    assert_exact_difference(result, data.new.spec, data.old.spec)
    assert fingerprints_of(own_server)[1] == data.fingerprints["old"]


def test_server_killed_during_the_write_batches(own_server, data, tmp_path):
    """SIGKILL of the server's JVM midway through the writes (with the loader: a crash)."""
    own_server.ensure_running()
    load_on(own_server, data.old)
    before = fingerprints_of(own_server)
    with tiegraph(load_args(data.other), cli_env(own_server.settings, data, tmp_path),
                  pause="batch:45") as loader:
        loader.wait_paused()
        pid = own_server.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        loader.kill()
    own_server.wait_ports_free()
    own_server.start()  # recovery replays the log: the load was never committed
    assert fingerprints_of(own_server) == before
    result = load_on(own_server, data.other)
    assert_exact_difference(result, data.old.spec, data.other.spec)
    assert fingerprints_of(own_server)[1] == data.fingerprints["other"]


# --- b. the connection cut ------------------------------------------------------------------------

# A Bolt COMMIT message as the driver sends it: chunk size 2, struct B0 12, end of message.
BOLT_COMMIT = b"\x00\x02\xb0\x12\x00\x00"


class BoltProxy:
    """A TCP relay on 127.0.0.1 to a Bolt server, in daemon threads, that a test can cut.

    ``cut()`` closes every relayed connection and the listening socket, so that the driver's
    retries are refused. ``lose_commit(reply)`` cuts at the client's COMMIT instead: before
    the server gets it, or (``reply=True``) after the server committed, losing its answer.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.commit_mode: str | None = None
        self.commit_seen = threading.Event()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            server.settimeout(None)
            with self.lock:
                self.sockets += [client, server]
            for src, dst, upward in ((client, server, True), (server, client, False)):
                thread = threading.Thread(target=self._pump, args=(src, dst, upward),
                                          daemon=True)
                self.threads.append(thread)
                thread.start()

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                if upward and self.commit_mode and BOLT_COMMIT in data:
                    self.commit_seen.set()
                    if self.commit_mode == "before":
                        break
                if not upward and self.commit_mode == "reply" and self.commit_seen.is_set():
                    break  # the server's answer to COMMIT: lost
                dst.sendall(data)
        self.cut()

    def lose_commit(self, reply: bool) -> None:
        self.commit_mode = "reply" if reply else "before"

    def cut(self) -> None:
        self.closed.set()
        with suppress(OSError):
            self.listener.close()
        with self.lock:
            sockets = list(self.sockets)
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()

    def stop(self) -> None:
        self.cut()
        for thread in self.threads:
            if thread is not threading.current_thread():
                thread.join(5)


@pytest.fixture
def proxy(neo4j_settings: Settings) -> Iterator[BoltProxy]:
    address = urlsplit(neo4j_settings.uri)
    relay = BoltProxy((address.hostname or "127.0.0.1", address.port or 7687))
    yield relay
    relay.stop()


def test_connection_cut_while_a_load_waits_to_commit(session_db, neo4j_settings, data, proxy,
                                                     tmp_path):
    database = neo4j_settings.database
    load_graph(session_db, data.old.spec, database)
    before = database_fingerprint(session_db, database)
    env = cli_env(neo4j_settings, data, tmp_path, NEO4J_URI=proxy.uri)
    with tiegraph(load_args(data.new), env, pause="commit") as loader:
        loader.wait_paused()
        proxy.cut()
        loader.release()
        code = loader.wait()  # the driver retries for 30 s, refused each time
    assert_clear_server_error(loader, code, f"cannot reach Neo4j at {proxy.uri}")
    assert database_fingerprint(session_db, database) == before
    result = load_graph(session_db, data.new.spec, database)
    assert_exact_difference(result, data.old.spec, data.new.spec)
    assert graph_is(session_db, database, data, "new")


@pytest.mark.parametrize("reply", [False, True], ids=["commit-lost", "reply-lost"])
def test_connection_cut_during_the_commit(session_db, neo4j_settings, data, proxy, tmp_path,
                                          reply):
    """The connection dies with COMMIT in flight: before the server got it (the old graph
    stays) or after it committed (the new graph is there). The client cannot tell which; it
    must say so, not claim that nothing was written."""
    database = neo4j_settings.database
    load_graph(session_db, data.old.spec, database)
    before = database_fingerprint(session_db, database)
    env = cli_env(neo4j_settings, data, tmp_path, NEO4J_URI=proxy.uri)
    with tiegraph(load_args(data.new), env, pause="commit") as loader:
        loader.wait_paused()
        proxy.lose_commit(reply)
        loader.release()
        code = loader.wait()
    assert proxy.commit_seen.is_set()
    assert_clear_server_error(loader, code, UNCONFIRMED_COMMIT)
    if reply:
        assert graph_is(session_db, database, data, "new")
        assert load_graph(session_db, data.new.spec, database).diff.empty
    else:
        assert database_fingerprint(session_db, database) == before
        result = load_graph(session_db, data.new.spec, database)
        assert_exact_difference(result, data.old.spec, data.new.spec)
    assert graph_is(session_db, database, data, "new")


# --- c. the loader killed midway ----------------------------------------------------------------


# OLD -> OTHER in batches of 5: deletions are batches 1-26, nodes 27-41, relationships 42-59.
@pytest.mark.parametrize("batch", [1, 30, 50])
def test_loader_killed_during_the_write_batches(session_db, neo4j_settings, data, tmp_path,
                                                batch):
    database = neo4j_settings.database
    load_graph(session_db, data.old.spec, database)
    before = database_fingerprint(session_db, database)
    with tiegraph(load_args(data.other), cli_env(neo4j_settings, data, tmp_path),
                  pause=f"batch:{batch}") as loader:
        loader.wait_paused()
        loader.proc.send_signal(signal.SIGKILL)
        assert loader.wait() == -signal.SIGKILL
    assert database_fingerprint(session_db, database) == before
    result = load_graph(session_db, data.other.spec, database)  # waits for the rollback
    assert_exact_difference(result, data.old.spec, data.other.spec)
    assert graph_is(session_db, database, data, "other")


# --- e. loads at the same time ----------------------------------------------------------------


def created(process: Tiegraph) -> int:
    return sum(row["created"] for row in json.loads(process.stdout))


@pytest.mark.parametrize("names", [("old", "old"), ("old", "other")], ids=["same", "different"])
def test_concurrent_loads(empty_neo4j, neo4j_settings, data, tmp_path, names):
    """Two `tiegraph load` processes at once on an empty database without its schema (so they
    also race to create it): both finish, and the graph is one complete load."""
    database = neo4j_settings.database
    env = cli_env(neo4j_settings, data, tmp_path)
    with tiegraph(load_args(data.named(names[0]), "--json"), env) as first, \
            tiegraph(load_args(data.named(names[1]), "--json"), env) as second:
        codes = first.wait(), second.wait()
    assert codes == (0, 0), first.stderr + second.stderr
    final = [n for n in names if graph_is(empty_neo4j, database, data, n)]
    assert final, "the graph is not one complete load"
    winner = data.named(final[0])
    if names[0] == names[1]:  # one load created everything, the other found it there
        assert sorted([created(first), created(second)]) == [
            0, len(winner.spec.nodes) + len(winner.spec.rels)]
    with empty_neo4j.session(database=database) as s:
        stamp = s.run("MATCH (m:LoadInfo) RETURN m.data_hash AS h").single()["h"]
    assert stamp == spec_hash(winner.spec)
    assert load_graph(empty_neo4j, winner.spec, database).diff.empty  # a third load


def test_a_second_load_waits_for_the_first_and_sees_its_graph(session_db, neo4j_settings,
                                                               data, tmp_path):
    database = neo4j_settings.database
    env = cli_env(neo4j_settings, data, tmp_path)
    with tiegraph(load_args(data.old, "--json"), env, pause="commit") as first:
        first.wait_paused()  # holds the LoadInfo lock, every write done
        with tiegraph(load_args(data.old, "--json"), env) as second:
            deadline = time.monotonic() + CLI_TIMEOUT
            while not blocked_transactions(session_db, database):
                assert second.proc.poll() is None, second.stderr
                assert time.monotonic() < deadline, "the second load never waited"
                time.sleep(0.2)
            first.release()
            assert first.wait() == 0, first.stderr
            assert second.wait() == 0, second.stderr
    assert created(first) == len(data.old.spec.nodes) + len(data.old.spec.rels)
    assert created(second) == 0  # it saw the first load's committed graph
    assert graph_is(session_db, database, data, "old")


def blocked_transactions(driver: Driver, database: str) -> list[str]:
    with driver.session(database=database) as session:
        return [r["status"] for r in session.run("SHOW TRANSACTIONS YIELD status")
                if r["status"].startswith("Blocked")]
