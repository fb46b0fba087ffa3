"""Argument checks shared by the models: numbers in, ``InputError`` naming the argument out.

One idea: turn what a caller passes (scalars, lists, arrays) into float64 arrays and refuse
impossible values with a message that names the argument, the offending element and what to
do. Imports numpy and :mod:`retention_xl.errors` only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError

__all__ = ["at_least", "floats", "positive", "whole"]


def floats(value: Any, name: str) -> np.ndarray:
    """``value`` as a float64 array; text, missing values, NaN and infinities are refused.

    Examples
    --------
    >>> floats([1, 2.5], "age")
    array([1. , 2.5])
    """
    try:
        arr = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers; got {value!r}.") from None
    bad = ~np.isfinite(arr)
    if np.any(bad):
        position = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(
            f"{name}: element {position} is {float(arr.ravel()[position])!r}; give a finite number "
            "(remove rows with missing values first)."
        )
    return arr


def _first_bad(arr: np.ndarray, bad: np.ndarray, name: str, rule: str) -> None:
    if np.any(bad):
        position = int(np.flatnonzero(bad.ravel())[0])
        value = float(np.broadcast_to(arr, bad.shape).ravel()[position])
        raise InputError(f"{name}: element {position} is {value!r}; it must be {rule}.")


def positive(value: Any, name: str) -> np.ndarray:
    """Finite numbers greater than 0 (model parameters such as ``r`` or ``alpha``).

    Examples
    --------
    >>> positive(0.5, "alpha")
    array(0.5)
    """
    arr = floats(value, name)
    _first_bad(arr, arr <= 0, name, "greater than 0 (a fitted model parameter)")
    return arr


def at_least(value: Any, name: str, low: float = 0.0) -> np.ndarray:
    """Finite numbers ``>= low`` (ages, recencies, horizons, money)."""
    arr = floats(value, name)
    _first_bad(arr, arr < low, name, f"at least {low:g}")
    return arr


def whole(value: Any, name: str) -> np.ndarray:
    """Whole numbers ``>= 0`` as float64 (purchase counts such as ``frequency``).

    Examples
    --------
    >>> whole([0, 3.0], "frequency")
    array([0., 3.])
    """
    arr = at_least(value, name)
    _first_bad(arr, arr != np.floor(arr), name, "a whole number (a count of repeat purchases)")
    return arr
