"""Customer timelines: the months in which each customer *was a customer*, with their MRR.

One idea: apply the ``zero_mrr`` and ``reactivation_gap`` conventions to a
:class:`~.ledger.Ledger` once, giving the months each customer was subscribed — paying, paused
at 0, or away for fewer than ``reactivation_gap`` months (held at 0) — grouped in unbroken
*spells*. A spell's first month is a new customer (the customer's first spell) or a
reactivation; the month after its last is churn. Everything else (movement tables, revenue
cohorts) reads these spells. Before that the ledger is cut where its data ends
(:func:`observed`: the ``as_of`` convention), so that service paid in advance beyond the
export is not read as MRR of months the export has not seen. Pure numpy; imports
:mod:`.ledger`, :mod:`.conventions` and :mod:`retention_xl.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .conventions import SubscriptionConventions
from .ledger import Ledger, month_label

__all__ = [
    "CustomerMonths",
    "Timeline",
    "customer_months",
    "observed",
    "observed_span",
    "timeline",
]


@dataclass(frozen=True)
class Timeline:
    """Subscribed customer-months, sorted by customer and month, contiguous within a spell.

    ``spell_start`` marks each spell's first month (always a paying month);
    ``first_month[code]`` is the customer's first subscribed month (−1: never paid).
    ``first``/``last`` are the months of the data, the range every table reports on.
    """

    codes: np.ndarray
    months: np.ndarray
    cents: np.ndarray
    spell_start: np.ndarray
    first_month: np.ndarray
    first: int
    last: int


def observed_span(first: int, end: int, options: SubscriptionConventions) -> tuple[int, int]:
    """The months a table reports on: from the data's ``first`` month to ``options.as_of``,
    or to ``end`` (the month the data ends, :attr:`~.ledger.Ledger.end_month`) without one.

    Raises
    ------
    InputError
        When ``as_of`` is before the first month of the data.

    Examples
    --------
    >>> from .conventions import SubscriptionConventions
    >>> observed_span(648, 653, SubscriptionConventions())  # 2024-01 to 2024-06
    (648, 653)
    >>> observed_span(648, 653, SubscriptionConventions(as_of="2023-12-31"))
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: as_of 2023-12 is before the first month of the data \
(2024-01); give a month from 2024-01 on, or leave as_of out to end at the last billing row.
    """
    month = options.as_of_month
    if month is None:
        return first, end
    if month < first:
        raise InputError(
            f"as_of {options.as_of} is before the first month of the data "
            f"({month_label(first)}); give a month from {month_label(first)} on, or leave "
            "as_of out to end at the last billing row."
        )
    return first, month


def observed(book: Ledger, options: SubscriptionConventions) -> Ledger:
    """The ledger as of ``options.as_of`` (default: the month its data ends): its cells up
    to that month, ending there (:meth:`~.ledger.Ledger.until`).

    Examples
    --------
    >>> from .conventions import SubscriptionConventions
    >>> from .ledger import month_label, spread_ledger
    >>> book = spread_ledger(["a"], [1200], ["2024-06-01"], ["2025-05-31"],
    ...                      periods=["2024-06-01"])
    >>> cut = observed(book, SubscriptionConventions())  # exported in June 2024
    >>> month_label(cut.last_month), cut.mrr.tolist()
    ('2024-06', [10000])
    """
    _, last = observed_span(book.first_month, book.end_month, options)
    return book.until(last)


def _starts(codes: np.ndarray, months: np.ndarray, gap: int) -> np.ndarray:
    """True where a new spell begins: a new customer, or ``gap`` or more empty months."""
    start = np.ones(codes.size, dtype=bool)
    if codes.size > 1:
        same = codes[1:] == codes[:-1]
        start[1:] = ~same | (months[1:] - months[:-1] - 1 >= gap)
    return start


def timeline(
    book: Ledger, options: SubscriptionConventions, span: tuple[int, int] | None = None
) -> Timeline:
    """Resolve a ledger into spells under ``options`` (``zero_mrr``, ``reactivation_gap``).

    Reads the ledger's MRR (:attr:`~.ledger.Ledger.mrr`) as it is: cut it first
    (:func:`observed`). Rules, in order: (1) under ``zero_mrr="churn"`` zero-MRR cells are
    dropped (no row);
    under ``"pause"`` they are kept. (2) Cells of one customer split into spells wherever
    ``reactivation_gap`` or more months are empty. (3) Each spell begins at its first paying
    month (zero cells before it, e.g. a free trial or a zero row after churn, are dropped; a
    spell without payment disappears). (4) The empty months inside a spell are held at 0.

    Examples
    --------
    >>> from .conventions import SubscriptionConventions
    >>> from .ledger import ledger
    >>> book = ledger(["a"] * 3, ["2024-01", "2024-02", "2024-04"], [10, 10, 12])
    >>> t = timeline(book, SubscriptionConventions(reactivation_gap=2))  # a 1-month gap is held
    >>> (t.months - t.first).tolist(), (t.cents // 100).tolist(), t.spell_start.tolist()
    ([0, 1, 2, 3], [10, 10, 0, 12], [True, False, False, False])
    """
    codes, months, cents = book.codes, book.months, book.mrr
    if options.zero_mrr == "churn":
        paying = cents > 0
        if not paying.all():
            codes, months, cents = codes[paying], months[paying], cents[paying]
    gap = options.reactivation_gap
    start = _starts(codes, months, gap)
    if codes.size and not cents.all():  # (3) only zero cells can precede a first payment
        position = np.arange(codes.size)
        spell = np.cumsum(start) - 1
        spell_at = np.flatnonzero(start)
        first_paid = np.minimum.reduceat(np.where(cents > 0, position, codes.size), spell_at)
        keep = position >= first_paid[spell]
        codes, months, cents = codes[keep], months[keep], cents[keep]
        start = _starts(codes, months, gap)
    if gap > 1 and codes.size > 1:  # (4) hold the empty months inside a spell at 0
        held = np.zeros(codes.size, dtype=np.int64)
        held[1:] = np.where(start[1:], 0, months[1:] - months[:-1] - 1)
        if held.any():
            repeat = held + 1
            owner = np.repeat(np.arange(codes.size), repeat)
            offset = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
            own = offset == held[owner]
            codes = codes[owner]
            months = months[owner] - held[owner] + offset
            cents = np.where(own, cents[owner], 0)
            start = start[owner] & own
    first_month = np.full(book.customers.size, -1, dtype=np.int64)
    newcomer = np.ones(codes.size, dtype=bool)  # a customer's first cell opens their first spell
    newcomer[1:] = codes[1:] != codes[:-1]
    first_month[codes[newcomer]] = months[newcomer]
    return Timeline(
        codes=codes,
        months=months,
        cents=cents,
        spell_start=start,
        first_month=first_month,
        first=book.first_month if span is None else span[0],
        last=book.last_month if span is None else span[1],
    )


@dataclass(frozen=True)
class CustomerMonths:
    """Every customer-month that has an input row or in which the customer was a customer:
    the data a reader needs to check a movement table (sorted by customer, then month)."""

    codes: np.ndarray
    months: np.ndarray
    cents: np.ndarray  # the ledger's MRR of the month (0 for a held month without a row)
    subscribed: np.ndarray  # a customer in that month under the conventions
    in_input: np.ndarray  # the month has a row in the input


def customer_months(book: Ledger, options: SubscriptionConventions) -> CustomerMonths:
    """The ledger's cells and the spells' months, merged, as of ``options.as_of``
    (:func:`observed`).

    Summing ``cents`` (the MRR) of the months that are a period's snapshot month gives its
    MRR end; counting the ``subscribed`` ones gives its customers at the end.

    Examples
    --------
    >>> from .conventions import SubscriptionConventions
    >>> from .ledger import ledger
    >>> book = ledger(["a", "a", "a"], ["2024-01", "2024-02", "2024-04"], [5, 0, 5])
    >>> rows = customer_months(
    ...     book, SubscriptionConventions(zero_mrr="pause", reactivation_gap=2))
    >>> (rows.months - rows.months[0]).tolist(), rows.subscribed.tolist(), rows.in_input.tolist()
    ([0, 1, 2, 3], [True, True, True, True], [True, True, False, True])
    """
    book = observed(book, options)
    spells = timeline(book, options)
    span = int(book.months.max()) - int(book.months.min()) + 1
    low = int(book.months.min())
    ledger_keys = book.codes * span + (book.months - low)
    spell_keys = spells.codes * span + (spells.months - low)
    keys = np.union1d(ledger_keys, spell_keys)
    cents = np.zeros(keys.size, dtype=np.int64)
    cents[np.searchsorted(keys, ledger_keys)] = book.mrr
    return CustomerMonths(
        codes=keys // span,
        months=keys % span + low,
        cents=cents,
        subscribed=np.isin(keys, spell_keys, assume_unique=True),
        in_input=np.isin(keys, ledger_keys, assume_unique=True),
    )
