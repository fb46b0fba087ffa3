"""RFM summary: orders in, one row per customer of frequency, recency, age and monetary value.

One idea: condense a customer's orders into the numbers the buy-till-you-die models and the
RFM segments need, in a chosen time unit. Pure numpy; imports :mod:`retention_xl.dates`,
:mod:`.ids`, :mod:`.errors` and :mod:`retention_xl.texts` (the header's words).

Conventions (as the CDNOW summary of Fader, Hardie & Lee 2005 is built):

- A **transaction** is a customer's purchases of one calendar day: same-day orders count
  once, their amounts are added.
- **frequency** x: transactions after the first (repeat transactions), up to ``as_of``.
- **recency** t_x: time from the first to the last transaction (0 without repeats).
- **age** T: time from the first transaction to ``as_of`` (default: the last order date).
- **monetary** z̄: mean value of the repeat transactions; 0 without repeats (as in the
  published summary). **revenue**: the value of all transactions.
- **unit**: ``"D"`` days, ``"W"`` weeks (days / 7), ``"M"`` months (days / 30.4375, the
  mean month of 365.25 / 12 days). Purchases are always counted per day; the unit only sets
  the scale of recency and age.
- **refunds** (negative amounts), as in the cohort engine: not a purchase — they neither
  count as a transaction nor make a customer active. A refund lowers the value of the
  customer's latest transaction on or before its date; a refund without an earlier
  purchase cannot be placed and is counted in :attr:`RFMSummary.unplaced_refunds`.
- Orders after ``as_of`` are left out (counted in :attr:`RFMSummary.orders_after_as_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cohorts import amounts_array, as_of_day, day_numbers
from ..errors import InputError
from ..ids import factorize, ids_array
from ..texts import text

__all__ = [
    "UNIT_DAYS",
    "RFMSummary",
    "Transactions",
    "customer_transactions",
    "encode_orders",
    "finish_summary",
    "rfm_summary",
    "unit_key",
]

_MONEY_DECIMALS = 6  # sums of money are kept to the millionth (finish_summary)
#: Days per time unit.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
_HEAD = ("customer", "frequency", "recency", "age", "monetary")  # texts rfm.<key>


@dataclass(frozen=True)
class RFMSummary:
    """One row per customer (sorted by id): the inputs of BG/NBD, Gamma-Gamma and RFM.

    Times are in :attr:`unit`; ``monetary`` and ``revenue`` are None without amounts.
    """

    customer_ids: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    age: np.ndarray
    monetary: np.ndarray | None
    revenue: np.ndarray | None
    first_purchase: np.ndarray  # datetime64[D]
    last_purchase: np.ndarray  # datetime64[D]
    unit: str
    as_of: dt.date
    orders_used: int
    orders_after_as_of: int
    unplaced_refunds: int

    def __len__(self) -> int:
        return int(self.frequency.size)

    @property
    def since_last(self) -> np.ndarray:
        """Time from the last transaction to ``as_of`` (age − recency), in :attr:`unit`."""
        result: np.ndarray = self.age - self.recency
        return result

    def rows(self, lang: str = "en") -> list[list[Any]]:
        """The labelled table an Excel function spills: header, then one row per customer.

        Examples
        --------
        >>> s = rfm_summary(["a", "a", "b"], ["2024-01-01", "2024-01-15", "2024-01-08"],
        ...                 [10.0, 30.0, 5.0], as_of="2024-01-29")
        >>> s.rows()[0]
        ['Customer', 'Frequency', 'Recency', 'Age (T)', 'Monetary']
        >>> s.rows()[1:]
        [['a', 1, 2.0, 4.0, 30.0], ['b', 0, 0.0, 3.0, 0.0]]
        """
        out: list[list[Any]] = [[text("rfm." + key, lang) for key in _HEAD]]
        money = self.monetary
        for i, cid in enumerate(self.customer_ids.tolist()):
            out.append(
                [
                    cid,
                    int(self.frequency[i]),
                    float(self.recency[i]),
                    float(self.age[i]),
                    None if money is None else float(money[i]),
                ]
            )
        return out


def unit_key(unit: str) -> str:
    """The time unit ``"D"``, ``"W"`` or ``"M"`` (any case, spaces around), checked.

    Examples
    --------
    >>> unit_key(" w ")
    'W'
    """
    key = str(unit).strip().upper()
    if key not in UNIT_DAYS:
        raise InputError(f"unit must be 'D', 'W' or 'M'; got {unit!r}.")
    return key


def rfm_summary(
    customer_ids: Any,
    order_dates: Any,
    amounts: Any = None,
    *,
    as_of: Any = None,
    unit: str = "W",
) -> RFMSummary:
    """Summarise orders per customer: frequency, recency, age and monetary value.

    Parameters
    ----------
    customer_ids : array_like
        One id per order, text or whole numbers.
    order_dates : array_like
        One date per order: ``datetime64``, Python dates, ISO text or Excel serials.
    amounts : array_like, optional
        Order amounts; negative amounts are refunds (see the module docstring).
    as_of : date, datetime64 or ISO text, optional
        End of observation; default the last order date. Later orders are left out.
    unit : {"W", "D", "M"}
        Time unit of recency and age (default weeks, as in the CDNOW example).

    Returns
    -------
    RFMSummary
        Customers with at least one purchase up to ``as_of``, sorted by id.

    Raises
    ------
    InputError
        Mismatched lengths, missing ids or dates, unknown ``unit``, or no purchase at all
        up to ``as_of``.

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), section 4: the CDNOW sample summarised in weeks at
    1997-09-30 gives their ``cdnow_customers_summary`` (x, t_x, T) and z̄.

    Examples
    --------
    >>> s = rfm_summary(["a", "a", "a", "b"],
    ...                 ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"],
    ...                 [10.0, 5.0, 30.0, 5.0], as_of="2024-01-29")
    >>> s.frequency.tolist(), s.recency.tolist(), s.age.tolist(), s.monetary.tolist()
    ([1.0, 0.0], [2.0, 0.0], [4.0, 3.0], [30.0, 0.0])
    """
    unit_key(unit)  # refuse a wrong unit before reading the orders
    codes, uniques, days, money = encode_orders(customer_ids, order_dates, amounts)
    end = as_of_day(as_of, int(days.max()))
    part = customer_transactions(codes, uniques, days, money, end)
    return finish_summary(part, end=end, unit=unit)


def encode_orders(
    customer_ids: Any, order_dates: Any, amounts: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """One row per order, checked and encoded: customer codes into the sorted distinct
    ids, day numbers, amounts (float64) or None.

    Raises
    ------
    InputError
        For ids and dates of different lengths, no orders, or values that are not ids,
        dates or amounts.

    Examples
    --------
    >>> codes, names, days, money = encode_orders(["b", "a"], ["2024-01-02", "2024-01-01"])
    >>> codes.tolist(), names.tolist(), days.tolist(), money
    ([1, 0], ['a', 'b'], [19724, 19723], None)
    """
    ids = ids_array(customer_ids)
    days = day_numbers(order_dates)
    if ids.size != days.size:
        raise InputError(
            f"customer_ids has {ids.size} values but order_dates has {days.size}; give one of "
            "each per order."
        )
    if days.size == 0:
        raise InputError("no orders: customer_ids and order_dates are empty.")
    codes, names = factorize(ids)
    return codes, names, days, amounts_array(amounts, days.size)


@dataclass(frozen=True)
class Transactions:
    """Per customer with a purchase up to ``end``: the part of an RFM summary that engines
    aggregate (any order; parts of disjoint customers concatenate with ``+``).

    ``count`` is the number of transactions (purchase days), ``first`` and ``last`` their
    day numbers, ``revenue`` the value of all of them and ``repeat_value`` that of all but
    the first, refunds placed (None without amounts). The counts are over all orders of
    the part: used (purchases and placed refunds up to ``end``), after ``end``, and
    refunds that cannot be placed.
    """

    customer_ids: np.ndarray
    count: np.ndarray
    first: np.ndarray
    last: np.ndarray
    revenue: np.ndarray | None
    repeat_value: np.ndarray | None
    orders_used: int = 0
    orders_after_as_of: int = 0
    unplaced_refunds: int = 0

    def __add__(self, other: Transactions) -> Transactions:
        def join(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
            return None if a is None or b is None else np.concatenate([a, b])

        ids = self.customer_ids, other.customer_ids
        return Transactions(
            np.concatenate([np.asarray(i).astype(str) for i in ids]),
            np.concatenate([self.count, other.count]),
            np.concatenate([self.first, other.first]),
            np.concatenate([self.last, other.last]),
            join(self.revenue, other.revenue),
            join(self.repeat_value, other.repeat_value),
            self.orders_used + other.orders_used,
            self.orders_after_as_of + other.orders_after_as_of,
            self.unplaced_refunds + other.unplaced_refunds,
        )


def customer_transactions(
    codes: np.ndarray,
    names: np.ndarray,
    days: np.ndarray,
    money: np.ndarray | None,
    end: int,
) -> Transactions:
    """The transactions of the orders (customer ``codes`` into ``names``, day numbers,
    amounts or None) up to day ``end``, per the conventions of the module docstring.

    Examples
    --------
    >>> t = customer_transactions(np.array([0, 0, 0, 1]), np.array(["a", "b"]),
    ...                           np.array([0, 0, 14, 7]), np.array([10.0, 5.0, 30.0, -5.0]),
    ...                           end=28)
    >>> t.customer_ids.tolist(), t.count.tolist(), t.revenue.tolist(), t.unplaced_refunds
    (['a'], [2], [45.0], 1)
    """
    seen = days <= end
    purchase = seen if money is None else seen & (money >= 0)
    empty = np.zeros(0, dtype=np.int64)
    if not np.any(purchase):
        nothing = None if money is None else np.zeros(0)
        unplaced = int(np.sum(seen)) if money is not None else 0
        return Transactions(
            names[:0], empty, empty, empty, nothing, nothing, 0, int(np.sum(~seen)), unplaced
        )
    low = int(days.min())
    span = int(days.max()) - low + 1
    # one key per (customer, day): transactions are the distinct keys of purchases
    keys = codes.astype(np.int64) * span + (days - low)
    trans_keys, inverse = np.unique(keys[purchase], return_inverse=True)
    values = np.zeros(trans_keys.size)
    if money is not None:
        np.add.at(values, inverse, money[purchase])
    refunds = seen & ~purchase
    unplaced = 0
    if money is not None and np.any(refunds):
        at = np.searchsorted(trans_keys, keys[refunds], side="right") - 1
        ok = (at >= 0) & (trans_keys[np.maximum(at, 0)] // span == codes[refunds])
        np.add.at(values, at[ok], money[refunds][ok])
        unplaced = int(np.sum(~ok))
    customer = trans_keys // span
    day = trans_keys % span + low
    starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    ends = np.r_[starts[1:], customer.size] - 1
    revenue = np.add.reduceat(values, starts)
    return Transactions(
        customer_ids=names[customer[starts]],
        count=(ends - starts + 1).astype(np.int64),
        first=day[starts].astype(np.int64),
        last=day[ends].astype(np.int64),
        revenue=None if money is None else revenue,
        repeat_value=None if money is None else revenue - values[starts],
        orders_used=int(np.sum(purchase) + (np.sum(refunds) - unplaced)),
        orders_after_as_of=int(np.sum(~seen)),
        unplaced_refunds=unplaced,
    )


def finish_summary(part: Transactions, *, end: int, unit: str = "W") -> RFMSummary:
    """The RFM summary of the transactions (sorted by id), times in ``unit``, age to day
    ``end``: frequency x = count − 1, recency t_x = (last − first) / unit, age
    T = (end − first) / unit, monetary z̄ = repeat value / x (0 when x = 0); revenue and
    repeat value rounded to the millionth, so that refunds cancelling purchases leave 0.

    Raises
    ------
    InputError
        When no customer has a purchase up to ``end``.

    Examples
    --------
    >>> t = Transactions(np.array(["b", "a"]), np.array([1, 3]), np.array([0, 0]),
    ...                  np.array([0, 14]), np.array([5.0, 70.0]), np.array([0.0, 40.0]))
    >>> s = finish_summary(t, end=28, unit="W")
    >>> s.customer_ids.tolist(), s.frequency.tolist(), s.recency.tolist(), s.monetary.tolist()
    (['a', 'b'], [2.0, 0.0], [2.0, 0.0], [20.0, 0.0])
    """
    unit_days = UNIT_DAYS[unit_key(unit)]
    if part.count.size == 0:
        raise InputError(f"no purchase up to as_of {_date(end)}; nothing to summarise.")
    order = np.argsort(part.customer_ids, kind="stable")
    frequency = (part.count - 1).astype("float64")[order]
    first, last = part.first[order], part.last[order]
    monetary = revenue = None
    if part.repeat_value is not None and part.revenue is not None:
        # sums of money to the millionth: a refund that cancels purchases leaves exactly 0,
        # whatever order an engine added them in (0.1 + 0.2 − 0.3 is 5.6e-17, which the
        # Gamma-Gamma fit would take for a real, tiny spend)
        repeat = np.round(part.repeat_value[order], _MONEY_DECIMALS)
        revenue = np.round(part.revenue[order], _MONEY_DECIMALS)
        with np.errstate(invalid="ignore", divide="ignore"):
            monetary = np.where(frequency > 0, repeat / np.maximum(frequency, 1), 0.0)
    return RFMSummary(
        customer_ids=part.customer_ids[order],
        frequency=frequency,
        recency=(last - first) / unit_days,
        age=(end - first) / unit_days,
        monetary=monetary,
        revenue=revenue,
        first_purchase=first.astype("datetime64[D]"),
        last_purchase=last.astype("datetime64[D]"),
        unit=str(unit).strip().upper(),
        as_of=_date(end),
        orders_used=part.orders_used,
        orders_after_as_of=part.orders_after_as_of,
        unplaced_refunds=part.unplaced_refunds,
    )


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
