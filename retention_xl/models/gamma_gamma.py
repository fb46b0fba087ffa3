"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), in log space.

One idea: a customer's transaction values vary around a personal mean; across customers
that mean varies. Spend per transaction z ~ Gamma(p, ν) with ν ~ Gamma(q, γ), independent
of the purchase process. Fitted on the repeat buyers' number of repeat transactions x and
their mean value z̄; used for each customer's expected spend per future transaction.
Imports numpy, scipy.special and :mod:`.fitting`.

Source: Fader, P. S. & Hardie, B. G. S. (2013), "The Gamma-Gamma model of monetary value"
(note 025), and Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer
base analysis", Journal of Marketing Research 42(4).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from ._checks import floats, positive, whole
from .fitting import FitResult, maximize
from .special import digamma, gammaln

__all__ = ["expected_spend", "gamma_gamma_fit", "gamma_gamma_log_likelihood"]

_NAMES = ("p", "q", "gamma")


def _repeat_buyers(frequency: Any, monetary: Any) -> tuple[np.ndarray, np.ndarray]:
    x = whole(frequency, "frequency").ravel()
    z = floats(monetary, "monetary").ravel()
    if x.size != z.size:
        raise InputError(
            f"frequency has {x.size} values but monetary has {z.size}; give one of each per "
            "customer."
        )
    keep = x > 0
    bad = keep & (z <= 0)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"monetary: element {i} is {float(z[i])!r} for a customer with {x[i]:g} repeat "
            "purchases; "
            "the mean spend of repeat purchases must be greater than 0 (leave out customers "
            "whose repeat purchases were refunded)."
        )
    return x[keep], z[keep]


def gamma_gamma_log_likelihood(
    frequency: Any, monetary: Any, p: float, q: float, gamma: float
) -> float:
    """Log-likelihood of p, q, γ over the repeat buyers (customers with x = 0 add nothing).

    ln f(z̄ | x) = lnΓ(px + q) − lnΓ(px) − lnΓ(q) + q ln γ + px ln x + (px − 1) ln z̄
    − (px + q) ln(γ + x z̄)

    Notes
    -----
    Source: Fader & Hardie (2013), eq. (4).

    Examples
    --------
    >>> round(gamma_gamma_log_likelihood([1, 2], [20.0, 30.0], 6.25, 3.74, 15.44), 4)
    -7.4412
    """
    x, z = _repeat_buyers(frequency, monetary)
    theta = np.log([float(positive(v, n)) for v, n in ((p, "p"), (q, "q"), (gamma, "gamma"))])
    value, _ = _terms(theta, x, z, np.ones(x.size))
    return value


def _terms(
    theta: np.ndarray, x: np.ndarray, z: np.ndarray, weights: np.ndarray
) -> tuple[float, np.ndarray]:
    p, q, gamma = np.exp(theta)
    px = p * x
    log_x, log_z = np.log(x), np.log(z)
    log_gz = np.log(gamma + x * z)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + px * log_x
        + (px - 1) * log_z
        - (px + q) * log_gz
    )
    psi = digamma(px + q)
    d_p = x * (psi - digamma(px) + log_x + log_z - log_gz)
    d_q = psi - digamma(q) + np.log(gamma) - log_gz
    d_gamma = q / gamma - (px + q) / (gamma + x * z)
    grads = np.stack([d_p * p, d_q * q, d_gamma * gamma])
    # plain sums, not BLAS products (see bgnbd._dot)
    return float((ll * weights).sum()), (grads * weights).sum(axis=1)


def gamma_gamma_fit(frequency: Any, monetary: Any) -> FitResult:
    """Fit p, q, γ by maximum likelihood on the customers with repeat purchases.

    Parameters
    ----------
    frequency : array_like
        Repeat transactions x per customer; customers with x = 0 are left out.
    monetary : array_like
        Mean value z̄ of each customer's repeat transactions (greater than 0 where x > 0).

    Returns
    -------
    FitResult
        ``params`` p, q, gamma; ``observations`` = repeat buyers used.

    Raises
    ------
    InputError
        Mismatched lengths, negative or fractional counts, a repeat buyer with mean spend
        ≤ 0, or no repeat buyers at all.

    Notes
    -----
    Source: Fader & Hardie (2013): the 946 repeat buyers of the CDNOW sample give
    p 6.25, q 3.74, γ 15.44.

    Examples
    --------
    >>> fit = gamma_gamma_fit([1, 2, 0, 3, 1, 4], [20.0, 35.0, 0.0, 12.5, 60.0, 28.0])
    >>> sorted(fit.params), fit.observations
    (['gamma', 'p', 'q'], 5)
    """
    x, z = _repeat_buyers(frequency, monetary)
    if x.size == 0:
        raise InputError(
            "no customer has a repeat purchase (frequency > 0); the Gamma-Gamma model is "
            "fitted on repeat buyers."
        )
    mean = float(z.mean())
    starts = [(1.0, 2.0, mean), (5.0, 3.0, mean), (0.5, 1.5, mean * 0.1)]
    return maximize(
        "Gamma-Gamma",
        _NAMES,
        lambda theta: _terms(theta, x, z, np.ones(x.size)),
        starts,
        int(x.size),
    )


def expected_spend(frequency: Any, monetary: Any, p: Any, q: Any, gamma: Any) -> Any:
    """Expected value of a customer's future transactions.

    E[Z | x, z̄] = (γ + x z̄) p / (p x + q − 1)
    = (q − 1)/(p x + q − 1) · p γ/(q − 1) + p x/(p x + q − 1) · z̄ — a weighted average of
    the population mean p γ / (q − 1) and the customer's own mean z̄. Infinite (Excel:
    #NUM!) when p x + q ≤ 1: the mean spend does not exist for such parameters.

    Parameters
    ----------
    frequency, monetary : array_like
        x and z̄ per customer (z̄ is ignored when x = 0).
    p, q, gamma : float or array_like
        Gamma-Gamma parameters.

    Notes
    -----
    Source: Fader & Hardie (2013), eq. (5).

    Examples
    --------
    >>> # (15.44 + 2 · 22.35) · 6.25 / (6.25 · 2 + 3.74 − 1)
    >>> round(float(expected_spend(2, 22.35, 6.25, 3.74, 15.44)), 2)
    24.66
    """
    x = whole(frequency, "frequency")
    z = floats(monetary, "monetary")
    p_, q_, g_ = positive(p, "p"), positive(q, "q"), positive(gamma, "gamma")
    z = np.where(x > 0, z, 0.0)
    bad = (x > 0) & (z < 0)
    if np.any(bad):
        raise InputError(
            f"monetary: a customer with repeat purchases has mean spend "
            f"{float(np.broadcast_to(z, bad.shape)[bad].ravel()[0])!r}; it cannot be negative."
        )
    denominator = p_ * x + q_ - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, (g_ + x * z) * p_ / denominator, np.inf)
    return float(value) if value.ndim == 0 else value
