"""The Excel functions where xlwings Lite runs them: Pyodide (under Node.js, offline).

Issue 17 item 1. Each Pyodide version of ``tests/offline.py`` starts under Node.js, loads
micropip, and installs with it from local files — the way Lite installs ``retention-xl``
from its ``requirements.txt`` — the pure wheels of xlwings, openpyxl and defusedxml (what
micropip takes from PyPI in Lite) and the project's own wheel, built here from the working
tree; micropip then finds every dependency of the wheel installed. ``main.py`` holds
``from retention_xl.udfs import *`` as in a Lite workbook, and xlwings' own registration
(``xlwings.server.custom_functions_meta``, with xlwings in its Office.js mode as Lite/Server
set it up: ``XLWINGS_ON_SERVER``) must find every function of the definitions table, in
English and German, with its arguments, their help and which are optional.

What is not the real thing, and why:

- numpy and scipy are part of the Pyodide distribution (Lite loads them from Pyodide's
  CDN); the npm package ships only the core, and no registry here has a Pyodide build of
  numpy. They are micropip *mock* packages at the distribution's versions: numpy a
  stand-in that lets the modules import (calls made while they import give inert
  placeholders, recorded) and raises on every call once imported; scipy raises on import,
  so the Excel functions must not import it until a model function runs. No computation
  happens here: the tests on CPython check the numbers (tests/test_excel_call_path.py runs
  them through the same xlwings conversion).
- xlwings Lite's add-in itself (Office.js, its own start-up code) is closed; the start-up
  follows xlwings Server's open WASM mode, which Lite grew out of.

No network: fetch is refused in the runner (tests/pyodide_lite.mjs), and the test checks
that nothing tried.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from distribution import NO_SKIP, ROOT, build
from offline import PYODIDE_VERSIONS

import retention_xl
from retention_xl.definitions import ALL_DEFINITIONS

pytestmark = pytest.mark.pyodide

PYODIDE_DIR = ROOT / ".pyodide"
RUNNER = Path(__file__).with_name("pyodide_lite.mjs")

NUMPY_STAND_IN = '''
"""A stand-in for numpy (tests/test_pyodide.py): the Pyodide distribution's numpy is not
on this machine. Module-level calls while retention_xl imports give inert placeholders and
are recorded in CALLED; after FROZEN is set, every call raises."""

FROZEN = False
CALLED = []
_WHY = ("numpy is a stand-in in this check (the Pyodide npm package ships no numpy): %s "
        "computes nothing here")


class _Placeholder:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Placeholder(self._name + "." + attr)

    def __call__(self, *args, **kwargs):
        if FROZEN:
            raise RuntimeError(_WHY % self._name)
        CALLED.append(self._name)
        return _Placeholder(self._name + "()")

    def __getitem__(self, key):
        return self

    def __float__(self):
        return float("nan")

    def __int__(self):
        return 0

    __index__ = __int__

    def _same(self, *other):
        return self

    __or__ = __ror__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __neg__ = _same

    def __repr__(self):
        return "<numpy stand-in " + self._name + ">"


def __getattr__(attr):
    if attr.startswith("__"):
        raise AttributeError(attr)
    return _Placeholder(__name__ + "." + attr)
'''

SCIPY_STAND_IN = """
raise ImportError(
    "scipy is a mock in this check (the Pyodide npm package ships no scipy); the Excel "
    "functions must not import it until a model function is called"
)
"""

#: The numpy modules retention_xl imports by name.
NUMPY_MODULES = ("numpy", "numpy.typing", "numpy.polynomial", "numpy.polynomial.legendre")


def _install_code(distribution: dict[str, str], wheels: list[str], project: str) -> str:
    mocks = {name: NUMPY_STAND_IN for name in NUMPY_MODULES}
    return textwrap.dedent(
        f"""
        import json, os, micropip
        # xlwings in its Office.js mode, set before it is imported, as Lite/Server do
        os.environ["XLWINGS_ON_SERVER"] = "true"
        os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
        micropip.add_mock_package("numpy", {distribution["numpy"]!r}, modules={mocks!r})
        micropip.add_mock_package(
            "scipy", {distribution["scipy"]!r}, modules={{"scipy": {SCIPY_STAND_IN!r}}}
        )
        for wheel in {wheels!r}:  # dependencies first, as pip downloaded them
            await micropip.install("emfs:/wheels/" + wheel, deps=False)
        # the project's wheel with its dependencies: all of them must be installed now
        await micropip.install("emfs:/dist/" + {project!r})
        json.dumps({{p.name: p.version for p in micropip.list().values()}})
        """
    )


IMPORT_CODE = textwrap.dedent(
    """
    import sys
    with open("/home/pyodide/main.py", "w") as f:
        f.write("from retention_xl.udfs import *\\n")
    sys.path.insert(0, "/home/pyodide")
    import main
    """
)

REGISTER_CODE = textwrap.dedent(
    """
    import json, sys
    import main, numpy
    numpy.FROZEN = True  # the registration must not need numpy
    from xlwings.server import custom_functions_meta
    json.dumps({
        "meta": custom_functions_meta(main),
        "numpy_calls_while_importing": numpy.CALLED,
        "modules": sorted({m.split(".")[0] for m in sys.modules}),
        "python": sys.version.split()[0],
    })
    """
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    why = None
    if shutil.which("node") is None:
        why = "Node.js is missing (apt-get install nodejs npm; .ci/run does this)"
    elif not (PYODIDE_DIR / "manifest.json").exists():
        why = "no .pyodide/manifest.json: run `make pyodide` (make test does)"
    if why is not None:
        if NO_SKIP:
            pytest.fail(why + " — CI must run the Pyodide check")
        pytest.skip(why)
    loaded: dict[str, Any] = json.loads((PYODIDE_DIR / "manifest.json").read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def project_wheel(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    wheel, _ = build(tmp_path_factory.mktemp("dist"))
    return wheel


def run_in_pyodide(
    version: str, manifest: dict[str, Any], wheel: Path, tmp: Path
) -> dict[str, Any]:
    entry = manifest["versions"][version]
    spec = {
        "pyodide": str(PYODIDE_DIR / entry["dir"]),
        "mounts": {"/wheels": str(PYODIDE_DIR / "wheels"), "/dist": str(wheel.parent)},
        "loader_wheels": [str(PYODIDE_DIR / w) for w in entry["loader_wheels"]],
        "steps": [
            {
                "name": "install",
                "code": _install_code(entry["distribution"], manifest["wheels"], wheel.name),
            },
            {"name": "import", "code": IMPORT_CODE},
            {"name": "register", "code": REGISTER_CODE},
        ],
    }
    (tmp / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    node = shutil.which("node") or "node"
    run = subprocess.run(
        [node, str(RUNNER), str(tmp / "spec.json"), str(tmp / "result.json")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, f"node failed:\n{run.stdout}\n{run.stderr}"
    result: dict[str, Any] = json.loads((tmp / "result.json").read_text("utf-8"))
    return result


def _timings(result: dict[str, Any]) -> str:
    return ", ".join(f"{s['name']} {s['seconds']:.2f} s" for s in result["steps"])


@pytest.mark.parametrize("version", PYODIDE_VERSIONS)
def test_lite_registers_every_excel_function(
    version: str, manifest: dict[str, Any], project_wheel: Path, tmp_path: Path
) -> None:
    result = run_in_pyodide(version, manifest, project_wheel, tmp_path)
    print(f"Pyodide {result['version']}: {_timings(result)}")
    failed = [s for s in result["steps"] if "error" in s]
    assert not failed, f"Pyodide {version}, step {failed[0]['name']!r}:\n{failed[0]['error']}"
    assert result["network"] == []
    assert result["version"] == version

    installed = json.loads(result["steps"][2]["value"])  # "install"
    assert installed["retention-xl"] == retention_xl.__version__
    assert installed["xlwings"] == next(
        p.split("==")[1] for p in manifest["pinned"] if p.startswith("xlwings==")
    )
    assert "pyarrow" not in installed and "python-calamine" not in installed  # emscripten

    registered = json.loads(result["steps"][4]["value"])  # "register"
    print("numpy called while importing:", ", ".join(registered["numpy_calls_while_importing"]))
    assert registered["python"] == manifest["versions"][version]["python"]
    # installed (openpyxl) or mocked (scipy), and not for the Excel functions to load
    assert {"scipy", "openpyxl"}.isdisjoint(registered["modules"])
    functions = {f["name"]: f for f in registered["meta"]["functions"]}
    names = {d.name for d in ALL_DEFINITIONS} | {d.alias for d in ALL_DEFINITIONS}
    assert set(functions) == names
    for definition in ALL_DEFINITIONS:
        for lang in ("en", "de"):
            entry = functions[definition.excel_name(lang)]
            assert entry["description"] == definition.wizard_text(lang)
            parameters = entry["parameters"]
            assert [p["name"] for p in parameters] == [p.name for p in definition.params]
            assert [p["description"] for p in parameters] == [
                p.help(lang) for p in definition.params
            ]
            assert [bool(p.get("optional")) for p in parameters] == [
                p.optional for p in definition.params
            ]
            # ranges in, spilled ranges out (ndim=2 on every argument), but a choice: one
            # text from a dropdown (the definition's choices as an Office.js enum)
            for shown, param in zip(parameters, definition.params, strict=True):
                if param.choices:
                    assert shown["dimensionality"] == "scalar" and "customEnumId" in shown
                else:
                    assert shown["dimensionality"] == "matrix"
            assert entry["result"] == {"dimensionality": "matrix", "type": "any"}
