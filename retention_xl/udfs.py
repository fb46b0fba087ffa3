"""The Excel functions: every KPI of the definitions table, in English and German.

One idea: decorate the plain functions of :mod:`retention_xl.excel_functions` for xlwings.
This is the only module that imports xlwings, and it imports nothing that needs openpyxl or
pywin32, so it loads in xlwings Lite (Pyodide) as well as in classic xlwings on Windows.

Use it in a workbook

- classic xlwings: ``UDF Modules = retention_xl.udfs`` in the ``xlwings.conf`` sheet, then
  *Import Functions* on the xlwings ribbon;
- xlwings Lite: ``retention-xl`` in ``requirements.txt`` and ``from retention_xl.udfs
  import *`` in ``main.py``.

Each function exists under its English name (``RETENTION_RATE``) and its German alias
(``KUNDENBINDUNGSRATE``). Arguments arrive as 2-D ranges (``ndim=2``) with error cells as
their error text (``err_to_str``), so results spill back in the shape of the input and
errors propagate cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import xlwings as xw

from .definitions import ALL_DEFINITIONS, Definition
from .excel_functions import make_function

#: The category the classic function wizard lists the functions under.
CATEGORY = "retention_xl"

__all__: list[str] = []


#: xlwings Lite and xlwings Server register functions through Office.js, which shows a
#: ``Literal`` argument as a dropdown (xlwings >= 0.35.3); classic xlwings would read the
#: annotation as a converter, so it gets none.
_OFFICE_JS = getattr(xw.func, "__module__", "").endswith("udfs_officejs")


def _excel_function(definition: Definition, lang: str) -> Callable[..., Any]:
    function = make_function(definition, lang)
    if _OFFICE_JS:
        function.__annotations__ = {
            p.name: Literal[p.choices] for p in definition.params if p.choices
        }
    for param in reversed(definition.params):
        function = xw.arg(param.name, ndim=2, err_to_str=True, doc=param.help(lang))(function)
    decorated: Callable[..., Any] = xw.func(category=CATEGORY)(function)
    return decorated


for _definition in ALL_DEFINITIONS:
    for _lang in ("en", "de"):
        _function = _excel_function(_definition, _lang)
        globals()[_function.__name__] = _function
        __all__.append(_function.__name__)

del _definition, _lang, _function
