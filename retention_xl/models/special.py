"""The special functions the models use, loaded from scipy on the first call.

One idea: ``import retention_xl`` (and the Excel functions in xlwings Lite, where scipy is a
download of its own) must not load scipy; a model loads it when it first computes. Each
function here is scipy.special's of the same name. Imports scipy only inside the calls.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["betainc", "betaln", "digamma", "gammaln", "hyp2f1", "log_expit"]


@functools.cache
def _special() -> Any:
    import scipy.special

    return scipy.special


def betainc(a: Any, b: Any, x: Any) -> Any:
    """The regularised incomplete beta function I_x(a, b) (scipy.special.betainc)."""
    return _special().betainc(a, b, x)


def betaln(a: Any, b: Any) -> Any:
    """ln |B(a, b)| (scipy.special.betaln)."""
    return _special().betaln(a, b)


def digamma(x: Any) -> Any:
    """ψ(x) (scipy.special.digamma)."""
    return _special().digamma(x)


def gammaln(x: Any) -> Any:
    """ln |Γ(x)| (scipy.special.gammaln).

    Examples
    --------
    >>> float(gammaln(5.0))  # ln 4! = ln 24
    3.1780538303479458
    """
    return _special().gammaln(x)


def hyp2f1(a: Any, b: Any, c: Any, z: Any) -> Any:
    """The Gauss hypergeometric function ₂F₁(a, b; c; z) (scipy.special.hyp2f1)."""
    return _special().hyp2f1(a, b, c, z)


def log_expit(x: Any) -> Any:
    """ln(1 / (1 + e^−x)) (scipy.special.log_expit)."""
    return _special().log_expit(x)
