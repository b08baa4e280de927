"""A local Neo4j Community server without Docker: jars from Maven Central, one JVM on loopback.

The server's runtime jars are assembled once by Maven into a cache; each server has a *home*
folder (``conf``, ``data``, ``logs``, ``run``, ...) and runs as one detached JVM whose pid is
recorded in ``<home>/run/tiegraph-neo4j.pid``. It listens on 127.0.0.1 only.

    >>> info = start(default_home())        # the first run downloads ~140 MB of jars
    >>> info.bolt_uri
    'bolt://127.0.0.1:7687'
    >>> stop(info.home)                      # returns the pid that was stopped

The password is never printed, logged or put in an exception message.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from tiegraph.graph.errors import LocalServerError
from tiegraph.graph.settings import (
    DEFAULT_USERNAME,
    STATE_FILE,
    load_settings,
    local_home,
    local_server_state,
)

NEO4J_VERSION = "5.26.30"
"""Neo4j Community, pinned: the newest 5.26 LTS patch on Maven Central (5.26 runs on Java 17)."""
NEO4J_BROWSER_VERSION = "5.24.0"
"""org.neo4j.client:neo4j-browser: the newest 5.x on Maven Central; served at /browser/."""
JAVA_VERSIONS = (17, 21)
"""The Java feature releases Neo4j 5.26 runs on."""

POM_RESOURCE = "neo4j-server-pom.xml"
PID_FILE = "tiegraph-neo4j.pid"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
MAVEN_TIMEOUT = 1800
MIN_PASSWORD_LENGTH = 8  # dbms.security.auth_minimum_password_length

# From Neo4j 5.26's default configuration; the three --add-opens are required.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)

# Variables that would silently change the JVM or the server's configuration.
_CLEARED_ENV = ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS",
                "HEAP_SIZE", "CLASSPATH")

_SERVER_LOGS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tiegraph: all server logs (debug, query, http, security) go to debug.log. -->
<Configuration status="ERROR">
  <Appenders>
    <RollingRandomAccessFile name="DebugLog" fileName="${config:server.directories.logs}/debug.log"
        filePattern="$${config:server.directories.logs}/debug.log.%02i">
      <Neo4jDebugLogLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p [%c{1.}] %m%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy fileIndex="min" max="3"/>
    </RollingRandomAccessFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="DebugLog"/></Root>
  </Loggers>
</Configuration>
"""

_USER_LOGS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tiegraph: the user log goes to stdout, which tiegraph sends to console.log. -->
<Configuration status="ERROR">
  <Appenders>
    <Console name="Console" target="SYSTEM_OUT">
      <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="Console"/></Root>
  </Loggers>
</Configuration>
"""

# Servers started by this process, so that their exit can be reaped (no zombie looks alive).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServerInfo:
    """A started server. ``password_file`` is where its generated password is, if generated."""

    home: Path
    pid: int
    bolt_uri: str
    http_uri: str
    password_file: Path | None = None


@dataclass(frozen=True)
class ServerStatus:
    """What ``status`` found; ports and version are those of the last start (None if never).

    ``known`` is False when status cannot tell (an unreadable pid file, or a live server
    process that does not accept connections on its Bolt port); ``note`` then says why.
    """

    home: Path
    running: bool
    pid: int | None
    bolt_port: int | None
    http_port: int | None
    version: str | None
    known: bool = True
    note: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the status as JSON-ready plain data (the home as a string)."""
        return {**asdict(self), "home": str(self.home)}


def default_home() -> Path:
    """Return the default server home, ``tiegraph_home()/"neo4j"`` (``~/.tiegraph/neo4j``)."""
    return local_home()


def cache_dir(version: str = NEO4J_VERSION) -> Path:
    """Return the jar cache of one Neo4j version: ``$TIEGRAPH_CACHE/neo4j-<version>``.

    ``TIEGRAPH_CACHE`` defaults to ``~/.cache/tiegraph``.
    """
    root = os.environ.get("TIEGRAPH_CACHE") or Path.home() / ".cache" / "tiegraph"
    return Path(root) / f"neo4j-{version}"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free at the time of the call (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_java() -> tuple[str, int]:
    """Return the ``java`` to run and its major version: ``$JAVA_HOME/bin/java`` or the one on
    PATH, the first that is a Java Neo4j 5.26 runs on (17 or 21).

    Raises LocalServerError when there is no java, or none of a version it runs on.
    """
    java_home = os.environ.get("JAVA_HOME")
    candidates = [str(Path(java_home, "bin", "java")) if java_home else None, shutil.which("java")]
    javas = [c for c in dict.fromkeys(candidates) if c and Path(c).is_file()]
    wanted = " or ".join(str(v) for v in JAVA_VERSIONS)
    if not javas:
        raise LocalServerError(
            f"no `java` on PATH: the local Neo4j {NEO4J_VERSION} server needs Java {wanted} "
            "(e.g. `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME)"
        )
    found = []
    for java in javas:
        major = _java_major(java)
        if major in JAVA_VERSIONS:
            return java, major
        found.append(f"Java {major} at {java}")
    raise LocalServerError(
        f"Neo4j {NEO4J_VERSION} runs on Java {wanted} only, but found {', '.join(found)}: "
        "install one of those and put it first on PATH, or set JAVA_HOME to it"
    )


def _java_major(java: str) -> int:
    """Return the feature release of ``java`` (8 for "1.8.0_392", 17 for "17.0.15")."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60,
                             env=_clean_env(), check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalServerError(f"cannot run {java} -version: {exc}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise LocalServerError(f"cannot tell the version of {java} from `java -version`")
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def jars_ready(version: str = NEO4J_VERSION,
               browser_version: str = NEO4J_BROWSER_VERSION) -> bool:
    """Return True if the jar cache of ``version`` is complete (no download needed)."""
    lib = cache_dir(version) / "lib"
    return all((lib / jar).is_file() for jar in _key_jars(version, browser_version))


def _key_jars(version: str, browser_version: str) -> tuple[str, str]:
    return f"neo4j-{version}.jar", f"neo4j-browser-{browser_version}.jar"


def ensure_jars(version: str = NEO4J_VERSION,
                browser_version: str = NEO4J_BROWSER_VERSION) -> Path:
    """Return the folder holding the server's runtime jars, assembling it first if needed.

    The first call runs Maven (``mvn`` on PATH, Maven Central reachable) with the packaged
    ``neo4j-server-pom.xml``; later calls find the cache (see :func:`cache_dir`) and return
    at once. Raises LocalServerError with the tail of Maven's output when that fails.
    """
    cache = cache_dir(version)
    lib = cache / "lib"
    if jars_ready(version, browser_version):
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise LocalServerError(
            f"no `mvn` on PATH: Maven downloads the Neo4j {version} jars from Maven Central "
            "once (e.g. `apt-get install maven`)"
        )
    cache.mkdir(parents=True, exist_ok=True)
    with _file_lock(cache / ".lock"):
        if jars_ready(version, browser_version):  # another process assembled them meanwhile
            return lib
        partial = cache / "lib.partial"
        shutil.rmtree(partial, ignore_errors=True)
        pom = cache / "pom.xml"
        pom.write_bytes(resources.files("tiegraph.graph").joinpath(POM_RESOURCE).read_bytes())
        log = cache / "mvn.log"
        cmd = [mvn, "-B", "-ntp", "-f", str(pom), "dependency:copy-dependencies",
               f"-Dneo4j.version={version}", f"-Dneo4j.browser.version={browser_version}",
               f"-Dtiegraph.lib={partial}"]
        with log.open("w") as out:
            try:
                done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                      stderr=subprocess.STDOUT, cwd=cache,
                                      timeout=MAVEN_TIMEOUT, check=False)
                code: int | str = done.returncode
            except subprocess.TimeoutExpired:
                code = f"timed out after {MAVEN_TIMEOUT} s"
        if code != 0 or not all((partial / jar).is_file()
                                for jar in _key_jars(version, browser_version)):
            raise LocalServerError(
                f"Maven could not fetch Neo4j {version} from Maven Central (exit: {code}). "
                "Is Maven Central reachable (a proxy goes in ~/.m2/settings.xml)? "
                f"Full log: {log}. Its last lines:\n{_tail(log)}"
            )
        shutil.rmtree(lib, ignore_errors=True)
        partial.rename(lib)
    return lib


def start(home: Path | str | None = None, bolt_port: int = 7687, http_port: int = 7474,
          password: str | None = None, heap: str = "1g", pagecache: str = "512m",
          timeout: float = 120, die_with_parent: bool | None = None) -> ServerInfo:
    """Start a server in ``home`` (default :func:`default_home`) and return its ServerInfo.

    On the first start of a home the initial password of user ``neo4j`` is ``password``, else
    NEO4J_PASSWORD from the settings, else a generated one stored in ``<home>/password``
    (mode 0600). Returns once Bolt accepts that password; raises LocalServerError (and leaves
    nothing running) otherwise.

    The server outlives the calling process unless ``die_with_parent`` (default: environment
    variable TIEGRAPH_NEO4J_DIE_WITH_PARENT=1, which the test suite sets): then, on Linux, it
    gets SIGTERM when the caller exits, even if the caller is killed.
    """
    home = Path(home or default_home()).expanduser().resolve()
    if (pid := _running_pid(home)) is not None:
        raise LocalServerError(
            f"a local Neo4j server is already running at {home} (pid {pid}): "
            "stop it first with `tiegraph neo4j stop`"
        )
    _check_memory(heap, "heap")
    _check_memory(pagecache, "pagecache")
    if bolt_port == http_port:
        raise LocalServerError(f"Bolt and HTTP cannot share port {bolt_port}")
    _check_port_free(bolt_port, "Bolt", "--bolt-port")
    _check_port_free(http_port, "HTTP", "--http-port")
    java, _ = find_java()
    lib = ensure_jars(NEO4J_VERSION)
    if die_with_parent is None:
        die_with_parent = os.environ.get("TIEGRAPH_NEO4J_DIE_WITH_PARENT") == "1"
    linked = die_with_parent and sys.platform.startswith("linux")

    for folder in ("conf", "data", "logs", "run", "import", "plugins"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)  # the home holds the password hash (data/dbms/auth.ini): owner only
    _write_config(home, bolt_port, http_port, heap, pagecache)
    secret, password_file = _server_password(home, password)
    if not (home / "data" / "databases" / "system").exists():
        _set_initial_password(home, secret)
    for auth in (home / "data" / "dbms").glob("auth*"):
        auth.chmod(0o600)

    classpath = f"{home / 'plugins'}/*{os.pathsep}{lib}/*"
    cmd = [java, "-cp", classpath, *JVM_FLAGS, f"-Xms{heap}", f"-Xmx{heap}", ENTRY_POINT,
           f"--home-dir={home}", f"--config-dir={home / 'conf'}", "--console-mode"]
    console = home / "logs" / "console.log"
    with console.open("ab") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                cwd=home, env=_clean_env(home), start_new_session=True,
                                preexec_fn=_sigterm_on_parent_exit if linked else None)
    _CHILDREN[proc.pid] = proc
    (home / "run" / PID_FILE).write_text(f"{proc.pid}\n")
    (home / "run" / STATE_FILE).write_text(json.dumps(
        {"version": NEO4J_VERSION, "bolt_port": bolt_port, "http_port": http_port,
         "heap": heap, "pagecache": pagecache}))
    info = ServerInfo(home, proc.pid, f"bolt://127.0.0.1:{bolt_port}",
                      f"http://127.0.0.1:{http_port}", password_file)
    try:
        _wait_until_ready(proc, info, secret, timeout)
    except BaseException:  # a failed start, or Ctrl-C while waiting: leave nothing running
        _terminate(proc.pid, 10)
        (home / "run" / PID_FILE).unlink(missing_ok=True)
        raise
    return info


def stop(home: Path | str | None = None, timeout: float = 60) -> int:
    """Stop the server of ``home`` (SIGTERM to its recorded pid, SIGKILL after ``timeout`` s).

    Returns the pid that was stopped; raises LocalServerError when none is running there.
    """
    home = Path(home or default_home()).expanduser().resolve()
    pid = _running_pid(home)
    if pid is None:
        raise LocalServerError(f"no local Neo4j server is running at {home}")
    _terminate(pid, timeout)
    (home / "run" / PID_FILE).unlink(missing_ok=True)
    return pid


def restart(home: Path | str | None = None, password: str | None = None,
            timeout: float = 120) -> ServerInfo:
    """Start the server of ``home`` again with the ports and memory of its last start (it must
    be stopped); return its ServerInfo. ``password`` as for :func:`start`."""
    home = Path(home or default_home()).expanduser().resolve()
    state = local_server_state(home)
    if not state:
        raise LocalServerError(f"{home} has never been started: nothing to restart")
    return start(home, bolt_port=state["bolt_port"], http_port=state["http_port"],
                 password=password, heap=state.get("heap", "1g"),
                 pagecache=state.get("pagecache", "512m"), timeout=timeout)


def admin(home: Path | str, args: list[str], *, heap: str = "1g",
          timeout: float = 24 * 3600) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin ARGS`` (``org.neo4j.cli.AdminTool``) for ``home`` with the cached jars
    and a JVM of ``heap``; return the completed process (output captured, not checked)."""
    home = Path(home).expanduser().resolve()
    _check_memory(heap, "heap")
    java, _ = find_java()
    lib = ensure_jars(NEO4J_VERSION)
    try:
        return subprocess.run(
            [java, "-cp", f"{lib}/*", f"-Xmx{heap}", "-Dfile.encoding=UTF-8",
             "org.neo4j.cli.AdminTool", *args],
            capture_output=True, text=True, cwd=home, env=_clean_env(home), timeout=timeout,
            check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise LocalServerError(f"neo4j-admin {' '.join(args[:3])} took over {timeout:.0f} s") \
            from None


def status(home: Path | str | None = None) -> ServerStatus:
    """Return the ServerStatus of ``home``: running or not, pid, ports, version, and whether
    that is known for sure (see :class:`ServerStatus`)."""
    home = Path(home or default_home()).expanduser().resolve()
    state = local_server_state(home)
    found = {"home": home, "bolt_port": state.get("bolt_port"),
             "http_port": state.get("http_port"), "version": state.get("version")}
    pid_file = home / "run" / PID_FILE
    try:
        text = pid_file.read_text().strip()
        int(text)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else f"not a pid: {text[:20]!r}"
        return ServerStatus(running=False, pid=None, known=False,
                            note=f"cannot read the pid file {pid_file} ({why})", **found)
    pid = _running_pid(home)
    port = found["bolt_port"]
    if pid is not None and isinstance(port, int) and not _accepts(port):
        return ServerStatus(running=True, pid=pid, known=False,
                            note=f"the server process runs but does not accept connections on "
                                 f"127.0.0.1:{port} (still starting, or hung)", **found)
    return ServerStatus(running=pid is not None, pid=pid, **found)


def _accepts(port: int, timeout: float = 1.0) -> bool:
    """Return True if something accepts a TCP connection on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _sigterm_on_parent_exit() -> None:
    """In the child, before exec: have Linux send SIGTERM when the parent exits."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _clean_env(home: Path | None = None) -> dict[str, str]:
    """Return the environment for a JVM: no JAVA_OPTS & co, no NEO4J_* but home and conf."""
    env = {k: v for k, v in os.environ.items()
           if k not in _CLEARED_ENV and not k.startswith("NEO4J_")}
    if home is not None:
        env.update(NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    return env


def _check_memory(value: str, what: str) -> None:
    if not re.fullmatch(r"\d+[kKmMgG]?", value):
        raise LocalServerError(f"invalid {what} size {value!r}: write it like 512m or 1g")


def _check_port_free(port: int, what: str, option: str) -> None:
    if not 0 < port < 65536:
        raise LocalServerError(f"invalid {what} port {port}: choose one in 1-65535 with {option}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise LocalServerError(
                f"port {port} ({what}) on 127.0.0.1 is already in use ({exc.strerror}): "
                f"choose another with {option}, or stop what listens there"
            ) from None


#: The Browser's side (issue 18 item 5). client.allow_telemetry=false turns off its usage
#: statistics, crash reports and consent banner. On Community the Browser still tries to load
#: Segment's and Canny's scripts and Google's fonts, and its Sentry tracing still posts
#: (browser.allow_outgoing_connections, the switch for that, is Enterprise-only: strict
#: validation refuses it), so the Browser's pages are served with a Content-Security-Policy
#: that allows only this server and Bolt on loopback: the web browser then refuses those
#: requests before they leave the machine (tests/test_browser.py records them).
BROWSER_CSP = (
    "default-src 'self'; script-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'; "
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:* http://127.0.0.1:* http://localhost:*"
)
BROWSER_NO_OUTGOING_SETTINGS = (
    "client.allow_telemetry=false",
    f"dbms.security.http_static_content_security_policy_header={BROWSER_CSP}",
)

#: Settings that keep the server from contacting anyone or collecting telemetry: no usage
#: report, no driver telemetry, and the Browser's settings above. docker-compose.yml sets
#: the same (tests/test_compose.py checks both).
NO_OUTGOING_SETTINGS = (
    "dbms.usage_report.enabled=false",
    "server.bolt.telemetry.enabled=false",
    *BROWSER_NO_OUTGOING_SETTINGS,
    # LOAD CSV may not fetch from any address (issue 16); file:/// URLs have none and still work.
    "internal.dbms.cypher_ip_blocklist=0.0.0.0/0,::/0",
)


def _write_config(home: Path, bolt_port: int, http_port: int, heap: str, pagecache: str) -> None:
    conf = home / "conf"
    (conf / "server-logs.xml").write_text(_SERVER_LOGS_XML)
    (conf / "user-logs.xml").write_text(_USER_LOGS_XML)
    lines = [
        "# Written by tiegraph (graph/localserver.py) at each start; edits here are lost.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
        "server.bolt.tls_level=DISABLED",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        *NO_OUTGOING_SETTINGS,
        *(f"server.directories.{name}={home / name}"
          for name in ("data", "logs", "run", "import", "plugins")),
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={pagecache}",
        "db.tx_log.preallocate=false",  # else 256 MiB of transaction log per database at once
        f"server.logs.config={conf / 'server-logs.xml'}",
        f"server.logs.user.config={conf / 'user-logs.xml'}",
        # Bolt's thread pool otherwise idles 2 x 5 s at shutdown (internal settings of 5.26).
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "internal.dbms.bolt.netty_server_shutdown_timeout=2",
    ]
    (conf / "neo4j.conf").write_text("\n".join(lines) + "\n")


def _server_password(home: Path, given: str | None) -> tuple[str, Path | None]:
    """Return the password for ``home`` and the file holding it if it was generated.

    An initialised home keeps the password it was initialised with: a generated one is read
    back from ``<home>/password``.
    """
    stored = home / "password"
    initialised = (home / "data" / "databases" / "system").exists()
    if given:
        secret = given
    elif initialised and stored.is_file():
        return stored.read_text().strip(), stored
    elif (configured := load_settings().password) is not None:
        secret = configured.get_secret_value()
    elif initialised:
        raise LocalServerError(
            f"the database in {home} was initialised earlier and its password is unknown: set "
            f"NEO4J_PASSWORD to it, or delete {home / 'data'} to start afresh (this deletes the "
            "database)"
        )
    else:
        secret = secrets.token_urlsafe(24)
        _write_private(stored, secret + "\n")
        return secret, stored
    if len(secret) < MIN_PASSWORD_LENGTH:
        raise LocalServerError(
            f"the Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    if not initialised and stored.is_file() and stored.read_text().strip() != secret:
        stored.unlink()  # a generated password of an earlier, wiped database
    return secret, stored if stored.is_file() else None


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (mode 0600 from the start)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def _set_initial_password(home: Path, secret: str) -> None:
    """Run ``neo4j-admin dbms set-initial-password``, the password in an @-file, not argv."""
    quoted = '"' + secret.replace("\\", "\\\\").replace('"', '\\"') + '"'
    argfile = home / "run" / "initial-password.args"
    # "--" ends the options: a password may begin with "-" (token_urlsafe gives one in 32)
    _write_private(argfile, f"dbms\nset-initial-password\n--\n{quoted}\n")
    try:
        done = admin(home, [f"@{argfile}"], heap="512m", timeout=300)
    finally:
        argfile.unlink(missing_ok=True)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).replace(secret, "***")
        raise LocalServerError(
            f"could not set the initial password (neo4j-admin exit code {done.returncode}):\n"
            + "\n".join(output.strip().splitlines()[:10])
        )


def _wait_until_ready(proc: subprocess.Popen[bytes], info: ServerInfo, secret: str,
                      timeout: float) -> None:
    """Return when Bolt accepts the password and HTTP answers; raise LocalServerError on the
    server's exit, a refused password, or timeout."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    console = info.home / "logs" / "console.log"
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    with GraphDatabase.driver(info.bolt_uri, auth=(DEFAULT_USERNAME, secret),
                              connection_timeout=5) as driver:
        while True:
            code = proc.poll()
            if code is not None:
                hint = (" (exit code 3 usually means memory settings larger than this machine "
                        "allows, or an unwritable log folder)") if code == 3 else ""
                raise LocalServerError(
                    f"the Neo4j server exited during start-up with code {code}{hint}. "
                    f"Last lines of {console}:\n{_server_log_tail(info.home)}"
                )
            try:
                driver.verify_connectivity()
                with urllib.request.urlopen(info.http_uri, timeout=5):
                    return  # HTTP (and the Browser) come up a moment after Bolt
            except AuthError:
                raise LocalServerError(
                    f"the Neo4j server at {info.home} refused the password: its database was "
                    "initialised with another one. Set NEO4J_PASSWORD to that password, or "
                    f"delete {info.home / 'data'} to start afresh (this deletes the database)"
                ) from None
            except (DriverError, Neo4jError, OSError) as exc:
                last = f"{type(exc).__name__}: {exc}".replace(secret, "***")
            if time.monotonic() > deadline:
                raise LocalServerError(
                    f"the Neo4j server did not answer on {info.bolt_uri} within {timeout:g} s "
                    f"({last}). Last lines of {console}:\n{_server_log_tail(info.home)}"
                )
            time.sleep(0.5)


def _server_log_tail(home: Path) -> str:
    """Return the last lines of console.log, else of debug.log (where a crash may be)."""
    logs = home / "logs"
    return _tail(logs / "console.log") or _tail(logs / "debug.log") or "(no log lines)"


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _running_pid(home: Path) -> int | None:
    """Return the pid of the server of ``home`` if it runs; remove a stale pid file."""
    pid_file = home / "run" / PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    if _is_server(pid, home):
        return pid
    pid_file.unlink(missing_ok=True)
    return None


def _is_server(pid: int, home: Path) -> bool:
    """Return True if ``pid`` is alive and is the Neo4j JVM of ``home`` (not a reused pid)."""
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, someone else's: the command line tells
    args = _cmdline(pid)
    return ENTRY_POINT in args and f"--home-dir={home}" in args


def _cmdline(pid: int) -> list[str]:
    """Return the command-line arguments of ``pid`` (empty if unknown or a zombie)."""
    if sys.platform.startswith("linux"):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return []
        return [arg.decode(errors="replace") for arg in raw.split(b"\0") if arg]
    done = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True,
                          text=True, check=False)
    return done.stdout.split()


def _terminate(pid: int, timeout: float) -> None:
    """Send SIGTERM to ``pid``, wait up to ``timeout`` s, then SIGKILL; reap our own child."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
    _CHILDREN.pop(pid, None)


def _wait_gone(pid: int, timeout: float) -> bool:
    """Return True once ``pid`` has exited (within ``timeout`` s), else False."""
    deadline = time.monotonic() + timeout
    child = _CHILDREN.get(pid)
    while time.monotonic() < deadline:
        if child is not None:
            if child.poll() is not None:
                return True
        elif not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    """Return True if ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return bool(_cmdline(pid))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (one jar assembly at a time per version)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
