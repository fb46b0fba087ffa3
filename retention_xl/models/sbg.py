"""The shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007).

One idea: in a contractual business each customer renews at the end of every period with
her own probability 1 − θ, and θ varies across customers as Beta(α, β). Fitted to the
survivors of a cohort, period by period, it projects survival and retention far better than
curves fitted to the retention rates, because the mix of remaining customers shifts toward
the loyal ones. Imports numpy, scipy.special and :mod:`.fitting`.

Formulas (t = 1, 2, …; S(0) = 1):

- P(T = t) = B(α + 1, β + t − 1) / B(α, β)      churn in period t
- S(t) = B(α, β + t) / B(α, β)                    still a customer after t periods
- r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)   retention rate of period t

Source: Fader, P. S. & Hardie, B. G. S. (2007), "How to project customer retention",
Journal of Interactive Marketing 21(1), 76–90, eqs. (1)–(5); discounted lifetimes: Fader &
Hardie (2010), "Customer-base valuation in a contractual setting: the perils of ignoring
heterogeneity", Marketing Science 29(1), 85–93.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from ._checks import at_least, floats, positive
from .fitting import FitResult, maximize
from .special import betaln, digamma

__all__ = [
    "sbg_discounted_lifetime",
    "sbg_fit",
    "sbg_log_likelihood",
    "sbg_retention",
    "sbg_survival",
]

_NAMES = ("alpha", "beta")


def _survivors(survivors: Any) -> np.ndarray:
    n = floats(survivors, "survivors").ravel()
    if n.size < 2:
        raise InputError(
            "survivors needs at least two values: the cohort at the start and after one period."
        )
    if n[0] <= 0:
        raise InputError(
            f"survivors: the first value is {float(n[0])!r}; give the cohort size (> 0)."
        )
    if np.any(n < 0):
        i = int(np.flatnonzero(n < 0)[0])
        raise InputError(f"survivors: element {i} is {float(n[i])!r}; counts cannot be negative.")
    rise = np.flatnonzero(np.diff(n) > 0)
    if rise.size:
        i = int(rise[0]) + 1
        raise InputError(
            f"survivors: element {i} is {float(n[i])!r}, more than {float(n[i - 1])!r} before "
            "it; a cohort only shrinks (give the customers of one starting cohort, not the "
            "active base)."
        )
    return n


def _terms(theta: np.ndarray, n: np.ndarray) -> tuple[float, np.ndarray]:
    alpha, beta = np.exp(theta)
    t = np.arange(1, n.size)
    lost = n[:-1] - n[1:]
    last = n[-1]
    base = betaln(alpha, beta)
    ll = (lost * (betaln(alpha + 1, beta + t - 1) - base)).sum() + last * (
        betaln(alpha, beta + t[-1]) - base
    )
    psi_ab = digamma(alpha + beta)
    d_base_a, d_base_b = digamma(alpha) - psi_ab, digamma(beta) - psi_ab
    psi_churn = digamma(alpha + beta + t)
    d_a = (lost * (digamma(alpha + 1) - psi_churn - d_base_a)).sum() + last * (
        digamma(alpha) - psi_churn[-1] - d_base_a
    )
    d_b = (lost * (digamma(beta + t - 1) - psi_churn - d_base_b)).sum() + last * (
        digamma(beta + t[-1]) - psi_churn[-1] - d_base_b
    )
    return float(ll), np.array([d_a * alpha, d_b * beta])


def sbg_log_likelihood(survivors: Any, alpha: float, beta: float) -> float:
    """Log-likelihood of α, β for one cohort's survivors n_0, n_1, …, n_T.

    LL = Σ_{t=1}^{T} (n_{t−1} − n_t) ln P(T = t) + n_T ln S(T)

    Examples
    --------
    >>> # α = β = 1 by hand: 369 ln ½ + 163 ln ⅙ + 468 ln ⅓
    >>> round(sbg_log_likelihood([1000, 631, 468], 1.0, 1.0), 3)
    -1061.979
    """
    n = _survivors(survivors)
    a, b = float(positive(alpha, "alpha")), float(positive(beta, "beta"))
    return _terms(np.log([a, b]), n)[0]


def sbg_fit(survivors: Any) -> FitResult:
    """Fit α, β of the sBG model to the survivors of one cohort.

    Parameters
    ----------
    survivors : array_like
        Customers still active at the start (n_0, the cohort size) and after each period
        (n_1, n_2, …), a non-increasing series. Shares (1, 0.631, …) fit the same α, β;
        only the log-likelihood scales with the counts.

    Returns
    -------
    FitResult
        ``params`` alpha, beta; ``observations`` = periods observed.

    Raises
    ------
    InputError
        Fewer than two values, a first value ≤ 0, negative counts or a series that grows.

    Notes
    -----
    Source: Fader & Hardie (2007), table 1 and section "Applying the sBG": years 0–7 of
    the "regular" cohort give α 0.704, β 1.182; the "high end" cohort α 0.668, β 3.806.

    Examples
    --------
    >>> fit = sbg_fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(fit["alpha"], 3), round(fit["beta"], 3)
    (0.704, 1.182)
    """
    n = _survivors(survivors)
    churn = max(1 - n[1] / n[0], 1e-3)
    starts = [(1.0, 1.0), (churn * 2, (1 - churn) * 2), (0.1, 0.5)]
    return maximize("sBG", _NAMES, lambda theta: _terms(theta, n), starts, int(n.size - 1))


def _grid(alpha: Any, beta: Any, periods: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = positive(alpha, "alpha"), positive(beta, "beta")
    t = at_least(periods, "periods")
    return a, b, t


def sbg_survival(alpha: Any, beta: Any, periods: Any) -> Any:
    """Share of a cohort still active after ``periods`` periods: S(t) = B(α, β+t) / B(α, β).

    Computed as exp(ln B(α, β+t) − ln B(α, β)), so it stays finite and in [0, 1] for any
    parameters and horizons. ``periods`` may be fractional (the formula interpolates).

    Notes
    -----
    Source: Fader & Hardie (2007), eq. (4).

    Examples
    --------
    >>> round(1000 * float(sbg_survival(0.704, 1.182, 12)), 1)  # the regular cohort, year 12
    170.1
    """
    a, b, t = _grid(alpha, beta, periods)
    with np.errstate(under="ignore"):
        value = np.exp(betaln(a, b + t) - betaln(a, b))
    return float(value) if value.ndim == 0 else value


def sbg_retention(alpha: Any, beta: Any, periods: Any) -> Any:
    """Retention rate of period t (t ≥ 1): r_t = (β + t − 1) / (α + β + t − 1).

    The share of those active after t − 1 periods who renew for period t; it rises with t
    as the remaining customers are increasingly the loyal ones.

    Raises
    ------
    InputError
        When ``periods`` is below 1 (the first retention rate is that of period 1).

    Notes
    -----
    Source: Fader & Hardie (2007), eq. (5).

    Examples
    --------
    >>> round(float(sbg_retention(0.704, 1.182, 1)), 3)  # 1.182 / 1.886
    0.627
    """
    a, b, t = _grid(alpha, beta, periods)
    at_least(t, "periods", 1.0)
    value = (b + t - 1) / (a + b + t - 1)
    return float(value) if value.ndim == 0 else value


def _renewal_series(b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """2F1(1, b; c; z) = Σ_k (b)_k / (c)_k · z^k for 0 < z < 1 and c > b > 0, summed in
    blocks of terms until they no longer change the sum.

    The terms are positive with ratios z (b + k) / (c + k) rising towards z, so the sum is
    exact to rounding once a term falls below 1e-17 of the total; scipy's ``hyp2f1``
    returns NaN or wrong digits for large b and c (α, β in the thousands), which fits
    reach when the cohort churns at a nearly constant rate. After 2^24 terms (a discount
    rate below about 2e-6 per period) the rest is the mean of its geometric lower and upper
    bounds.
    """
    total = np.ones(b.shape)
    term = np.ones(b.shape)
    active = np.ones(b.shape, dtype=bool)
    block, k = 2048, 0
    while np.any(active) and k < 2**24:
        j = k + np.arange(block, dtype="float64")[None, :]
        with np.errstate(under="ignore"):
            ratios = z[active, None] * (b[active, None] + j) / (c[active, None] + j)
            terms = term[active, None] * np.cumprod(ratios, axis=1)
        total[active] += terms.sum(axis=1)
        term[active] = terms[:, -1]
        k += block
        active[active] = term[active] > 1e-17 * total[active]
    if np.any(active):
        ratio = z * (b + k) / (c + k)
        tail = term * 0.5 * (ratio / (1 - ratio) + z / (1 - z))
        total[active] += tail[active]
    return total


def sbg_discounted_lifetime(alpha: Any, beta: Any, discount_rate: Any, renewals: Any = 0) -> Any:
    """Discounted expected (residual) lifetime in periods, paid at the start of each period.

    For a customer in her period n + 1 — a new customer has ``renewals`` n = 0 — the
    expected number of payments still to come, counting the current period's payment
    (due now, undiscounted) and each later one discounted by (1 + d) per period:

    Σ_{k≥0} S(n + k) / S(n) · (1 + d)^(−k) = 2F1(1, β + n; α + β + n; 1 / (1 + d))

    Multiply by the margin per period for the customer's residual value. With a constant
    churn c (α, β → ∞ at β/(α+β) = 1 − c) it becomes (1 + d) / (d + c), the timing of
    ``CLV_SUBSCRIPTION``. For d = 0 it is (α + β + n − 1) / (α − 1) and infinite when
    α ≤ 1. Fader & Hardie's DERL for a customer who "has made n renewals", evaluated just
    before the next renewal, equals (β + n) / (α + β + n) times this value at n + 1.

    Notes
    -----
    Source: Fader & Hardie (2010), eqs. (5)–(6) (DEL and DERL).

    Examples
    --------
    >>> round(float(sbg_discounted_lifetime(0.704, 1.182, 0.1)), 3)
    3.695
    """
    a, b = positive(alpha, "alpha"), positive(beta, "beta")
    d = at_least(discount_rate, "discount_rate")
    n = at_least(renewals, "renewals")
    a, b, d, n = np.broadcast_arrays(a, b, d, n)
    value = np.full(a.shape, np.inf)
    undiscounted = (d == 0) & (a > 1)
    value[undiscounted] = (a + b + n - 1)[undiscounted] / (a - 1)[undiscounted]
    discounted = d > 0
    if np.any(discounted):
        value[discounted] = _renewal_series(
            (b + n)[discounted], (a + b + n)[discounted], 1 / (1 + d[discounted])
        )
    return float(value) if value.ndim == 0 else value
