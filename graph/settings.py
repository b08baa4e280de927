"""Connection settings, named the way Neo4j's own tools name them.

Precedence, highest first: explicit values (CLI options), the process environment, a ``.env``
file in the working directory (or the file named by ``TIEGRAPH_ENV_FILE``), the local server
started by ``tiegraph neo4j start`` in the default home (the Bolt port of its last start and
its password file), then defaults.

The password is held in a :class:`Secret`: it never appears in ``repr``, ``str``, logs or
error messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class Secret:
    """A string that does not show itself: ``repr`` and ``str`` print ``'**********'``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """Return the secret itself (only for handing it to the driver)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USERNAME = "neo4j"
DEFAULT_DATABASE = "neo4j"
KEYS = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")


def tiegraph_home() -> Path:
    """Return the folder for tiegraph's own state (local server, generated password).

    ``TIEGRAPH_HOME`` overrides the default ``~/.tiegraph``.
    """
    return Path(os.environ.get("TIEGRAPH_HOME") or Path.home() / ".tiegraph")


#: The file, under ``<server home>/run/``, where ``tiegraph neo4j start`` records the ports,
#: version and memory of its last start.
STATE_FILE = "tiegraph-neo4j.json"


def local_home() -> Path:
    """Return the default home of the local server, ``tiegraph_home()/"neo4j"``."""
    return tiegraph_home() / "neo4j"


def local_password_file() -> Path:
    """Return the path of the generated password of the local server (mode 0600)."""
    return local_home() / "password"


def local_server_state(home: Path | None = None) -> dict[str, object]:
    """Return what the last ``tiegraph neo4j start`` in ``home`` (default: the default home)
    recorded — ``version``, ``bolt_port``, ``http_port``, ``heap``, ``pagecache`` — or ``{}``
    if it was never started there or the record cannot be read."""
    import json

    try:
        state = json.loads((Path(home or local_home()) / "run" / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def local_bolt_uri() -> str | None:
    """Return the Bolt URI of the local server in the default home (from its last start),
    or None if it was never started there."""
    port = local_server_state().get("bolt_port")
    return f"bolt://127.0.0.1:{port}" if isinstance(port, int) else None


@dataclass(frozen=True)
class Settings:
    """Where and how to reach Neo4j. ``password`` is a Secret (never printed)."""

    uri: str = DEFAULT_URI
    username: str = DEFAULT_USERNAME
    password: Secret | None = field(default=None, repr=False)
    database: str = DEFAULT_DATABASE

    def auth(self) -> tuple[str, str]:
        """Return the (username, password) pair for the driver."""
        if self.password is None:
            from tiegraph.graph.errors import ConfigError

            raise ConfigError(
                "no Neo4j password configured: set NEO4J_PASSWORD in the environment or a "
                ".env file, pass --password, or start the local server (tiegraph neo4j start)"
            )
        return self.username, self.password.get_secret_value()


def _env_file_values(path: Path | None) -> dict[str, str]:
    from dotenv import dotenv_values

    path = path or Path(os.environ.get("TIEGRAPH_ENV_FILE") or ".env")
    if not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if k in KEYS and v is not None}


def load_settings(
    uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    database: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
) -> Settings:
    """Return the effective :class:`Settings` from explicit values, environment and files."""
    env = dict(os.environ if environ is None else environ)
    layered = {**_env_file_values(env_file), **{k: v for k, v in env.items() if k in KEYS}}
    explicit = {
        "NEO4J_URI": uri,
        "NEO4J_USERNAME": username,
        "NEO4J_PASSWORD": password,
        "NEO4J_DATABASE": database,
    }
    layered.update({k: v for k, v in explicit.items() if v})
    secret = layered.get("NEO4J_PASSWORD")
    if not secret:
        pw_file = local_password_file()
        if pw_file.is_file():
            secret = pw_file.read_text().strip()
    return Settings(
        uri=layered.get("NEO4J_URI") or local_bolt_uri() or DEFAULT_URI,
        username=layered.get("NEO4J_USERNAME") or DEFAULT_USERNAME,
        password=Secret(secret) if secret else None,
        database=layered.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
    )
