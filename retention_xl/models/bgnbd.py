"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005), in log space.

One idea: fit and use the beta-geometric/negative-binomial model of a non-contractual
customer base from an RFM summary — per customer the number of repeat purchases ``frequency``
(x), the time of the last one ``recency`` (t_x) and the time since the first purchase
``age`` (T), all times in one unit. While alive a customer buys at rate λ ~ Gamma(r, α);
after each purchase the customer drops out with probability p ~ Beta(a, b). Every quantity
is computed from logarithms (``gammaln``, ``log1p``, ``logaddexp``) so heavy buyers never
overflow — spreadsheet versions of the model show #NUM! there. Imports numpy, scipy.special
and :mod:`.fitting`.

Source: Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "Counting your customers the
easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284, and
Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model" (note 008).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.polynomial.legendre import leggauss

from ..errors import InputError
from ._checks import at_least, positive, whole
from .fitting import FitResult, maximize
from .special import betainc, betaln, digamma, gammaln, hyp2f1, log_expit

__all__ = [
    "bgnbd_fit",
    "bgnbd_log_likelihood",
    "bgnbd_purchases_pmf",
    "expected_purchases",
    "expected_purchases_new",
    "p_alive",
]

_NAMES = ("r", "alpha", "a", "b")
_LEGENDRE = leggauss(100)  # nodes and weights on [−1, 1], per quadrature panel


def _summary(frequency: Any, recency: Any, age: Any) -> tuple[np.ndarray, ...]:
    x = whole(frequency, "frequency")
    t_x = at_least(recency, "recency")
    t = at_least(age, "age")
    try:
        x, t_x, t = np.broadcast_arrays(x, t_x, t)
    except ValueError:
        raise InputError(
            f"frequency, recency and age must have one value per customer; got shapes "
            f"{np.shape(x)}, {np.shape(t_x)} and {np.shape(t)}."
        ) from None
    late = t_x > t * (1 + 1e-12)
    if np.any(late):
        i = int(np.flatnonzero(late.ravel())[0])
        raise InputError(
            f"recency: element {i} is {float(t_x.ravel()[i])!r}, later than its age "
            f"{float(t.ravel()[i])!r}; the last purchase cannot come after the end of observation."
        )
    lonely = (x == 0) & (t_x > 0)
    if np.any(lonely):
        i = int(np.flatnonzero(lonely.ravel())[0])
        raise InputError(
            f"recency: element {i} is {float(t_x.ravel()[i])!r} but its frequency is 0; a "
            "customer without repeat purchases has recency 0 (recency is the time from the "
            "first to the last purchase). Check that frequency counts repeat purchases only."
        )
    return x, np.minimum(t_x, t), t


def _params(r: Any, alpha: Any, a: Any, b: Any) -> tuple[np.ndarray, ...]:
    return (
        positive(r, "r"),
        positive(alpha, "alpha"),
        positive(a, "a"),
        positive(b, "b"),
    )


def _log_dropout_odds(
    x: np.ndarray, t_x: np.ndarray, t: np.ndarray, r: Any, alpha: Any, a: Any, b: Any
) -> np.ndarray:
    """log(A2 / A1): the log odds of "dropped out after the last purchase" against "alive";
    −inf for customers without repeat purchases (they cannot have dropped out)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.log(a) - np.log(b + x - 1) - (r + x) * (np.log(alpha + t_x) - np.log(alpha + t))
    return np.where(x > 0, odds, -np.inf)


def p_alive(frequency: Any, recency: Any, age: Any, r: Any, alpha: Any, a: Any, b: Any) -> Any:
    """Probability that a customer is still alive at the end of observation.

    P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r+x)),
    computed as ``exp(−log1p(exp(log odds)))`` so that it stays in [0, 1] for any customer.
    A customer without repeat purchases (x = 0) cannot have dropped out: P = 1.

    Parameters
    ----------
    frequency, recency, age : array_like
        x (whole repeat purchases), t_x and T of each customer, in one time unit.
    r, alpha, a, b : float or array_like
        BG/NBD parameters (from :func:`bgnbd_fit`); all broadcast together.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    InputError
        Negative or fractional frequency, negative times, recency after age, or a
        parameter that is not greater than 0.

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), eq. (11); CDNOW customer 1 (x=2, t_x=30.43,
    T=38.86) at the published parameters: 0.727 (kpi-spec §3).

    Examples
    --------
    >>> round(float(p_alive(2, 30.43, 38.86, 0.243, 4.414, 0.793, 2.426)), 3)
    0.727
    """
    x, t_x, t = _summary(frequency, recency, age)
    r, alpha, a, b = _params(r, alpha, a, b)
    odds = _log_dropout_odds(x, t_x, t, r, alpha, a, b)
    result = np.exp(log_expit(-odds))
    return float(result) if result.ndim == 0 else result


def _growth(
    horizon: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    r: np.ndarray,
    alpha: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T + horizon] | alive at T] = E_p[(1 − (1 + p t/(α+T))^−(r+x)) / p]
    over p ~ Beta(a, b + x) (λ integrated out): the closed form of :func:`_growth_series`
    where scipy's ``hyp2f1`` is accurate (a < 5, b and x below 10,000, a not near 1),
    quadrature (:func:`_growth_quadrature`) elsewhere — large a and b (a dropout
    probability that hardly varies across customers) make ``hyp2f1`` return NaN or wrong
    digits, and at a = 1 the closed form is 0/0.
    """
    arrays = np.broadcast_arrays(horizon, x, t, r, alpha, a, b)
    shape = arrays[0].shape
    flat = [np.ravel(v).astype("float64") for v in arrays]
    a_flat, b_flat, x_flat = flat[5], flat[6], flat[1]
    quadrature = (a_flat >= 5) | (b_flat >= 1e4) | (x_flat >= 1e4) | (np.abs(a_flat - 1) < 1e-3)
    out = np.empty(a_flat.shape)
    if np.any(~quadrature):
        out[~quadrature] = _growth_series(*(v[~quadrature] for v in flat))
        quadrature |= ~np.isfinite(out)  # hyp2f1 gave up: the quadrature does not
    if np.any(quadrature):
        out[quadrature] = _distinct(_growth_quadrature, [v[quadrature] for v in flat])
    return out.reshape(shape)


def _distinct(function: Callable[..., np.ndarray], columns: list[np.ndarray]) -> np.ndarray:
    """``function(*columns)`` computed once per distinct row of the columns: customers
    share (x, T) — T counts whole days — so a base of 200,000 customers has a few
    thousand distinct rows, and the quadrature runs on those. Rows are keyed by one integer
    (each column's rank among its distinct values, in mixed radix)."""
    key = np.zeros(columns[0].size, dtype=np.int64)
    radix = 1
    for column in columns:
        values, rank = np.unique(column, return_inverse=True)
        if values.size == 1:
            continue
        radix *= values.size
        if radix >= 2**62:  # too many combinations for one integer: compute every row
            return function(*columns)
        key = key * values.size + rank.ravel()
    rows, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if rows.size > 0.8 * key.size:
        return function(*columns)
    values = function(*(column[first] for column in columns))
    result: np.ndarray = values[inverse.ravel()]
    return result


def _growth_quadrature(
    horizon: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    r: np.ndarray,
    alpha: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """The expectation over p by Gauss–Legendre quadrature in y = logit(p).

    In y the Beta(a, β) density is ∝ exp(a y − (a + β) log(1 + e^y)): smooth, unimodal
    around ln(a/β) with width about √(1/a + 1/β), without the singularities of p^(a−1) and
    (1 − p)^(β−1) at 0 and 1, and with exponential tails. Three panels of 100 nodes — the
    left tail, ± 6 widths around the mode, the right tail — reach where the tails fall
    below e^−40; the weights are normalised numerically. It agrees with adaptive
    quadrature to about 1e-9 relative (tests).
    """
    nodes, weights = _LEGENDRE
    beta = b + x
    m = r + x
    scale = horizon / (alpha + t)
    mode = np.log(a) - np.log(beta)
    width = np.sqrt(1 / a + 1 / beta)
    low = mode - 40 / a - 12 * width
    high = mode + 40 / beta + 12 * width
    edges = [low, np.maximum(low, mode - 6 * width), np.minimum(high, mode + 6 * width), high]
    panels = list(pairwise(edges))
    out = np.empty(horizon.size)
    step = max(1, 1_000_000 // (3 * nodes.size))
    for i in range(0, horizon.size, step):
        rows = slice(i, i + step)
        y = np.concatenate(
            [lo[rows, None] + (nodes + 1) / 2 * (hi - lo)[rows, None] for lo, hi in panels],
            axis=1,
        )
        w = np.concatenate([weights * (hi - lo)[rows, None] / 2 for lo, hi in panels], axis=1)
        log_density = a[rows, None] * y - (a + beta)[rows, None] * np.logaddexp(0.0, y)
        w = w * np.exp(log_density - log_density.max(axis=1, keepdims=True))
        p = np.exp(log_expit(y))
        with np.errstate(divide="ignore", invalid="ignore"):
            f = -np.expm1(-m[rows, None] * np.log1p(p * scale[rows, None])) / p
        f = np.where(p > 0, f, (m * scale)[rows, None])  # the limit at p → 0
        out[rows] = (w * f).sum(axis=1) / w.sum(axis=1)
    return out


def _growth_series(
    horizon: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    r: np.ndarray,
    alpha: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """The closed form (FHL 2005 eq. 10 without P(alive)):

    (a + b + x − 1) / (a − 1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)],
    z = t / (α + T + t). The product is rewritten with Pfaff's and Euler's transformations
    as ((α+T+t)/(α+T))^(1−a) · 2F1(a+b−r−1, a−1; a+b+x−1; z), whose first two parameters do
    not grow with x — so the series stays accurate for heavy buyers (the direct form
    overflows or loses every digit there).
    """
    z = horizon / (alpha + t + horizon)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        series = hyp2f1(a + b - r - 1, a - 1, a + b + x - 1, z)
        g = np.exp((1 - a) * np.log1p(horizon / (alpha + t))) * series
        value = (a + b + x - 1) / (a - 1) * (1 - g)
    return np.where(horizon > 0, value, 0.0)


def expected_purchases(
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

    E[Y(t) | x, t_x, T] = P(alive) · (a + b + x − 1) / (a − 1) ·
    [1 − ((α + T) / (α + T + t))^(r+x) · 2F1(r + x, b + x; a + b + x − 1; t / (α + T + t))]

    Parameters
    ----------
    horizon : float or array_like
        t, in the unit of the summary (weeks for the CDNOW example).
    frequency, recency, age : array_like
        x, t_x, T of each customer.
    r, alpha, a, b : float or array_like
        BG/NBD parameters.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), eq. (10); CDNOW customer 1 over 39 weeks at the
    published parameters: 1.226 (kpi-spec §3). The hypergeometric function is evaluated in
    a transformed form that stays accurate for heavy buyers (see ``_growth``).

    Examples
    --------
    >>> round(float(expected_purchases(39, 2, 30.43, 38.86, 0.243, 4.414, 0.793, 2.426)), 3)
    1.226
    """
    t_future = at_least(horizon, "horizon")
    x, t_x, t = _summary(frequency, recency, age)
    r, alpha, a, b = _params(r, alpha, a, b)
    shape = np.broadcast_shapes(t_future.shape, x.shape, r.shape, alpha.shape, a.shape, b.shape)
    args = [np.broadcast_to(v, shape) for v in (t_future, x, t_x, t, r, alpha, a, b)]
    t_future, x, t_x, t, r, alpha, a, b = args
    alive = np.exp(log_expit(-_log_dropout_odds(x, t_x, t, r, alpha, a, b)))
    result = alive * _growth(t_future, x, t, r, alpha, a, b)
    return float(result) if result.ndim == 0 else result


def expected_purchases_new(horizon: Any, r: Any, alpha: Any, a: Any, b: Any) -> Any:
    """Expected repeat purchases of a new customer in the ``horizon`` units after the
    first purchase.

    E[X(t)] = (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · 2F1(r, b; a + b − 1; t / (α + t))]
    — the conditional expectation of :func:`expected_purchases` at x = 0, T = 0.

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), eq. (9); it drives the tracking plot of the
    paper's figure 1 (expected repeat purchases of a cohort, week by week).

    Examples
    --------
    >>> round(float(expected_purchases_new(39, 0.243, 4.414, 0.793, 2.426)), 3)
    1.197
    """
    t_future = at_least(horizon, "horizon")
    r, alpha, a, b = _params(r, alpha, a, b)
    shape = np.broadcast_shapes(t_future.shape, r.shape, alpha.shape, a.shape, b.shape)
    zero = np.zeros(shape)
    args = [np.broadcast_to(v, shape) for v in (t_future, r, alpha, a, b)]
    result = _growth(args[0], zero, zero, *args[1:])
    return float(result) if result.ndim == 0 else result


def _pmf_new(
    n: np.ndarray,
    horizon: np.ndarray,
    r: np.ndarray,
    alpha: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """P(X(t) = n) for a customer alive at time 0 (FHL 2005 eq. 8), flat arrays:

    B(a, b+n)/B(a, b) · NB(n; r, α/(α+t)) + δ(n>0) · B(a+1, b+n−1)/B(a, b) · P(NB ≥ n)

    — still active after n purchases, or gone after the n-th. The negative binomial's
    upper tail 1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j is the regularised
    incomplete beta I_{t/(α+t)}(n, r), computed without the subtraction (which loses every
    digit when the tail is small: 1.1e-7 for n = 10 in two weeks at the CDNOW fit).
    """
    out = np.asarray(n == 0, dtype="float64")
    later = horizon > 0
    if not np.any(later):
        return out
    k, t, r_, al, a_, b_ = (v[later] for v in (n, horizon, r, alpha, a, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_total = np.log(al + t)
        log_nb = (
            gammaln(r_ + k)
            - gammaln(r_)
            - gammaln(k + 1)
            + r_ * (np.log(al) - log_total)
            + np.where(k > 0, k * (np.log(t) - log_total), 0.0)
        )
        stay = betaln(a_, b_ + k) - betaln(a_, b_) + log_nb
        tail = betainc(np.maximum(k, 1.0), r_, t / (al + t))
        gone = betaln(a_ + 1, b_ + (k - 1)) - betaln(a_, b_) + np.log(tail)
        value = np.exp(np.logaddexp(stay, np.where(k > 0, gone, -np.inf)))
    out[later] = value
    return out


def bgnbd_purchases_pmf(
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

    A new customer (frequency = recency = age = 0) has FHL 2005 eq. (8):

    P(X(t) = n) = B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n
    + δ(n>0) · B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]

    A customer with history (x, t_x, T) who is alive at T has λ ~ Gamma(r+x, α+T) and
    p ~ Beta(a, b+x) and starts afresh (purchases are memoryless); one who has dropped out
    buys nothing:

    P(Y(t) = n | x, t_x, T) = P(alive) · P(X(t) = n | r+x, α+T, a, b+x)
    + (1 − P(alive)) · δ(n=0)

    Parameters
    ----------
    n : int or array_like
        Number of purchases (whole, ≥ 0).
    horizon : float or array_like
        t, in the unit of the summary.
    frequency, recency, age : array_like
        x, t_x, T of each customer (0, 0, 0 for a new one).
    r, alpha, a, b : float or array_like
        BG/NBD parameters.

    Returns
    -------
    float or numpy.ndarray

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), eq. (8); the conditional form follows from their
    eq. (10)'s derivation (Fader, Hardie & Lee 2007, "Deriving the conditional PMF of the
    BG/NBD", note 012, writes it out). R's BTYD (bgnbd.pmf) gives 0.5737864 for n = 0 in
    39 weeks and 1.07869e-07 for n = 10 in 2 weeks at the CDNOW parameters.

    Examples
    --------
    >>> round(float(bgnbd_purchases_pmf(0, 39, 0, 0, 0, 0.243, 4.414, 0.793, 2.426)), 7)
    0.5737864
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
    future = _pmf_new(k, h, r + x, alpha + t, a, b + x)
    result = (alive * future + (1 - alive) * (k == 0)).reshape(shape)
    return float(result) if result.ndim == 0 else result


def bgnbd_log_likelihood(
    frequency: Any, recency: Any, age: Any, r: float, alpha: float, a: float, b: float
) -> float:
    """Log-likelihood of the BG/NBD parameters for a customer base.

    ln L_i = ln A1 + δ(x>0) · log1p(exp(ln A2 − ln A1)) with
    ln A1 = lnΓ(r+x) − lnΓ(r) + r ln α − (r+x) ln(α+T) + ln B(a, b+x) − ln B(a, b) and
    ln A2 − ln A1 = ln a − ln(b+x−1) − (r+x) ln((α+t_x)/(α+T)).

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), eq. (6); CDNOW at the published parameters:
    −9582.4.

    Examples
    --------
    >>> round(bgnbd_log_likelihood([2, 0], [30.43, 0], [38.86, 38.86], 0.243, 4.414,
    ...                            0.793, 2.426), 4)
    -10.0133
    """
    x, t_x, t = _summary(frequency, recency, age)
    r_, alpha_, a_, b_ = (float(v) for v in _params(r, alpha, a, b))
    data = _Data(x.ravel(), t_x.ravel(), t.ravel(), np.ones(x.size))
    value, _ = data.terms(np.log([r_, alpha_, a_, b_]))
    return value


def _dot(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> float:
    """Σ a·b without BLAS: on a busy machine a multithreaded BLAS dot product of 100,000
    numbers can cost more than the whole likelihood (threads waking for each call)."""
    return float(np.multiply(a, b, out=out).sum())


class _Data:
    """Customers (or distinct patterns with weights) prepared for many likelihood calls.

    Functions of x alone (lnΓ, ψ) are computed once per distinct x value and summed with
    the weights of that value; the per-customer arithmetic writes into buffers allocated
    once (fresh temporaries for every call cost more than the arithmetic on 100,000 rows)
    and sums without BLAS (see :func:`_dot`).
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, t: np.ndarray, weights: np.ndarray):
        self.values, index = np.unique(x, return_inverse=True)
        self.counts = np.bincount(index, weights=weights, minlength=self.values.size)
        self.x, self.t, self.weights = x, t, weights
        repeat = np.flatnonzero(x > 0)
        self.x_rep, self.t_x_rep, self.t_rep = x[repeat], t_x[repeat], t[repeat]
        self.w_rep = weights[repeat]
        self.gap = self.t_rep - self.t_x_rep
        self.total = float(weights.sum())
        self.buffers = [np.empty(x.size) for _ in range(3)]
        self.rep_buffers = [np.empty(repeat.size) for _ in range(6)]

    def terms(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Log-likelihood and its gradient with respect to the log parameters."""
        r, alpha, a, b = np.exp(theta)
        v, counts, total = self.values, self.counts, self.total
        log_alpha, psi_ab = np.log(alpha), digamma(a + b)
        psi_rx, psi_abx = digamma(r + v), digamma(a + b + v)
        ll = _dot(counts, gammaln(r + v) + gammaln(b + v) - gammaln(a + b + v))
        ll += total * (r * log_alpha - gammaln(r) + gammaln(a + b) - gammaln(b))
        log_at, weighted, scratch = self.buffers
        np.add(alpha, self.t, out=log_at)
        np.log(log_at, out=log_at)
        np.add(self.x, r, out=weighted)
        np.multiply(weighted, self.weights, out=weighted)  # w·(r + x)
        ll -= _dot(weighted, log_at, scratch)
        d_r = _dot(counts, psi_rx) + total * (log_alpha - digamma(r))
        d_r -= _dot(self.weights, log_at, scratch)
        np.add(alpha, self.t, out=log_at)
        np.reciprocal(log_at, out=log_at)
        d_alpha = total * r / alpha - _dot(weighted, log_at, scratch)
        d_a = total * psi_ab - _dot(counts, psi_abx)
        d_b = _dot(counts, digamma(b + v) - psi_abx) + total * (psi_ab - digamma(b))
        if self.x_rep.size:
            # repeat buyers: + log1p(exp(odds)); "dead" = w · expit(odds) enters the gradient
            ratio, rx, odds, e, tmp, dead = self.rep_buffers
            x, t_x, t, w = self.x_rep, self.t_x_rep, self.t_rep, self.w_rep
            np.add(alpha, t_x, out=ratio)
            np.add(alpha, t, out=tmp)
            np.divide(ratio, tmp, out=ratio)
            np.log(ratio, out=ratio)  # ln((α + t_x) / (α + T)) ≤ 0
            np.add(x, r, out=rx)
            np.add(x, b - 1, out=odds)
            np.log(odds, out=odds)
            np.subtract(np.log(a), odds, out=odds)
            np.multiply(rx, ratio, out=tmp)
            np.subtract(odds, tmp, out=odds)  # ln a − ln(b+x−1) − (r+x)·ratio
            np.abs(odds, out=e)
            np.negative(e, out=e)
            np.exp(e, out=e)  # exp(−|odds|) ≤ 1: never overflows
            np.log1p(e, out=tmp)
            np.maximum(odds, 0.0, out=dead)
            np.add(tmp, dead, out=tmp)  # log1p(exp(odds)), computed without overflow
            ll += _dot(w, tmp, tmp)
            np.minimum(odds, 0.0, out=dead)
            np.exp(dead, out=dead)
            np.add(e, 1.0, out=tmp)
            np.divide(dead, tmp, out=dead)
            np.multiply(dead, w, out=dead)  # w · expit(odds)
            d_r -= _dot(dead, ratio, tmp)
            d_a += dead.sum() / a
            # 1/(α+t_x) − 1/(α+T) = (T − t_x) / ((α+t_x)(α+T))
            np.add(alpha, t_x, out=ratio)
            np.add(alpha, t, out=tmp)
            np.multiply(ratio, tmp, out=ratio)
            np.divide(self.gap, ratio, out=ratio)
            np.multiply(ratio, rx, out=ratio)
            d_alpha -= _dot(dead, ratio, tmp)
            np.add(x, b - 1, out=ratio)
            np.divide(dead, ratio, out=ratio)
            d_b -= ratio.sum()
        return float(ll), np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def _patterns(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of ``columns`` and how many customers share each (one sort)."""
    order = np.lexsort(columns[::-1])
    stacked = [c[order] for c in columns]
    change = np.zeros(order.size, dtype=bool)
    change[0] = True
    for c in stacked:
        change[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, order.size)).astype("float64")
    return [c[starts] for c in stacked], counts


def bgnbd_fit(frequency: Any, recency: Any, age: Any) -> FitResult:
    """Fit r, α, a, b by maximum likelihood to an RFM summary.

    The likelihood (see :func:`bgnbd_log_likelihood`) is summed over the distinct
    (x, t_x, T) patterns weighted by their counts — Fader and Hardie condense the data the
    same way — and maximised over the logarithms of the parameters (bounds 1e-8 … 1e8) with
    the analytic gradient, from three start values; Nelder-Mead takes over if none
    converges. Never raises for a fit that does not converge: see
    :attr:`FitResult.converged` and :attr:`FitResult.message`.

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
        For impossible summaries (negative or fractional counts, recency after age) or no
        customers.

    Notes
    -----
    Source: Fader, Hardie & Lee (2005), section 4: CDNOW (2,357 customers, weeks) gives
    r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4.

    Examples
    --------
    >>> fit = bgnbd_fit([2, 1, 0, 0, 5, 0, 3], [30.4, 1.7, 0, 0, 35.1, 0, 10.2],
    ...                 [38.9, 38.9, 38.9, 38.0, 38.0, 37.1, 37.1])
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
    result = maximize("BG/NBD", _NAMES, data.terms, starts, int(x.size))
    if not np.any(x > 0):  # the likelihood only grows as the purchase rate goes to 0
        return replace(
            result,
            converged=False,
            message="no customer bought again: the purchase rate is 0 and a, b are not "
            "identified; fit again when there are repeat purchases",
        )
    return result
