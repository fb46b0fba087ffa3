"""Shop exports as the shops write them (tests/data, formats in tests/data/SOURCES.md) read
to the right numbers: customers, orders kept, net revenue, days, and every order left out
counted — or a clear error, never a confident wrong answer.

Each expected value is worked out by hand from the file (the comments show the sums) or by
a small pandas recipe, not taken from the reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retention_xl import DataError, InputError
from retention_xl.cli import main
from retention_xl.io import Orders, ReadSettings, read_orders

DATA = Path(__file__).parent / "data"
SHOPIFY = DATA / "shopify_orders_export.csv"
WOO_EN = DATA / "woocommerce_orders_en.csv"
WOO_DE = DATA / "woocommerce_orders_de.csv"
ETSY = DATA / "EtsySoldOrders2024-3.csv"
SHOPWARE = DATA / "shopware_orders_export.csv"


def _orders(orders: Orders) -> list[tuple[str, str, float]]:
    """(customer, day, amount) of every order, in file order."""
    assert orders.amounts is not None
    return list(
        zip(
            orders.customer_ids.tolist(),
            orders.order_dates.astype(str).tolist(),
            orders.amounts.tolist(),
            strict=True,
        )
    )


def _accounted(orders: Orders) -> None:
    """Every row read is used, merged into its order, left out on purpose or rejected."""
    r = orders.report
    assert r.rows_read == r.rows_used + r.merged_rows + r.left_out + r.rows_rejected
    assert len(orders) == r.rows_used


def _edit(
    source: Path,
    target: Path,
    change: Callable[[list[list[str]]], list[list[str]]],
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """A copy of a CSV export with its rows (header first) changed by ``change``."""
    with source.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(change(rows))
    target.write_text(out.getvalue(), encoding=encoding)
    return target


def _drop(*names: str) -> Callable[[list[list[str]]], list[list[str]]]:
    def change(rows: list[list[str]]) -> list[list[str]]:
        gone = {rows[0].index(name) for name in names}
        return [[cell for i, cell in enumerate(row) if i not in gone] for row in rows]

    return change


# --- Shopify ---------------------------------------------------------------------------


def test_shopify_export_reads_net_revenue_and_counts_what_it_leaves_out() -> None:
    orders = read_orders(SHOPIFY, ReadSettings(preset="shopify"))
    # 12 orders on 17 rows (line items). Left out: #1005 voided, #1007 "Cancelled at"
    # filled, #1004 (POS, no e-mail) and #1010 (checkout with a phone number only).
    # Kept, Total - Refunded Amount, on the day written in "Created at":
    #   #1001 anna 2024-01-05   59.90 - 0     =   59.90
    #   #1002 ben  2024-01-31  120.00 - 0     =  120.00   (23:58:40 +0100)
    #   #1003 anna 2024-02-14   89.50 - 20.00 =   69.50   partially_refunded
    #   #1006 ben  2024-03-10   30.00 - 30.00 =    0.00   refunded: still a purchase
    #   #1008 anna 2024-03-31 1234.56 - 0     = 1234.56   pending, 00:30 +0100
    #   #1009 erik 2024-04-01   42.00 - 0     =   42.00   00:10 +0200
    #   #1011 ben  2024-04-15   75.25 - 5.25  =   70.00
    #   #1012 fiona 2024-05-02  18.00 - 0     =   18.00
    # net revenue 1613.96; refunds 20 + 30 + 5.25 = 55.25 on 3 orders
    assert _orders(orders) == [
        ("anna@example.com", "2024-01-05", 59.90),
        ("ben@example.com", "2024-01-31", 120.00),
        ("anna@example.com", "2024-02-14", 69.50),
        ("ben@example.com", "2024-03-10", 0.0),
        ("anna@example.com", "2024-03-31", 1234.56),
        ("erik@example.com", "2024-04-01", 42.00),
        ("ben@example.com", "2024-04-15", 70.00),
        ("fiona@example.com", "2024-05-02", 18.00),
    ]
    assert orders.customer_names.size == 4
    assert orders.amounts is not None and round(float(orders.amounts.sum()), 2) == 1613.96
    r = orders.report
    assert (r.rows_read, r.merged_rows) == (17, 5)
    assert r.cancelled == {"voided": 1, "Cancelled at": 1}
    assert (r.no_customer, r.no_customer_column) == (2, "Email")
    assert (r.refunded_orders, r.refunded_amount, r.currency) == (3, 55.25, "EUR")
    _accounted(orders)
    summary = r.summary()
    assert "2 orders without a customer (Email empty: guest or POS orders) left out" in summary
    assert "refunds subtracted for net revenue: 55.25 EUR on 3 orders" in summary


def test_shopify_export_equals_a_pandas_recipe() -> None:
    import pandas as pd

    rows = pd.read_csv(SHOPIFY, dtype=str, keep_default_na=False).replace("", np.nan)
    order = rows.groupby("Name", sort=False).first()  # each field from its first filled row
    kept = order[
        order["Cancelled at"].isna()
        & (order["Financial Status"] != "voided")
        & order["Email"].notna()
    ]
    net = kept["Total"].astype(float) - kept["Refunded Amount"].astype(float).fillna(0.0)
    expected = list(
        zip(kept["Email"], kept["Created at"].str[:10], net.round(2).tolist(), strict=True)
    )
    assert _orders(read_orders(SHOPIFY, ReadSettings(preset="shopify"))) == expected


def test_shopify_mixed_currencies_are_refused_or_read_one_at_a_time(tmp_path: Path) -> None:
    def usd(rows: list[list[str]]) -> list[list[str]]:
        at = rows[0].index("Currency")
        for row in rows:
            if row[0] == "#1012" and row[at]:
                row[at] = "USD"
        return rows

    path = _edit(SHOPIFY, tmp_path / "orders_export.csv", usd)
    with pytest.raises(DataError) as error:
        read_orders(path, ReadSettings(preset="shopify"))
    message = str(error.value)
    # kept orders: 7 in EUR, #1012 in USD; the message names them and the ways out
    assert "2 currencies (EUR: 7, USD: 1) in column 'Currency'" in message
    assert "--currency EUR" in message and "--by 'Currency'" in message
    euro = read_orders(path, ReadSettings(preset="shopify", currency="eur"))
    assert len(euro) == 7 and euro.report.other_currency == {"USD": 1}
    assert euro.amounts is not None and round(float(euro.amounts.sum()), 2) == 1595.96  # - 18
    assert "1 orders in other currencies than EUR left out (USD: 1)" in euro.report.summary()
    _accounted(euro)
    split = read_orders(
        path, ReadSettings(preset="shopify"), segment_col="Currency"
    )  # one table each
    assert split.segments is not None and split.segments.tolist().count("USD") == 1
    with pytest.raises(DataError, match=r"in 2 Währungen .*--currency EUR"):
        read_orders(path, ReadSettings(preset="shopify", lang="de"))


def test_shopify_timezone_moves_orders_near_midnight() -> None:
    # The export writes the shop's offset: in UTC #1002 (2024-01-31 23:58:40 +0100) is
    # 22:58 on the same day, #1008 (2024-03-31 00:30 +0100, before summer time) is
    # 2024-03-30 23:30 and #1009 (2024-04-01 00:10 +0200) is 2024-03-31 22:10.
    days = read_orders(SHOPIFY, ReadSettings(preset="shopify", timezone="UTC")).order_dates.astype(
        str
    )
    assert days.tolist()[4:6] == ["2024-03-30", "2024-03-31"]
    assert days[1] == "2024-01-31"
    same = read_orders(
        SHOPIFY, ReadSettings(preset="shopify", timezone="Europe/Berlin")
    ).order_dates
    np.testing.assert_array_equal(
        same, read_orders(SHOPIFY, ReadSettings(preset="shopify")).order_dates
    )


def test_exclude_status_adds_to_a_presets_cancelled_statuses() -> None:
    orders = read_orders(SHOPIFY, ReadSettings(preset="shopify", exclude_status=[" PENDING "]))
    # #1008 (pending, 1234.56) left out too: 1613.96 - 1234.56 = 379.40
    assert orders.report.cancelled == {"voided": 1, "Cancelled at": 1, "pending": 1}
    assert orders.amounts is not None and round(float(orders.amounts.sum()), 2) == 379.40
    _accounted(orders)


# --- WooCommerce -----------------------------------------------------------------------


def test_woocommerce_english_export() -> None:
    orders = read_orders(WOO_EN, ReadSettings(preset="woocommerce"))
    # Advanced Order Export, default fields, the order repeated on each product row.
    # Left out: 1204 Cancelled, 1205 Failed, 1209 without a billing e-mail.
    # Kept, Order Total Amount - Order Refund Amount:
    #   1201 mia  2024-01-08  49.00 - 0    =  49.00   Completed
    #   1202 noah 2024-01-20 120.50 - 0    = 120.50   Processing
    #   1203 mia  2024-02-02  80.00 - 20   =  60.00   Completed, partial refund
    #   1206 noah 2024-02-25  60.00 - 60   =   0.00   Refunded
    #   1207 ole  2024-03-03  15.99 - 0    =  15.99   On hold
    #   1208 mia  2024-03-20  22.50 - 0    =  22.50   Pending payment (a coupon)
    #   1210 ole  2024-03-31 100.00 - 12.5 =  87.50   23:55
    # net revenue 355.49; refunds 20 + 60 + 12.5 = 92.50 on 3 orders
    assert _orders(orders) == [
        ("mia@example.com", "2024-01-08", 49.00),
        ("noah@example.com", "2024-01-20", 120.50),
        ("mia@example.com", "2024-02-02", 60.00),
        ("noah@example.com", "2024-02-25", 0.0),
        ("ole@example.com", "2024-03-03", 15.99),
        ("mia@example.com", "2024-03-20", 22.50),
        ("ole@example.com", "2024-03-31", 87.50),
    ]
    r = orders.report
    assert orders.customer_names.size == 3
    assert r.cancelled == {"cancelled": 1, "failed": 1} and r.no_customer == 1
    assert (r.refunded_orders, r.refunded_amount) == (3, 92.5)
    assert (r.rows_read, r.merged_rows) == (13, 3)
    _accounted(orders)


def test_woocommerce_german_export() -> None:
    orders = read_orders(WOO_DE, ReadSettings(preset="woocommerce", lang="de"))
    # German labels, ";", "1.234,56", DD.MM.YYYY HH:MM, UTF-8 with BOM; the order only on
    # its first product row ("Populate other columns" off): the 3 further product rows
    # hold none of the columns read, so they are blank rows.
    # Left out: 2304 Storniert, 2305 Fehlgeschlagen, 2306 Papierkorb, 2310 without e-mail.
    # Kept, Bestellsumme - Rückerstattungsbetrag:
    #   2301 jonas 2024-01-05 1234.56 - 0  = 1234.56  Abgeschlossen
    #   2302 lena  2024-01-17   89.90 - 0  =   89.90  In Bearbeitung
    #   2303 jonas 2024-02-01  250.00 - 50 =  200.00  Abgeschlossen, partial refund
    #   2307 lena  2024-02-14   45.00 - 45 =    0.00  Rückerstattet
    #   2308 sara  2024-02-20   30.00 - 0  =   30.00  In Wartestellung
    #   2309 sara  2024-02-29   12.50 - 0  =   12.50  Zahlung ausstehend, 23:59
    # net revenue 1566.96; refunds 50 + 45 = 95 on 2 orders
    assert _orders(orders) == [
        ("jonas@example.de", "2024-01-05", 1234.56),
        ("lena@example.de", "2024-01-17", 89.90),
        ("jonas@example.de", "2024-02-01", 200.00),
        ("lena@example.de", "2024-02-14", 0.0),
        ("sara@example.de", "2024-02-20", 30.00),
        ("sara@example.de", "2024-02-29", 12.50),
    ]
    r = orders.report
    assert (r.encoding, r.delimiter, r.decimal) == ("utf-8-sig", ";", ",")
    assert r.cancelled == {"storniert": 1, "fehlgeschlagen": 1, "papierkorb": 1}
    assert (r.no_customer, r.no_customer_column) == (1, "E-Mail (Rechnung)")
    assert (r.refunded_orders, r.refunded_amount, r.currency) == (2, 95.0, "EUR")
    assert (r.rows_read, r.blank_rows) == (10, 3)
    _accounted(orders)
    summary = r.summary()
    assert "3 Bestellungen wegen ihres Status ausgelassen (fehlgeschlagen: 1" in summary
    assert "1 Bestellungen ohne Kunden (E-Mail (Rechnung) leer" in summary
    assert "Erstattungen für den Nettoumsatz abgezogen: 95,00 EUR auf 2 Bestellungen" in summary


def test_a_refunded_order_is_worth_nothing_when_the_export_has_no_refund_column(
    tmp_path: Path,
) -> None:
    path = _edit(
        WOO_DE,
        tmp_path / "ohne_erstattung.csv",
        _drop("Rückerstattungsbetrag"),
        delimiter=";",
        encoding="utf-8-sig",
    )
    orders = read_orders(path, ReadSettings(preset="woocommerce"))
    # without the refund column 2303 keeps its 250.00 (its partial refund is not in the
    # file), but 2307 "Rückerstattet" is refunded as a whole: 45.00 -> 0
    assert orders.amounts is not None and orders.amounts.tolist() == [
        1234.56,
        89.90,
        250.00,
        0.0,
        30.00,
        12.50,
    ]
    assert (orders.report.refunded_orders, orders.report.refunded_amount) == (1, 45.0)


def test_refunds_are_not_netted_out_of_a_total_named_explicitly() -> None:
    # "Order Total Amount" named with amount_col: the preset's own total, refunds netted;
    # another column (a total that may be net already) is taken as it is
    orders = read_orders(
        WOO_EN, ReadSettings(preset="woocommerce", amount_col="Order Subtotal Amount")
    )
    assert orders.amounts is not None and orders.amounts.tolist()[2] == 74.00  # 1203: 2*19+3*12
    assert orders.report.refunded_orders == 0


# --- Etsy ------------------------------------------------------------------------------


def test_etsy_sold_orders_export() -> None:
    orders = read_orders(ETSY, ReadSettings(preset="etsy"))
    # One row per order, "Sale Date" MM/DD/YY, the total after refunds in "Adjusted Order
    # Total" where filled. Left out: 3206642290, a guest without a Buyer User ID.
    #   3201874401 812345678 2024-03-01 28.50                 = 28.50
    #   3203110562 700111222 2024-03-05 52.00                 = 52.00
    #   3205006113 812345678 2024-03-09 18.00, adjusted  9.00 =  9.00
    #   3208120754 655000333 2024-03-15 40.00, adjusted  0.00 =  0.00 (refunded)
    #   3212559931 699888777 2024-03-28 61.20 (coupon)        = 61.20
    #   3213004418 812345678 2024-03-31 12.00                 = 12.00
    # net revenue 162.70; refunds (18 - 9) + (40 - 0) = 49.00 on 2 orders
    assert _orders(orders) == [
        ("812345678", "2024-03-01", 28.50),
        ("700111222", "2024-03-05", 52.00),
        ("812345678", "2024-03-09", 9.00),
        ("655000333", "2024-03-15", 0.0),
        ("699888777", "2024-03-28", 61.20),
        ("812345678", "2024-03-31", 12.00),
    ]
    r = orders.report
    assert orders.customer_names.size == 4
    assert (r.no_customer, r.no_customer_column) == (1, "Buyer User ID")
    assert (r.refunded_orders, r.refunded_amount, r.currency) == (2, 49.0, "EUR")
    _accounted(orders)
    # the ids are text as written (leading zeros would stay), not numbers
    assert orders.customer_ids.dtype.kind == "U"


def test_etsy_dates_are_month_first_only_with_the_preset() -> None:
    with pytest.raises(DataError, match="--date-format"):  # 03/01/24 is ambiguous alone
        read_orders(ETSY, ReadSettings(customer_col="Buyer User ID", date_col="Sale Date"))
    # a pattern given wins over the preset's. Day first: 03/01/24 is 3 January, 03/05/24
    # 3 May, 03/09/24 3 September (03/12/24 is the guest's, left out); 03/15/24, 03/28/24
    # and 03/31/24 have no month 15, 28, 31: rejected
    skipped = read_orders(
        ETSY, ReadSettings(preset="etsy", date_format="%d/%m/%y", on_error="skip")
    )
    assert skipped.order_dates.astype(str).tolist() == ["2024-01-03", "2024-05-03", "2024-09-03"]
    assert skipped.report.rows_rejected == 3


def test_etsy_mixed_currencies_are_refused(tmp_path: Path) -> None:
    def gbp(rows: list[list[str]]) -> list[list[str]]:
        rows[2][rows[0].index("Currency")] = "GBP"
        return rows

    path = _edit(ETSY, tmp_path / "EtsySoldOrders2024-3.csv", gbp)
    with pytest.raises(DataError, match=r"2 currencies \(EUR: 5, GBP: 1\)"):
        read_orders(path, ReadSettings(preset="etsy"))
    assert read_orders(path, ReadSettings(preset="etsy", currency="GBP")).report.other_currency == {
        "EUR": 5
    }


# --- Shopware --------------------------------------------------------------------------


def test_shopware_export_in_utc_days_says_so() -> None:
    orders = read_orders(SHOPWARE, ReadSettings(preset="shopware"))
    # "Default orders" profile plus the state's technical name and the currency's ISO code;
    # order_date_time in UTC (+00:00). Left out: 10004 cancelled.
    #   10001 kim  2024-03-31T22:30Z 119.99
    #   10002 lars 2024-01-31T23:15Z  50
    #   10003 kim  2024-02-15T10:00Z  24.9
    #   10005 nora 2024-03-30T23:30Z  33.33
    #   10006 lars 2024-05-10T12:00Z 210
    #   10007 kim  2024-06-30T22:00Z  15.5
    # revenue 119.99 + 50 + 24.9 + 33.33 + 210 + 15.5 = 453.72
    assert _orders(orders) == [
        ("kim@example.de", "2024-03-31", 119.99),
        ("lars@example.de", "2024-01-31", 50.0),
        ("kim@example.de", "2024-02-15", 24.9),
        ("nora@example.de", "2024-03-30", 33.33),
        ("lars@example.de", "2024-05-10", 210.0),
        ("kim@example.de", "2024-06-30", 15.5),
    ]
    assert orders.report.cancelled == {"cancelled": 1} and orders.report.currency == "EUR"
    _accounted(orders)
    notes = orders.report.lines()[1:]
    assert len(notes) == 1 and "UTC calendar day" in notes[0] and "--timezone" in notes[0]
    german = read_orders(SHOPWARE, ReadSettings(preset="shopware", lang="de")).report.lines()
    assert german[1].startswith("  Hinweis: der Shopware-Export schreibt seine Zeiten in UTC")


def test_shopware_export_with_the_shops_time_zone() -> None:
    orders = read_orders(SHOPWARE, ReadSettings(preset="shopware", timezone="Europe/Berlin"))
    # Berlin is UTC+1 in winter, UTC+2 from 2024-03-31 01:00 UTC:
    #   10001 2024-03-31 22:30Z + 2 h = 2024-04-01 00:30
    #   10002 2024-01-31 23:15Z + 1 h = 2024-02-01 00:15   (another month)
    #   10003 2024-02-15 10:00Z + 1 h = 2024-02-15
    #   10005 2024-03-30 23:30Z + 1 h = 2024-03-31 00:30   (before the change)
    #   10006 2024-05-10 12:00Z + 2 h = 2024-05-10
    #   10007 2024-06-30 22:00Z + 2 h = 2024-07-01 00:00   (another month)
    assert orders.order_dates.astype(str).tolist() == [
        "2024-04-01",
        "2024-02-01",
        "2024-02-15",
        "2024-03-31",
        "2024-05-10",
        "2024-07-01",
    ]
    assert orders.report.notes == []
    months = orders.order_dates.astype("datetime64[M]").astype(str).tolist()
    assert months.count("2024-07") == 1 and "2024-01" not in months


def test_shopware_default_profile_has_no_state_name(tmp_path: Path) -> None:
    path = _edit(
        SHOPWARE,
        tmp_path / "orders.csv",
        _drop("stateMachineState.technicalName", "currency.isoCode"),
        delimiter=";",
    )
    orders = read_orders(path, ReadSettings(preset="shopware", timezone="Europe/Berlin"))
    # the profile's order_state_id is an id, not a name: the cancelled 10004 cannot be
    # told apart and is counted (7 orders), and the report says so
    assert len(orders) == 7 and orders.report.cancelled == {}
    assert len(orders.report.notes) == 1 and "no status column" in orders.report.notes[0]
    with pytest.raises(DataError, match="--status-col"):
        read_orders(path, ReadSettings(preset="shopware", exclude_status=["cancelled"]))


# --- the options on any file -----------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_status_col_and_exclude_status_on_any_export(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "customer_id,order_date,amount,state\n"
        "a,2024-01-02,10, Cancelled \nb,2024-01-03,20,CANCELLED\nc,2024-01-04,30,Test\n"
        "d,2024-01-05,40,paid\ne,2024-01-06,50,\n",
    )
    orders = read_orders(
        path, ReadSettings(status_col="state", exclude_status=["cancelled", "TEST"])
    )
    # trimmed and case-insensitive: a, b ("cancelled") and c ("test") left out
    assert orders.customer_ids.tolist() == ["d", "e"]
    assert orders.report.cancelled == {"cancelled": 2, "test": 1}
    assert "3 orders left out by status (cancelled: 2, test: 1)" in orders.report.summary()
    _accounted(orders)
    assert (
        len(read_orders(path, ReadSettings(status_col="state"))) == 5
    )  # no values given: none excluded
    with pytest.raises(InputError, match=r"--exclude-status .* --status-col"):
        read_orders(path, ReadSettings(exclude_status=["cancelled"]))
    with pytest.raises(DataError, match=r"no column 'status'.*--status-col"):
        read_orders(path, ReadSettings(status_col="status", exclude_status=["x"]))


def test_currency_col_on_any_export(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "customer_id,order_date,amount,cur\n"
        "a,2024-01-02,10,EUR\nb,2024-01-03,20,eur\nc,2024-01-04,30,CHF\nd,2024-01-05,40,\n",
    )
    with pytest.raises(DataError, match=r"3 currencies \(EUR: 2, \(blank\): 1, CHF: 1\)"):
        read_orders(path, ReadSettings(currency_col="cur"))
    chf = read_orders(path, ReadSettings(currency_col="cur", currency="chf"))
    assert chf.customer_ids.tolist() == ["c"]
    assert chf.report.other_currency == {"EUR": 2, "(blank)": 1}
    _accounted(chf)
    with pytest.raises(DataError, match=r"no column 'currency'.*--currency-col"):
        read_orders(path, ReadSettings(currency="EUR"))
    one = _write(tmp_path, "customer_id,order_date,amount,currency\na,2024-01-02,10,EUR\n")
    assert read_orders(one).report.currency == ""  # without currency_col: not looked at
    assert read_orders(one, ReadSettings(currency="EUR")).report.currency == "EUR"


def test_an_unknown_time_zone_is_refused_naming_the_option(tmp_path: Path) -> None:
    path = _write(tmp_path, "customer_id,order_date\na,2024-01-02\n")
    with pytest.raises(InputError, match="--timezone / timezone: unknown time zone 'Europe/Berln'"):
        read_orders(path, ReadSettings(timezone="Europe/Berln"))
    with pytest.raises(InputError, match="unbekannte Zeitzone"):
        read_orders(path, ReadSettings(timezone="../etc/passwd", lang="de"))


@pytest.mark.parametrize(
    ("text", "zone", "day"),
    [
        ("2024-03-31T23:30:00+00:00", "Europe/Berlin", "2024-04-01"),
        ("2024-03-31T23:30:00Z", "Europe/Berlin", "2024-04-01"),
        ("2024-03-31 23:30:00 UTC", "Europe/Berlin", "2024-04-01"),
        ("2024-01-02 23:30:00 -0800", "Europe/Berlin", "2024-01-03"),  # 07:30 UTC, 08:30
        ("2024-01-02T00:15:00+01", "America/New_York", "2024-01-01"),  # 2024-01-01 18:15
        ("2024-01-02 23:30:00", "Europe/Berlin", "2024-01-02"),  # no offset: as written
        ("02.01.2024 23:30", "Asia/Tokyo", "2024-01-02"),  # no offset: as written
        ("2024-01-02", "Asia/Tokyo", "2024-01-02"),
    ],
)
def test_timezone_turns_only_timestamps_with_an_offset(
    text: str, zone: str, day: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, f"customer_id,order_date\nk,{text}\n")
    assert str(read_orders(path, ReadSettings(timezone=zone)).order_dates[0]) == day


def test_timezone_on_time_zone_aware_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    stamps = [dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.timezone.utc)]
    table = pa.table(
        {"customer_id": ["k"], "order_date": pa.array(stamps, pa.timestamp("ms", tz="UTC"))}
    )
    pq.write_table(table, tmp_path / "o.parquet")
    assert str(read_orders(tmp_path / "o.parquet").order_dates[0]) == "2024-03-31"
    zoned = read_orders(tmp_path / "o.parquet", ReadSettings(timezone="Europe/Berlin"))
    assert str(zoned.order_dates[0]) == "2024-04-01"


def test_timezone_days_equal_zoneinfo_one_by_one(tmp_path: Path) -> None:
    """Many instants across years and transitions (half-hour zones, a zone that skipped a
    day): the vectorised conversion equals zoneinfo asked one timestamp at a time."""
    from zoneinfo import ZoneInfo

    rng = np.random.default_rng(7)
    seconds = rng.integers(1_262_304_000, 1_767_225_600, 3_000)  # 2010 … 2025
    seconds[:200] = 1_711_846_800 + rng.integers(-4000, 4000, 200)  # Berlin DST, 2024-03-31
    text = "\n".join(
        f"k,{dt.datetime.fromtimestamp(int(s), dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
        for s in seconds
    )
    path = _write(tmp_path, "customer_id,order_date\n" + text + "\n")
    for name in ("Europe/Berlin", "Australia/Adelaide", "Asia/Kathmandu", "Pacific/Apia"):
        zone = ZoneInfo(name)
        expected = [
            dt.datetime.fromtimestamp(int(s), zone).date().isoformat() for s in seconds.tolist()
        ]
        days = read_orders(path, ReadSettings(timezone=name)).order_dates.astype(str).tolist()
        assert days == expected, name


def test_a_shopify_export_as_dataframe_or_workbook_reads_like_the_csv(tmp_path: Path) -> None:
    import pandas as pd
    from openpyxl import Workbook

    csv_orders = read_orders(SHOPIFY, ReadSettings(preset="shopify"))
    frame = pd.read_csv(SHOPIFY, dtype=str, keep_default_na=False)
    assert _orders(read_orders(frame, ReadSettings(preset="shopify"))) == _orders(csv_orders)
    book = Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    money = {"Total", "Refunded Amount"}
    for row in frame.itertuples(index=False):  # totals and refunds as real numbers
        sheet.append(
            [float(v) if c in money and v else v for c, v in zip(frame.columns, row, strict=True)]
        )
    sheet["AX2"] = "0,00"  # one refund typed as German text next to the numbers
    assert sheet["AX1"].value == "Refunded Amount"
    book.save(tmp_path / "orders_export.xlsx")
    workbook = read_orders(
        tmp_path / "orders_export.xlsx", ReadSettings(preset="shopify", decimal=",")
    )
    assert _orders(workbook) == _orders(csv_orders)
    assert workbook.report.refunded_amount == 55.25


# --- on the command line ---------------------------------------------------------------


def test_cohorts_command_reads_an_etsy_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohorts", str(ETSY), "--preset", "etsy", "--value", "revenue"]) == 0
    captured = capsys.readouterr()
    assert "1 orders without a customer (Buyer User ID empty" in captured.err
    assert captured.out.startswith("Cohort,")


def test_cohorts_command_prints_the_utc_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohorts", str(SHOPWARE), "--preset", "shopware", "--value", "customers"]) == 0
    assert "note: the Shopware export writes its times in UTC" in capsys.readouterr().err


def test_status_currency_and_time_zone_flags_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "customer_id,order_date,amount,state,cur\n"
        "a,2024-01-31T23:30:00Z,10,paid,EUR\n"  # 1 February in Berlin
        "b,2024-02-02T10:00:00Z,20,test,EUR\n"  # left out: status test
        "c,2024-02-03T10:00:00Z,30,paid,USD\n"  # left out: another currency
        "a,2024-03-01T10:00:00Z,5,paid,EUR\n"
    )
    base = ["cohorts", str(path), "--status-col", "state", "--currency-col", "cur"]
    assert main(base) == 2  # two currencies: refused, never added together
    assert "EUR" in capsys.readouterr().err
    flags = ["--exclude-status", "TEST", "--currency", "eur", "--timezone", "Europe/Berlin"]
    assert main([*base, *flags, "--as-of", "2024-03-31", "--value", "customers"]) == 0
    out = capsys.readouterr().out.splitlines()
    # hand: a is the only customer left; first order on 1 February (Berlin), back in March
    assert out[1] == "2024-02,1,1.0,1.0"
