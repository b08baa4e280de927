"""Every notebook in notebooks/ runs top to bottom on the files backend and shows its results.

Each notebook is executed with nbclient in a ``python3`` kernel (``TIEGRAPH_SOURCE=files``);
the executed copy is written to ``tmp_path`` only, never back into the repository. A run fails
on any cell error and unless the notebook produced at least one table and one PNG figure.
The two-sources notebook (03) runs twice: on the MME file of ../shared/datasets (its numbers
checked; skipped when absent, failing when CI=true) and without it, on the test fixture.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="install the 'notebooks' extra")
nbclient = pytest.importorskip("nbclient", reason="install the 'notebooks' extra")
pytest.importorskip("ipykernel", reason="install the 'notebooks' extra")
pytest.importorskip("matplotlib", reason="install the 'notebooks' extra")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: run by its own tests below, with and without the MME file
TWO_SOURCES = ROOT / "notebooks" / "03_two_sources.ipynb"
OTHERS = [p for p in NOTEBOOKS if p != TWO_SOURCES]
CELL_TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _prepend(var: str, value: str) -> str:
    return os.pathsep.join([value, *filter(None, [os.environ.get(var)])])


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory: pytest.TempPathFactory):
    """Yield ``python3``, making sure that name starts *this* interpreter (the one with tiegraph).

    pip installs ipykernel's ``python3`` spec into the environment, but a spec in the user's
    or the system's Jupyter directories could point at another Python; so the test writes a
    spec for ``sys.executable`` into a private directory put first on JUPYTER_PATH.
    """
    from ipykernel.kernelspec import write_kernel_spec

    share = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(share / "kernels" / "python3")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", _prepend("JUPYTER_PATH", str(share)))
        yield "python3"


def _outputs(nb) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


def _is_table(out: dict) -> bool:
    data = out.get("data", {})
    if "<table" in data.get("text/html", ""):
        return True
    # a DataFrame's plain-text repr, as when HTML output is switched off
    text = data.get("text/plain", "")
    return "rows x" in text or "dtype:" in text


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    assert TWO_SOURCES in NOTEBOOKS


def test_notebooks_are_committed_without_outputs() -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        dirty = [i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not dirty, f"{path.name}: outputs not stripped from cells {dirty}"


def _execute(path: Path, tmp_path: Path, kernel_name: str, monkeypatch: pytest.MonkeyPatch):
    """Return the notebook at ``path`` executed on the files backend (a copy is written to
    ``tmp_path``); fail on a cell error and unless it shows a table and a PNG figure."""
    monkeypatch.setenv("TIEGRAPH_SOURCE", "files")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # the kernel must import the checkout under test, wherever pytest was started from
    monkeypatch.setenv("PYTHONPATH", _prepend("PYTHONPATH", str(ROOT)))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:  # pragma: no cover - the failure
        pytest.fail(f"{path.name} failed:\n{ANSI.sub('', str(exc))}", pytrace=False)
    finally:
        nbformat.write(nb, tmp_path / path.name)

    outputs = _outputs(nb)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert any(_is_table(o) for o in outputs), f"{path.name}: no table output"
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name}: no figure"
    return nb


def _markdown(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/markdown", "") for o in _outputs(nb))


@pytest.mark.parametrize("path", OTHERS, ids=[p.stem for p in OTHERS])
def test_notebook_runs(path: Path, tmp_path: Path, kernel_name: str,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    _execute(path, tmp_path, kernel_name, monkeypatch)


def test_two_sources_without_the_mme_file(tmp_path: Path, kernel_name: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With no MME file the two-sources notebook says so and runs on the test fixture."""
    monkeypatch.setenv("TIEGRAPH_DATASETS", str(tmp_path / "no-datasets"))
    nb = _execute(TWO_SOURCES, tmp_path, kernel_name, monkeypatch)
    text = _markdown(nb)
    assert "**The MME v7 file is absent**" in text
    assert "tests/fixtures/datasets/mme_v7.csv" in text
    # the fixture's Japan–Germany exercise (mme3) and the seven curated goodwill exercises
    assert "**Japan–Germany**: 0 in both, 1 only in MME, 7 only curated" in text
    assert "the published file" not in text


def test_two_sources_on_the_real_file(tmp_path: Path, kernel_name: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """On the published file the notebook's reconciliation gives docs/mme.md's numbers."""
    from tests.test_mme import real_file

    monkeypatch.setenv("TIEGRAPH_DATASETS", str(real_file().parent))
    nb = _execute(TWO_SOURCES, tmp_path, kernel_name, monkeypatch)
    text = _markdown(nb)
    assert "the published file" in text and "absent" not in text
    assert "**Japan–United Kingdom**: 1 in both, 18 only in MME, 0 only curated" in text
    assert "**Japan–France**: 0 in both, 18 only in MME, 0 only curated" in text
    assert "**Japan–Germany**: 0 in both, 8 only in MME, 7 only curated" in text
