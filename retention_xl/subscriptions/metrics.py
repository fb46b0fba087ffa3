"""Subscription revenue KPIs from movement sums: NRR, GRR and the quick ratio.

One idea: the three ratios of kpi-spec §4 as elementwise, broadcasting numpy functions with
the conventions of :mod:`retention_xl.kpis` — fractions, NaN (without a warning) for a zero
denominator, :class:`~retention_xl.errors.InputError` naming the argument for impossible
values. They are the cores of the Excel functions ``NET_REVENUE_RETENTION``,
``GROSS_REVENUE_RETENTION`` and ``QUICK_RATIO`` and compute the rates of the movement table.
Imports numpy and the validation helpers of :mod:`retention_xl.kpis`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..kpis import _array, _divide, _nonnegative, _require, _result

__all__ = ["gross_revenue_retention", "net_revenue_retention", "quick_ratio"]

_MONEY = "an amount of recurring revenue"


def _amounts(values: tuple[ArrayLike, ...], names: tuple[str, ...]) -> list[np.ndarray]:
    arrays = [_array(value, name) for value, name in zip(values, names, strict=True)]
    for arr, name in zip(arrays, names, strict=True):
        _nonnegative(arr, name, _MONEY)
    return arrays


def _lost_within_start(
    start: np.ndarray, contraction: np.ndarray, churned: np.ndarray
) -> np.ndarray:
    lost: np.ndarray = contraction + churned
    shape = np.broadcast_shapes(lost.shape, start.shape)
    _require(
        lost > start,
        "mrr_churned",
        "plus mrr_contraction cannot exceed mrr_start (only customers of the start can "
        "contract or churn)",
        np.broadcast_to(churned, shape),
    )
    return lost


def net_revenue_retention(
    mrr_start: ArrayLike,
    mrr_expansion: ArrayLike,
    mrr_contraction: ArrayLike,
    mrr_churned: ArrayLike,
) -> float | np.ndarray:
    """Net revenue retention (NRR, also NDR): the start's MRR kept, with upgrades.

    .. math:: NRR = \\frac{MRR_{start} + MRR_{expansion} - MRR_{contraction}
              - MRR_{churn}}{MRR_{start}}

    Only the customers paying at the start count: new and reactivated MRR are left out.
    Above 1 (100 %) when upgrades outweigh downgrades and cancellations.

    Parameters
    ----------
    mrr_start : array_like
        MRR at the start of the period (≥ 0).
    mrr_expansion : array_like
        MRR gained from upgrades of customers of the start (≥ 0).
    mrr_contraction : array_like
        MRR lost through downgrades (≥ 0).
    mrr_churned : array_like
        MRR of the customers of the start who cancelled (≥ 0).

    Returns
    -------
    float or ndarray
        A fraction ≥ 0; NaN when ``mrr_start`` is 0.

    Raises
    ------
    InputError
        For negative amounts, or contraction + churn larger than the MRR at the start.

    Notes
    -----
    Source: kpi-spec §4 (start 100, expansion 10, contraction 10, churn 10 → 0.90, the
    complement of its net MRR churn of 0.10).

    Examples
    --------
    >>> net_revenue_retention(100, 10, 10, 10)
    0.9
    >>> net_revenue_retention([100, 0], [30, 0], [5, 0], [5, 0]).tolist()
    [1.2, nan]
    """
    names = ("mrr_start", "mrr_expansion", "mrr_contraction", "mrr_churned")
    raw = (mrr_start, mrr_expansion, mrr_contraction, mrr_churned)
    start, expansion, contraction, churned = _amounts(raw, names)
    lost = _lost_within_start(start, contraction, churned)
    return _result(_divide(start + expansion - lost, start), *raw)  # type: ignore[no-any-return]


def gross_revenue_retention(
    mrr_start: ArrayLike, mrr_contraction: ArrayLike, mrr_churned: ArrayLike
) -> float | np.ndarray:
    """Gross revenue retention (GRR): the start's MRR kept, upgrades not counted.

    .. math:: GRR = \\frac{MRR_{start} - MRR_{contraction} - MRR_{churn}}{MRR_{start}}

    Equivalently :math:`\\sum_i \\min(e_i, s_i) / \\sum_i s_i` over the customers of the start
    (MRR *s* at the start, *e* at the end): each customer counts at most at their starting
    MRR, so the result never exceeds 1.

    Parameters
    ----------
    mrr_start : array_like
        MRR at the start of the period (≥ 0).
    mrr_contraction : array_like
        MRR lost through downgrades (≥ 0).
    mrr_churned : array_like
        MRR of the customers of the start who cancelled (≥ 0).

    Returns
    -------
    float or ndarray
        A fraction in [0, 1]; NaN when ``mrr_start`` is 0.

    Raises
    ------
    InputError
        For negative amounts, or contraction + churn larger than the MRR at the start.

    Notes
    -----
    Source: kpi-spec §4 (start 100, contraction 10, churn 10 → 0.80, the complement of its
    gross MRR churn of 0.20).

    Examples
    --------
    >>> gross_revenue_retention(100, 10, 10)
    0.8
    """
    names = ("mrr_start", "mrr_contraction", "mrr_churned")
    raw = (mrr_start, mrr_contraction, mrr_churned)
    start, contraction, churned = _amounts(raw, names)
    lost = _lost_within_start(start, contraction, churned)
    return _result(_divide(start - lost, start), *raw)  # type: ignore[no-any-return]


def quick_ratio(
    mrr_new: ArrayLike,
    mrr_expansion: ArrayLike,
    mrr_contraction: ArrayLike,
    mrr_churned: ArrayLike,
    mrr_reactivation: ArrayLike = 0,
) -> float | np.ndarray:
    """SaaS quick ratio: MRR gained per unit of MRR lost.

    .. math:: QR = \\frac{MRR_{new} + MRR_{expansion} + MRR_{reactivation}}
              {MRR_{contraction} + MRR_{churn}}

    Above 1 the MRR grows; 4 is the usual mark of efficient growth. Leave
    ``mrr_reactivation`` at 0 for the original definition (new + expansion only).

    Parameters
    ----------
    mrr_new : array_like
        MRR of new customers (≥ 0).
    mrr_expansion : array_like
        MRR gained from upgrades (≥ 0).
    mrr_contraction : array_like
        MRR lost through downgrades (≥ 0).
    mrr_churned : array_like
        MRR of cancelled customers (≥ 0).
    mrr_reactivation : array_like, optional
        MRR won back from former customers, default 0.

    Returns
    -------
    float or ndarray
        A ratio ≥ 0; NaN when nothing was lost (contraction + churn = 0).

    Notes
    -----
    Source: kpi-spec §4 (new 20k, expansion 8k, churn 5k, contraction 3k → 3.5).

    Examples
    --------
    >>> quick_ratio(20_000, 8_000, 3_000, 5_000)
    3.5
    >>> quick_ratio(20_000, 8_000, 3_000, 5_000, mrr_reactivation=4_000)
    4.0
    """
    names = ("mrr_new", "mrr_expansion", "mrr_contraction", "mrr_churned", "mrr_reactivation")
    raw = (mrr_new, mrr_expansion, mrr_contraction, mrr_churned, mrr_reactivation)
    new, expansion, contraction, churned, reactivation = _amounts(raw, names)
    gained = new + expansion + reactivation
    return _result(_divide(gained, contraction + churned), *raw)  # type: ignore[no-any-return]
