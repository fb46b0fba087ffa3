"""The Excel functions through xlwings' own conversion, as Excel calls them.

xlwings Lite / Office.js: ``xlwings.server.custom_functions_call`` converts the arguments
Office.js sends (numbers, ``""`` for blanks, error objects, serial dates) and the results
(error strings become real error objects). Classic xlwings on Windows: ``xlwings.udfs`` is
imported in a subprocess with small stand-ins for pywin32, which yields the registration
metadata and the VBA that "Import Functions" would write.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from cases import CASES, Case
from xlwings import server

from retention_xl import udfs
from retention_xl.dates import date_to_serial
from retention_xl.definitions import ALL_DEFINITIONS, by_name


def excel_call(name: str, *args: Any) -> Any:
    """Call like Excel 365 does through Office.js (custom functions runtime 1.4)."""
    payload = {
        "func_name": name,
        "args": list(args),
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "culture_info_name": "de-DE",
        "date_format": "dd.MM.yyyy",
    }
    return asyncio.run(server.custom_functions_call(payload, udfs))


def error(kind: str) -> dict[str, str]:
    """A real Excel error value as Office.js returns and sends it."""
    return {"type": "Error", "errorType": kind}


def _officejs_args(case: Case) -> list[Any]:
    out: list[Any] = []
    for param in by_name(case.function).params:
        value = case.args.get(param.name)
        if value is None:
            out.append(None)  # an omitted optional argument
        elif isinstance(value, list):
            out.append([[date_to_serial(v) if isinstance(v, dt.date) else v] for v in value])
        elif isinstance(value, dt.date):
            out.append([[int(date_to_serial(value))]])  # Lite sends dates as serial numbers
        else:
            out.append([[value]])
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_worked_examples_through_office_js(case: Case) -> None:
    result = excel_call(by_name(case.function).alias, *_officejs_args(case))
    assert result == [[pytest.approx(case.expected, rel=1e-12)]]


def test_blanks_errors_and_text_become_real_error_cells() -> None:
    start = [[1000], [""], ["abc"], [-5], [{"type": "Error", "basicValue": "#REF!"}], [0]]
    result = excel_call("RETENTION_RATE", start, [[1100]], [[500]], None)
    assert result == [
        [0.6],
        [error("NotAvailable")],
        [error("Value")],
        [error("Num")],
        [error("Ref")],
        [error("Num")],
    ]


def test_zero_denominator_is_a_real_div0_error() -> None:
    assert excel_call("CHURN_RATE", [[0]], [[0]], None) == [[error("Div0")]]


def test_row_ranges_spill_as_rows() -> None:
    # hand: (1100-500)/1000 and (1100-500)/1200 = 0.5
    assert excel_call("RETENTION_RATE", [[1000, 1200]], [[1100]], [[500]], None) == [[0.6, 0.5]]


def test_serial_dates_from_lite() -> None:
    # 45371 = 2024-03-20, 45382 = 2024-03-31; window 2024-03-02..03-31 holds both
    last = [[45296], [45371], [45382], [""], [""]]
    assert excel_call("AKTIVE_KUNDEN", last, [[45382]], [[30]]) == [[2.0]]


def test_registration_metadata_for_lite() -> None:
    meta = server.custom_functions_meta(udfs)
    functions = {f["name"]: f for f in meta["functions"]}
    assert set(functions) == {d.name for d in ALL_DEFINITIONS} | {d.alias for d in ALL_DEFINITIONS}
    for definition in ALL_DEFINITIONS:
        for lang in ("en", "de"):
            entry = functions[definition.excel_name(lang)]
            assert entry["description"] == definition.wizard_text(lang)
            assert [p["name"] for p in entry["parameters"]] == [p.name for p in definition.params]
            assert [p["description"] for p in entry["parameters"]] == [
                p.help(lang) for p in definition.params
            ]
            assert [bool(p.get("optional")) for p in entry["parameters"]] == [
                p.optional for p in definition.params
            ]


_CLASSIC = textwrap.dedent(
    """
    import io, json, sys, types
    # stand-ins for pywin32: just enough for xlwings.udfs to import and write VBA
    pythoncom = types.ModuleType("pythoncom"); pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    win32com = types.ModuleType("win32com"); client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a, **k: None; win32com.client = client
    sys.modules.update({"pythoncom": pythoncom, "pywintypes": pywintypes,
                        "win32com": win32com, "win32com.client": client})
    import xlwings, xlwings.udfs as classic
    xlwings.func, xlwings.arg, xlwings.ret = classic.xlfunc, classic.xlarg, classic.xlret
    from retention_xl import udfs
    vba = io.StringIO()
    workbook = types.SimpleNamespace(Name="retention_kpis_en.xlsm")
    classic.generate_vba_wrapper("retention_xl.udfs", udfs, vba, workbook)
    meta = {name: {"args": [{k: a[k] for k in ("name", "doc", "options")} | {
                "optional": "optional" in a} for a in f.__xlfunc__["args"]],
                   "doc": f.__xlfunc__["ret"]["doc"], "category": f.__xlfunc__["category"]}
            for name in udfs.__all__ for f in [getattr(udfs, name)]}
    print(json.dumps({"vba": vba.getvalue(), "meta": meta}))
    """
)


@pytest.fixture(scope="module")
def classic() -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-c", _CLASSIC],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).parent,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_classic_registration_metadata(classic: dict[str, Any]) -> None:
    meta = classic["meta"]
    for definition in ALL_DEFINITIONS:
        for lang in ("en", "de"):
            entry = meta[definition.excel_name(lang)]
            assert entry["doc"] == definition.wizard_text(lang) and len(entry["doc"]) <= 255
            assert entry["category"] == "retention_xl"
            for arg, param in zip(entry["args"], definition.params, strict=True):
                assert arg["name"] == param.name and arg["doc"] == param.help(lang)
                assert arg["optional"] == param.optional
                assert arg["options"] == {"ndim": 2, "err_to_str": True}


def test_classic_vba_declares_every_function_with_its_parameters(classic: dict[str, Any]) -> None:
    vba = classic["vba"]
    for definition in ALL_DEFINITIONS:
        args = ", ".join(("Optional " if p.optional else "") + p.name for p in definition.params)
        for lang in ("en", "de"):
            name = definition.excel_name(lang)
            assert f"Function {name}({args})" in vba
            assert f'XLPy.CallUDF("retention_xl.udfs", "{name}"' in vba
    assert vba.count("End Function") == 2 * len(ALL_DEFINITIONS)


def test_cohort_table_through_office_js() -> None:
    # an Excel Table column arrives with empty strings for its blank rows; dates as serials
    ids = [["a"], ["b"], ["a"], [""], [""]]
    dates = [[45296], [45297], [45327], [""], [""]]  # 2024-01-05, 01-06, 02-05
    amounts = [[10], [20], [5.5], [""], [""]]
    result = excel_call(
        "COHORT_TABLE", ids, dates, amounts, [["M"]], None, [["revenue"]], [[45351]]
    )  # as_of 2024-02-29
    # hand: January cohort (a, b) has 10 + 20 in January and 5.5 in February
    assert result == [
        ["Cohort", "Customers", 0, 1],
        ["2024-01", 2, 30.0, 5.5],
        ["2024-02", 0, "", ""],
        ["Average", 2, 30.0, 5.5],
    ]


def test_cohort_table_bad_dates_are_a_real_error() -> None:
    assert excel_call("KOHORTENTABELLE", [["a"]], [["bald"]]) == [[error("Value")]]


def test_choice_arguments_are_dropdowns_in_lite() -> None:
    # issue 17 item 4: Literal hints become Office.js custom enums (xlwings >= 0.35.3)
    meta = server.custom_functions_meta(udfs)
    enums = {enum["id"]: [v["stringValue"] for v in enum["values"]] for enum in meta["enums"]}
    assert enums["COHORT_TABLE.KIND"] == ["on", "on_or_after", "rolling"]  # cohorts.KINDS
    assert enums["KOHORTENTABELLE.VALUE"][0] == "customers"  # cohorts.VALUES
    assert enums["MRR_MOVEMENTS.PERIOD"] == ["M", "Q", "Y"]
    kind = next(
        p
        for f in meta["functions"]
        if f["name"] == "COHORT_TABLE"
        for p in f["parameters"]
        if p["name"] == "kind"
    )
    assert kind["customEnumId"] == "COHORT_TABLE.KIND"
    # a choice from the dropdown arrives as a plain text and computes as typed
    ids, dates = [["a"], ["a"]], [[45296], [45327]]
    assert excel_call("COHORT_TABLE", ids, dates, None, None, "on_or_after", "customers") == (
        excel_call("COHORT_TABLE", ids, dates, None, None, [["on_or_after"]], [["customers"]])
    )
