"""The beta-discrete-Weibull (BdW) model of contract renewals (Fader, Hardie, Liu, Davin &
Steenburgh 2018).

One idea: the sBG model with duration dependence. A customer's churn probability may rise
or fall with her tenure: she is still a customer after t periods with probability
(1 − θ)^(t^c) (a discrete Weibull), θ ~ Beta(α, β) across customers. c < 1: individual churn
falls with tenure; c > 1: it rises; c = 1 is the sBG (:mod:`.sbg`). Fitted to the survivors
of one cohort period by period, like :func:`retention_xl.models.sbg_fit`. Imports numpy,
scipy.special and :mod:`.fitting`.

Formulas (t = 0, 1, 2, …):

- S(t) = B(α, β + t^c) / B(α, β)                  still a customer after t periods
- P(T = t) = S(t − 1) − S(t)                       churn in period t
- r_t = S(t) / S(t − 1)                            retention rate of period t

Source: Fader, P. S., Hardie, B. G. S., Liu, Y., Davin, J. & Steenburgh, T. (2018), "'How
to project customer retention' revisited: the role of duration dependence", Journal of
Interactive Marketing 43, 1–16.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ._checks import at_least, positive
from .fitting import FitResult, maximize
from .sbg import _survivors
from .special import betaln, digamma

__all__ = ["bdw_fit", "bdw_log_likelihood", "bdw_retention", "bdw_survival"]

_NAMES = ("alpha", "beta", "c")
_FLOOR = -745.0  # ln of the smallest positive double


def _log1mexp(x: np.ndarray) -> np.ndarray:
    """ln(1 − e^x) for x ≤ 0, accurate on both sides of −ln 2."""
    with np.errstate(divide="ignore"):
        near = np.log(-np.expm1(x))
        return np.asarray(np.where(x > -0.6931471805599453, near, np.log1p(-np.exp(x))))


def _log_survival(alpha: Any, beta: Any, c: Any, t: np.ndarray) -> Any:
    """ln S(t) = ln B(α, β + t^c) − ln B(α, β); −inf where t^c overflows (S = 0)."""
    with np.errstate(over="ignore"):
        power = t**c
    return betaln(alpha, beta + power) - betaln(alpha, beta)


def _terms(theta: np.ndarray, n: np.ndarray) -> tuple[float, np.ndarray]:
    with np.errstate(over="ignore", invalid="ignore"):  # c on its bound 1e8: t^c = inf
        return _terms_unguarded(theta, n)


def _terms_unguarded(theta: np.ndarray, n: np.ndarray) -> tuple[float, np.ndarray]:
    alpha, beta, c = np.exp(theta)
    t = np.arange(n.size, dtype="float64")  # 0 … T
    lost = n[:-1] - n[1:]
    last = n[-1]
    power = t**c
    log_s = _log_survival(alpha, beta, c, t)
    # d ln S(t) / d(α, β, c); 0 at t = 0 (S(0) = 1)
    psi_ab = digamma(alpha + beta)
    psi_all = digamma(alpha + beta + power)
    inner = digamma(beta + power) - psi_all
    with np.errstate(divide="ignore", invalid="ignore"):
        log_t = np.where(t > 0, np.log(np.where(t > 0, t, 1.0)), 0.0)
    d_log_s = np.stack([psi_ab - psi_all, inner + psi_ab - digamma(beta), inner * power * log_t])
    step = log_s[1:] - log_s[:-1]  # ln r_t ≤ 0
    # ln(S(t−1) − S(t)), floored at ln of the smallest double: where the parameters make
    # churn impossible in rounding (c → 0 with β → ∞: every t^c alike) the value stays
    # finite and very poor, so the optimiser steps back instead of stalling on −inf
    log_churn = np.maximum(log_s[:-1] + _log1mexp(step), _FLOOR)
    keep = lost > 0
    ll = float(np.dot(lost[keep], log_churn[keep]) + last * log_s[-1])
    ratio = np.exp(step)  # r_t
    with np.errstate(divide="ignore", invalid="ignore"):
        d_churn = (d_log_s[:, :-1] - ratio * d_log_s[:, 1:]) / (1 - ratio)
    d_churn = np.where(keep & np.isfinite(d_churn), d_churn, 0.0)
    gradient = d_churn @ np.where(keep, lost, 0.0) + last * d_log_s[:, -1]
    return ll, gradient * np.array([alpha, beta, c])


def bdw_log_likelihood(survivors: Any, alpha: float, beta: float, c: float) -> float:
    """Log-likelihood of α, β, c for one cohort's survivors n_0, n_1, …, n_T.

    LL = Σ_{t=1}^{T} (n_{t−1} − n_t) ln[S(t−1) − S(t)] + n_T ln S(T), with
    ln[S(t−1) − S(t)] = ln S(t−1) + ln(1 − r_t) computed from logarithms.

    Notes
    -----
    Source: Fader, Hardie, Liu, Davin & Steenburgh (2018), eq. (4); at c = 1 it is
    :func:`retention_xl.models.sbg_log_likelihood`.

    Examples
    --------
    >>> # α = β = c = 1 is the sBG's 369 ln ½ + 163 ln ⅙ + 468 ln ⅓
    >>> round(bdw_log_likelihood([1000, 631, 468], 1.0, 1.0, 1.0), 3)
    -1061.979
    """
    n = _survivors(survivors)
    values = [float(positive(v, name)) for v, name in ((alpha, "alpha"), (beta, "beta"), (c, "c"))]
    return _terms(np.log(values), n)[0]


def bdw_fit(survivors: Any) -> FitResult:
    """Fit α, β, c of the BdW model to the survivors of one cohort.

    Parameters
    ----------
    survivors : array_like
        Customers still active at the start (n_0) and after each period (n_1, n_2, …), a
        non-increasing series (as for :func:`retention_xl.models.sbg_fit`).

    Returns
    -------
    FitResult
        ``params`` alpha, beta, c; ``observations`` = periods observed. With fewer than
        three periods c is hardly identified: expect a flat likelihood.

    Raises
    ------
    InputError
        Fewer than two values, a first value ≤ 0, negative counts or a series that grows
        (a cohort where nobody left is fitted, but reported as not converged).

    Notes
    -----
    Source: Fader, Hardie, Liu, Davin & Steenburgh (2018). On the "regular" cohort of
    Fader & Hardie (2007), years 0–4, a peer reproduction of the paper (the
    abdullahau/customer-analytics BdW notebook) gives α 0.5231, β 0.8944, c 1.1963,
    LL −1401.3831 — against the sBG's −1401.5594 (c = 1).

    Examples
    --------
    >>> fit = bdw_fit([1000, 631, 468, 382, 326])
    >>> round(fit["alpha"], 3), round(fit["beta"], 3), round(fit["c"], 3)
    (0.523, 0.894, 1.196)
    """
    n = _survivors(survivors)
    churn = min(max(1 - n[1] / n[0], 1e-3), 1 - 1e-3)
    starts = [
        (1.0, 1.0, 1.0),
        (churn * 2, (1 - churn) * 2, 1.0),
        (0.5, 1.0, 0.5),
        (0.5, 1.0, 2.0),
    ]
    result = maximize("BdW", _NAMES, lambda theta: _terms(theta, n), starts, int(n.size - 1))
    if n[-1] == n[0]:  # the likelihood only grows as churn goes to 0, along many paths
        return replace(
            result,
            converged=False,
            message="no customer churned: the churn rate is 0 and alpha, beta, c are not "
            "identified; fit again when customers have left",
        )
    return result


def _grid(alpha: Any, beta: Any, c: Any, periods: Any) -> tuple[np.ndarray, ...]:
    return (
        positive(alpha, "alpha"),
        positive(beta, "beta"),
        positive(c, "c"),
        at_least(periods, "periods"),
    )


def bdw_survival(alpha: Any, beta: Any, c: Any, periods: Any) -> Any:
    """Share of a cohort still active after ``periods`` periods: S(t) = B(α, β + t^c) / B(α, β).

    Computed as exp(ln B(α, β + t^c) − ln B(α, β)): finite and in [0, 1] for any
    parameters and horizons. ``periods`` may be fractional.

    Notes
    -----
    Source: Fader, Hardie, Liu, Davin & Steenburgh (2018), eq. (3); c = 1 gives the sBG's
    survival (:func:`retention_xl.models.sbg_survival`).

    Examples
    --------
    >>> round(1000 * float(bdw_survival(0.704, 1.182, 1.0, 12)), 1)  # = the sBG's
    170.1
    """
    a, b, shape, t = _grid(alpha, beta, c, periods)
    with np.errstate(under="ignore"):
        value = np.exp(_log_survival(a, b, shape, t))
    return float(value) if value.ndim == 0 else value


def bdw_retention(alpha: Any, beta: Any, c: Any, periods: Any) -> Any:
    """Retention rate of period t (t ≥ 1): r_t = S(t) / S(t − 1).

    With c > 1 the curve can dip before it rises (individual churn rises with tenure while
    the mix shifts to loyal customers); c = 1 gives the sBG's (β + t − 1)/(α + β + t − 1).

    Raises
    ------
    InputError
        When ``periods`` is below 1.

    Notes
    -----
    Source: Fader, Hardie, Liu, Davin & Steenburgh (2018), eq. (5).

    Examples
    --------
    >>> round(float(bdw_retention(0.704, 1.182, 1.0, 1)), 3)  # 1.182 / 1.886, as the sBG
    0.627
    """
    a, b, shape, t = _grid(alpha, beta, c, periods)
    at_least(t, "periods", 1.0)
    with np.errstate(under="ignore"):
        value = np.exp(_log_survival(a, b, shape, t) - _log_survival(a, b, shape, t - 1))
    return float(value) if value.ndim == 0 else value
