"""The model Excel functions as Excel calls them: worked examples, spills, bad ranges, fuzz."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_excel_call_path import excel_call
from test_properties import _has_nan, ranges

from retention_xl import udfs
from retention_xl.definitions import MODEL_DEFINITIONS
from retention_xl.excel_values import ERRORS

DATA = Path(__file__).parent / "data"
# Fader, Hardie & Lee (2005) / kpi-spec §3: the published CDNOW fit and customer 1
BGNBD = [0.243, 4.414, 0.793, 2.426]
REGULAR = [[1000], [631], [468], [382], [326], [289], [262], [241]]  # FH 2007 table 1, 0–7


def excel(name: str, *args: Any) -> Any:
    """Call the Excel function ``name`` of :mod:`retention_xl.udfs` as classic xlwings does."""
    return getattr(udfs, name)(*args)


def test_names_are_safe_for_excel_and_vba() -> None:
    for definition in MODEL_DEFINITIONS:
        for name in (definition.name, definition.alias):
            assert name.isascii() and name.isupper()
            # not a cell reference (A1 or R1C1 style) in any Excel version
            assert not re.fullmatch(r"[A-Z]{1,3}\d+|R\d*C\d*", name)
        assert definition.handler.startswith("retention_xl.excel_models:")


def test_p_alive_and_expected_purchases_of_customer_1() -> None:
    # kpi-spec §3: customer 1 (x=2, t_x=30.43, T=38.86): P(alive) 0.727, E[X(39)] 1.226
    assert excel("P_ALIVE", 2, 30.43, 38.86, *BGNBD) == pytest.approx(0.727, abs=5e-4)
    assert excel("ERWARTETE_KAEUFE", 39, 2, 30.43, 38.86, *BGNBD) == pytest.approx(1.226, abs=5e-4)


def test_elementwise_model_functions_spill_with_one_error_per_cell() -> None:
    result = excel(
        "P_ALIVE",
        [[2], [0], [-1], ["abc"], [None], [2]],
        [[30.43], [0], [1], [1], [1], [40]],
        38.86,
        *BGNBD,
    )
    assert result[1] == [1.0]  # no repeat purchase: cannot have dropped out (FHL 2008)
    assert result[2:] == [["#NUM!"], ["#VALUE!"], ["#N/A"], ["#NUM!"]]  # last: recency > age
    assert excel("EXPECTED_SPEND", 0, 0, 6.25, 0.9, 15.44) == "#NUM!"  # q ≤ 1: no finite mean
    assert excel("SBG_RETENTION", 0.704, 1.182, [[1, 2, 0]]) == [
        [pytest.approx(1.182 / 1.886), pytest.approx(2.182 / 2.886), "#NUM!"]
    ]  # FH 2007 eq. 5 by hand; period 0 has no retention rate


def test_sbg_fit_spills_the_paper_parameters() -> None:
    rows = excel("SBG_FIT", [*REGULAR, [None], [None]])  # a Table column with empty rows
    assert [row[0] for row in rows] == ["alpha", "beta", "log_likelihood", "converged"]
    assert rows[0][1] == pytest.approx(0.704, abs=5e-4)  # FH 2007: α 0.704, β 1.182
    assert rows[1][1] == pytest.approx(1.182, abs=5e-4)
    assert rows[3][1] is True
    assert excel("SBG_UEBERLEBEN", 0.704, 1.182, 1) == pytest.approx(1.182 / 1.886)  # S(1)


@pytest.mark.slow  # ~1 s: fits BG/NBD and Gamma-Gamma to all 2,357 CDNOW customers
def test_bgnbd_and_gamma_gamma_fits_through_office_js() -> None:
    with (DATA / "cdnow_customers_summary_with_transactions.csv").open() as handle:
        next(handle)
        rows = [line.strip().split(",") for line in handle]
    x = [[float(r[1])] for r in rows]
    t_x = [[float(r[2])] for r in rows]
    age = [[float(r[3])] for r in rows]
    zbar = [[float(r[4])] for r in rows]
    fit = excel_call("BGNBD_SCHAETZUNG", x, t_x, age)
    assert [row[0] for row in fit] == ["r", "alpha", "a", "b", "Log-Likelihood", "konvergiert"]
    for row, published in zip(fit, BGNBD, strict=False):  # FHL 2005
        assert row[1] == pytest.approx(published, abs=5e-4)
    assert fit[4][1] == pytest.approx(-9582.4, abs=0.05)  # FHL 2005: LL −9582.4
    assert fit[5][1] is True
    spend = excel_call("GAMMA_GAMMA_FIT", x, zbar)
    for row, published in zip(spend, (6.25, 3.74, 15.44), strict=False):  # FH 2013
        assert row[1] == pytest.approx(published, abs=1e-2)


def test_clv_bgnbd_through_office_js_and_its_defaults() -> None:
    args = [
        [[39]],
        [[2]],
        [[30.43]],
        [[38.86]],
        [[22.35]],
        *([[v]] for v in BGNBD),
        [[6.25]],
        [[3.74]],
        [[15.44]],
    ]
    plain = excel_call("CLV_BGNBD", *args, None, None)
    # hand: E[Y(39)] 1.2259 × E[Z] (15.44 + 44.7)·6.25/15.24 = 24.666, margin 1, d 0
    assert plain[0][0] == pytest.approx(1.2259 * (15.44 + 44.7) * 6.25 / 15.24, rel=2e-4)
    lower = excel_call("KUNDENWERT_BGNBD", *args, [[0.3]], [[0.01]])
    assert 0 < lower[0][0] < 0.3 * plain[0][0]


def test_rfm_functions_spill_tables_from_order_columns() -> None:
    ids = [["a"], ["a"], ["a"], ["b"], [None]]
    dates = [[dt.datetime(2024, 1, 1)], ["2024-01-01"], [45306.0], ["08.01.2024"], [None]]
    amounts = [[10.0], [5.0], [30.0], [5.0], [None]]  # 45306 = 2024-01-15
    summary = excel("RFM_SUMMARY", ids, dates, amounts, "2024-01-29", "W")
    # hand: a has transactions on 01-01 (15) and 01-15 (30): x 1, t_x 2 w, T 4 w, z̄ 30
    assert summary == [
        ["Customer", "Frequency", "Recency", "Age (T)", "Monetary"],
        ["a", 1, 2.0, 4.0, 30.0],
        ["b", 0, 0.0, 3.0, 0.0],
    ]
    days = excel("RFM_UEBERSICHT", ids, dates, amounts, "29.01.2024", "T")  # T = Tage
    assert days[0][0] == "Kunde" and days[1][2:4] == [14.0, 28.0]
    segments = excel("RFM_SEGMENTE", ids, dates, amounts, "2024-01-29")
    assert segments[0] == ["Kunde", "R", "F", "M", "RFM", "Segment"]
    assert [row[0] for row in segments[1:]] == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "args", "error"),
    [
        ("BGNBD_FIT", ([[1], [2]], [[1]], [[3], [4]]), "#VALUE!"),  # different sizes
        ("BGNBD_FIT", ([[1], [2]], [[1], [None]], [[3], [4]]), "#N/A"),  # half-blank row
        ("BGNBD_FIT", ([[1], ["#REF!"]], [[1], [2]], [[3], [4]]), "#REF!"),
        ("BGNBD_FIT", ([[1]], [[5]], [[3]]), "#NUM!"),  # recency after age
        ("BGNBD_FIT", ([[None]], [[None]], [[None]]), "#N/A"),
        ("GAMMA_GAMMA_FIT", ([[1], [2]], [[10], [-5]]), "#NUM!"),  # negative mean spend
        ("SBG_FIT", ([[1000], [1100]],), "#NUM!"),  # a cohort cannot grow
        ("SBG_FIT", ([["many"], [10]],), "#VALUE!"),
        ("RFM_SUMMARY", ([["a"]], [["not a date"]]), "#VALUE!"),
        ("RFM_SUMMARY", ([["a"]], [[45306.0]], None, None, "Y"), "#VALUE!"),
        ("RFM_SUMMARY", ([["a", "b"], ["c", "d"]], [[45306.0]]), "#VALUE!"),
        ("RFM_SEGMENTS", ([["a"]], [[45306.0]], None, "2020-01-01"), "#NUM!"),
        ("RFM_SEGMENTS", ([[None]], [[None]]), "#N/A"),
    ],
)
def test_bad_ranges_give_one_excel_error(name: str, args: tuple[Any, ...], error: str) -> None:
    assert getattr(udfs, name)(*args) == error


def test_a_fit_that_cannot_converge_still_answers() -> None:
    rows = excel("SBG_FIT", [[1000], [1000], [1000]])  # nobody churned: α, β not identified
    assert rows[3] == ["converged", False]
    assert all(isinstance(row[1], (float, bool)) for row in rows)


def _is_cell(value: Any, table: bool) -> bool:
    if isinstance(value, str):
        return value in ERRORS or table
    if isinstance(value, float):
        return math.isfinite(value)
    return table and (value is None or isinstance(value, (int, bool)))


@pytest.mark.slow  # ~9 s: 150 hypothesis examples over every model function
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_model_functions_never_raise_on_any_excel_input(data: st.DataObject) -> None:
    # the fuzz of test_properties, with more examples, on the model functions only
    for definition in MODEL_DEFINITIONS:
        for name in (definition.name, definition.alias):
            args = [data.draw(st.one_of(st.none(), ranges())) for _ in definition.params]
            before = copy.deepcopy(args)
            result = getattr(udfs, name)(*args)
            assert args == before or _has_nan(before), "the function changed its arguments"
            cells = result if isinstance(result, list) else [[result]]
            assert cells and all(isinstance(row, list) and row for row in cells)
            assert len({len(row) for row in cells}) == 1
            assert all(_is_cell(v, definition.table) for row in cells for v in row), result


@settings(max_examples=60, deadline=None)
@given(
    x=st.lists(st.integers(0, 600), min_size=1, max_size=6),
    age=st.floats(0.01, 10_000),
    horizon=st.floats(0, 500),
)
def test_heavy_buyers_never_give_num_errors(x: list[int], age: float, horizon: float) -> None:
    # issue 9: spreadsheet versions overflow to #NUM! for heavy buyers; these must not
    column = [[float(v)] for v in x]
    recency = [[age if v else 0.0] for v in x]  # the last purchase at the end; 0 without repeats
    for result in (
        excel("P_ALIVE", column, recency, age, *BGNBD),
        excel("EXPECTED_PURCHASES", horizon, column, recency, age, *BGNBD),
    ):
        cells = result if isinstance(result, list) else [[result]]
        assert all(isinstance(c, float) and math.isfinite(c) for row in cells for c in row)


def test_recency_without_repeat_purchases_is_num_in_its_own_cell() -> None:
    # issue 15 item 12: the core refuses it (InputError); the cell says #NUM!, its neighbour
    # keeps its value (customer 1 of the CDNOW summary: P(alive) 0.727, FHL 2005)
    result = excel("P_ALIVE", [[2.0], [0.0]], [[30.43], [5.0]], [[38.86], [38.86]], *BGNBD)
    assert result[0][0] == pytest.approx(0.727, abs=5e-4)
    assert result[1][0] == "#NUM!"
