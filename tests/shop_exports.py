"""Generated shop exports shaped like Shopify, WooCommerce and Shopware order exports.

Each generator draws a small set of true orders (customer, calendar day, total, status),
writes them the way that shop's export does — line items repeating the order over several
rows with the total only on the first, time zones, German number formats, a voided and a
cancelled order — and returns the orders a correct reader must find. The expected result is
the generated truth, not the reader's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class TrueOrder:
    number: str
    customer: str
    day: dt.date
    total: float
    status: str  # "paid", "voided", "cancelled"


def _orders(seed: int, n: int = 40) -> list[TrueOrder]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
        status = "paid"
        if i == 5:
            status = "voided"
        if i == 9:
            status = "cancelled"
        out.append(
            TrueOrder(
                f"#{1001 + i}",
                f"kunde{rng.randrange(12)}@example.de",
                day,
                round(rng.uniform(5, 2500), 2),
                status,
            )
        )
    return out


def kept(orders: list[TrueOrder]) -> list[TrueOrder]:
    """The orders a reader keeps: everything the export does not mark voided/cancelled."""
    return [o for o in orders if o.status == "paid"]


def shopify(seed: int = 1) -> tuple[str, list[TrueOrder]]:
    """Shopify's "CSV for Excel": comma, UTF-8, offsets, line items, totals on row one."""
    orders = _orders(seed)
    rng = random.Random(seed + 100)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "Name",
            "Email",
            "Financial Status",
            "Paid at",
            "Currency",
            "Total",
            "Created at",
            "Lineitem quantity",
            "Lineitem name",
            "Cancelled at",
            "Id",
        ]
    )
    for k, order in enumerate(orders):
        offset = rng.choice(["+0100", "+0200", "-0800", "+0000"])
        hour = rng.choice([0, 9, 15, 23])  # near midnight: a UTC conversion would move days
        created = f"{order.day.isoformat()} {hour:02d}:20:00 {offset}"
        financial = "voided" if order.status == "voided" else "paid"
        cancelled = created if order.status == "cancelled" else ""
        items = rng.randint(1, 3)
        for item in range(items):
            first = item == 0
            writer.writerow(
                [
                    order.number,
                    order.customer,
                    financial if first else "",
                    created if first else "",
                    "EUR" if first else "",
                    f"{order.total:.2f}" if first else "",
                    created,
                    rng.randint(1, 4),
                    f"Product, size {item}",  # a comma inside a quoted field
                    cancelled if first else "",
                    5000 + k if first else "",
                ]
            )
    return out.getvalue(), orders


def woocommerce(seed: int = 2) -> tuple[str, list[TrueOrder]]:
    """A German WooCommerce export: semicolon, decimal comma, "1.234,56 €", German status."""
    orders = _orders(seed)
    rng = random.Random(seed + 100)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Order ID",
            "Order Date",
            "Order Status",
            "Billing Email Address",
            "Order Total Amount",
            "Item Name",
        ]
    )
    status_text = {"paid": "Abgeschlossen", "voided": "Fehlgeschlagen", "cancelled": "Storniert"}
    for order in orders:
        total = f"{order.total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        date = f"{order.day:%d.%m.%Y} {rng.randrange(24):02d}:{rng.randrange(60):02d}"
        for item in range(rng.randint(1, 2)):
            writer.writerow(
                [
                    order.number.lstrip("#"),
                    date if item == 0 else "",
                    status_text[order.status] if item == 0 else "",
                    order.customer,
                    f"{total} €" if item == 0 else "",
                    f"Artikel {item}",
                ]
            )
    return out.getvalue(), orders


def shopware(seed: int = 3) -> tuple[str, list[TrueOrder]]:
    """Shopware 6 "Default orders" profile: semicolon, dotted field paths, ISO with ``T``
    and ``Z`` or an offset, decimal point, technical state names."""
    orders = _orders(seed)
    rng = random.Random(seed + 100)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(
        [
            "id",
            "orderNumber",
            "orderCustomer.email",
            "orderDateTime",
            "amountTotal",
            "stateMachineState.technicalName",
            "lineItems",
        ]
    )
    state = {"paid": "completed", "voided": "cancelled", "cancelled": "cancelled"}
    for k, order in enumerate(orders):
        zone = rng.choice(["Z", "+01:00", "-05:00"])
        stamp = f"{order.day.isoformat()}T{rng.randrange(24):02d}:05:00.000{zone}"
        writer.writerow(
            [
                f"{k:032x}",
                order.number.lstrip("#"),
                order.customer,
                stamp,
                f"{order.total:.2f}",
                state[order.status],
                "2x SW10001|1x SW10002",
            ]
        )
    return out.getvalue(), orders
