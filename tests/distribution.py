"""Build the package's wheel and sdist from the working tree, offline (test helper).

``python -m build --no-isolation`` with the setuptools and build of the test environment
(the test extras): no download of a build environment, and the wheel is built from the
sdist, as ``make dist`` and PyPI's users get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Set by .ci/run: what the distribution tests need must be there (no skipping).
NO_SKIP = os.environ.get("RETENTION_XL_NO_SKIP") == "1"


def build(out: Path, *, sdist: bool = True) -> tuple[Path, Path | None]:
    """Build into ``out``; the wheel and the sdist (None with ``sdist=False``)."""
    which = [] if sdist else ["--wheel"]
    command = [sys.executable, "-m", "build", "--no-isolation", *which, "--outdir", str(out)]
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # no stale copy of a removed module
    run = subprocess.run(
        [*command, str(ROOT)], capture_output=True, text=True, timeout=300, check=False
    )
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{run.stdout}\n{run.stderr}")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' copy of the sources
    (wheel,) = out.glob("*.whl")
    archives = list(out.glob("*.tar.gz"))
    return wheel, archives[0] if archives else None
