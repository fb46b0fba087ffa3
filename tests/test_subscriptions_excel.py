"""The subscription Excel functions as Excel calls them: NET_REVENUE_RETENTION,
GROSS_REVENUE_RETENTION, QUICK_RATIO (elementwise) and MRR_MOVEMENTS (spills the movement
table), through the plain functions and through xlwings' Office.js conversion."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_excel_call_path import excel_call

from retention_xl import udfs
from retention_xl.definitions import SUBSCRIPTION_DEFINITIONS, by_name

# (function, arguments in the definition's order, expected, source)
CASES = [
    ("NET_REVENUE_RETENTION", [100, 10, 10, 10], 0.90, "kpi-spec §4: (100 + 10 - 10 - 10) / 100"),
    ("GROSS_REVENUE_RETENTION", [100, 10, 10], 0.80, "kpi-spec §4: (100 - 10 - 10) / 100"),
    ("QUICK_RATIO", [20_000, 8_000, 3_000, 5_000], 3.5, "kpi-spec §4: (20k + 8k) / (3k + 5k)"),
    ("QUICK_RATIO", [20_000, 8_000, 3_000, 5_000, 4_000], 4.0, "hand: (20k + 8k + 4k) / 8k"),
]


def excel(name: str) -> Any:
    """The Excel function ``name`` as classic xlwings calls it (made from the definitions)."""
    return getattr(udfs, name)


@pytest.mark.parametrize(("name", "args", "expected", "source"), CASES)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_worked_examples_in_both_languages(
    name: str, args: list[float], expected: float, source: str, lang: str
) -> None:
    definition = by_name(name)
    function = getattr(udfs, definition.excel_name(lang))
    assert function(*[[[float(a)]] for a in args]) == pytest.approx(expected, rel=1e-12), source
    assert definition.function(*args) == pytest.approx(expected, rel=1e-12), source
    office = excel_call(definition.alias, *[[[a]] for a in args])
    assert office == [[pytest.approx(expected, rel=1e-12)]], source


def test_elementwise_errors_per_cell() -> None:
    start = [[100.0], [0.0], [None], ["abc"], [10.0]]
    result = excel("NET_REVENUE_RETENTION")(start, [[10.0]], [[0.0]], [[0.0]])
    # hand: 110/100; start 0 with nothing lost -> #DIV/0!; blank -> #N/A; text -> #VALUE!;
    # 10 expanded by 10 -> 2.0
    assert result == [[1.1], ["#DIV/0!"], ["#N/A"], ["#VALUE!"], [2.0]]
    # losing more than the start is impossible: #NUM!
    assert excel("BRUTTO_UMSATZBINDUNG")(100.0, 60.0, 50.0) == "#NUM!"
    assert excel("QUICK_RATIO")(1.0, 1.0, 0.0, 0.0, None) == "#DIV/0!"  # nothing lost


def test_parameter_names_avoid_vba_keywords() -> None:
    # "new" and "end" would break the VBA that classic xlwings generates
    names = {p.name for d in SUBSCRIPTION_DEFINITIONS for p in d.params}
    assert not names & {"new", "end", "start", "churn", "date", "period_end"}
    assert "mrr_new" in names


# A small billing table as an Excel Table column sends it: blanks at the end, dates as
# datetimes, serials and text, money as numbers and German text
IDS = [["a"], ["b"], ["a"], ["b"], ["c"], ["a"], ["c"], [None], [None]]
PERIODS = [
    [dt.datetime(2024, 1, 15)],
    ["2024-01"],
    [45323.0],  # 2024-02-01
    ["01.02.2024"],
    ["2024-02"],
    ["03.2024"],
    [dt.datetime(2024, 3, 31)],
    [None],
    [None],
]
MRR = [[100.0], [50.0], [120.0], ["50,00"], [30.0], [90.0], [30.0], [None], [None]]


def test_mrr_movements_spills_the_labelled_table() -> None:
    result = excel("MRR_MOVEMENTS")(IDS, PERIODS, MRR)
    assert result[0][:8] == [
        "Period",
        "MRR start",
        "New",
        "Expansion",
        "Contraction",
        "Churn",
        "Reactivation",
        "MRR end",
    ]
    # hand: January a 100 + b 50 new; February a +20, c new 30; March a -30, b churns 50
    assert result[1][:8] == ["2024-01", 0.0, 150.0, 0.0, 0.0, 0.0, 0.0, 150.0]
    assert result[2][:8] == ["2024-02", 150.0, 30.0, 20.0, 0.0, 0.0, 0.0, 200.0]
    assert result[3][:8] == ["2024-03", 200.0, 0.0, 0.0, 30.0, 50.0, 0.0, 120.0]
    assert result[3][8:13] == [3, 0, 0, 1, 2]  # customers start, new, react., churned, end
    assert result[3][16] == pytest.approx(120 / 200)  # NRR: (200 - 30 - 50) / 200
    assert len({len(row) for row in result}) == 1  # rectangular: it spills


def test_german_alias_has_german_headers_and_conventions_are_arguments() -> None:
    result = excel("MRR_BEWEGUNGEN")(IDS, PERIODS, MRR, [["Q"]], None, None, None, None)
    assert result[0][:8] == [
        "Periode",
        "MRR Beginn",
        "Neu",
        "Expansion",
        "Kontraktion",
        "Abwanderung",
        "Reaktivierung",
        "MRR Ende",
    ]
    # hand: one quarter, compared at its end (March): a 90 and c 30 are new; b joined and
    # left within it, counted as new and churned with its first month's 50
    assert result[1][:8] == ["2024-Q1", 0.0, 170.0, 0.0, 0.0, 50.0, 0.0, 120.0]
    ignored = excel("MRR_MOVEMENTS")(IDS, PERIODS, MRR, "Q", None, None, None, "ignore")
    assert ignored[1][:8] == ["2024-Q1", 0.0, 120.0, 0.0, 0.0, 0.0, 0.0, 120.0]
    gap = excel("MRR_MOVEMENTS")(
        [["x"], ["x"], ["y"], ["y"], ["y"]],
        [["2024-01"], ["2024-03"], ["2024-01"], ["2024-02"], ["2024-03"]],
        [[10.0], [10.0], [5.0], [5.0], [5.0]],
        None,
        None,
        2.0,
    )
    # hand: gap 2 months needed for churn; x's one empty month is contraction, not churn
    assert [row[4:6] for row in gap[1:]] == [[0.0, 0.0], [10.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (([["a"], ["#REF!"]], [["2024-01"], ["2024-02"]], [[1.0], [2.0]]), "#REF!"),
        (([["a"], [None]], [["2024-01"], ["2024-02"]], [[1.0], [2.0]]), "#VALUE!"),
        (([["a"]], [["Januar"]], [[1.0]]), "#VALUE!"),
        (([["a"]], [["2024-13"]], [[1.0]]), "#VALUE!"),
        (([["a"]], [["2024-01"]], [["zehn"]]), "#VALUE!"),
        (([["a"]], [["2024-01"]], [[-1.0]]), "#NUM!"),
        (([["a", "b"], ["c", "d"]], [["2024-01"]], [[1.0]]), "#VALUE!"),
        (([[None]], [[None]], [[None]]), "#N/A"),
        (([["a"]], [["2024-01"]], [[1.0]], "W"), "#VALUE!"),
        (([["a"]], [["2024-01"]], [[1.0]], None, "end"), "#VALUE!"),
        (([["a"]], [["2024-01"]], [[1.0]], None, None, 0.0), "#VALUE!"),
        (([["a"]], [["2024-01"]], [[1.0]], None, None, "#N/A"), "#N/A"),
    ],
)
def test_bad_cells_give_one_excel_error(args: tuple[Any, ...], expected: str) -> None:
    assert excel("MRR_MOVEMENTS")(*args) == expected


def test_mrr_movements_through_office_js() -> None:
    # Office.js sends blanks as "", dates as serial numbers; None results come back blank
    ids = [["a"], ["b"], ["a"], [""]]
    periods = [[45306], [45306], [45337], [""]]  # 2024-01-15, 2024-01-15, 2024-02-15
    mrr = [[100], [50], [120], [""]]
    result = excel_call("MRR_BEWEGUNGEN", ids, periods, mrr, None, None, None, None, None)
    assert result[0][0] == "Periode"
    assert result[2][:8] == ["2024-02", 150.0, 0.0, 20.0, 0.0, 50.0, 0.0, 120.0]
    assert result[1][13] == ""  # January has no churn rate: a blank cell, not an error


def test_as_of_ends_the_movement_table_where_the_data_ends() -> None:
    args = (IDS, PERIODS, MRR, None, None, None, None, None)
    february = excel("MRR_MOVEMENTS")(*args, [["2024-02"]])
    # hand: the table above, January and February only (March's rows left out)
    assert [row[0] for row in february[1:]] == ["2024-01", "2024-02"]
    assert february[2][:8] == ["2024-02", 150.0, 30.0, 20.0, 0.0, 0.0, 0.0, 200.0]
    # a German month, a date and a serial (45323: 2024-02-01) are the same month
    for cell in ("02.2024", dt.datetime(2024, 2, 29), 45323.0):
        assert excel("MRR_BEWEGUNGEN")(*args, [[cell]])[1:] == february[1:]
    # hand: as_of April looks a month past the data: a 90 and c 30 churn in April
    april = excel("MRR_MOVEMENTS")(*args, [["2024-04"]])
    assert april[4][:8] == ["2024-04", 120.0, 0.0, 0.0, 0.0, 120.0, 0.0, 0.0]
    assert len(excel("MRR_MOVEMENTS")(*args, [[None]])) == 4  # left out: up to March
    assert excel("MRR_MOVEMENTS")(*args, [["2023-12"]]) == "#NUM!"  # before the data
    assert excel("MRR_MOVEMENTS")(*args, [["bald"]]) == "#VALUE!"
    assert excel("MRR_MOVEMENTS")(*args, [["#REF!"]]) == "#REF!"
    # Office.js: a serial number, or "" for a blank cell
    office = excel_call("MRR_MOVEMENTS", IDS[:3], [[45306], [45306], [45337]],
                        MRR[:3], None, None, None, None, None, [[45323]])  # fmt: skip
    assert [row[0] for row in office[1:]] == ["2024-01", "2024-02"]
    blank = excel_call("MRR_MOVEMENTS", IDS[:3], [[45306], [45306], [45337]],
                       MRR[:3], None, None, None, None, None, [[""]])  # fmt: skip
    assert blank == office
