"""RFM summary: orders in, one row per customer of frequency, recency, age and monetary value.

One idea: condense a customer's orders into the numbers the buy-till-you-die models and the
RFM segments need, in a chosen time unit. Pure numpy; imports :mod:`retention_xl.dates`,
:mod:`.ids` and :mod:`.errors`.

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

__all__ = ["UNIT_DAYS", "RFMSummary", "rfm_summary"]

#: Days per time unit.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
_HEAD = {
    "en": ("Customer", "Frequency", "Recency", "Age (T)", "Monetary"),
    "de": ("Kunde", "Frequenz", "Recency", "Alter (T)", "Monetaerer Wert"),
}


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
        out: list[list[Any]] = [list(_HEAD["de" if lang == "de" else "en"])]
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


def _unit(unit: str) -> float:
    key = str(unit).strip().upper()
    if key not in UNIT_DAYS:
        raise InputError(f"unit must be 'D', 'W' or 'M'; got {unit!r}.")
    return UNIT_DAYS[key]


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
    unit_days = _unit(unit)
    ids = ids_array(customer_ids)
    days = day_numbers(order_dates)
    if ids.size != days.size:
        raise InputError(
            f"customer_ids has {ids.size} values but order_dates has {days.size}; give one of "
            "each per order."
        )
    if days.size == 0:
        raise InputError("no orders: customer_ids and order_dates are empty.")
    money = amounts_array(amounts, days.size)
    end = as_of_day(as_of, int(days.max()))
    seen = days <= end
    purchase = seen if money is None else seen & (money >= 0)
    if not np.any(purchase):
        raise InputError(f"no purchase up to as_of {_date(end)}; nothing to summarise.")
    codes, uniques = factorize(ids)
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
    count = ends - starts + 1
    first, last = day[starts], day[ends]
    order = np.argsort(uniques[customer[starts]], kind="stable")
    revenue = np.add.reduceat(values, starts)
    repeat_value = revenue - values[starts]
    frequency = (count - 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_value / np.maximum(frequency, 1), 0.0)
    return RFMSummary(
        customer_ids=uniques[customer[starts]][order],
        frequency=frequency[order],
        recency=((last - first) / unit_days)[order],
        age=((end - first) / unit_days)[order],
        monetary=None if money is None else monetary[order],
        revenue=None if money is None else revenue[order],
        first_purchase=first[order].astype("datetime64[D]"),
        last_purchase=last[order].astype("datetime64[D]"),
        unit=str(unit).strip().upper(),
        as_of=_date(end),
        orders_used=int(np.sum(purchase) + (np.sum(refunds) - unplaced)),
        orders_after_as_of=int(np.sum(~seen)),
        unplaced_refunds=unplaced,
    )


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
