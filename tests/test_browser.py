"""The Neo4j Browser as an analyst sees it (issue 18 items 5 and 7): headless Chromium from
Debian's packages (/usr/bin/chromium, driven by Playwright, never ``playwright install``) logs in
to the session's test server, loads the style sheet as docs/queries.md says (``:style`` and the
pasted file), runs the README's Browser example, a library query and a control query without
parallel relationships. What the Browser DRAWS (the nodes and relationships of the result
frame's SVG) must be exactly what the query RETURNS (the same query through the driver), and
every node shows a caption made of its properties. The Browser draws, with its default
"connect result nodes", every relationship between the nodes on screen, so a parallel
relationship the query did not ask for shows up as a difference here.

Every request the page makes is recorded: none may leave 127.0.0.1/localhost. (The Browser of
Community 5.26 still tries to load Segment's and Canny's scripts and Google's fonts, and its
Sentry tracing posts to sentry.io whatever the crash-report setting says; the server serves its
pages with a loopback-only Content-Security-Policy, graph.localserver.BROWSER_CSP, so Chromium
refuses them before they are sent: such a request ends with failure ``csp``.)

The screenshot of the README example goes to docs/img/browser-readme-example.png, which
docs/queries.md shows, when TIEGRAPH_SCREENSHOT is set (its layout differs on every run, so a
plain run writes it to the test's temporary folder instead).

Without /usr/bin/chromium the test is skipped; with CI set it fails (.ci/run installs it).
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from neo4j import Driver
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from tiegraph.graph.api import FilesBackend
from tiegraph.graph.projection import project
from tiegraph.graph.settings import Settings
from tiegraph.loaders.neo4j_loader import load_graph
from tiegraph.queries.library import load_query, parse_cypher_literal

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "img" / "browser-readme-example.png"
STYLE = ROOT / "queries" / "tiegraph.grass"
LIBRARY_QUERY = "pair_graph"
CONTROL_QUERY = ("MATCH (a:Agreement) WITH a ORDER BY a.id LIMIT 5 "
                 "MATCH p = (a)-[:CITES]->(:Source) RETURN p")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 30_000


def in_ci() -> bool:
    """Return True when the environment variable CI is set (to anything but empty/0/false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def browser_unavailable(reason: str) -> None:
    """Fail the test when CI is set (CI installs Chromium and Playwright), else skip it."""
    message = f"no headless browser for this test: {reason}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def readme_browser_example() -> str:
    """Return the first ```cypher block after the README's heading "### In the Neo4j Browser"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### In the Neo4j Browser")
    match = re.search(r"^```cypher\n(.*?)^```", text[start:], re.MULTILINE | re.DOTALL)
    assert match, "README.md: no ```cypher block after '### In the Neo4j Browser'"
    return match.group(1).strip()


# --- what the query returns (the driver) ---------------------------------------------------


@dataclass
class Graph:
    """Nodes and relationships by element id; ``types`` maps a relationship id to its type,
    ``props`` a node id to its properties."""

    nodes: set[str] = field(default_factory=set)
    rels: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)
    props: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, value: Any) -> None:
        """Add every node and relationship in ``value`` (paths, lists and maps walked)."""
        if isinstance(value, Node):
            self.nodes.add(value.element_id)
            self.props[value.element_id] = dict(value)
        elif isinstance(value, Relationship):
            self.rels.add(value.element_id)
            self.types[value.element_id] = value.type
            for end in (value.start_node, value.end_node):
                if end is not None:
                    self.add(end)
        elif isinstance(value, GraphPath):
            for part in (*value.nodes, *value.relationships):
                self.add(part)
        elif isinstance(value, list | tuple):
            for item in value:
                self.add(item)
        elif isinstance(value, dict):
            for item in value.values():
                self.add(item)


def returned_graph(driver: Driver, database: str, query: str, params: dict[str, Any]) -> Graph:
    """Return the distinct nodes and relationships in the records of ``query``."""
    graph = Graph()
    with driver.session(database=database) as session:
        for record in session.execute_read(lambda tx: list(tx.run(query, params))):
            graph.add(list(record.values()))
    return graph


# --- what the Browser draws ----------------------------------------------------------------


@dataclass
class Drawn:
    """The result frame's SVG: node and relationship element ids (from the d3 data bound to
    each ``g.node`` / ``g.relationship``), relationship types, and each node's caption (its
    lines)."""

    nodes: list[str]
    rels: list[str]
    types: dict[str, str]
    captions: dict[str, list[str]]


_DRAWN_JS = """frame => {
  const svg = frame.querySelector('svg.neod3viz');
  if (!svg) return null;
  const nodes = [...svg.querySelectorAll('g.node')].map(g => ({
    id: g.__data__ && g.__data__.elementId,
    caption: [...g.querySelectorAll('text.caption')].map(t => t.textContent.trim())}));
  const rels = [...svg.querySelectorAll('g.relationship')].map(g => ({
    id: g.__data__ && g.__data__.elementId, type: g.__data__ && g.__data__.type}));
  return {nodes, rels};
}"""


def drawn_graph(frame: Any) -> Drawn | None:
    """Return what the result frame draws, or None before its graph view exists."""
    raw = frame.evaluate(_DRAWN_JS)
    if raw is None:
        return None
    return Drawn(nodes=[n["id"] for n in raw["nodes"]], rels=[r["id"] for r in raw["rels"]],
                 types={r["id"]: r["type"] for r in raw["rels"]},
                 captions={n["id"]: n["caption"] for n in raw["nodes"]})


#: Paste text into the focused editor as a clipboard paste does (typing it, or inserting it as
#: input, lets the editor auto-close brackets on new lines).
_PASTE_JS = """text => {
  const data = new DataTransfer();
  data.setData('text/plain', text);
  document.activeElement.dispatchEvent(new ClipboardEvent('paste',
    {clipboardData: data, bubbles: true, cancelable: true}));
}"""


class BrowserSession:
    """The Neo4j Browser in one page: ``run`` pastes a command into the editor, runs it and
    returns the frame it opens."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def login(self, http_uri: str, bolt_uri: str, username: str, password: str) -> None:
        """Open the Browser, fill in the connection form, connect, and wait for the initial
        ``:play start`` frame (so that it cannot land above a later frame)."""
        page = self.page
        page.goto(f"{http_uri}/browser/")
        scheme, _, address = bolt_uri.partition("://")
        page.get_by_test_id("bolt-scheme-select").select_option(f"{scheme}://")
        page.get_by_test_id("boltaddress").fill(address)
        page.get_by_test_id("username").fill(username)
        page.get_by_test_id("password").fill(password)
        page.get_by_test_id("connect").click()
        page.get_by_test_id("frameCommand").filter(has_text=":play start").wait_for()

    def run(self, command: str) -> Any:
        """Run ``command`` from the editor; return the (newest, topmost) frame it opens."""
        frames = self.page.get_by_test_id("frame")
        before = frames.count()
        self.page.get_by_test_id("activeEditor").click()
        self.page.evaluate(_PASTE_JS, command)
        self.page.keyboard.press("Control+Enter")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while frames.count() <= before:
            assert time.monotonic() < deadline, f"the Browser opened no frame for {command!r}"
            self.page.wait_for_timeout(50)
        return frames.first

    def drawn(self, frame: Any, settle_s: float = 0.6) -> Drawn:
        """Return what ``frame`` draws once its counts have stayed the same for ``settle_s``."""
        try:
            frame.locator("svg.neod3viz g.node").first.wait_for(timeout=TIMEOUT_MS)
        except Exception as exc:  # Playwright's TimeoutError (its import is optional here)
            shown = frame.inner_text(timeout=1000)[:400] if frame.count() else "no frame"
            raise AssertionError(f"the Browser drew no graph ({type(exc).__name__}); the "
                                 f"frame shows: {shown!r}") from None
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        last, since = None, time.monotonic()
        while True:
            now = drawn_graph(frame)
            key = now and (len(now.nodes), len(now.rels))
            if key != last:
                last, since = key, time.monotonic()
            elif time.monotonic() - since >= settle_s and now is not None:
                return now
            assert time.monotonic() < deadline, "the Browser's graph did not settle"
            self.page.wait_for_timeout(100)


def browser_params_command(params: dict[str, str | None]) -> str:
    """Return the ``:params {...}`` command that sets ``params`` (values as Cypher text)."""
    return ":params {" + ", ".join(f"{k}: {v if v is not None else 'null'}"
                                  for k, v in params.items()) + "}"


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(neo4j_driver: Driver, neo4j_settings: Settings) -> tuple[Driver, str]:
    """The bundled data loaded into the session's server: (driver, database)."""
    database = neo4j_settings.database
    load_graph(neo4j_driver, project(FilesBackend(ROOT / "data").dataset), database)
    return neo4j_driver, database


@pytest.fixture(scope="session")  # set up before the session's server: a skip costs nothing
def chromium() -> Iterator[Any]:
    """Yield a headless Debian Chromium under Playwright (skip or, in CI, fail without one)."""
    if not CHROMIUM.is_file():
        browser_unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


# --- the test ------------------------------------------------------------------------------


def _difference(drawn: Drawn, returned: Graph) -> str:
    """Return a readable account of what is drawn but not returned, and the reverse."""
    extra = Counter(drawn.types[r] for r in set(drawn.rels) - returned.rels)
    missing = Counter(returned.types[r] for r in returned.rels - set(drawn.rels))
    return (f"drawn {len(drawn.nodes)} nodes / {len(drawn.rels)} relationships, returned "
            f"{len(returned.nodes)} / {len(returned.rels)}; drawn but not returned: "
            f"{dict(extra) or 'none'}, nodes {len(set(drawn.nodes) - returned.nodes)}; "
            f"returned but not drawn: {dict(missing) or 'none'}, "
            f"nodes {len(returned.nodes - set(drawn.nodes))}")


#: Relationships between two actors, derived from a fact (one per pair and fact): a query
#: that returns both actors of such a pair gets them drawn too, which is right — they are
#: ties between nodes on screen, not a second relationship between a fact and an actor.
ACTOR_TIES = frozenset({"EXERCISED_WITH", "VISITED", "MEMBER_OF"})


def draw_problems(what: str, drawn: Drawn, returned: Graph,
                  allowed: frozenset[str] = frozenset()) -> list[str]:
    """Return what is wrong with ``drawn`` against ``returned`` (empty when it is the same
    nodes and relationships — drawn relationships of a type in ``allowed`` aside — and every
    node shows a caption taken from its properties)."""
    if not returned.rels:
        return [f"{what}: the query returned no relationships (nothing to compare)"]
    problems = []
    extra = {r for r in set(drawn.rels) - returned.rels if drawn.types[r] not in allowed}
    if len(drawn.nodes) != len(returned.nodes) or set(drawn.nodes) != returned.nodes or (
            extra or returned.rels - set(drawn.rels)):
        problems.append(f"{what}: {_difference(drawn, returned)}")
    problems += _caption_problems(what, drawn, returned)
    return problems


def _caption_problems(what: str, drawn: Drawn, returned: Graph) -> list[str]:
    """Every drawn node shows a caption made of its data: each word of the caption (the
    Browser wraps it, drops words that do not fit and cuts the last one with "…") is part of
    one of the node's property values."""
    problems = []
    for node, lines in drawn.captions.items():
        words = re.findall(r"\w+", " ".join(line.rstrip("…") for line in lines))
        values = [str(v) for v in returned.props.get(node, {}).values()]
        if not words:
            problems.append(f"{what}: node {node} is drawn without a caption")
        elif not all(any(word in value for value in values) for word in words):
            problems.append(f"{what}: caption {' / '.join(lines)!r} of node {node} is not made "
                            "of its properties")
    return problems


def test_the_browser_draws_what_the_readme_example_and_a_library_query_return(
        chromium: Any, loaded: tuple[Driver, str], neo4j_settings: Settings,
        neo4j_http_uri: str, tmp_path: Path) -> None:
    driver, database = loaded
    info = load_query(LIBRARY_QUERY)
    # The screenshot docs/queries.md shows is rewritten only when asked for (its layout
    # differs on every run); otherwise it goes to the test's temporary folder.
    shot = SCREENSHOT if os.environ.get("TIEGRAPH_SCREENSHOT") else tmp_path / SCREENSHOT.name
    checks = [
        # The README's example, as the README prints it (its frame is the screenshot): it
        # must draw exactly what it returns.
        ("README example", readme_browser_example(), {}, shot, frozenset()),
        # A library query, with the parameters its header documents (its :param lines): both
        # actors are on screen, so their derived actor-to-actor ties are drawn as well, but
        # never a second relationship between a fact and an actor.
        (LIBRARY_QUERY, info.text, {p.name: p.example for p in info.params}, None, ACTOR_TIES),
        # A control without parallel relationships: all the citations of five agreements
        # (the Browser can only connect them by CITES, which the query returns in full).
        ("control", CONTROL_QUERY, {}, None, frozenset()),
    ]
    requests: list[Any] = []
    sockets: list[str] = []
    problems: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("request", lambda request: requests.append(request))
        page.on("websocket", lambda ws: sockets.append(ws.url))
        browser = BrowserSession(page)
        secret = neo4j_settings.password
        browser.login(neo4j_http_uri, neo4j_settings.uri, neo4j_settings.username,
                      secret.get_secret_value() if secret is not None else "")
        # The README's style sheet, as docs/queries.md says to load it (`:style` + the file).
        browser.run(":style " + STYLE.read_text(encoding="utf-8"))
        for what, query, params, screenshot, allowed in checks:
            if params:
                browser.run(browser_params_command(params))
            frame = browser.run(query)
            drawn = browser.drawn(frame)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                frame.screenshot(path=str(screenshot))
            values = {k: parse_cypher_literal(v) if v is not None else None
                      for k, v in params.items()}
            returned = returned_graph(driver, database, query, values)
            print(f"{what}: {_difference(drawn, returned)}")  # shown with -s / on failure
            problems += draw_problems(what, drawn, returned, allowed)
        # No usage-data consent banner ("... we collect information on product usage").
        if page.get_by_text("product usage").count():
            problems.append("the Browser shows its usage-data banner (telemetry is on)")
        page.close()
    finally:
        context.close()

    # Nothing but this machine: a request the server's Content-Security-Policy made Chromium
    # refuse (failure "csp") never left it; any other one to another host did, or tried to.
    outside = [r for r in requests if urlsplit(r.url).hostname not in LOCAL_HOSTS]
    print("refused by the policy:", sorted({urlsplit(r.url).hostname for r in outside
                                            if r.failure == "csp"}))
    problems += [f"the Browser contacted another host: {r.method} {r.url} "
                 f"({r.failure or 'answered'})" for r in outside if r.failure != "csp"]
    problems += [f"the Browser opened a WebSocket to another host: {url}" for url in sockets
                 if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert not problems, "\n".join(problems)
