"""Test set-up: xlwings in its Office.js (xlwings Lite/Server) mode for the whole session.

Set before anything imports xlwings, so that ``xw.func``/``xw.arg`` record real registration
metadata and ``xlwings.server.custom_functions_call`` runs xlwings' own argument and return
conversion — the way Excel calls the functions. The noncommercial key is for this
open-source project's tests only; the package itself uses only BSD xlwings.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

import pytest

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
sys.path.insert(0, str(Path(__file__).parent))

import libreoffice  # (tests/libreoffice.py, found through the line above)


@pytest.fixture(scope="session")
def scheduler() -> Iterator[str]:
    """The address of a Dask LocalCluster of 2 worker processes (one thread each), started
    once for the engine tests that ask for it (tests/test_engines_dask.py,
    tests/test_engines_models.py)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},  # any free port
        silence_logs=logging.ERROR,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


# --- markers -------------------------------------------------------------------------------
# `make test-fast` runs `pytest -m "not slow and not dask and not libreoffice"`. The markers
# libreoffice and dask are given here by what a test uses, so a new test cannot forget them;
# slow is written on each slow test (@pytest.mark.slow: above about a second on its own).


def _names_in(function: object) -> set[str]:
    """The global names ``function``'s code (and the code nested in it) refers to."""
    code = getattr(function, "__code__", None)
    names: set[str] = set()
    stack = [code] if isinstance(code, CodeType) else []
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, CodeType))
    return names


def _calls(function: object, target: object) -> bool:
    """Whether ``function`` refers by a global name to ``target``."""
    found = getattr(function, "__globals__", {})
    return any(found.get(name) is target for name in _names_in(function))


def _functions(item: pytest.Item) -> list[object]:
    """The test function and every fixture function it depends on."""
    functions: list[object] = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)  # pytest's record of the fixture closure
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        functions.extend(definition.func for definition in definitions)
    return [f for f in functions if f is not None]


def _uses_libreoffice(item: pytest.Item) -> bool:
    """The test, or a fixture it uses, recalculates in LibreOffice (tests/libreoffice.py)."""
    return any(_calls(f, libreoffice.convert) for f in _functions(item))


def _uses_dask(item: pytest.Item) -> bool:
    """The test asks for the session's LocalCluster or runs a case on the Dask engine."""
    callspec = getattr(item, "callspec", None)
    engine = callspec.params.get("engine") if callspec is not None else None
    return "scheduler" in getattr(item, "fixturenames", ()) or engine == "dask"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _uses_libreoffice(item):
            item.add_marker(pytest.mark.libreoffice)
        if _uses_dask(item):
            item.add_marker(pytest.mark.dask)
