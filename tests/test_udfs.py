"""The Excel functions called as Excel calls them: worked examples, spilling, bad cells."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from cases import CASES, Case

from retention_xl import udfs
from retention_xl.definitions import ALL_DEFINITIONS, by_name

VBA_KEYWORDS = {
    "and",
    "as",
    "boolean",
    "byref",
    "byte",
    "byval",
    "call",
    "case",
    "const",
    "currency",
    "date",
    "decimal",
    "declare",
    "dim",
    "do",
    "double",
    "each",
    "else",
    "elseif",
    "empty",
    "end",
    "enum",
    "eqv",
    "erase",
    "error",
    "event",
    "exit",
    "false",
    "for",
    "friend",
    "function",
    "get",
    "global",
    "gosub",
    "goto",
    "if",
    "imp",
    "implements",
    "in",
    "integer",
    "is",
    "let",
    "like",
    "long",
    "loop",
    "lset",
    "me",
    "mod",
    "new",
    "next",
    "not",
    "nothing",
    "null",
    "on",
    "optional",
    "or",
    "paramarray",
    "preserve",
    "private",
    "property",
    "public",
    "raiseevent",
    "redim",
    "resume",
    "return",
    "rset",
    "select",
    "set",
    "single",
    "static",
    "step",
    "stop",
    "string",
    "sub",
    "then",
    "to",
    "true",
    "type",
    "typeof",
    "until",
    "variant",
    "wend",
    "while",
    "with",
    "xor",
    "caller",
    "object",
    "print",
    "width",
}


def _excel_args(case: Case) -> list[Any]:
    """The case's arguments as classic xlwings delivers them: 2-D lists of floats/datetimes."""
    definition = by_name(case.function)
    out: list[Any] = []
    for param in definition.params:
        value = case.args.get(param.name)
        if isinstance(value, list):
            value = [
                [dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else float(v)]
                for v in value
            ]
        elif isinstance(value, dt.date):
            value = [[dt.datetime.combine(value, dt.time(12, 30))]]
        elif value is not None:
            value = [[value if isinstance(value, str) else float(value)]]
        out.append(value)
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_excel_function_reproduces_the_worked_example(case: Case, lang: str) -> None:
    function = getattr(udfs, by_name(case.function).excel_name(lang))
    assert function(*_excel_args(case)) == pytest.approx(case.expected, rel=1e-12)


def test_every_definition_has_an_english_and_a_german_function() -> None:
    names = {d.name for d in ALL_DEFINITIONS} | {d.alias for d in ALL_DEFINITIONS}
    assert set(udfs.__all__) == names
    # kpi-spec §1: 13 KPIs; §2: COHORT_TABLE; §3 (issue 9): 11 model functions; §4 (issue 10):
    # MRR_MOVEMENTS, NET_REVENUE_RETENTION, GROSS_REVENUE_RETENTION, QUICK_RATIO
    assert len(ALL_DEFINITIONS) == 13 + 1 + 11 + 4


def test_ranges_spill_in_their_own_shape_with_one_error_per_bad_cell() -> None:
    start = [[1000.0], [None], ["abc"], [-1.0], [0.0], ["#REF!"], [True], ["1.000,0"]]
    result = udfs.RETENTION_RATE(start, [[1100.0]], [[500.0]], None)
    # hand: 600/1000; blank -> #N/A; text -> #VALUE!; negative -> #NUM!; E-N=600 > S=0 ->
    # #NUM!; errors propagate; TRUE is no count; "1.000,0" is German for 1000
    assert result == [
        [0.6],
        ["#N/A"],
        ["#VALUE!"],
        ["#NUM!"],
        ["#NUM!"],
        ["#REF!"],
        ["#VALUE!"],
        [0.6],
    ]


def test_zero_denominator_cell_is_div0() -> None:
    assert udfs.CHURN_RATE([[0.0]], [[0.0]], None) == "#DIV/0!"
    assert udfs.ABWANDERUNGSRATE([[0.0, 1.0]], [[0.0, 10.0]], None) == [["#DIV/0!", 0.1]]


def test_a_row_and_a_column_give_a_table() -> None:
    # hand: lost / start for lost in (10, 20) x start in (100, 200)
    assert udfs.CHURN_RATE([[10.0], [20.0]], [[100.0, 200.0]], None) == [[0.1, 0.05], [0.2, 0.1]]


def test_mismatched_shapes_give_value_error() -> None:
    assert udfs.CHURN_RATE([[1.0, 2.0]], [[10.0, 20.0, 30.0]], None) == "#VALUE!"


def test_blank_optional_argument_takes_its_default() -> None:
    # hand: (1100 - 500 - 0) / 1000 with reactivated blank, and with 50: 550 / 1000
    assert udfs.RETENTION_RATE([[1000.0]], [[1100.0]], [[500.0]], [[None], [50.0]]) == [
        [0.6],
        [0.55],
    ]


def test_excel_table_column_with_trailing_blanks_is_aggregated_without_them() -> None:
    orders = [[1.0], [1.0], [2.0], [5.0], [None], [None], [""]]
    assert udfs.LOYAL_CUSTOMER_RATE(orders, None) == 0.5  # kpi-spec §1: {1,1,2,5} -> 0.5
    assert udfs.TREUEKUNDENRATE([1.0, 1.0, 2.0, 5.0, None], [[2.0, 5.0]]) == [[0.5, 0.25]]


def test_aggregated_range_with_an_error_or_text_is_that_error() -> None:
    assert udfs.LOYAL_CUSTOMER_RATE([[1.0], ["#N/A"], [2.0]], None) == "#N/A"
    assert udfs.LOYAL_CUSTOMER_RATE([[1.0], ["two"], [2.0]], None) == "#VALUE!"
    assert udfs.LOYAL_CUSTOMER_RATE([[None], [None]], None) == "#N/A"


def test_dates_arrive_as_datetimes_serials_or_text() -> None:
    last = [[dt.datetime(2024, 1, 5)], [45371.0], ["2024-03-31"], ["01.03.2024"], [None]]
    # hand: serial 45371 = 2024-03-20; window 2024-03-02..03-31 holds 03-20 and 03-31
    assert udfs.ACTIVE_CUSTOMERS(last, [["31.03.2024"]], [[30.0]]) == 2.0
    # several as_of dates spill: 45382 = 2024-03-31, 45322 = 2024-01-31
    assert udfs.AKTIVE_KUNDEN(last, [[45382.0], [45322.0]], None) == [[4.0], [1.0]]


def test_budget_unit_accepts_english_and_german_words_elementwise() -> None:
    result = udfs.RETENTION_BUDGET_SHARE([[3.0], [3.0], [3.0]], [["week"], ["Tag"], ["fortnight"]])
    assert result == [[0.15], [0.30], ["#VALUE!"]]  # 3/week, 3/day, unknown unit


def test_parameter_names_are_safe_vba_identifiers_and_help_fits_the_wizard() -> None:
    for definition in ALL_DEFINITIONS:
        assert len(definition.wizard_text("en")) <= 255
        assert len(definition.wizard_text("de")) <= 255
        assert definition.alias.isascii() and definition.alias.isupper()
        for param in definition.params:
            assert param.name.isidentifier() and param.name.isascii()
            assert param.name.lower() not in VBA_KEYWORDS, param.name
            assert 0 < len(param.help_en) <= 255 and 0 < len(param.help_de) <= 255


def test_udfs_import_without_openpyxl_or_pywin32() -> None:
    code = textwrap.dedent(
        """
        import sys
        for blocked in ("openpyxl", "pywintypes", "pythoncom", "win32com", "pandas"):
            sys.modules[blocked] = None  # importing any of them now fails
        from retention_xl.udfs import *
        print(KUNDENBINDUNGSRATE(1000, 1100, 500))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0.6"


# COHORT_TABLE: the tiny shop of test_cohorts (hand-checked there), as an Excel Table sends it
SHOP_IDS = ["anna", "ben", "anna", "cleo", "cleo", "ben", "cleo", "dan", "anna", None, None]
SHOP_DATES = [
    dt.datetime(2024, 1, 5),
    dt.datetime(2024, 1, 20),
    dt.datetime(2024, 2, 2),
    45332.0,
    "11.02.2024",
    "2024-03-03",
    dt.datetime(2024, 3, 30),
    dt.datetime(2024, 3, 15),
    dt.datetime(2024, 4, 9),
    None,
    None,
]  # 45332 = 02-10


def test_cohort_table_spills_the_labelled_triangle_from_table_columns() -> None:
    result = udfs.COHORT_TABLE(
        SHOP_IDS, SHOP_DATES, None, None, None, None, [[dt.datetime(2024, 4, 30)]]
    )
    assert result[0] == ["Cohort", "Customers", 0, 1, 2, 3]
    # hand (see test_cohorts): Jan 2/2, 1/2, 1/2, 1/2; Feb 1, 1, 0; Mar 1, 0; Apr empty
    assert result[1] == ["2024-01", 2, 1.0, 0.5, 0.5, 0.5]
    assert result[2] == ["2024-02", 1, 1.0, 1.0, 0.0, None]
    assert result[3] == ["2024-03", 1, 1.0, 0.0, None, None]
    assert result[4] == ["2024-04", 0, None, None, None, None]
    # weighted over observed cells: k=1 (1 + 1 + 0) / 4; k=2 (1 + 0) / 3; k=3 1/2
    assert result[5] == ["Average", 4, 1.0, 0.5, pytest.approx(1 / 3), 0.5]


def test_kohortentabelle_has_german_labels_and_options() -> None:
    result = udfs.KOHORTENTABELLE(
        SHOP_IDS, SHOP_DATES, None, [["Q"]], [["on"]], [["customers"]], [["2024-06-30"]]
    )
    assert result[0] == ["Kohorte", "Kunden", 0, 1]
    assert result[1] == ["2024-Q1", 4, 4.0, 1.0]  # hand: anna is active again in April (Q2)
    assert result[-1][0] == "Durchschnitt"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((SHOP_IDS, SHOP_DATES, None, [["fortnight"]]), "#VALUE!"),  # bad period
        ((SHOP_IDS, SHOP_DATES, None, None, [["sometimes"]]), "#VALUE!"),  # bad kind
        ((SHOP_IDS, SHOP_DATES, None, None, None, [["revenue"]]), "#VALUE!"),  # no amounts
        ((["a", "b"], [45296.0, "soon"]), "#VALUE!"),  # unreadable date
        ((["a", "#N/A"], [45296.0, 45297.0]), "#VALUE!"),  # error cell as id
        (([[None], [None]], [[None], [None]]), "#N/A"),  # nothing to compute
        (([["a", "b"], ["c", "d"]], [[45296.0, 1.0], [2.0, 3.0]]), "#VALUE!"),  # 2 columns
        ((SHOP_IDS, SHOP_DATES, None, "#REF!"), "#REF!"),  # error in an option propagates
        ((SHOP_IDS, SHOP_DATES, None, None, None, None, "someday"), "#VALUE!"),
    ],
)
def test_cohort_table_bad_input_gives_one_excel_error(args: tuple[Any, ...], error: str) -> None:
    assert udfs.COHORT_TABLE(*args) == error
