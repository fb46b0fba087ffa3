"""Download, at install time, what the distribution tests need, so they run with no network.

Run by the Makefile (``make pyodide``, ``make wheels``; ``make test`` does both) with the
project's virtual environment, whose installed versions it pins:

``python tests/offline.py pyodide .pyodide``
    Node's ``pyodide`` package in each version of :data:`PYODIDE_VERSIONS` (npm; aliased so
    both sit side by side), the wheels that load micropip in each (the versions its
    ``pyodide-lock.json`` names, from PyPI: the npm package ships only the core, neither
    micropip nor numpy), and the pure wheels of the package's dependencies that are not part
    of the Pyodide distribution (xlwings, openpyxl, defusedxml and what they need), as
    micropip would take them from PyPI in xlwings Lite. ``manifest.json`` lists it all for
    ``tests/test_pyodide.py``.

``python tests/offline.py wheels .wheels``
    The wheels of every dependency of the package for this machine, for
    ``tests/test_install.py`` to install the built wheel with ``pip --no-index``.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

#: The newest 0.27 (Python 3.12) and the newest release (314.x: Python 3.14) on npm.
PYODIDE_VERSIONS = ("0.27.7", "314.0.8")

#: The one package this file is for.
PROJECT = "retention-xl"

#: A Pyodide wheel tag for pip, so that it picks the pure wheels micropip would take
#: (xlwings also has compiled wheels for Linux, Windows and macOS).
_PYODIDE_PIP = ("--platform", "pyodide_2024_0_wasm32", "--python-version", "3.12")


def npm_name(version: str) -> str:
    """The alias a Pyodide version is installed under in ``node_modules``."""
    return f"pyodide-{version}"


def _run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def _pip_download(dest: Path, *args: str) -> None:
    """``pip download`` into ``dest``; the last arguments are the requirements."""
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(dest), *args])


def _installed(name: str) -> str:
    return importlib.metadata.version(name)


def _requirements(environment: dict[str, str]) -> list[str]:
    """The package's own dependencies (no extras) whose markers hold in ``environment``."""
    names = []
    for line in importlib.metadata.requires(PROJECT) or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
            names.append(requirement.name)
    return names


def _with_depends(lock: dict[str, dict[str, object]], name: str) -> list[str]:
    """``name`` and what it depends on in the lock file, dependencies first."""
    order: list[str] = []

    def visit(current: str) -> None:
        depends = lock[current].get("depends", [])
        for dependency in depends if isinstance(depends, list) else []:
            visit(str(dependency))
        if current not in order:
            order.append(current)

    visit(name)
    return order


def pyodide(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is missing: apt-get install nodejs npm (.ci/run does this)")
    specs = [f"{npm_name(v)}@npm:pyodide@{v}" for v in PYODIDE_VERSIONS]
    _run([npm, "install", "--prefix", str(out), "--no-audit", "--no-fund", "--save-exact", *specs])

    versions: dict[str, object] = {}
    for version in PYODIDE_VERSIONS:
        directory = out / "node_modules" / npm_name(version)
        lock_file = json.loads((directory / "pyodide-lock.json").read_text(encoding="utf-8"))
        lock = lock_file["packages"]
        python = ".".join(lock_file["info"]["python"].split(".")[:2])  # for pip: 3.12
        loader = out / "loader" / version
        loader.mkdir(parents=True, exist_ok=True)
        loader_wheels = []
        for name in _with_depends(lock, "micropip"):
            wanted = f"{name}=={lock[name]['version']}"
            _pip_download(
                loader, "--no-deps", "--only-binary=:all:", f"--python-version={python}", wanted
            )
            (wheel,) = loader.glob(f"{name.replace('-', '_')}-{lock[name]['version']}-*.whl")
            loader_wheels.append(str(wheel.relative_to(out)))
        versions[version] = {
            "dir": str(directory.relative_to(out)),
            "python": lock_file["info"]["python"],
            "loader_wheels": loader_wheels,
            # in the distribution (Lite loads them from the Pyodide CDN), not in the npm package
            "distribution": {
                name: str(lock[name]["version"]) for name in ("numpy", "scipy") if name in lock
            },
        }

    # The dependencies micropip takes from PyPI in Lite: those that hold on emscripten and
    # are not in the Pyodide distribution, at the versions this environment tests with.
    emscripten = {"sys_platform": "emscripten", "platform_system": "Emscripten"}
    in_distribution = {"numpy", "scipy"}
    from_pypi = [n for n in _requirements(emscripten) if n.lower() not in in_distribution]
    wheels = out / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    wheels.mkdir(parents=True)
    pinned = [f"{name}=={_installed(name)}" for name in from_pypi]
    _pip_download(wheels, "--only-binary=:all:", *_PYODIDE_PIP, *pinned)
    manifest = {
        "versions": versions,
        "wheels": sorted(p.name for p in wheels.glob("*.whl")),
        "pinned": pinned,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out / 'manifest.json'}")


def wheels(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    here = {"sys_platform": sys.platform, "platform_system": platform.system()}
    pinned = [f"{name}=={_installed(name)}" for name in _requirements(here)]
    _pip_download(out, "--only-binary=:all:", *pinned)
    (out / ".stamp").write_text("\n".join(pinned) + "\n", encoding="utf-8")
    print(f"downloaded {len(list(out.glob('*.whl')))} wheels into {out}")


if __name__ == "__main__":
    kind, target = sys.argv[1:3]
    {"pyodide": pyodide, "wheels": wheels}[kind](Path(target))
