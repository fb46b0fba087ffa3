"""Customer lifetime value from BG/NBD purchases and Gamma-Gamma spend, discounted.

One idea: a customer's value over a horizon is the expected number of purchases in each
coming period times the expected spend per purchase and the margin, discounted to today.
Imports numpy and the two models' modules.

Timing convention: the horizon is cut into periods of the summary's time unit; the
purchases expected in period k (from k − 1 to k) are discounted by (1 + d)^k, as if paid at
the period's end (as lifetimes' ``customer_lifetime_value`` does); a fractional last period
is discounted at the horizon.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from ._checks import at_least
from .bgnbd import expected_purchases
from .gamma_gamma import expected_spend

__all__ = ["MAX_PERIODS", "clv_bgnbd"]

#: Longest horizon, in periods, that :func:`clv_bgnbd` sums over.
MAX_PERIODS = 10_000
_CHUNK = 2_000_000  # (customers × periods) evaluated at once


def clv_bgnbd(
    horizon: Any,
    frequency: Any,
    recency: Any,
    age: Any,
    monetary: Any,
    r: Any,
    alpha: Any,
    a: Any,
    b: Any,
    p: Any,
    q: Any,
    gamma: Any,
    gross_margin: Any = 1.0,
    discount_rate: Any = 0.0,
) -> Any:
    """Discounted customer lifetime value over ``horizon`` periods.

    CLV = m · E[Z | x, z̄] · Σ_{k=1}^{⌈H⌉} (E[Y(min(k, H))] − E[Y(k − 1)]) / (1 + d)^min(k, H)

    with E[Y(t)] the BG/NBD expected purchases (:func:`~.bgnbd.expected_purchases`),
    E[Z | x, z̄] the Gamma-Gamma expected spend (:func:`~.gamma_gamma.expected_spend`),
    m the gross margin and d the discount rate per period. With d = 0 it is
    m · E[Z] · E[Y(H)].

    Parameters
    ----------
    horizon : float or array_like
        H, in the time unit of the summary (at most :data:`MAX_PERIODS`).
    frequency, recency, age, monetary : array_like
        x, t_x, T and z̄ of each customer.
    r, alpha, a, b : float or array_like
        BG/NBD parameters.
    p, q, gamma : float or array_like
        Gamma-Gamma parameters.
    gross_margin : float or array_like, optional
        Share of revenue that is profit (default 1: revenue).
    discount_rate : float or array_like, optional
        Per period of the time unit (0.01 per month ≈ 12.7 % a year); default 0.

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves", and the
    discounting of lifetimes 0.11's ``customer_lifetime_value``.

    Examples
    --------
    >>> value = clv_bgnbd(39, 2, 30.43, 38.86, 22.35, 0.243, 4.414, 0.793, 2.426,
    ...                   6.25, 3.74, 15.44)
    >>> round(float(value), 2)  # E[Y(39)] 1.226 × E[Z] 24.66, undiscounted
    30.24
    """
    t_h = at_least(horizon, "horizon")
    d = at_least(discount_rate, "discount_rate")
    margin = at_least(gross_margin, "gross_margin")
    too_long = t_h > MAX_PERIODS
    if np.any(too_long):
        raise InputError(
            f"horizon: {float(t_h[too_long].ravel()[0])!r} periods is more than {MAX_PERIODS:,}; "
            "choose a longer time unit (months instead of days)."
        )
    spend = expected_spend(frequency, monetary, p, q, gamma)
    shape = np.broadcast_shapes(
        t_h.shape,
        d.shape,
        margin.shape,
        np.shape(spend),
        *(np.shape(v) for v in (frequency, recency, age, r, alpha, a, b)),
    )
    flat = {
        name: np.broadcast_to(np.asarray(value, dtype="float64"), shape).ravel()
        for name, value in {
            "horizon": t_h,
            "frequency": frequency,
            "recency": recency,
            "age": age,
            "r": r,
            "alpha": alpha,
            "a": a,
            "b": b,
            "d": d,
        }.items()
    }
    steps = int(np.ceil(flat["horizon"].max())) if flat["horizon"].size else 0
    purchases = np.zeros(flat["horizon"].size)
    chunk = max(1, _CHUNK // max(steps, 1))
    for start in range(0, purchases.size, chunk):
        part = {k: v[start : start + chunk, None] for k, v in flat.items()}
        k = np.arange(0, steps + 1, dtype="float64")[None, :]
        end = np.minimum(k, part["horizon"])  # 0, 1, 2, …, ⌊H⌋, H, H, …
        args = [part[n] for n in ("frequency", "recency", "age", "r", "alpha", "a", "b")]
        cumulative = expected_purchases(end, *args)
        discount = np.exp(-end[:, 1:] * np.log1p(part["d"]))
        purchases[start : start + chunk] = (np.diff(cumulative, axis=1) * discount).sum(axis=1)
    value = margin * spend * purchases.reshape(shape)
    with np.errstate(invalid="ignore"):
        value = np.where(np.isnan(value), np.inf, value)  # inf spend × 0 purchases
    return float(value) if value.ndim == 0 else value
