"""The body of ``retention-xl subscriptions`` on files read by ``retention_xl.io.read_orders``:
a long MRR table with ``YYYY-MM`` months, and German invoice lines with a service period
(``--start-col/--end-col``), where an annual plan must show no churn."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from retention_xl.io import ReadSettings, read_orders
from retention_xl.subscriptions import (
    BillingSettings,
    SubscriptionConventions,
    run_subscriptions,
    subscription_rows,
)

DATA = Path(__file__).parent / "data"
INVOICES = ReadSettings(
    customer_col="Kunden-Nr", date_col="Rechnungsdatum", amount_col="Betrag", require_amount=True
)
SERVICE = ("Leistung von", "Leistung bis")


def _run(
    orders: object,
    lang: str = "en",
    service: tuple[str, str] | None = None,
    conventions: SubscriptionConventions | None = None,
) -> tuple[list[list[str]], str]:
    out, err = io.StringIO(), io.StringIO()
    start, end = (None, None) if service is None else service
    billing = BillingSettings(start_col=start, end_col=end)
    assert run_subscriptions(orders, billing, conventions, lang=lang, out=out, err=err) == 0
    return list(csv.reader(io.StringIO(out.getvalue()))), err.getvalue()


def test_long_mrr_table_with_yyyy_mm_months() -> None:
    orders = read_orders(
        DATA / "subscriptions_billing.csv",
        ReadSettings(date_col="period", amount_col="mrr", require_amount=True),
    )
    table, report = _run(orders)
    assert table[0][:8] == [
        "Period",
        "MRR start",
        "New",
        "Expansion",
        "Contraction",
        "Churn",
        "Reactivation",
        "MRR end",
    ]
    # hand: January A 100 + B 50 new; February A +20, C new 30; March A -30, B churns 50,
    # C's add-on row +5.50 (two rows of one month add up)
    assert [row[:8] for row in table[1:]] == [
        ["2024-01", "0.0", "150.0", "0.0", "0.0", "0.0", "0.0", "150.0"],
        ["2024-02", "150.0", "30.0", "20.0", "0.0", "0.0", "0.0", "200.0"],
        ["2024-03", "200.0", "0.0", "5.5", "30.0", "50.0", "0.0", "125.5"],
    ]
    assert "8 rows, 7 customer-months, 3 customers, 3 periods" in report


def test_annual_plan_with_service_period_shows_no_churn() -> None:
    orders = read_orders(DATA / "subscriptions_invoices_de.csv", INVOICES, extra_dates=SERVICE)
    # as_of: the table runs to the end of K1's year (by default it ends in March, the month
    # of the last invoice, and K2 has not churned yet)
    conventions = SubscriptionConventions(as_of="2024-12")
    table, report = _run(orders, lang="de", service=SERVICE, conventions=conventions)
    assert table[0][5] == "Abwanderung"
    churn = {row[0]: float(row[5]) for row in table[1:]}
    mrr_end = [float(row[7]) for row in table[1:]]
    # hand: K1 1,200 for 2024 = 100 a month, Jan-Dec; K2 100 in Jan, Feb, Mar; K3 49 for
    # 15.02.-14.03. (29 days: one month, February)
    assert mrr_end == [200.0, 249.0, 200.0] + [100.0] * 9
    assert churn["2024-03"] == 49.0 and churn["2024-04"] == 100.0  # K3, then K2
    assert sum(churn.values()) == 149.0  # K1 never churns
    assert "Perioden: Kalendermonate" in report and "5 Zeilen" in report


def test_the_same_invoices_without_service_period_look_like_churn() -> None:
    orders = read_orders(DATA / "subscriptions_invoices_de.csv", INVOICES)
    rows = subscription_rows(orders)
    # hand: the annual invoice is 1,200 of MRR in January and churns in February
    assert rows[1][7] == 1300.0  # January: K1 1,200 + K2 100
    assert rows[2][5] == 1200.0


def test_line_without_service_period_counts_in_its_invoice_month() -> None:
    orders = read_orders(
        DATA / "subscriptions_invoices_blank.csv",
        ReadSettings(date_col="invoice_date", amount_col="amount"),
        extra_dates=("service_start", "service_end"),
    )
    rows = subscription_rows(
        orders, BillingSettings(start_col="service_start", end_col="service_end")
    )
    # hand: K1 100 a month through 2024; K4's one-off 15.00 in February 2024
    assert [row[0] for row in rows[1:3]] == ["2024-01", "2024-02"]
    assert rows[2][7] == 115.0
