"""The Neo4j password never leaks: not in any command's output (tracebacks and the driver's
DEBUG log included), not in exception text, not in a file tiegraph or the server writes, not
in ``--help``; no tracked file holds a real secret; the local server listens on loopback only.

The commands run as real ``tiegraph`` processes with the session server's password in
NEO4J_PASSWORD and Python logging at DEBUG (so the driver logs every Bolt message, HELLO and
LOGON included).
"""

from __future__ import annotations

import ast
import os
import re
import secrets
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import yaml
from click.testing import CliRunner
from dotenv import dotenv_values
from proc_net import listening_tcp

from tiegraph.graph import localserver
from tiegraph.graph.cli import main
from tiegraph.graph.errors import ConfigError, ServerError, TiegraphError
from tiegraph.graph.settings import Secret, Settings, load_settings
from tiegraph.loaders.neo4j_loader import open_driver

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).parent / "fixtures" / "small"
LINUX = sys.platform.startswith("linux")

LOGGING_CLI = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                    format="log %(name)s %(levelname)s %(message)s")
from tiegraph.graph.cli import main
main(args=sys.argv[1:], prog_name="tiegraph")
"""

WRONG = "wrong-" + secrets.token_urlsafe(12)


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str


@dataclass
class Case:
    args: list[str]
    code: int
    env: dict[str, str | None]


def cases(settings: Settings, tmp: Path) -> dict[str, Case]:
    """The commands to run, by name: the ordinary ones, then the error paths."""
    password = settings.password.get_secret_value()
    address = urlsplit(settings.uri)
    bad_data = tmp / "bad-data"
    shutil.copytree(SMALL, bad_data, ignore=shutil.ignore_patterns("texts"))
    facts = bad_data / "facts" / "facts.yaml"
    facts.write_text(facts.read_text().replace("host: JPN", "host: XYZ-NOWHERE", 1))
    small = str(SMALL)
    return {
        # --prune: the session's database may hold another graph (the guard has its own tests)
        "load": Case(["load", "--quiet", "--prune", "--data", small], 0, {}),
        "load with progress": Case(["load", "--prune", "--data", small], 0, {}),
        "load --dry-run": Case(["load", "--dry-run", "--data", small], 0, {}),
        "init": Case(["init"], 0, {}),
        "densest --source neo4j": Case(["densest", "--source", "neo4j", "--top", "3"], 0, {}),
        "query graph_overview": Case(["query", "graph_overview"], 0, {}),
        "query --list": Case(["query", "--list"], 0, {}),
        "neo4j status": Case(["neo4j", "status"], 3, {}),  # no server in this home
        "wrong password": Case(["load", "--data", small], 4, {"NEO4J_PASSWORD": WRONG}),
        "wrong --password": Case(["densest", "--source", "neo4j", "--password", WRONG], 4, {}),
        "unreachable server": Case(["load", "--data", small], 4,
                                   {"NEO4J_URI": f"bolt://127.0.0.1:{localserver.free_port()}"}),
        "missing database": Case(["load", "--data", small], 4, {"NEO4J_DATABASE": "nosuchdb"}),
        "invalid data": Case(["load", "--data", str(bad_data)], 3, {}),
        "password in the URI": Case(
            ["load", "--data", small], 7,
            {"NEO4J_URI": f"bolt://neo4j:{password}@{address.hostname}:{address.port}"}),
        "no password": Case(["init"], 7, {"NEO4J_PASSWORD": None}),
        "neo4j start, port taken": Case(
            ["neo4j", "start", "--home", str(tmp / "other-home"), "--bolt-port",
             str(address.port), "--http-port", str(localserver.free_port())], 5, {}),
    }


def process_env(settings: Settings, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TIEGRAPH_"))}
    env.update(NEO4J_URI=settings.uri, NEO4J_USERNAME=settings.username,
               NEO4J_PASSWORD=settings.password.get_secret_value(),
               NEO4J_DATABASE=settings.database, TIEGRAPH_HOME=str(tmp / "home"),
               TIEGRAPH_CACHE=str(tmp / "cache"), TIEGRAPH_ENV_FILE=str(tmp / "no.env"),
               TIEGRAPH_SOURCES=str(SMALL / "texts"), TIEGRAPH_DATA=str(SMALL),
               PYTHONPATH=str(ROOT))
    return env


@pytest.fixture(scope="module")
def runs(neo4j_settings: Settings, neo4j_driver: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Run], Path]]:
    """Run every case once; yield the runs and the folder of the files they wrote."""
    tmp = tmp_path_factory.mktemp("secrets")
    base = process_env(neo4j_settings, tmp)
    out: dict[str, Run] = {}
    for name, case in cases(neo4j_settings, tmp).items():
        env = {**base, **case.env}
        env = {k: v for k, v in env.items() if v is not None}
        done = subprocess.run([sys.executable, "-c", LOGGING_CLI, *case.args], env=env,
                              cwd=tmp, capture_output=True, text=True, timeout=180, check=False)
        out[name] = Run(case.args, done.returncode, done.stdout, done.stderr)
    yield out, tmp
    with neo4j_driver.session(database=neo4j_settings.database) as s:
        s.run("MATCH (n) DETACH DELETE n").consume()


CASE_NAMES = ["load", "load with progress", "load --dry-run", "init", "densest --source neo4j",
              "query graph_overview", "query --list", "neo4j status", "wrong password",
              "wrong --password", "unreachable server", "missing database", "invalid data",
              "password in the URI", "no password", "neo4j start, port taken"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_no_output_holds_the_password(runs, neo4j_settings, name):
    run = runs[0][name]
    password = neo4j_settings.password.get_secret_value()
    assert run.code == cases_codes()[name], run.stdout + run.stderr
    for text in (run.stdout, run.stderr):
        assert password not in text
        assert WRONG not in text
    assert "Traceback" not in run.stderr
    if run.code and name != "neo4j status":  # status answers "not running" by its exit code
        assert [line for line in run.stderr.splitlines() if line.startswith("error: ")]


def cases_codes() -> dict[str, int]:
    return {"load": 0, "load with progress": 0, "load --dry-run": 0, "init": 0,
            "densest --source neo4j": 0, "query graph_overview": 0, "query --list": 0,
            "neo4j status": 3, "wrong password": 4, "wrong --password": 4,
            "unreachable server": 4, "missing database": 4, "invalid data": 3,
            "password in the URI": 7, "no password": 7, "neo4j start, port taken": 5}


def test_the_case_list_is_complete(neo4j_settings, tmp_path):
    assert {k: c.code for k, c in cases(neo4j_settings, tmp_path).items()} == cases_codes()
    assert list(cases_codes()) == CASE_NAMES


def test_the_driver_log_was_on_and_masks_the_credentials(runs):
    """Not vacuous: the DEBUG log holds the authentication messages, credentials masked."""
    log = runs[0]["load"].stderr
    auth = [line for line in log.splitlines() if "C: LOGON" in line or "C: HELLO" in line]
    assert auth and any("'credentials': '*******'" in line for line in auth), log[:2000]


def test_no_file_written_holds_the_password(runs, neo4j_settings, tmp_path_factory):
    """The files the commands wrote (tiegraph's home and cache) and the session server's
    logs (when this test session started it)."""
    _, tmp = runs
    password = neo4j_settings.password.get_secret_value().encode()
    files = [p for p in tmp.rglob("*") if p.is_file()]
    logs = [p for home in session_server_homes(neo4j_settings, tmp_path_factory)
            for p in (home / "logs").rglob("*") if p.is_file()]
    assert files
    for path in files + logs:
        content = path.read_bytes()
        assert password not in content, path
        assert WRONG.encode() not in content, path


def session_server_homes(settings: Settings, factory: pytest.TempPathFactory) -> list[Path]:
    """The home of the session's local server (conftest starts it), if this session did."""
    port = urlsplit(settings.uri).port
    return [home for home in factory.getbasetemp().glob("neo4j-session*/home")
            if localserver.status(home).bolt_port == port]


# --- exceptions, --help ---------------------------------------------------------------------


def chain_text(exc: BaseException) -> str:
    """The exception as printed, and every exception chained to it (even suppressed)."""
    texts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        texts += [str(item), repr(item), *map(repr, item.args)]
        todo += [item.__cause__, item.__context__]
    return "\n".join(texts)


@pytest.mark.parametrize("problem", ["wrong password", "password in the URI", "no server"])
def test_exceptions_never_hold_the_password(problem, neo4j_settings):
    password = neo4j_settings.password.get_secret_value()
    address = urlsplit(neo4j_settings.uri)
    if problem == "wrong password":
        settings = Settings(neo4j_settings.uri, "neo4j", Secret(WRONG), "neo4j")
    elif problem == "password in the URI":
        uri = f"bolt://neo4j:{password}@{address.hostname}:{address.port}"
        settings = Settings(uri, "neo4j", Secret(password), "neo4j")
    else:
        uri = f"bolt://127.0.0.1:{localserver.free_port()}"
        settings = Settings(uri, "neo4j", Secret(password), "neo4j")
    with pytest.raises(TiegraphError) as err, open_driver(settings):
        pass
    text = chain_text(err.value)
    assert password not in text and WRONG not in text
    assert password not in str(settings.password) and WRONG not in str(settings.password)


def all_commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # lazy commands too
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))
        else:
            yield (*path, name)


def test_help_shows_no_password(tmp_path):
    known = "known-" + secrets.token_urlsafe(12)
    env_file = tmp_path / ".env"
    env_file.write_text(f"NEO4J_PASSWORD={known}\n")
    env = {"NEO4J_PASSWORD": known, "TIEGRAPH_ENV_FILE": str(env_file)}
    paths = list(all_commands(main))
    assert len(paths) >= 15
    for path in paths:
        result = CliRunner().invoke(main, [*path, "--help"], env=env)
        assert result.exit_code == 0, (path, result.output)
        assert known not in result.output, path
    passwords = [p for path in paths[1:] for p in command_at(path).params if p.name == "password"]
    assert passwords
    for param in passwords:
        assert param.default in (None, getattr(click.core, "UNSET", None))
        assert not getattr(param, "show_default", False)
        assert not getattr(param, "envvar", None)


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
    return command


# --- tracked files --------------------------------------------------------------------------

PLACEHOLDER = re.compile(
    r"^(|\.\.\.|\*+|<.*|\$.*|None|null|"  # <...>, ${VAR...}, $(command...), $VAR
    r"change-me[\w-]*|your[-_][\w-]*|x{3,})$", re.IGNORECASE)
# Literal test passwords must look like what they are.
FAKE = re.compile(r"secret|wrong|test|example|fake|dummy|pw|password|change-me", re.IGNORECASE)
ASSIGNED = re.compile(  # not ${NEO4J_PASSWORD...}: that is a reference
    r"(?<![{\w])NEO4J_PASSWORD['\"]?\s*[:=]\s*['\"]?([^\s'\"`\\,;)}\]]*)"
    r"|(?<![{\w])NEO4J_AUTH['\"]?\s*[:=]\s*['\"]?[^/\s'\"]+/([^\s'\"`\\,;)}\]]*)")
TOKENS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "API key": re.compile(r"\b(sk-[A-Za-z0-9]{32,}|AIza[0-9A-Za-z_-]{35})\b"),
}


def tracked_files() -> list[Path]:
    """Files in git's index, and new ones git would add (not ignored)."""
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          cwd=ROOT, capture_output=True, check=True)
    return [ROOT / name for name in done.stdout.decode().split("\0")
            if name and (ROOT / name).is_file()]


def python_literals(text: str) -> list[str]:
    """The string literals of a Python file, and ``NEO4J_PASSWORD=<value>`` for each literal
    given as a password (``password="..."``, ``{"NEO4J_PASSWORD": "..."}``, ``Secret("...")``):
    code such as ``NEO4J_PASSWORD=settings.password`` is not a secret, literals may be."""
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        pairs: list[tuple[Any, Any]] = []
        if isinstance(node, ast.keyword):
            pairs.append((node.arg, node.value))
        elif isinstance(node, ast.Dict):
            pairs += [(k.value if isinstance(k, ast.Constant) else None, v)
                      for k, v in zip(node.keys, node.values, strict=True)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("Secret", "SecretStr") and node.args):
            pairs.append(("password", node.args[0]))
        for key, value in pairs:
            if key in ("password", "NEO4J_PASSWORD") and isinstance(value, ast.Constant) \
                    and isinstance(value.value, str):
                out.append(f"NEO4J_PASSWORD={value.value}")
    return out


def secret_problems(path: Path, text: str, known: list[str]) -> list[str]:
    """What in ``text`` looks like a real secret."""
    rel = path.relative_to(ROOT).as_posix()
    problems = [f"{rel}: holds a password of this test session"
                for secret in known if secret in text]
    problems += [f"{rel}: {what}" for what, pattern in TOKENS.items() if pattern.search(text)]
    if re.search(r"\$\{NEO4J_PASSWORD:?-", text):
        problems.append(f"{rel}: a default for NEO4J_PASSWORD")
    for chunk in python_literals(text) if path.suffix == ".py" else [text]:
        for match in ASSIGNED.finditer(chunk):
            value = next(v for v in match.groups() if v is not None)
            if PLACEHOLDER.match(value) or (rel.startswith("tests/") and FAKE.search(value)):
                continue
            problems.append(f"{rel}: NEO4J_PASSWORD or NEO4J_AUTH set to {value[:3]}...")
    return problems


def test_no_tracked_file_holds_a_secret(neo4j_settings):
    files = tracked_files()
    assert any(p.name == "pyproject.toml" for p in files)
    known = [neo4j_settings.password.get_secret_value()]
    problems: list[str] = []
    for path in files:
        if path.name == ".env" or (path.name.startswith(".env.") and path.name != ".env.example"):
            problems.append(f"{path.relative_to(ROOT)}: an env file is tracked")
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        problems += secret_problems(path, text, known)
    assert not problems, "\n".join(problems)


# Built at run time, so that this file holds none of them.
REAL_LOOKING = next(t for t in iter(lambda: secrets.token_urlsafe(12), None)
                    if not FAKE.search(t))
SCAN_SAMPLES = [
    (f"NEO4J_PASSWORD={REAL_LOOKING}\n", True),
    (f"environment:\n  NEO4J_AUTH: neo4j/{REAL_LOOKING}\n", True),
    ("NEO4J_AUTH: neo4j/${NEO4J_PASSWORD:" + "-letmein99}\n", True),
    ("-----BEGIN OPENSSH " + "PRIVATE KEY-----\nabc\n", True),
    ("NEO4J_PASSWORD=change-me-to-a-long-random-password\n", False),
    ("NEO4J_PASSWORD=...\n", False),
    ('export NEO4J_PASSWORD="$(cat ~/.tiegraph/neo4j/password)"\n', False),
    ("NEO4J_AUTH: neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD in .env}\n", False),
]


@pytest.mark.parametrize(("text", "found"), SCAN_SAMPLES)
def test_the_secret_scan_finds_secrets_and_passes_placeholders(text, found):
    assert bool(secret_problems(ROOT / "docs" / "sample.md", text, [])) == found


@pytest.mark.parametrize(("where", "code", "found"), [
    ("graph", f"settings = load_settings(password={REAL_LOOKING!r})", True),
    ("graph", f"env = {{'NEO4J_PASSWORD': {REAL_LOOKING!r}}}", True),
    ("tests", f"server = Secret({REAL_LOOKING!r})", True),
    ("graph", "env = {'NEO4J_PASSWORD': settings.password.get_secret_value()}", False),
    ("tests", "invoke(env=dict(NEO4J_PASSWORD='wrong-Secret-123'))", False),
])
def test_the_secret_scan_reads_python_literals(where, code, found):
    assert bool(secret_problems(ROOT / where / "sample.py", code, [])) == found


def test_env_example_holds_only_placeholders():
    values = dotenv_values(ROOT / ".env.example")
    assert set(values) == {"NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"}
    assert PLACEHOLDER.match(values["NEO4J_PASSWORD"] or ""), values["NEO4J_PASSWORD"]
    assert values["NEO4J_URI"].startswith("bolt://127.0.0.1:")  # loopback by default


def test_compose_sets_no_password_of_its_own():
    """(tests/test_compose.py checks the exact NEO4J_AUTH form; this checks every value.)"""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        env = service.get("environment", {})
        items = env.items() if isinstance(env, dict) else (e.partition("=")[::2] for e in env)
        for key, value in items:
            if "PASSWORD" in key or key == "NEO4J_AUTH":
                assert "${NEO4J_PASSWORD:?" in str(value), (key, value)


# --- the local server listens on loopback only ---------------------------------------------------


def listening_sockets(pid: int) -> set[tuple[str, int]]:
    """Return (address, port) of every TCP socket in LISTEN state that ``pid`` holds, from
    /proc/<pid>/fd (socket inodes) and /proc/net/tcp and tcp6."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return {(address, port) for address, port, inode in listening_tcp() if inode in inodes}


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_the_local_server_listens_on_loopback_only(neo4j_settings, neo4j_driver,
                                                   tmp_path_factory):
    """Every socket the server's JVM listens on, whatever its port (tests/test_localserver.py
    checks the Bolt and HTTP ports by number)."""
    homes = session_server_homes(neo4j_settings, tmp_path_factory)
    if not homes:
        pytest.skip("the session's server is not a local one (NEO4J_URI is set)")
    status = localserver.status(homes[0])
    assert status.running and status.pid
    sockets = listening_sockets(status.pid)
    assert {port for _, port in sockets} >= {status.bolt_port, status.http_port}
    assert {address for address, _ in sockets} == {"127.0.0.1"}, sockets
    conf = (homes[0] / "conf" / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf


def test_settings_from_a_dotenv_file_keep_the_password_hidden(tmp_path, monkeypatch):
    known = "known-" + secrets.token_urlsafe(12)
    env_file = tmp_path / ".env"
    env_file.write_text(f"NEO4J_PASSWORD={known}\n")
    monkeypatch.setenv("TIEGRAPH_HOME", str(tmp_path / "home"))
    settings = load_settings(environ={}, env_file=env_file)
    assert settings.auth()[1] == known
    assert known not in f"{settings} {settings!r} {settings.password} {vars(settings)!r}"


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1?password=S3CRETpw",
                                 "neo4j://127.0.0.1:1/?x=1&password=S3CRETpw",
                                 "bolt://neo4j:S3CRETpw@127.0.0.1:1?auth=S3CRETpw"])
def test_password_in_the_uri_query_is_masked(uri: str, tmp_path: Path) -> None:
    """Every form of password in NEO4J_URI is masked in the error (issue 16: only the one
    before '@' was)."""
    env = {"NEO4J_URI": uri, "NEO4J_PASSWORD": "other-pw",
           "TIEGRAPH_ENV_FILE": str(tmp_path / "no.env"), "TIEGRAPH_HOME": str(tmp_path)}
    result = CliRunner().invoke(main, ["init"], env=env)
    assert result.exit_code in (ConfigError.exit_code, ServerError.exit_code), result.output
    assert "S3CRETpw" not in result.output and "***" in result.output
    assert "Traceback" not in result.output
