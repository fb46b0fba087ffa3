"""Test set-up: xlwings in its Office.js (xlwings Lite/Server) mode for the whole session.

Set before anything imports xlwings, so that ``xw.func``/``xw.arg`` record real registration
metadata and ``xlwings.server.custom_functions_call`` runs xlwings' own argument and return
conversion — the way Excel calls the functions. The noncommercial key is for this
open-source project's tests only; the package itself uses only BSD xlwings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
sys.path.insert(0, str(Path(__file__).parent))
