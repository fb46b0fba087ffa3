"""The body of ``retention-xl subscriptions``: orders as read in, the movement table out.

One idea: what the command prints, apart from reading the file — so the command line stays a
thin parser and this package needs no reader. Takes the result of the order reader
(``customer_ids``, ``order_dates``, ``amounts``, optional ``extra_dates``; duck-typed, nothing
imported), prints the table (CSV or aligned text) and the conventions. Imports
:mod:`.ledger`, :mod:`.movements` and :mod:`retention_xl.texts`.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ..texts import text
from .conventions import BillingSettings, SubscriptionConventions
from .ledger import ledger_from_orders
from .movements import MrrMovements, movements_from_ledger

__all__ = ["print_movements", "run_subscriptions", "subscription_movements", "subscription_rows"]


def subscription_movements(
    orders: Any,
    billing: BillingSettings | None = None,
    conventions: SubscriptionConventions | None = None,
) -> MrrMovements:
    """The movement table of what the order reader returned (see ``ledger_from_orders``):
    ``billing`` says whether lines carry a service period and how they are spread."""
    chosen = billing or BillingSettings()
    book = ledger_from_orders(orders, service=chosen.service, spread=chosen.spread)
    return movements_from_ledger(book, conventions)


def subscription_rows(
    orders: Any,
    billing: BillingSettings | None = None,
    conventions: SubscriptionConventions | None = None,
    *,
    lang: str = "en",
) -> list[list[Any]]:
    """The labelled movement table (header row first; blanks None) of the orders read."""
    return subscription_movements(orders, billing, conventions).rows_table(lang)


def run_subscriptions(
    orders: Any,
    billing: BillingSettings | None = None,
    conventions: SubscriptionConventions | None = None,
    *,
    fmt: str = "csv",
    lang: str = "en",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the movement table (``fmt`` "csv" or "table") to ``out`` and the conventions
    and counts to ``err``; return the exit code 0. Raises ``InputError`` for bad data or
    options (the command line prints it)."""
    movements = subscription_movements(orders, billing, conventions)
    return print_movements(movements, fmt=fmt, lang=lang, out=out, err=err)


def print_movements(
    movements: MrrMovements,
    *,
    fmt: str = "csv",
    lang: str = "en",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print a movement table (``fmt`` "csv" or "table") to ``out`` and its conventions
    and counts to ``err``; return the exit code 0."""
    out = out or sys.stdout
    err = err or sys.stderr
    for line in movements.conventions.describe(lang):
        print(line, file=err)
    counts = (movements.rows, movements.cells, movements.customers, len(movements.labels))
    thousands = text("number.thousands", lang)
    rows, cells, customers, periods = (f"{n:,}".replace(",", thousands) for n in counts)
    print(
        text(
            "subscriptions.counts",
            lang,
            rows=rows,
            cells=cells,
            customers=customers,
            periods=periods,
        ),
        file=err,
    )
    out.write(movements.csv(lang) if fmt == "csv" else movements.text(lang))
    return 0
