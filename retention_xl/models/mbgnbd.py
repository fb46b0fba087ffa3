"""The MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007), in log space.

One idea: the BG/NBD with one more chance to drop out — right after the first purchase, at
time 0, as well as after every repeat purchase. A customer who never bought again can then
be gone (P(alive) < 1 for x = 0), which the BG/NBD rules out. While alive a customer buys at
rate λ ~ Gamma(r, α); at time 0 and after each repeat purchase she drops out with
probability p ~ Beta(a, b). Same inputs as the BG/NBD (x = ``frequency``, t_x = ``recency``,
T = ``age``); every quantity is a sum of logarithms. Imports numpy, scipy.special,
:mod:`.bgnbd` (argument checks, patterns, the forecast) and :mod:`.fitting`.

Formulas (BDF 2007, eqs. 2–5):

- L = Γ(r+x) α^r / Γ(r) · [B(a, b+x+1) / B(a, b) · (α+T)^−(r+x)
  + B(a+1, b+x) / B(a, b) · (α+t_x)^−(r+x)]
- P(alive) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))
- E[Y(t) | x, t_x, T] = P(alive) · (a+b+x)/(a−1) ·
  [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]

Source: Batislam, E. P., Denizel, M. & Filiztekin, A. (2007), "Empirical validation and
comparison of models for customer base analysis", International Journal of Research in
Marketing 24(3), 201–209; Hoppe, D. & Wagner, U. (2007), "Customer base analysis: the
case for a central variant of the Betageometric/NBD model", Marketing — Journal of Research
and Management 3(2), 75–90 (the same model, "CBG/NBD").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import InputError
from ._checks import at_least, whole
from .bgnbd import _growth, _params, _patterns, _pmf_new, _summary
from .fitting import FitResult, maximize
from .special import digamma, gammaln, log_expit

__all__ = [
    "mbgnbd_expected_purchases",
    "mbgnbd_fit",
    "mbgnbd_log_likelihood",
    "mbgnbd_p_alive",
    "mbgnbd_purchases_pmf",
]

_NAMES = ("r", "alpha", "a", "b")


def _log_dropout_odds(
    x: np.ndarray, t_x: np.ndarray, t: np.ndarray, r: Any, alpha: Any, a: Any, b: Any
) -> np.ndarray:
    """ln(a/(b+x)) + (r+x) ln((α+T)/(α+t_x)): the log odds of "gone" against "alive"."""
    return np.asarray(
        np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
    )


def mbgnbd_p_alive(
    frequency: Any, recency: Any, age: Any, r: Any, alpha: Any, a: Any, b: Any
) -> Any:
    """Probability that a customer is still alive at the end of observation.

    P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))

    computed as ``exp(log_expit(−log odds))``, in [0, 1] for any customer. Unlike the
    BG/NBD it is below 1 for customers without repeat purchases (they may have dropped out
    right after their first purchase): b/(a+b) for a customer just acquired (x = T = 0).

    Parameters
    ----------
    frequency, recency, age : array_like
        x (whole repeat purchases), t_x and T of each customer, in one time unit.
    r, alpha, a, b : float or array_like
        MBG/NBD parameters (from :func:`mbgnbd_fit`); all broadcast together.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    InputError
        Negative or fractional frequency, negative times, recency after age, recency > 0
        with frequency 0, or a parameter that is not greater than 0.

    Notes
    -----
    Source: Batislam, Denizel & Filiztekin (2007), eq. (4).

    Examples
    --------
    >>> round(float(mbgnbd_p_alive(0, 0, 38.86, 0.525, 6.183, 0.891, 1.614)), 3)
    0.39
    """
    x, t_x, t = _summary(frequency, recency, age)
    r, alpha, a, b = _params(r, alpha, a, b)
    odds = _log_dropout_odds(x, t_x, t, r, alpha, a, b)
    result = np.exp(log_expit(-odds))
    return float(result) if result.ndim == 0 else result


def mbgnbd_expected_purchases(
    horizon: Any,
    frequency: Any,
    recency: Any,
    age: Any,
    r: Any,
    alpha: Any,
    a: Any,
    b: Any,
) -> Any:
    """Expected number of purchases of a customer in the next ``horizon`` time units.

    E[Y(t) | x, t_x, T] = P(alive) · (a+b+x)/(a−1) ·
    [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]

    — the BG/NBD's expectation for a customer alive at T with b + 1 in place of b (after
    surviving x + 1 dropout chances p ~ Beta(a, b+x+1)), evaluated by the same transformed
    series and quadrature fallback (see :func:`retention_xl.models.expected_purchases`).
    A new customer is x = t_x = T = 0: then this is BDF's E[X(t)] = b/(a−1) ·
    [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))].

    Parameters
    ----------
    horizon : float or array_like
        t, in the unit of the summary.
    frequency, recency, age : array_like
        x, t_x, T of each customer.
    r, alpha, a, b : float or array_like
        MBG/NBD parameters.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    Source: Batislam, Denizel & Filiztekin (2007), eqs. (3) and (5).

    Examples
    --------
    >>> round(float(mbgnbd_expected_purchases(39, 2, 30.43, 38.86, 0.525, 6.183, 0.891,
    ...                                       1.614)), 3)
    1.263
    """
    t_future = at_least(horizon, "horizon")
    x, t_x, t = _summary(frequency, recency, age)
    r, alpha, a, b = _params(r, alpha, a, b)
    shape = np.broadcast_shapes(t_future.shape, x.shape, r.shape, alpha.shape, a.shape, b.shape)
    args = [np.broadcast_to(v, shape) for v in (t_future, x, t_x, t, r, alpha, a, b)]
    t_future, x, t_x, t, r, alpha, a, b = args
    alive = np.exp(log_expit(-_log_dropout_odds(x, t_x, t, r, alpha, a, b)))
    result = alive * _growth(t_future, x, t, r, alpha, a, b + 1)
    return float(result) if result.ndim == 0 else result


def mbgnbd_purchases_pmf(
    n: Any,
    horizon: Any,
    frequency: Any,
    recency: Any,
    age: Any,
    r: Any,
    alpha: Any,
    a: Any,
    b: Any,
) -> Any:
    """Probability of exactly ``n`` purchases in the next ``horizon`` time units.

    Alive at T, the customer has λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x+1) and buys as a
    BG/NBD customer from then on (the next dropout chance comes with the next purchase);
    gone, she buys nothing:

    P(Y(t) = n | x, t_x, T) = P(alive) · P_BG(X(t) = n | r+x, α+T, a, b+x+1)
    + (1 − P(alive)) · δ(n=0)

    with P_BG the BG/NBD's eq. (8) (see :func:`retention_xl.models.bgnbd_purchases_pmf`).
    For a new customer (0, 0, 0) this is BDF's P(X(t) = n): gone at once with probability
    a/(a+b), otherwise a BG/NBD customer with b + 1.

    Parameters
    ----------
    n : int or array_like
        Number of purchases (whole, ≥ 0).
    horizon : float or array_like
        t, in the unit of the summary.
    frequency, recency, age : array_like
        x, t_x, T of each customer (0, 0, 0 for a new one).
    r, alpha, a, b : float or array_like
        MBG/NBD parameters.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    Source: Batislam, Denizel & Filiztekin (2007), eq. (2) and its derivation; the
    conditional form as for the BG/NBD.

    Examples
    --------
    >>> round(float(mbgnbd_purchases_pmf(0, 39, 0, 0, 0, 0.525, 6.183, 0.891, 1.614)), 4)
    0.5825
    """
    count = whole(n, "n")
    t_future = at_least(horizon, "horizon")
    x, t_x, t = _summary(frequency, recency, age)
    r, alpha, a, b = _params(r, alpha, a, b)
    shape = np.broadcast_shapes(
        count.shape, t_future.shape, x.shape, r.shape, alpha.shape, a.shape, b.shape
    )
    k, h, x, t_x, t, r, alpha, a, b = (
        np.broadcast_to(v, shape).astype("float64").ravel()
        for v in (count, t_future, x, t_x, t, r, alpha, a, b)
    )
    alive = np.exp(log_expit(-_log_dropout_odds(x, t_x, t, r, alpha, a, b)))
    future = _pmf_new(k, h, r + x, alpha + t, a, b + x + 1)
    result = (alive * future + (1 - alive) * (k == 0)).reshape(shape)
    return float(result) if result.ndim == 0 else result


class _Data:
    """Distinct (x, t_x, T) patterns with their counts, for many likelihood calls."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, t: np.ndarray, weights: np.ndarray):
        self.values, index = np.unique(x, return_inverse=True)
        self.counts = np.bincount(index, weights=weights, minlength=self.values.size)
        self.x, self.t_x, self.t, self.weights = x, t_x, t, weights
        self.total = float(weights.sum())

    def terms(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Log-likelihood and its gradient with respect to the log parameters.

        ln L_i = lnΓ(r+x) − lnΓ(r) + r ln α − (r+x) ln(α+T) + ln B(a, b+x+1) − ln B(a, b)
        + log1p(exp(odds)), odds = ln a − ln(b+x) + (r+x) ln((α+T)/(α+t_x)).
        """
        r, alpha, a, b = np.exp(theta)
        x, t_x, t, w = self.x, self.t_x, self.t, self.weights
        v, counts, total = self.values, self.counts, self.total
        log_at, log_atx = np.log(alpha + t), np.log(alpha + t_x)
        m = r + x
        odds = np.log(a) - np.log(b + x) + m * (log_at - log_atx)
        gone = np.exp(log_expit(odds))  # A2 / (A1 + A2)
        ll = np.dot(counts, gammaln(r + v) + gammaln(b + v + 1) - gammaln(a + b + v + 1))
        ll += total * (r * np.log(alpha) - gammaln(r) + gammaln(a + b) - gammaln(b))
        ll += np.dot(w, -m * log_at + np.logaddexp(0.0, odds))
        psi_ab, psi_abx = digamma(a + b), digamma(a + b + v + 1)
        d_r = np.dot(counts, digamma(r + v)) + total * (np.log(alpha) - digamma(r))
        d_r += np.dot(w, -log_at + gone * (log_at - log_atx))
        d_alpha = total * r / alpha + np.dot(
            w, -m / (alpha + t) + gone * m * (1 / (alpha + t) - 1 / (alpha + t_x))
        )
        d_a = total * psi_ab - np.dot(counts, psi_abx) + np.dot(w, gone) / a
        d_b = np.dot(counts, digamma(b + v + 1) - psi_abx) + total * (psi_ab - digamma(b))
        d_b -= np.dot(w, gone / (b + x))
        return float(ll), np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def mbgnbd_log_likelihood(
    frequency: Any, recency: Any, age: Any, r: float, alpha: float, a: float, b: float
) -> float:
    """Log-likelihood of the MBG/NBD parameters for a customer base.

    ln L_i = lnΓ(r+x) − lnΓ(r) + r ln α + ln[B(a, b+x+1)/B(a, b) · (α+T)^−(r+x)
    + B(a+1, b+x)/B(a, b) · (α+t_x)^−(r+x)], summed in log space.

    Notes
    -----
    Source: Batislam, Denizel & Filiztekin (2007), eq. (2).

    Examples
    --------
    >>> round(mbgnbd_log_likelihood([2, 0], [30.43, 0], [38.86, 38.86], 0.525, 6.183,
    ...                             0.891, 1.614), 4)
    -10.0254
    """
    x, t_x, t = _summary(frequency, recency, age)
    values = np.log([float(v) for v in _params(r, alpha, a, b)])
    data = _Data(x.ravel(), t_x.ravel(), t.ravel(), np.ones(x.size))
    return data.terms(values)[0]


def mbgnbd_fit(frequency: Any, recency: Any, age: Any) -> FitResult:
    """Fit r, α, a, b of the MBG/NBD by maximum likelihood to an RFM summary.

    Summed over the distinct (x, t_x, T) patterns weighted by their counts, maximised over
    the logarithms of the parameters (bounds 1e-8 … 1e8) with the analytic gradient from
    three start values; never raises for a fit that does not converge (see
    :attr:`FitResult.converged`).

    Parameters
    ----------
    frequency, recency, age : array_like
        x, t_x, T per customer (see :func:`retention_xl.models.rfm_summary`).

    Returns
    -------
    FitResult
        ``params`` r, alpha, a, b; ``log_likelihood``; ``converged``; ``message``.

    Raises
    ------
    InputError
        For impossible summaries or no customers.

    Notes
    -----
    Source: Batislam, Denizel & Filiztekin (2007). On CDNOW (2,357 customers, weeks) R's
    BTYDplus and lifetimes' ModifiedBetaGeoFitter test give r 0.525, α 6.183, a 0.891,
    b 1.614.

    Examples
    --------
    >>> fit = mbgnbd_fit([2, 1, 0, 0, 5, 0, 3], [30.4, 1.7, 0, 0, 35.1, 0, 10.2],
    ...                  [38.9, 38.9, 38.9, 38.0, 38.0, 37.1, 37.1])
    >>> sorted(fit.params), fit.converged
    (['a', 'alpha', 'b', 'r'], True)
    """
    x, t_x, t = _summary(frequency, recency, age)
    x, t_x, t = x.ravel(), t_x.ravel(), t.ravel()
    if x.size == 0:
        raise InputError("frequency, recency and age are empty; give one value per customer.")
    (px, ptx, pt), weights = _patterns(x, t_x, t)
    rate = max(float(x.sum() / max(t.sum(), 1e-12)), 1e-6)
    starts = [
        (1.0, 1.0 / rate, 1.0, 1.0),
        (0.5, 0.5 / rate, 0.5, 2.0),
        (0.1, 0.1 / rate, 1.5, 5.0),
    ]
    data = _Data(px, ptx, pt, weights)
    result = maximize("MBG/NBD", _NAMES, data.terms, starts, int(x.size))
    if not np.any(x > 0):
        return replace(
            result,
            converged=False,
            message="no customer bought again: the purchase rate is 0 and a, b are not "
            "identified; fit again when there are repeat purchases",
        )
    return result
