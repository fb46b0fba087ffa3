"""What ``import retention_xl.udfs`` loads: only what xlwings Lite (Pyodide) has.

Issue 17: on Pyodide, ``import retention_xl.udfs`` failed with ``No module named
'_multiprocessing'`` (the package's ``__init__`` imports batch filling, which imported
``ProcessPoolExecutor``), so Lite registered no function at all. scipy is a download of its
own there and must wait until a model function is called.
"""

from __future__ import annotations

import json
import subprocess
import sys

#: Pyodide has none of these (multiprocessing, subprocess, sockets) or they are large
#: downloads the Excel functions do not need until called (scipy) or never (the readers,
#: the workbooks, the engines). ``threading`` is importable there (logging needs it): no
#: thread is ever started on the Excel-function path.
NOT_ON_THE_EXCEL_PATH = (
    "multiprocessing",
    "_multiprocessing",
    "concurrent",
    "subprocess",
    "socket",
    "_socket",
    "asyncio",
    "scipy",
    "pyarrow",
    "python_calamine",
    "openpyxl",
    "duckdb",
    "dask",
    "distributed",
    "pandas",
)


#: A stand-in for xlwings: its classic (Windows/COM) build imports subprocess, sockets and
#: asyncio itself; what is measured here is what retention_xl adds.
_XLWINGS = (
    "import sys, types\n"
    "xw = types.ModuleType('xlwings')\n"
    "xw.func = lambda **kw: (lambda f: f)\n"
    "xw.arg = lambda *a, **kw: (lambda f: f)\n"
    "sys.modules['xlwings'] = xw\n"
)


def _loaded(code: str) -> list[str]:
    script = (
        _XLWINGS + f"{code}\n"
        "import json\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    loaded: list[str] = json.loads(out.splitlines()[-1])
    return loaded


def test_the_excel_functions_load_nothing_pyodide_lacks() -> None:
    loaded = _loaded("import retention_xl.udfs")
    assert [name for name in NOT_ON_THE_EXCEL_PATH if name in loaded] == []


def test_a_model_function_loads_scipy_when_it_is_called() -> None:
    loaded = _loaded(
        "from retention_xl import udfs\n"
        "assert 'scipy' not in sys.modules\n"
        "print(udfs.P_ALIVE([[2.0]], [[30.43]], [[38.86]], 0.243, 4.414, 0.793, 2.426))"
    )
    assert "scipy" in loaded  # the call needed it (scipy.special)
    assert "multiprocessing" not in loaded and "pyarrow" not in loaded
