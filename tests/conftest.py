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

import pytest

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
sys.path.insert(0, str(Path(__file__).parent))


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
