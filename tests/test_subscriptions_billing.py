"""Billing exports (issue 15, items 1 and 2) on the numpy core: the tables end where the
export ends (``as_of``), and spreading billing lines is exact and quiet — a credit note
cancels its charge in every month, a plan renewed at the same price shows no movement from
cent rounding. Every expected number is a hand calculation in a comment."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from engine_compare import write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from retention_xl.cli import main
from retention_xl.errors import InputError
from retention_xl.results import SubscriptionSettings, subscription_book
from retention_xl.subscriptions import (
    SubscriptionConventions,
    ledger,
    movements_from_ledger,
    mrr_movements,
    revenue_cohorts,
    spread_ledger,
)
from retention_xl.subscriptions.ledger import month_label
from retention_xl.subscriptions.timeline import customer_months
from retention_xl.workbook.subscription_template import HEADER_ROW, SHEETS


def _money(values: np.ndarray) -> list[float]:
    return (values / 100).tolist()  # type: ignore[no-any-return]


def _month(label: str) -> int:
    year, month = label.split("-")
    return (int(year) - 1970) * 12 + int(month) - 1


def _identity_holds(m: Any) -> None:
    gained = m.mrr_start + m.new + m.reactivation + m.expansion
    assert (gained - m.contraction - m.churn == m.mrr_end).all()
    assert (m.mrr_start[1:] == m.mrr_end[:-1]).all()


def _month_end(first: dt.date, months: int) -> dt.date:
    """The last day of the ``months``-th calendar month from ``first`` (the 1st)."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


# --- 2 (a): a credit note over its charge's service period cancels it exactly ---------


@pytest.mark.parametrize("spread", ["months", "days"])
def test_a_credit_note_cancels_its_charge_to_zero_in_every_month(spread: str) -> None:
    # an annual plan of 790.00 for 2024 (366 days: 12 months), credited in full on
    # 2024-01-20 for the same service period
    book = spread_ledger(
        ["a", "a"],
        [790.00, -790.00],
        ["2024-01-01", "2024-01-01"],
        ["2024-12-31", "2024-12-31"],
        periods=["2024-01-01", "2024-01-20"],
        spread=spread,
    )
    # hand: +A and −A split alike: 0 in each of the 12 months, billed and MRR, no error
    # (floor shares of −79,000 cents used to leave −0.01 in January: "cannot be negative")
    assert book.cents.tolist() == [0] * 12 and book.mrr.tolist() == [0] * 12
    m = movements_from_ledger(book, SubscriptionConventions(as_of="2024-12"))
    assert _money(m.mrr_end) == [0.0] * 12  # hand: nothing left to pay in any month
    assert m.customers_end.tolist() == [0] * 12  # zero MRR never makes a customer


def test_a_credit_note_leaves_the_other_lines_to_the_cent() -> None:
    # a pays 120.00 for 2024 and a second plan of 790.00, then credited in full
    book = spread_ledger(
        ["a", "a", "a"],
        [120.00, 790.00, -790.00],
        ["2024-01-01"] * 3,
        ["2024-12-31"] * 3,
        periods=["2024-01-01", "2024-01-01", "2024-01-20"],
    )
    m = movements_from_ledger(book, SubscriptionConventions(as_of="2024-12"))
    # hand: 120.00 / 12 = 10.00 a month; the 790.00 and its credit cancel month by month
    assert _money(m.mrr_end) == [10.0] * 12
    assert m.expansion.sum() == m.contraction.sum() == m.churn.sum() == 0


# --- 2 (b): a plan that does not change shows no movement from rounding -------------------


def test_an_annual_plan_renewed_at_the_same_price_shows_no_expansion_or_contraction() -> None:
    # a: 1,200.01 a year for 2024 and again for 2025; b: 790.00 a year, the same two years;
    # each invoiced on the first day of its service period
    starts = ["2024-01-01", "2025-01-01"] * 2
    ends = ["2024-12-31", "2025-12-31"] * 2
    book = spread_ledger(
        ["a", "a", "b", "b"], [1200.01, 1200.01, 790.00, 790.00], starts, ends, periods=starts
    )
    m = movements_from_ledger(book, SubscriptionConventions(as_of="2025-12"))
    # hand: a 120,001 / 12 = 10,000.08 -> 100.00 a month; b 79,000 / 12 = 6,583.33 -> 65.83;
    # the same in every month of both years: MRR 165.83 throughout
    assert _money(m.mrr_end) == [165.83] * 24
    assert m.expansion.tolist() == [0] * 24 and m.contraction.tolist() == [0] * 24
    assert m.churn.tolist() == [0] * 24 and _money(m.new) == [165.83] + [0.0] * 23
    # hand: after January nothing is gained or lost: 0 / 0, no quick ratio (not 0 or 1)
    assert np.isnan(m.quick_ratio[1:]).all()
    _identity_holds(m)
    # the amounts billed keep every cent: each year adds up to its invoices
    # (hand: 1,200.01 + 790.00 = 1,990.01 a year)
    billed = book.mrr_by_month()[1]
    assert int(billed[:12].sum()) == 199001 and int(billed[12:].sum()) == 199001
    # hand: the MRR rounds each line once: 12 x 100.00 = 1,200.00 for 1,200.01 (within
    # 12 / 2 cents of the amount) and 12 x 65.83 = 789.96 for 790.00
    mrr = {str(name): int(book.mrr[book.codes == code].sum())
           for code, name in enumerate(book.customers)}  # fmt: skip
    assert mrr == {"a": 2 * 120000, "b": 2 * 78996}


def test_a_monthly_rate_rounds_half_to_even() -> None:
    # 4 months from January: 0.06 is 1.5 cents a month -> 2 (half to even); 0.10: 2.5 -> 2;
    # 0.14: 3.5 -> 4; 0.18: 4.5 -> 4; 0.07: 1.75 -> 2
    book = spread_ledger(
        ["a", "b", "c", "d", "e"],
        [0.06, 0.10, 0.14, 0.18, 0.07],
        ["2024-01-01"] * 5,
        ["2024-04-30"] * 5,
    )
    rates = {str(name): set(book.mrr[book.codes == code].tolist()) for code, name in
             enumerate(book.customers)}  # fmt: skip
    assert rates == {"a": {2}, "b": {2}, "c": {4}, "d": {4}, "e": {2}}
    # hand: the amounts billed are cumulative floors of 7·k/4 = 1, 3, 5, 7: 1, 2, 2, 2 cents
    e = int(np.flatnonzero(book.customers == "e")[0])
    assert book.cents[book.codes == e].tolist() == [1, 2, 2, 2]


@settings(max_examples=60, deadline=None)
@given(
    plans=st.lists(
        st.tuples(
            st.integers(1, 10**9),  # cents
            st.sampled_from([1, 2, 3, 6, 12, 24]),  # months per line
            st.integers(1, 4),  # renewals
            st.integers(0, 11),  # first month (of 2024)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_renewed_plans_never_move_and_credits_cancel_on_random_plans(
    plans: list[tuple[int, int, int, int]],
) -> None:
    ids, amounts, starts, ends, periods = [], [], [], [], []
    for customer, (cents, length, renewals, first) in enumerate(plans):
        day = dt.date(2024, first + 1, 1)
        for _ in range(renewals):
            end = _month_end(day, length)
            for sign in (1, -1) if customer % 3 == 2 else (1,):  # every third credited too
                ids.append(f"c{customer}")
                amounts.append(sign * cents / 100)
                starts.append(day.isoformat())
                ends.append(end.isoformat())
                periods.append(day.isoformat())
            day = end + dt.timedelta(days=1)
    book = spread_ledger(ids, amounts, starts, ends, periods=periods)
    m = movements_from_ledger(book, SubscriptionConventions(as_of=max(ends)))
    # hand: each customer pays round(cents / length) in every month of the chain; a credited
    # customer pays 0; so no month of any chain differs from the one before
    assert m.expansion.sum() == 0 and m.contraction.sum() == 0
    _identity_holds(m)
    for customer, (cents, length, renewals, _) in enumerate(plans):
        code = int(np.flatnonzero(book.customers == f"c{customer}")[0])
        mine = book.codes == code
        if customer % 3 == 2:
            assert (book.cents[mine] == 0).all() and (book.mrr[mine] == 0).all()
            continue
        rate = cents // length + (2 * (cents % length) > length)
        rate += (2 * (cents % length) == length) and (cents // length) % 2 == 1
        assert set(book.mrr[mine].tolist()) == {rate}
        assert int(book.cents[mine].sum()) == cents * renewals  # billed: every cent
        assert abs(int(book.mrr[mine].sum()) - cents * renewals) <= renewals * length // 2


# --- 1: the table ends where the export ends ---------------------------------------------

# A Stripe-like export made in June 2024: "monthly" pays 29.00 on the 1st of each month
# for that month (January to June); "annual" paid 1,200.00 on 2024-03-15 for 2024-03-15 to
# 2025-03-14 (365 days: 12 months, March to February).
MONTHS = [f"2024-{m:02d}" for m in range(1, 7)]
EXPORT = {
    "customer_ids": ["monthly"] * 6 + ["annual"],
    "amounts": [29.00] * 6 + [1200.00],
    "starts": [f"{m}-01" for m in MONTHS] + ["2024-03-15"],
    "ends": [str(np.datetime64(m, "M") + 1 - np.timedelta64(1, "D"))[:10] for m in MONTHS]
    + ["2025-03-14"],
    "periods": [f"{m}-01" for m in MONTHS] + ["2024-03-15"],
}


def _export(spread: str = "months") -> Any:
    e = EXPORT
    return spread_ledger(
        e["customer_ids"],
        e["amounts"],
        e["starts"],
        e["ends"],
        periods=e["periods"],
        spread=spread,
    )


def test_an_export_ending_in_june_shows_no_churn_in_july() -> None:
    book = _export()
    assert month_label(book.last_month) == "2025-02"  # the annual plan reaches February
    assert month_label(book.end_month) == "2024-06"  # but the export ends in June
    m = movements_from_ledger(book)
    # hand: the table's last period is June (the month of the last invoice, 2024-06-01):
    # January and February 29.00; from March 29.00 + 1,200.00 / 12 = 129.00
    assert m.labels == MONTHS
    assert _money(m.mrr_end) == [29.0, 29.0, 129.0, 129.0, 129.0, 129.0]
    assert m.churn.tolist() == [0] * 6  # hand: nobody churns; July is not in the table
    # hand: monthly's last invoice is in June, so monthly is a customer in June: 2 customers
    assert m.customers_end.tolist() == [1, 1, 2, 2, 2, 2]
    _identity_holds(m)


def test_revenue_cohorts_customer_months_and_the_workbook_end_at_as_of() -> None:
    book = _export()
    cohorts = revenue_cohorts(book, value="mrr")
    # hand: cohorts of January (monthly) and March (annual), columns up to June
    assert cohorts.labels == MONTHS and cohorts.as_of == dt.date(2024, 6, 30)
    assert cohorts.values[0].tolist()[:6] == [29.0] * 6  # hand: monthly's 29.00, Jan-Jun
    months = customer_months(book, SubscriptionConventions())
    assert month_label(int(months.months.max())) == "2024-06"
    result = subscription_book(book)
    # hand: the workbook's data holds January to June: 6 months of monthly, 4 of annual
    assert month_label(result.ledger.last_month) == "2024-06"
    assert result.months.codes.size == 10 and result.movements.cells == 10
    assert result.movements.labels == MONTHS and result.cohorts.labels == MONTHS


def test_as_of_cuts_earlier_or_extends_the_table() -> None:
    book = _export()
    april = movements_from_ledger(book, SubscriptionConventions(as_of="2024-04-30"))
    # hand: January to April; April 29.00 + 100.00
    assert april.labels == MONTHS[:4] and _money(april.mrr_end)[-1] == 129.0
    august = movements_from_ledger(book, SubscriptionConventions(as_of=dt.date(2024, 8, 1)))
    # hand: asked to look until August: monthly's invoices stopped in June, so it churns
    # 29.00 in July; annual's 100.00 continues
    assert august.labels == [*MONTHS, "2024-07", "2024-08"]
    assert _money(august.churn) == [0.0] * 6 + [29.0, 0.0]
    assert _money(august.mrr_end)[-2:] == [100.0, 100.0]
    quarters = movements_from_ledger(book, SubscriptionConventions(period="Q"))
    # hand: 2024-Q1 (March) and 2024-Q2 ending at June, not at 2025-Q1
    assert quarters.labels == ["2024-Q1", "2024-Q2"]
    assert quarters.snapshot_months.tolist() == [_month("2024-03"), _month("2024-06")]


def test_as_of_cuts_a_long_table_too() -> None:
    m = mrr_movements(
        ["a", "a", "b", "a"],
        ["2024-01", "2024-02", "2024-03", "2024-03"],
        [10, 10, 5, 12],
        SubscriptionConventions(as_of="2024-02"),
    )
    # hand: January and February only: a's 10.00; b (from March) is not in the table
    assert m.labels == ["2024-01", "2024-02"] and _money(m.mrr_end) == [10.0, 10.0]
    assert m.customers == 1 and m.cells == 2 and m.rows == 4  # rows read: all four


def test_the_default_end_is_the_last_invoice_or_the_last_month_with_mrr() -> None:
    # billed in arrears: January's service invoiced on 2024-02-01, February's on 03-01
    arrears = spread_ledger(
        ["a", "a"],
        [10, 10],
        ["2024-01-01", "2024-02-01"],
        ["2024-01-31", "2024-02-29"],
        periods=["2024-02-01", "2024-03-01"],
    )
    # hand: the last invoice is in March, but the last month with MRR is February: the
    # table ends in February, not with everyone churning in March
    assert movements_from_ledger(arrears).labels == ["2024-01", "2024-02"]
    # without invoice dates: the month the last service period starts (June)
    undated = spread_ledger(["y", "m"], [120, 10], ["2024-03-01", "2024-06-01"],
                            ["2025-02-28", "2024-06-30"])  # fmt: skip
    assert month_label(undated.end_month) == "2024-06"


def test_as_of_before_the_data_is_refused_naming_the_field() -> None:
    book = _export()
    early = SubscriptionConventions(as_of="2023-12-31")
    message = r"as_of 2023-12 is before the first month of the data \(2024-01\)"
    with pytest.raises(InputError, match=message):
        movements_from_ledger(book, early)
    with pytest.raises(InputError, match=message):
        revenue_cohorts(book, early)
    with pytest.raises(InputError, match=message):
        customer_months(book, early)
    with pytest.raises(InputError, match=message):
        subscription_book(book, SubscriptionSettings(early))
    with pytest.raises(InputError, match=r"as_of must be a date .*got 'June'"):
        SubscriptionConventions(as_of="June")
    with pytest.raises(InputError, match="as_of must be a date"):
        SubscriptionConventions(as_of=True)


def test_as_of_is_a_month_however_it_is_given() -> None:
    given = ["2024-06", "2024-06-30", dt.date(2024, 6, 3), np.datetime64("2024-06-10"), 45444]
    # hand: Excel serial 45444 is 2024-06-01
    assert {SubscriptionConventions(as_of=value).as_of for value in given} == {"2024-06"}
    assert SubscriptionConventions.from_mapping({"as_of": "2024-06-17"}).as_of_month == _month(
        "2024-06"
    )
    text = SubscriptionConventions(as_of="2024-06").describe()[-1]
    assert "2024-06" in text and "as_of" in text


def test_the_cut_ledger_keeps_its_cells_and_customers_in_order() -> None:
    book = ledger(["b", "a", "c", "a"], ["2024-01", "2024-02", "2024-03", "2024-01"], [1, 2, 3, 4])
    cut = book.until(_month("2024-02"))
    # hand: c's only row is in March: left out; a (Jan 4, Feb 2) and b (Jan 1) stay
    assert cut.table()[1:] == [["a", "2024-01", 4.0], ["a", "2024-02", 2.0], ["b", "2024-01", 1.0]]
    assert sorted(cut.customers.tolist()) == ["a", "b"]
    assert month_label(cut.end_month) == "2024-02"


@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_the_command_line_takes_as_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    e = EXPORT
    columns = (e["customer_ids"], e["periods"], e["starts"], e["ends"], e["amounts"])
    rows = [list(row) for row in zip(*columns, strict=True)]
    header = ["customer_id", "invoiced", "start", "end", "amount"]
    path = write_csv(tmp_path / "export.csv", header, rows)
    service = ["--start-col", "start", "--end-col", "end", "--engine", engine]
    args = ["subscriptions", str(path), "--period-col", "invoiced", "--mrr-col", "amount"]
    assert main([*args, *service]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    # hand: January to June, no churn (as test_an_export_ending_in_june_shows_no_churn_in_july)
    assert [row[0] for row in table[1:]] == MONTHS and {row[5] for row in table[1:]} == {"0.0"}
    assert main([*args, *service, "--as-of", "2024-08"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [row[0] for row in table[-2:]] == ["2024-07", "2024-08"]
    assert table[-2][5] == "29.0"  # hand: monthly's invoices stopped in June
    assert main([*args, *service, "--as-of", "2023-12"]) == 2
    assert "as_of 2023-12 is before the first month" in capsys.readouterr().err
    out = tmp_path / "out"
    fill = ["fill", str(path), "--template", "subscriptions", "--out-dir", str(out)]
    fill += ["--date-col", "invoiced", "--amount-col", "amount", "--jobs", "1"]
    assert main([*fill, *service, "--as-of", "2024-04"]) == 0
    (written,) = out.glob("*.xlsx")
    sheet = openpyxl.load_workbook(written)[SHEETS["movements"][0]]
    labels = [sheet.cell(HEADER_ROW + 1 + i, 1).value for i in range(5)]
    assert labels == [*MONTHS[:4], None]  # hand: January to April, nothing after


@pytest.mark.libreoffice
def test_the_workbook_checks_pass_for_a_cut_and_an_extended_table(tmp_path: Path) -> None:
    from libreoffice import convert

    from retention_xl.workbook.subscription_template import CHECKS_ROW
    from retention_xl.workbook.subscription_template import write_subscription_workbook as write

    # hand: January to June (the export), to April, and to June 2025: past the annual
    # plan's last month (February 2025), so the table runs longer than the Data sheet
    cases = {"default": (None, 6), "april": ("2024-04", 4), "later": ("2025-06", 18)}
    files = []
    for name, (as_of, _) in cases.items():
        settings = SubscriptionSettings(SubscriptionConventions(as_of=as_of))
        files.append(write(tmp_path / f"{name}.xlsx", "en", subscription_book(_export(), settings)))
    for path in convert(files, tmp_path / "recalculated"):
        checks = openpyxl.load_workbook(path, data_only=True)[SHEETS["checks"][0]]
        assert [checks.cell(r, 2).value for r in range(5, 9)] == ["OK"] * 4, path.stem
        assert checks.cell(10, 2).value == "OK", path.stem
        n = cases[path.stem][1]
        labels = [checks.cell(CHECKS_ROW + 1 + i, 1).value for i in range(n + 1)]
        months = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
        assert labels == [*months, None], path.stem
