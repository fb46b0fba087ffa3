"""The subscription result: a ledger and the movement table, revenue cohorts and customer
months computed from it.

One idea: from billing rows in memory, or billing files on an engine, to the one
:class:`SubscriptionBook` the subscription workbook lays out, under
:class:`SubscriptionSettings` (the billing columns, the conventions and what a revenue
cohort cell shows). Imports :mod:`retention_xl.subscriptions`, :mod:`retention_xl.io` and
:mod:`retention_xl.engines`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..engines import EngineReport, EngineSettings, ledger_from_files, segment_ledgers_from_files
from ..errors import InputError, TemplateError
from ..io import Orders, ReadSettings
from ..settings import Settings
from ..subscriptions import (
    REVENUE_VALUES,
    BillingSettings,
    Ledger,
    MrrMovements,
    RevenueCohortTable,
    SubscriptionConventions,
    ledger_from_orders,
    movements_from_ledger,
    revenue_cohorts,
)
from ..subscriptions.ledger import month_label
from ..subscriptions.timeline import CustomerMonths, customer_months, observed

__all__ = [
    "SubscriptionBook",
    "SubscriptionSettings",
    "subscription_book",
    "subscription_books_from_files",
    "subscription_result",
]

#: The widest revenue cohort table a sheet takes (Excel's columns less two).
_MAX_PERIODS = 16_384 - 2


@dataclass(frozen=True)
class SubscriptionSettings(Settings):
    """What a subscription analysis is asked for: the conventions of the movement table,
    the billing columns (and service period) of the export, and what a revenue cohort cell
    shows (``value``, one of :data:`~retention_xl.subscriptions.REVENUE_VALUES`).

    Examples
    --------
    >>> SubscriptionSettings(value="mrr").conventions.period
    'M'
    >>> SubscriptionSettings(value="logos")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: value must be one of mrr_retention, mrr, customers, \
retention; got 'logos'.
    """

    what: ClassVar[str] = "subscription setting"

    conventions: SubscriptionConventions = field(default_factory=SubscriptionConventions)
    billing: BillingSettings = field(default_factory=BillingSettings)
    value: str = "mrr_retention"

    def __post_init__(self) -> None:
        if self.value not in REVENUE_VALUES:
            raise InputError(
                f"value must be one of {', '.join(REVENUE_VALUES)}; got {self.value!r}."
            )


@dataclass(frozen=True)
class SubscriptionBook:
    """Everything one subscription workbook shows: the ledger as of the conventions'
    ``as_of`` (its months after it left out) and what is computed from it."""

    ledger: Ledger
    movements: MrrMovements
    cohorts: RevenueCohortTable
    months: CustomerMonths


def subscription_book(
    book: Ledger, settings: SubscriptionSettings | None = None
) -> SubscriptionBook:
    """Compute a :class:`SubscriptionBook` from a :class:`~retention_xl.subscriptions.Ledger`,
    cut at the conventions' ``as_of`` (default: the month the ledger's data ends).

    Raises
    ------
    InputError
        When ``as_of`` is before the first month of the data.
    TemplateError
        When the data spans more periods than a sheet has columns (before computing).
    """
    chosen = settings or SubscriptionSettings()
    conventions = chosen.conventions
    book = observed(book, conventions)
    k = conventions.months
    periods = book.end_month // k - book.first_month // k + 1
    if periods > _MAX_PERIODS:  # refused before computing anything
        raise TemplateError(
            f"the data spans {periods:,} periods ({month_label(book.first_month)} to "
            f"{month_label(book.end_month)}), more than Excel's {_MAX_PERIODS + 2:,} columns "
            "of the cohort sheet; check the dates for typos or report by quarter or year."
        )
    return SubscriptionBook(
        ledger=book,
        movements=movements_from_ledger(book, conventions),
        cohorts=revenue_cohorts(book, conventions, value=chosen.value),
        months=customer_months(book, conventions),
    )


def subscription_result(
    orders: Orders | Any, settings: SubscriptionSettings | None = None
) -> SubscriptionBook:
    """The subscription book of billing rows read as orders (the date column is the month,
    the amount column the MRR, or the amount billed over the service period)."""
    chosen = settings or SubscriptionSettings()
    if orders.order_dates.size == 0:  # duck-typed: anything with the reader's arrays
        raise InputError(f"{orders.report.source}: no orders to fill the workbook with.")
    billing = chosen.billing
    book = ledger_from_orders(orders, service=billing.service, spread=billing.spread)
    return subscription_book(book, chosen)


def subscription_books_from_files(
    path: Any,
    by: str | None,
    settings: SubscriptionSettings | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[dict[str, SubscriptionBook], EngineReport]:
    """The subscription books of billing files on an engine, one per value of ``by`` (key
    ``""`` without); a segment whose book cannot be made is named in the report's
    ``failed``."""
    chosen = settings or SubscriptionSettings()
    if by is None:
        ledger, report = ledger_from_files(path, billing=chosen.billing, read=read, engine=engine)
        ledgers = {"": ledger}
    else:
        ledgers, report = segment_ledgers_from_files(
            path, by, billing=chosen.billing, read=read, engine=engine
        )
    stem = Path(str(path)).stem
    books = {}
    for segment, ledger in ledgers.items():
        if by is not None:  # named as the reader names a segment's orders
            ledger = dataclasses.replace(ledger, source=f"{stem} [{segment}]")
        try:
            books[segment] = subscription_book(ledger, chosen)
        except (InputError, TemplateError) as error:
            if by is None:
                raise
            report.failed[segment] = str(error)
    return books, report
