"""Installable as people install it: the built wheel in a clean virtual environment.

Issue 17 item 5. The wheel and the sdist are built from the working tree (the wheel from
the sdist, as ``make dist`` does); ``pip`` installs the wheel into a new ``python -m venv``
with its dependencies from ``.wheels/`` (downloaded once by ``make wheels``, the versions the
test environment has) and no index, no pip configuration, nothing of the working tree on
the path. Then the command line and one Excel function run from the installed package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from distribution import NO_SKIP, ROOT, build

import retention_xl

pytestmark = pytest.mark.slow

WHEELS = ROOT / ".wheels"


def _clean_env(tmp: Path) -> dict[str, str]:
    """This process's environment less what would lead a child back to the working tree or
    into xlwings' server mode (tests/conftest.py sets it for this session)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "PIP_", "XLWINGS_", "VIRTUAL_ENV"))
    }
    env["PIP_CONFIG_FILE"] = os.devnull  # no machine-wide index, find-links or constraints
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["HOME"] = str(tmp)
    return env


def _run(command: list[str], tmp: Path, env: dict[str, str]) -> str:
    run = subprocess.run(
        command, cwd=tmp, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, f"{' '.join(command)}:\n{run.stdout}\n{run.stderr}"
    return run.stdout


def test_the_wheel_installs_and_runs_in_a_clean_environment(tmp_path: Path) -> None:
    if not (WHEELS / ".stamp").exists():
        why = "no .wheels/: run `make wheels` (make test does)"
        if NO_SKIP:
            pytest.fail(why)
        pytest.skip(why)
    wheel, sdist = build(tmp_path / "dist")
    assert sdist is not None
    version = retention_xl.__version__
    assert wheel.name == f"retention_xl-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        files = set(archive.namelist())
    assert {"retention_xl/py.typed", "retention_xl/udfs.py"} <= files
    assert any(f.startswith("retention_xl/sample/") and f.endswith(".csv") for f in files)
    with tarfile.open(sdist) as archive:
        assert f"retention_xl-{version}/retention_xl/py.typed" in archive.getnames()

    env = _clean_env(tmp_path)
    _run([sys.executable, "-m", "venv", str(tmp_path / "venv")], tmp_path, env)
    bin_dir = tmp_path / "venv" / "bin"
    python = str(bin_dir / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(WHEELS)]
    _run([*pip, str(wheel)], tmp_path, env)

    where = _run(
        [python, "-c", "import retention_xl, pathlib; print(pathlib.Path(retention_xl.__file__))"],
        tmp_path,
        env,
    ).strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where
    assert (Path(where).parent / "py.typed").exists()

    demo = _run([str(bin_dir / "retention-xl"), "demo", "--out-dir", "demo"], tmp_path, env)
    assert "wrote" in demo
    assert list((tmp_path / "demo").glob("*.xlsx"))

    # one Excel function as classic xlwings calls it (on Linux xw.func leaves it plain)
    call = "from retention_xl import udfs; print(udfs.RETENTION_RATE(1000, 1100, 500))"
    value = _run([python, "-c", call], tmp_path, env)
    assert float(value) == pytest.approx(0.6)  # hand: (1100 - 500) / 1000

    _run([str(bin_dir / "retention-xl"), "template", "cohorts", "--out", "x.xlsx"], tmp_path, env)
    workbook = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert workbook.sheetnames
