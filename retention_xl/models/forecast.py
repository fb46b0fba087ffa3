"""A complete customer-base forecast from an order history.

One idea: from orders to what the forecast workbook shows — the RFM summary and segments,
BG/NBD fitted on all orders (for the forecasts) and on a calibration period (to check the
model on the holdout that follows, as Fader, Hardie & Lee 2005 do), Gamma-Gamma spend,
and per customer P(alive), expected purchases and spend over a horizon and discounted CLV.
Imports numpy and the model modules.

The holdout check: the calibration period ends ``holdout`` of the way before ``as_of``
(0.25: the last quarter of the time from the first purchase to ``as_of`` is held out).
The customers who bought by then are tracked period by period: their actual repeat
purchases against the model's, Σ_i E[X(t − s_i)] over each customer's first purchase s_i
(FHL 2005, figure 1 and eq. 9), and in total over the holdout against
Σ_i E[Y(holdout) | x_i, t_x_i, T_i] from the calibration summary (eq. 10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from ..cohorts import as_of_day
from ..errors import InputError
from ..settings import Settings
from .bgnbd import bgnbd_fit, expected_purchases, expected_purchases_new, p_alive
from .clv import clv_bgnbd
from .fitting import FitResult
from .gamma_gamma import expected_spend, gamma_gamma_fit
from .rfm import (
    UNIT_DAYS,
    RFMSummary,
    Transactions,
    customer_transactions,
    encode_orders,
    finish_summary,
    unit_key,
)
from .segments import RFMSegments, segment

__all__ = [
    "MAX_DROPOUT_CONCENTRATION",
    "MAX_HOLDOUT_ERROR",
    "MIN_REPEAT_BUYERS",
    "ArrayHistory",
    "Caveat",
    "Forecast",
    "ForecastSettings",
    "OrderHistory",
    "Tracking",
    "caveats_of",
    "forecast",
    "forecast_history",
]


class OrderHistory(Protocol):
    """What a forecast reads from an order history, wherever it is kept: in memory
    (:class:`ArrayHistory`) or in files aggregated by an engine
    (:mod:`retention_xl.engines`). Days are day numbers (days since 1970-01-01)."""

    @property
    def last_day(self) -> int:
        """The last order day (refunds included): the default ``as_of``."""
        ...

    def transactions(self, end: int) -> Transactions:
        """Every customer's transactions up to day ``end`` (:func:`.rfm.customer_transactions`)."""
        ...

    def repeat_days(self, joined_by: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """``(days, counts)``: per day up to ``end``, the customers with a repeat transaction
        that day (a purchase day after their first) among those whose first purchase is on
        or before ``joined_by``."""
        ...


@dataclass(frozen=True)
class ArrayHistory:
    """An order history in memory: customer codes into ``names``, day numbers, amounts.

    Examples
    --------
    >>> h = ArrayHistory.of(["a", "a", "b"], ["2024-01-01", "2024-01-08", "2024-01-03"])
    >>> h.repeat_days(joined_by=h.last_day, end=h.last_day)
    (array([19730]), array([1]))
    """

    codes: np.ndarray
    names: np.ndarray
    days: np.ndarray
    money: np.ndarray | None

    @classmethod
    def of(cls, customer_ids: Any, order_dates: Any, amounts: Any = None) -> ArrayHistory:
        """Check and encode one row per order (:func:`.rfm.encode_orders`)."""
        return cls(*encode_orders(customer_ids, order_dates, amounts))

    @property
    def last_day(self) -> int:
        return int(self.days.max())

    def transactions(self, end: int) -> Transactions:
        return customer_transactions(self.codes, self.names, self.days, self.money, end)

    def repeat_days(self, joined_by: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        keep = self.days <= end
        if self.money is not None:
            keep &= self.money >= 0
        codes, days = self.codes[keep].astype(np.int64), self.days[keep]
        if days.size == 0:
            return days[:0], days[:0]
        first = np.full(self.names.size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, codes, days)
        low = int(days.min())
        span = int(days.max()) - low + 1
        keys = np.unique(codes * span + (days - low))  # distinct (customer, day)
        owner, day = keys // span, keys % span + low
        repeat = (day > first[owner]) & (first[owner] <= joined_by)
        result: tuple[np.ndarray, np.ndarray] = np.unique(day[repeat], return_counts=True)
        return result


@dataclass(frozen=True)
class Tracking:
    """Repeat purchases of the calibration customers per complete period (of the unit,
    counted from the first purchase): actual and expected."""

    calibration_end: dt.date
    starts: np.ndarray  # first day of each period, datetime64[D]
    actual: np.ndarray
    expected: np.ndarray
    holdout: np.ndarray  # True for periods after the calibration end
    fit: FitResult  # BG/NBD on the calibration period
    customers: int
    holdout_actual: float  # repeat purchases after the calibration end
    holdout_expected: float  # Σ E[Y(holdout) | calibration summary] (FHL 2005 eq. 10)


@dataclass(frozen=True)
class Forecast:
    """Everything the forecast workbook shows; arrays in the order of ``summary``."""

    summary: RFMSummary
    segments: RFMSegments
    fit: FitResult
    spend_fit: FitResult | None
    spend_note: str
    p_alive: np.ndarray
    purchases: np.ndarray  # expected purchases in the horizon
    spend: np.ndarray | None  # expected spend per purchase
    clv: np.ndarray | None
    horizon: float
    unit: str
    gross_margin: float
    discount_rate: float  # per unit
    annual_discount_rate: float
    holdout: float
    tracking: Tracking | None
    caveats: tuple[Caveat, ...] = ()


#: A customer base with fewer repeat buyers than this gives a BG/NBD fit to be read with care
#: (the four parameters rest on the repeat buyers; Fader, Hardie & Lee fit 2,357 customers).
MIN_REPEAT_BUYERS = 30
#: a + b above this: the beta distribution of dropout probabilities has collapsed to one
#: value a / (a + b) — heterogeneity in dropout is not identified (the sample shop: 1.9e7).
MAX_DROPOUT_CONCENTRATION = 1e4
#: The holdout check fails when the repeat purchases it expected miss the actual ones by more
#: than this share (FHL 2005 figure 1 shows a few percent on CDNOW).
MAX_HOLDOUT_ERROR = 0.25


@dataclass(frozen=True)
class Caveat:
    """Why a forecast should be read with care: a key (``few_repeat_buyers``,
    ``not_converged``, ``one_dropout_rate``, ``holdout_missed``) and the numbers that go
    with it; the workbook and the command line say it in words."""

    key: str
    values: tuple[tuple[str, float], ...] = ()

    def value(self, name: str) -> float:
        """The number called ``name``."""
        return dict(self.values)[name]


def caveats_of(fit: FitResult, repeat_buyers: int, tracking: Tracking | None) -> tuple[Caveat, ...]:
    """What makes a forecast untrustworthy, in the order a reader should hear it.

    Examples
    --------
    >>> fit = FitResult("BG/NBD", {"r": 0.2, "alpha": 4.0, "a": 1.9e6, "b": 1.7e7}, -1.0,
    ...                 True, "converged", 10, 500)
    >>> [c.key for c in caveats_of(fit, 12, None)]
    ['few_repeat_buyers', 'one_dropout_rate']
    """
    found = []
    if repeat_buyers < MIN_REPEAT_BUYERS:
        found.append(
            Caveat(
                "few_repeat_buyers",
                (("repeat_buyers", repeat_buyers), ("minimum", MIN_REPEAT_BUYERS)),
            )
        )
    if not fit.converged:
        found.append(Caveat("not_converged"))
    a, b = fit.params.get("a", 0.0), fit.params.get("b", 0.0)
    if a + b > MAX_DROPOUT_CONCENTRATION:
        found.append(Caveat("one_dropout_rate", (("a", a), ("b", b), ("rate", a / (a + b)))))
    if tracking is not None and tracking.holdout_actual > 0:
        error = abs(tracking.holdout_expected - tracking.holdout_actual) / tracking.holdout_actual
        if error > MAX_HOLDOUT_ERROR:
            found.append(
                Caveat(
                    "holdout_missed",
                    (
                        ("error", error),
                        ("expected", tracking.holdout_expected),
                        ("actual", tracking.holdout_actual),
                    ),
                )
            )
    return tuple(found)


def _check(name: str, value: Any, low: float, high: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.number))
        or not low <= value <= high
    ):
        raise InputError(f"{name} must be between {low:g} and {high:g}; got {value!r}.")
    return float(value)


@dataclass(frozen=True)
class ForecastSettings(Settings):
    """What a forecast is asked for, checked when made (an ``InputError`` names the field).

    Parameters
    ----------
    holdout : float
        Share of the observed time (first purchase to ``as_of``) held out to check the
        model, 0 to 0.9; 0 skips the check.
    horizon : float
        Forecast horizon in ``unit`` (default 12 months).
    unit : {"M", "W", "D"}
        Time unit of recency, age and horizon (any case).
    as_of : date, optional
        End of observation (default the last order); kept as the ISO date.
    gross_margin : float
        Share of revenue kept as profit, for the CLV: 0 to 1 (default 1; 0.4 is 40 %).
    annual_discount_rate : float
        Yearly discount rate for the CLV (default 10 %).

    Examples
    --------
    >>> ForecastSettings(horizon=6, unit="w", as_of="2024-06-30")
    ForecastSettings(holdout=0.25, horizon=6.0, unit='W', as_of='2024-06-30', \
gross_margin=1.0, annual_discount_rate=0.1)
    >>> ForecastSettings(holdout=0.95)
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: holdout must be between 0 and 0.9; got 0.95.
    >>> ForecastSettings(gross_margin=40)
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: gross_margin must be between 0 and 1; got 40.
    """

    what: ClassVar[str] = "forecast setting"

    holdout: float = 0.25
    horizon: float = 12
    unit: str = "M"
    as_of: Any = None
    gross_margin: float = 1.0
    annual_discount_rate: float = 0.10

    def __post_init__(self) -> None:
        checked = {
            "holdout": _check("holdout", self.holdout, 0.0, 0.9),
            "horizon": _check("horizon", self.horizon, 0.0, 1e4),
            "unit": unit_key(self.unit),
            "as_of": None if self.as_of is None else _date(as_of_day(self.as_of, 0)).isoformat(),
            "gross_margin": _check("gross_margin", self.gross_margin, 0.0, 1.0),
            "annual_discount_rate": _check(
                "annual_discount_rate", self.annual_discount_rate, 0.0, 10.0
            ),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)


def forecast(
    customer_ids: Any,
    order_dates: Any,
    amounts: Any = None,
    *,
    holdout: float = 0.25,
    horizon: float = 12,
    unit: str = "M",
    as_of: Any = None,
    gross_margin: float = 1.0,
    annual_discount_rate: float = 0.10,
) -> Forecast:
    """Fit the models to the orders and forecast every customer.

    Parameters
    ----------
    customer_ids, order_dates, amounts
        One row per order (see :func:`~.rfm.rfm_summary`); without amounts there is no
        spend model and no CLV.
    holdout : float
        Share of the observed time (first purchase to ``as_of``) held out to check the
        model; 0 skips the check.
    horizon : float
        Forecast horizon in ``unit`` (default 12 months).
    unit : {"M", "W", "D"}
    as_of : date, optional
        End of observation (default the last order).
    gross_margin : float
        Share of revenue kept as profit, for the CLV (default 1).
    annual_discount_rate : float
        Yearly discount rate for the CLV (default 10 %), turned into the rate per unit:
        (1 + annual)^(days per unit / 365.25) − 1.

    Raises
    ------
    InputError
        For out-of-range options or orders that cannot be summarised.

    Examples
    --------
    >>> result = forecast(["a", "a", "b", "b", "b", "c"],
    ...                   ["2024-01-03", "2024-03-01", "2024-01-10", "2024-02-01",
    ...                    "2024-04-20", "2024-02-15"], [20, 30, 15, 25, 35, 40],
    ...                   holdout=0, as_of="2024-04-30")
    >>> result.summary.customer_ids.tolist(), bool(result.p_alive.min() > 0)
    (['a', 'b', 'c'], True)
    """
    settings = ForecastSettings(
        holdout=holdout,
        horizon=horizon,
        unit=unit,
        as_of=as_of,
        gross_margin=gross_margin,
        annual_discount_rate=annual_discount_rate,
    )
    return forecast_history(ArrayHistory.of(customer_ids, order_dates, amounts), settings)


def forecast_history(history: OrderHistory, settings: ForecastSettings | None = None) -> Forecast:
    """:func:`forecast` of an :class:`OrderHistory` (orders in memory or in files read by
    an engine) under ``settings`` (default :class:`ForecastSettings`)."""
    chosen = settings or ForecastSettings()
    holdout, horizon = chosen.holdout, chosen.horizon
    gross_margin, annual_discount_rate = chosen.gross_margin, chosen.annual_discount_rate
    end = as_of_day(chosen.as_of, history.last_day)
    summary = finish_summary(history.transactions(end), end=end, unit=chosen.unit)
    unit = summary.unit
    days_per = UNIT_DAYS[unit]
    discount = float((1 + annual_discount_rate) ** (days_per / 365.25) - 1)
    x, t_x, age = summary.frequency, summary.recency, summary.age
    fit = bgnbd_fit(x, t_x, age)
    alive = np.asarray(p_alive(x, t_x, age, **fit.params), dtype="float64")
    purchases = np.asarray(expected_purchases(horizon, x, t_x, age, **fit.params), "float64")
    spend_fit, spend_note, spend, value = None, "", None, None
    if summary.monetary is None:
        spend_note = "no amounts: no spend model and no CLV"
    else:
        usable = (x > 0) & (summary.monetary > 0)
        try:
            spend_fit = gamma_gamma_fit(x[usable], summary.monetary[usable])
        except InputError as error:
            spend_note = str(error)
        else:
            left_out = int(np.sum((x > 0) & ~usable))
            spend_note = f"{spend_fit.observations} repeat buyers" + (
                f"; {left_out} whose repeat purchases were refunded count with spend 0"
                if left_out
                else ""
            )
            monetary = np.maximum(summary.monetary, 0.0)  # refunded repeats: spend 0
            spend = np.asarray(expected_spend(x, monetary, **spend_fit.params), "float64")
            value = np.asarray(
                clv_bgnbd(
                    horizon,
                    x,
                    t_x,
                    age,
                    monetary,
                    **fit.params,
                    **spend_fit.params,
                    gross_margin=gross_margin,
                    discount_rate=discount,
                ),
                dtype="float64",
            )
    tracking = _tracking(history, summary, holdout) if holdout > 0 else None
    caveats = caveats_of(fit, int(np.sum(x > 0)), tracking)
    return Forecast(
        summary=summary,
        segments=segment(summary),
        fit=fit,
        spend_fit=spend_fit,
        spend_note=spend_note,
        p_alive=alive,
        purchases=purchases,
        spend=spend,
        clv=value,
        horizon=horizon,
        unit=unit,
        gross_margin=gross_margin,
        discount_rate=discount,
        annual_discount_rate=annual_discount_rate,
        holdout=holdout,
        tracking=tracking,
        caveats=caveats,
    )


def _tracking(history: OrderHistory, summary: RFMSummary, holdout: float) -> Tracking | None:
    """The holdout check of the module docstring; None when there is no calibration span."""
    unit_days = UNIT_DAYS[summary.unit]
    first = summary.first_purchase.astype(np.int64)
    start, end = int(first.min()), int(np.datetime64(summary.as_of, "D").astype(np.int64))
    cal_end = start + int(np.floor((1 - holdout) * (end - start)))
    if cal_end <= start or cal_end >= end:
        return None
    calibration = finish_summary(history.transactions(cal_end), end=cal_end, unit=summary.unit)
    fit = bgnbd_fit(calibration.frequency, calibration.recency, calibration.age)
    # repeat purchase days of the calibration customers, up to as_of
    days, counts = history.repeat_days(cal_end, end)
    n_periods = int(np.floor((end + 1 - start) / unit_days))  # complete periods only
    bounds = start + np.arange(n_periods + 1) * unit_days
    period_of = np.floor((days - start) / unit_days).astype(np.int64)
    actual = np.bincount(period_of, weights=counts, minlength=n_periods + 1)[:n_periods]
    firsts, sizes = np.unique(calibration.first_purchase.astype(np.int64), return_counts=True)
    elapsed = np.maximum(bounds[None, :] - firsts[:, None], 0.0) / unit_days
    cumulative = np.asarray(expected_purchases_new(elapsed, **fit.params), dtype="float64")
    expected = (sizes[:, None] * np.diff(cumulative, axis=1)).sum(axis=0)
    span = (end - cal_end) / unit_days
    conditional = expected_purchases(
        span, calibration.frequency, calibration.recency, calibration.age, **fit.params
    )
    period_start = start + np.arange(n_periods) * unit_days
    return Tracking(
        calibration_end=_date(cal_end),
        starts=np.floor(period_start).astype(np.int64).astype("datetime64[D]"),
        actual=actual.astype("float64"),
        expected=expected,
        holdout=period_start + unit_days > cal_end + 1,
        fit=fit,
        customers=len(calibration),
        holdout_actual=float(np.sum(counts[days > cal_end])),
        holdout_expected=float(np.sum(conditional)),
    )


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
