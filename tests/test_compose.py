"""docker-compose.yml: valid against the official Compose Specification schema, the same pinned
Neo4j as the local server, loopback-only ports, no password in the file, a healthcheck, named
volumes. No Docker needed."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from dotenv import dotenv_values
from jsonschema.validators import validator_for

from tiegraph.graph.localserver import NEO4J_VERSION
from tiegraph.graph.settings import KEYS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).parent / "fixtures" / "compose-spec" / "compose-spec.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text())
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def neo4j(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["neo4j"]


def problems(validator: Any, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_compose_file_follows_the_compose_specification(validator, compose):
    assert problems(validator, compose) == []


@pytest.mark.parametrize("breakage", [
    "unknown top-level key",
    "port as a mapping",
    "restart policy as a list",
    "unknown service key",
])
def test_validator_rejects_a_broken_compose_file(validator, compose, breakage):
    broken = copy.deepcopy(compose)
    service = broken["services"]["neo4j"]
    if breakage == "unknown top-level key":
        broken["service"] = broken.pop("services")
    elif breakage == "port as a mapping":
        service["ports"] = {"7474": "7474"}
    elif breakage == "restart policy as a list":
        service["restart"] = ["always"]
    else:
        service["imagee"] = service.pop("image")
    assert problems(validator, broken), f"{breakage} was not rejected"


def test_image_is_the_pinned_neo4j_community(neo4j):
    assert neo4j["image"] == f"neo4j:{NEO4J_VERSION}-community"


def test_ports_are_bound_to_loopback_only(neo4j):
    ports = neo4j["ports"]
    assert sorted(p.rsplit(":", 1)[1] for p in ports) == ["7474", "7687"]
    for port in ports:
        assert port.startswith("127.0.0.1:"), port


def test_no_literal_password(neo4j):
    auth = neo4j["environment"]["NEO4J_AUTH"]
    # The password comes from the environment (.env), and compose stops when it is unset.
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD:\?[^}]+\}", auth), auth
    for key, value in neo4j["environment"].items():
        if "PASSWORD" in key.upper():
            assert str(value).startswith("${"), f"{key} holds a literal value"
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text()


def test_memory_is_set_for_a_small_machine(neo4j):
    env = neo4j["environment"]
    for key in ("NEO4J_server_memory_heap_initial__size", "NEO4J_server_memory_heap_max__size",
                "NEO4J_server_memory_pagecache_size"):
        assert re.fullmatch(r"\d+[mg]", str(env[key])), key


def test_healthcheck_probes_the_server(neo4j):
    check = neo4j["healthcheck"]
    assert "7474" in " ".join(check["test"])
    assert check["retries"] >= 1


def test_volumes_are_named(compose, neo4j):
    named = set(compose["volumes"])
    mounts = {m.split(":")[0]: m.split(":")[1] for m in neo4j["volumes"]}
    assert set(mounts.values()) == {"/data", "/logs"}
    assert set(mounts) <= named, "a bind mount where a named volume was meant"


def test_env_example_names_every_setting_with_a_placeholder_password():
    values = dotenv_values(ROOT / ".env.example")
    assert set(values) == set(KEYS)
    assert values["NEO4J_PASSWORD"].startswith("change-me")
    assert values["NEO4J_URI"] == "bolt://127.0.0.1:7687"


def _docker_env_name(setting: str) -> str:
    """Return the variable the Neo4j image reads for ``setting`` (``_`` -> ``__``, ``.`` ->
    ``_``, prefix ``NEO4J_``)."""
    return "NEO4J_" + setting.replace("_", "__").replace(".", "_")


def test_neither_setup_phones_home(neo4j, tmp_path):
    """The server's usage report and driver telemetry and the Browser's telemetry are off, and
    the Browser's pages carry a loopback-only Content-Security-Policy, in docker-compose.yml
    and in the generated neo4j.conf (the session's server starts with it: strict
    validation)."""
    from tiegraph.graph.localserver import BROWSER_CSP, NO_OUTGOING_SETTINGS, _write_config

    assert {"server.bolt.telemetry.enabled=false",
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",
            f"dbms.security.http_static_content_security_policy_header={BROWSER_CSP}",
            } <= set(NO_OUTGOING_SETTINGS)
    assert "https:" not in BROWSER_CSP and "*." not in BROWSER_CSP
    for line in NO_OUTGOING_SETTINGS:
        setting, value = line.split("=", 1)
        assert neo4j["environment"].get(_docker_env_name(setting)) == value, setting
    (tmp_path / "conf").mkdir()
    _write_config(tmp_path, 7687, 7474, "1g", "512m")
    conf = (tmp_path / "conf" / "neo4j.conf").read_text().splitlines()
    assert set(NO_OUTGOING_SETTINGS) <= set(conf)
