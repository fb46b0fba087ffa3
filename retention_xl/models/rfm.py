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

from ..dates import to_serial_days
from ..errors import InputError
from ..ids import factorize, ids_array

__all__ = ["UNIT_DAYS", "RFMSummary", "day_numbers", "rfm_summary"]

#: Days per time unit.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
_EPOCH_SERIAL = 25569.0  # Excel serial of 1970-01-01
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


def day_numbers(order_dates: Any, name: str = "order_dates") -> np.ndarray:
    """Dates (datetime64, Python dates, ISO text or Excel serial numbers) as int64 days
    since 1970-01-01; a missing or unreadable date raises ``InputError`` naming it.

    Examples
    --------
    >>> day_numbers(["2024-01-31", "2024-02-01"]).tolist()
    [19753, 19754]
    """
    arr = np.asarray(order_dates)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind == "U" or (
        arr.dtype == object and arr.size and all(isinstance(v, str) for v in arr.tolist())
    ):
        try:
            arr = arr.astype("datetime64[D]")
        except ValueError:
            raise InputError(
                f"{name}: text dates must be ISO (YYYY-MM-DD); read other formats with "
                "retention_xl.read_orders."
            ) from None
    serials = to_serial_days(arr, name=name)
    missing = np.isnan(serials)
    if np.any(missing):
        raise InputError(
            f"{name}: element {int(np.flatnonzero(missing)[0])} is missing; every order needs "
            "a date."
        )
    serials = np.where(serials < 61, serials + 1, serials)  # Excel's fictitious 1900-02-29
    return (serials - _EPOCH_SERIAL).astype(np.int64)


def _unit(unit: str) -> float:
    key = str(unit).strip().upper()
    if key not in UNIT_DAYS:
        raise InputError(f"unit must be 'D', 'W' or 'M'; got {unit!r}.")
    return UNIT_DAYS[key]


def _as_of(as_of: Any, last_day: int) -> int:
    if as_of is None:
        return last_day
    if isinstance(as_of, str):
        try:
            return int(np.datetime64(as_of.strip()[:10], "D").astype(np.int64))
        except ValueError:
            raise InputError(f"as_of must be a date such as 2024-06-30; got {as_of!r}.") from None
    value = np.array([as_of], dtype=object if isinstance(as_of, dt.date) else None)
    return int(day_numbers(value, "as_of")[0])


def _amounts(amounts: Any, size: int) -> np.ndarray | None:
    if amounts is None:
        return None
    try:
        money = np.asarray(amounts, dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise InputError("amounts must be numbers (negative for refunds).") from None
    if money.size != size:
        raise InputError(f"amounts has {money.size} values but there are {size} orders.")
    bad = ~np.isfinite(money)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"amounts: element {i} is {float(money[i])!r}; give a number.")
    return money


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
    money = _amounts(amounts, days.size)
    end = _as_of(as_of, int(days.max()))
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
