"""The installed package lives under one import name, ``tiegraph``.

Builds the wheel, installs it in a fresh venv beside the PyPI ``queries`` distribution (a
PostgreSQL client with a top-level ``queries`` package), and runs the CLI's main job from a
folder that has a ``graph.py`` and a ``loaders.py`` of its own (as a notebook folder might).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the wheel built from the checkout (build backend pinned by constraints.txt)."""
    out = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_CONSTRAINT": str(ROOT / "constraints.txt")}
    result = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                   "--disable-pip-version-check", "-w", str(out), str(ROOT)], ROOT, env)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("tiegraph-*.whl")
    return built


def test_the_wheel_has_one_top_level_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        tops = {name.split("/")[0] for name in z.namelist()}
        names = set(z.namelist())
    assert {t for t in tops if not t.endswith(".dist-info")} == {"tiegraph"}
    for part in ("graph/cli.py", "loaders/model.py", "queries/library.py",
                 "graph/bundled_data/sources.yaml"):
        assert f"tiegraph/{part}" in names, part
    assert any(n.startswith("tiegraph/queries/") and n.endswith(".cypher") for n in names)


def test_installed_beside_pypi_queries_and_a_local_graph_py(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_CONSTRAINT"] = str(ROOT / "constraints.txt")
    # The PyPI "queries" is pinned by no constraint of ours: it comes from the registry as is.
    result = _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                   str(wheel), "queries==2.1.1"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    work = tmp_path / "notebook-folder"
    work.mkdir()
    for name in ("graph.py", "loaders.py"):
        (work / name).write_text("raise ImportError('the local module was imported')\n",
                                 encoding="utf-8")
    check = _run([str(python), "-c",
                  "import queries, tiegraph.queries.library as q, tiegraph.graph.api;"
                  "print(queries.__file__); print(len(q.list_queries()))"], work, env)
    assert check.returncode == 0, check.stderr
    pypi_file, count = check.stdout.split()
    assert "site-packages/queries/" in pypi_file and int(count) > 20
    main_job = _run([str(env_dir / "bin" / "tiegraph"), "densest", "--with", "Japan",
                     "--top", "3"], work, env)
    assert main_job.returncode == 0, main_job.stderr
    assert "United Kingdom" in main_job.stdout and "France" in main_job.stdout
