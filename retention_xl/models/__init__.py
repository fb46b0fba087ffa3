"""Predictive retention models: who is slipping away, and what is each customer worth.

One idea: the customer-base models of Fader and Hardie on top of an RFM summary, computed in
log space so heavy buyers never overflow — RFM summary and segments, BG/NBD, Pareto/NBD and
MBG/NBD purchases with P(alive) and the distribution of future purchases, BG/BB for discrete
transaction opportunities, Gamma-Gamma spend, discounted CLV (non-contractual), the sBG and
beta-discrete-Weibull models of renewals (contractual), and :func:`forecast`, all of it for
one order history — in memory, or
(:class:`OrderHistory`) aggregated per customer by an engine from files of any size. numpy
and scipy; this package is not imported by ``import retention_xl``, so the core stays free of scipy
until a model is used. Imports point down only: dates, ids, errors.

Examples
--------
>>> from retention_xl import models
>>> fit = models.sbg_fit([1000, 631, 468, 382, 326, 289, 262, 241])  # Fader & Hardie 2007
>>> round(fit["alpha"], 3), round(fit["beta"], 3), fit.converged
(0.704, 1.182, True)
>>> round(models.p_alive(2, 30.43, 38.86, r=0.243, alpha=4.414, a=0.793, b=2.426), 3)
0.727
"""

from __future__ import annotations

from .bdw import bdw_fit, bdw_log_likelihood, bdw_retention, bdw_survival
from .bgbb import (
    bgbb_expected_purchases,
    bgbb_fit,
    bgbb_log_likelihood,
    bgbb_p_alive,
    bgbb_purchases_pmf,
)
from .bgnbd import (
    bgnbd_fit,
    bgnbd_log_likelihood,
    bgnbd_purchases_pmf,
    expected_purchases,
    expected_purchases_new,
    p_alive,
)
from .clv import clv_bgnbd
from .fitting import FitResult
from .forecast import (
    ArrayHistory,
    Forecast,
    ForecastSettings,
    OrderHistory,
    Tracking,
    forecast,
    forecast_history,
)
from .gamma_gamma import expected_spend, gamma_gamma_fit, gamma_gamma_log_likelihood
from .mbgnbd import (
    mbgnbd_expected_purchases,
    mbgnbd_fit,
    mbgnbd_log_likelihood,
    mbgnbd_p_alive,
    mbgnbd_purchases_pmf,
)
from .pareto_nbd import (
    pareto_nbd_expected_purchases,
    pareto_nbd_fit,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    pareto_nbd_purchases_pmf,
)
from .rfm import (
    UNIT_DAYS,
    RFMSummary,
    Transactions,
    customer_transactions,
    finish_summary,
    rfm_summary,
)
from .sbg import (
    sbg_discounted_lifetime,
    sbg_fit,
    sbg_log_likelihood,
    sbg_retention,
    sbg_survival,
)
from .segments import SEGMENT_GRID, SEGMENTS, RFMSegments, rfm_scores, rfm_segments, segment

__all__ = [
    "SEGMENTS",
    "SEGMENT_GRID",
    "UNIT_DAYS",
    "ArrayHistory",
    "FitResult",
    "Forecast",
    "ForecastSettings",
    "OrderHistory",
    "RFMSegments",
    "RFMSummary",
    "Tracking",
    "Transactions",
    "bdw_fit",
    "bdw_log_likelihood",
    "bdw_retention",
    "bdw_survival",
    "bgbb_expected_purchases",
    "bgbb_fit",
    "bgbb_log_likelihood",
    "bgbb_p_alive",
    "bgbb_purchases_pmf",
    "bgnbd_fit",
    "bgnbd_log_likelihood",
    "bgnbd_purchases_pmf",
    "clv_bgnbd",
    "customer_transactions",
    "expected_purchases",
    "expected_purchases_new",
    "expected_spend",
    "finish_summary",
    "forecast",
    "forecast_history",
    "gamma_gamma_fit",
    "gamma_gamma_log_likelihood",
    "mbgnbd_expected_purchases",
    "mbgnbd_fit",
    "mbgnbd_log_likelihood",
    "mbgnbd_p_alive",
    "mbgnbd_purchases_pmf",
    "p_alive",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_fit",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_p_alive",
    "pareto_nbd_purchases_pmf",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "sbg_discounted_lifetime",
    "sbg_fit",
    "sbg_log_likelihood",
    "sbg_retention",
    "sbg_survival",
    "segment",
]
