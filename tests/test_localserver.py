"""The local Neo4j server, for real: ``tiegraph neo4j start|status|stop`` through click's
CliRunner, then the server itself (Bolt, Browser, loopback-only sockets, the password), then the
error messages a user gets. One server is started for most assertions (each start costs
seconds); a second start checks a refused password."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError
from proc_net import listening_tcp

from tiegraph.graph import localserver
from tiegraph.graph.cli_neo4j import neo4j
from tiegraph.graph.errors import LocalServerError
from tiegraph.graph.settings import load_settings

LINUX = sys.platform.startswith("linux")
START_TIMEOUT = 300  # seconds; a start takes 12 s on an idle machine, over 60 s on a busy one


def cli(*args: str, env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(neo4j, list(args), env=env)


def java_cmdlines_for(home: Path) -> list[int]:
    """Return the pids of processes whose command line names ``home`` as server home."""
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            args = proc.joinpath("cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"--home-dir={home}".encode() in args:
            pids.append(int(proc.name))
    return pids


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses of the TCP sockets listening on ``port`` (from /proc/net)."""
    return {address for address, p, _ in listening_tcp() if p == port}


def outward_address() -> str | None:
    """Return this machine's non-loopback IPv4 address, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.254.254.254", 9))  # UDP: no packet is sent
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


@dataclass
class Server:
    home: Path
    env: dict[str, str | None]
    bolt: int
    http: int
    pid: int
    start_output: str

    @property
    def password(self) -> str:
        return (self.home / "password").read_text().strip()


@pytest.fixture(scope="module")
def server(neo4j_jars, free_ports, tmp_path_factory) -> Iterator[Server]:
    """A server started with ``tiegraph neo4j start`` in the default home of a temporary
    TIEGRAPH_HOME, with no NEO4J_PASSWORD (so the password is generated)."""
    base = tmp_path_factory.mktemp("tiegraph-home")
    env: dict[str, str | None] = {"TIEGRAPH_HOME": str(base), "NEO4J_PASSWORD": None,
                                  "TIEGRAPH_ENV_FILE": str(base / "no.env")}
    bolt, http = free_ports()
    result = cli("start", "--bolt-port", str(bolt), "--http-port", str(http),
                 "--timeout", str(START_TIMEOUT), env=env)
    assert result.exit_code == 0, result.output
    home = base / "neo4j"
    pid = int((home / "run" / localserver.PID_FILE).read_text())
    yield Server(home, env, bolt, http, pid, result.output)
    if localserver.status(home).running:
        localserver.stop(home)


# --- start and status -------------------------------------------------------------------------


def test_start_says_where_the_password_is_never_what(server, monkeypatch):
    out = server.start_output
    assert f"bolt://127.0.0.1:{server.bolt}" in out
    assert f"http://127.0.0.1:{server.http}/browser/" in out
    password_file = server.home / "password"
    assert f"password in {password_file} (mode 0600)" in out
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    # the home is the owner's only; the password hash is not readable by others (issue 16)
    assert stat.S_IMODE(server.home.stat().st_mode) == 0o700
    auth = list((server.home / "data" / "dbms").glob("auth*"))
    assert auth and all(stat.S_IMODE(a.stat().st_mode) & 0o077 == 0 for a in auth)
    assert len(server.password) >= 16
    assert server.password not in out
    # The default home's password file is where the settings look: other commands find it.
    monkeypatch.setenv("TIEGRAPH_HOME", server.env["TIEGRAPH_HOME"])
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    settings = load_settings(env_file=server.home / "no.env")
    assert settings.password is not None
    assert settings.password.get_secret_value() == server.password


def test_other_commands_find_the_server_without_neo4j_uri(server):
    """Started on a non-default port in the default home: `tiegraph init` (a write) reaches it
    with neither NEO4J_URI nor NEO4J_PASSWORD set, and start printed no export hint."""
    from tiegraph.graph.cli import main

    assert "export NEO4J_URI" not in server.start_output
    env = {**server.env, "NEO4J_URI": None}
    result = CliRunner().invoke(main, ["init"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_the_password_is_in_no_log(server):
    for log in (server.home / "logs").iterdir():
        assert server.password not in log.read_text(errors="replace"), log


def test_status_reports_the_running_server(server):
    result = cli("status", "--json", env=server.env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "home": str(server.home), "running": True, "pid": server.pid,
        "bolt_port": server.bolt, "http_port": server.http,
        "version": localserver.NEO4J_VERSION, "known": True, "note": None,
    }
    text = cli("status", env=server.env)
    assert text.output.startswith(f"running (pid {server.pid}): Neo4j {localserver.NEO4J_VERSION}")


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_the_pid_is_the_java_server_of_this_home(server):
    assert java_cmdlines_for(server.home) == [server.pid]
    args = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
    assert Path(args[0].decode()).name == "java"
    assert localserver.ENTRY_POINT.encode() in args


def test_second_start_says_already_running(server, free_ports):
    bolt, http = free_ports()
    result = cli("start", "--bolt-port", str(bolt), "--http-port", str(http), env=server.env)
    assert result.exit_code == LocalServerError.exit_code
    assert "already running" in result.stderr
    assert f"pid {server.pid}" in result.stderr


# --- the server itself --------------------------------------------------------------------------


def test_query_through_the_official_driver(server):
    with GraphDatabase.driver(f"bolt://127.0.0.1:{server.bolt}",
                              auth=("neo4j", server.password)) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition")
        assert (records[0]["v"], records[0]["edition"]) == (localserver.NEO4J_VERSION,
                                                            "community")


def test_wrong_password_is_refused_without_echoing_it(server):
    wrong = "wrong-" + secrets.token_hex(8)
    with GraphDatabase.driver(f"bolt://127.0.0.1:{server.bolt}",
                              auth=("neo4j", wrong)) as driver, pytest.raises(AuthError) as err:
        driver.verify_connectivity()
    assert "unauthorized" in str(err.value).lower() or "authentication" in str(err.value).lower()
    assert wrong not in str(err.value)


@pytest.mark.skipif(not LINUX, reason="reads /proc/net")
def test_listens_on_loopback_only(server):
    assert listening_addresses(server.bolt) == {"127.0.0.1"}
    assert listening_addresses(server.http) == {"127.0.0.1"}
    outward = outward_address()
    if outward:  # and is not reachable from this machine's other address
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((outward, server.bolt), timeout=5).close()


def test_browser_is_served(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.http}/browser/", timeout=30) as reply:
        assert reply.status == 200
        assert b"<title>Neo4j Browser</title>" in reply.read()
    # The discovery document tells the Browser which Bolt port to connect to.
    with urllib.request.urlopen(f"http://127.0.0.1:{server.http}/", timeout=30) as reply:
        discovery = json.loads(reply.read())
    assert discovery["bolt_direct"] == f"bolt://127.0.0.1:{server.bolt}"
    assert discovery["neo4j_version"] == localserver.NEO4J_VERSION


def test_status_exit_codes_without_a_server(tmp_path):
    """0 running (above), 3 not running, 4 cannot tell: scripts can test the exit code."""
    home = tmp_path / "never-started"
    result = cli("status", "--home", str(home), env={})
    assert result.exit_code == 3, result.output
    assert result.output.strip() == f"not running (home {home.resolve()})"
    (home / "run").mkdir(parents=True)
    (home / "run" / localserver.PID_FILE).write_text("garbled\n")
    garbled = cli("status", "--home", str(home), env={})
    assert garbled.exit_code == 4, garbled.output
    assert garbled.output.startswith("cannot tell: cannot read the pid file")
    (home / "run" / localserver.PID_FILE).unlink()  # CI stops servers by their pid files
    assert "Exit codes" in cli("status", "--help", env={}).output


# --- ports --------------------------------------------------------------------------------------


def test_port_in_use_is_a_clear_error(server, free_ports, tmp_path):
    _, http = free_ports()
    result = cli("start", "--home", str(tmp_path / "other"), "--bolt-port", str(server.bolt),
                 "--http-port", str(http), env=server.env)
    assert result.exit_code == LocalServerError.exit_code
    assert f"port {server.bolt} (Bolt) on 127.0.0.1 is already in use" in result.stderr
    assert "--bolt-port" in result.stderr


def test_http_port_in_use_is_a_clear_error(free_ports, tmp_path):
    bolt, http = free_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", http))
        taken.listen()
        result = cli("start", "--home", str(tmp_path / "home"), "--bolt-port", str(bolt),
                     "--http-port", str(http), env={"NEO4J_PASSWORD": None})
    assert result.exit_code == LocalServerError.exit_code
    assert f"port {http} (HTTP)" in result.stderr and "--http-port" in result.stderr
    assert not (tmp_path / "home" / "run" / localserver.PID_FILE).exists()


# --- stop, and a start that fails ---------------------------------------------------------------


def test_stop_ends_the_process(server):
    result = cli("stop", env=server.env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"stopped (pid {server.pid})"
    with pytest.raises(ProcessLookupError):
        os.kill(server.pid, 0)
    if LINUX:
        assert java_cmdlines_for(server.home) == []
    assert not (server.home / "run" / localserver.PID_FILE).exists()
    stopped = cli("status", "--json", env=server.env)
    assert stopped.exit_code == 3  # "not running", as LSB init scripts and pg_ctl say it
    status = json.loads(stopped.output)
    assert (status["running"], status["pid"], status["known"]) == (False, None, True)
    for port in (server.bolt, server.http):  # nothing listens there any more
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            sock.bind(("127.0.0.1", port))
    again = cli("stop", env=server.env)
    assert again.exit_code == LocalServerError.exit_code
    assert "no local Neo4j server is running" in again.stderr


@pytest.mark.skipif(not LINUX, reason="die_with_parent works on Linux only")
def test_a_server_tied_to_its_parent_stops_when_the_parent_is_killed(server, free_ports):
    if localserver.status(server.home).running:
        localserver.stop(server.home)
    bolt, http = free_ports()
    code = ("import sys, time; from tiegraph.graph.localserver import start; "
            f"info = start({str(server.home)!r}, bolt_port={bolt}, http_port={http}, "
            f"die_with_parent=True, timeout={START_TIMEOUT}); print(info.pid, flush=True); "
            "time.sleep(600)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, **{k: v for k, v in server.env.items() if v}})
    try:
        line = parent.stdout.readline()
        assert line.strip().isdigit(), f"the server did not start (exit {parent.poll()})"
        pid = int(line)
        assert localserver.status(server.home).pid == pid
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 60
    while java_cmdlines_for(server.home) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert java_cmdlines_for(server.home) == []
    assert not localserver.status(server.home).running


def test_restart_with_a_wrong_password_fails_clearly_and_leaves_nothing(server, free_ports):
    if localserver.status(server.home).running:
        localserver.stop(server.home)
    wrong = "wrong-" + secrets.token_hex(8)
    bolt, http = free_ports()
    with pytest.raises(LocalServerError) as err:
        localserver.start(server.home, bolt_port=bolt, http_port=http, password=wrong,
                          timeout=START_TIMEOUT)
    message = str(err.value)
    assert "refused the password" in message and "NEO4J_PASSWORD" in message
    assert wrong not in message and server.password not in message
    assert not localserver.status(server.home).running
    if LINUX:
        assert java_cmdlines_for(server.home) == []


def test_start_up_failure_shows_the_server_log(neo4j_jars, free_ports, tmp_path):
    bolt, http = free_ports()
    with pytest.raises(LocalServerError) as err:
        localserver.start(tmp_path / "home", bolt_port=bolt, http_port=http,
                          password="a-password-" + secrets.token_hex(4), heap="1k")
    message = str(err.value)
    assert "exited during start-up" in message
    assert "heap" in message.lower()  # the JVM's own words, from the tail of console.log
    assert not (tmp_path / "home" / "run" / localserver.PID_FILE).exists()


# --- errors before any server starts ------------------------------------------------------------


def test_no_java_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(LocalServerError, match="no `java` on PATH.*Java 17 or 21"):
        localserver.find_java()


def test_java_version_it_cannot_run_on(monkeypatch, tmp_path):
    java = tmp_path / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(LocalServerError, match="runs on Java 17 or 21 only, but found Java 11 "):
        localserver.find_java()


def test_no_maven_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalServerError, match="no `mvn` on PATH"):
        localserver.ensure_jars()


def test_maven_central_unreachable_shows_mavens_output(monkeypatch, tmp_path):
    if not shutil.which("mvn"):
        pytest.skip("no mvn on PATH")
    closed = localserver.free_port()  # nothing listens there
    m2 = tmp_path / "user" / ".m2"
    m2.mkdir(parents=True)
    (m2 / "settings.xml").write_text(
        "<settings><mirrors><mirror><id>nowhere</id><mirrorOf>*</mirrorOf>"
        f"<url>http://127.0.0.1:{closed}/maven2</url></mirror></mirrors></settings>")
    monkeypatch.setenv("MAVEN_OPTS", f"-Duser.home={tmp_path / 'user'}")
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    with pytest.raises(LocalServerError) as err:
        localserver.ensure_jars()
    message = str(err.value)
    assert "Maven could not fetch Neo4j" in message and "Maven Central reachable" in message
    assert f"127.0.0.1:{closed}" in message  # Maven's own words, from the tail of its log
    assert not localserver.jars_ready()


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"bolt_port": 7700, "http_port": 7700}, "cannot share port 7700"),
    ({"heap": "lots"}, "invalid heap size 'lots'"),
    ({"bolt_port": 70000}, "invalid Bolt port 70000"),
])
def test_bad_options_are_refused_before_starting(kwargs, words, tmp_path):
    with pytest.raises(LocalServerError, match=words):
        localserver.start(tmp_path / "home", **kwargs)
