"""Connection settings: precedence, and the password never shown."""

from __future__ import annotations

from tiegraph.graph.settings import load_settings


def test_explicit_beats_environment_beats_env_file(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("NEO4J_URI=bolt://file:1\nNEO4J_PASSWORD=from-file-secret\n"
                        "NEO4J_DATABASE=filedb\n")
    monkeypatch.setenv("TIEGRAPH_HOME", str(tmp_path / "home"))
    environ = {"NEO4J_URI": "bolt://env:2"}
    s = load_settings(environ=environ, env_file=env_file)
    assert s.uri == "bolt://env:2"
    assert s.database == "filedb"
    assert s.auth() == ("neo4j", "from-file-secret")
    s = load_settings(uri="bolt://cli:3", password="cli-secret", environ=environ,
                      env_file=env_file)
    assert s.uri == "bolt://cli:3" and s.auth()[1] == "cli-secret"


def test_password_is_not_in_repr_or_str(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEGRAPH_HOME", str(tmp_path))
    s = load_settings(password="very-secret-pw", environ={}, env_file=tmp_path / "none")
    assert "very-secret-pw" not in repr(s)
    assert "very-secret-pw" not in str(s)


def test_missing_password_is_a_clear_error(tmp_path, monkeypatch):
    import pytest

    from tiegraph.graph.errors import ConfigError

    monkeypatch.setenv("TIEGRAPH_HOME", str(tmp_path))
    s = load_settings(environ={}, env_file=tmp_path / "none")
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        s.auth()


def test_local_server_password_file_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEGRAPH_HOME", str(tmp_path))
    (tmp_path / "neo4j").mkdir()
    (tmp_path / "neo4j" / "password").write_text("generated-pw\n")
    s = load_settings(environ={}, env_file=tmp_path / "none")
    assert s.auth()[1] == "generated-pw"


def test_the_local_server_of_the_default_home_is_found(tmp_path, monkeypatch):
    """After `tiegraph neo4j start --bolt-port 17687`, commands go to 17687 without NEO4J_URI;
    an explicit URI (environment, .env, --uri) still wins."""
    import json

    from tiegraph.graph.settings import DEFAULT_URI, STATE_FILE

    monkeypatch.setenv("TIEGRAPH_HOME", str(tmp_path))
    assert load_settings(environ={}, env_file=tmp_path / "none").uri == DEFAULT_URI
    run = tmp_path / "neo4j" / "run"
    run.mkdir(parents=True)
    (run / STATE_FILE).write_text(json.dumps({"bolt_port": 17687, "http_port": 17474}))
    assert load_settings(environ={}, env_file=tmp_path / "none").uri == "bolt://127.0.0.1:17687"
    env_uri = load_settings(environ={"NEO4J_URI": "bolt://elsewhere:7687"},
                            env_file=tmp_path / "none")
    assert env_uri.uri == "bolt://elsewhere:7687"
    (run / STATE_FILE).write_text("{not json")
    assert load_settings(environ={}, env_file=tmp_path / "none").uri == DEFAULT_URI
