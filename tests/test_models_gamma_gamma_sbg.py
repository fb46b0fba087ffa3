"""Gamma-Gamma and sBG: the published fits, independent references, bad and extreme input."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from retention_xl.errors import InputError
from retention_xl.models import (
    expected_spend,
    gamma_gamma_fit,
    gamma_gamma_log_likelihood,
    sbg_discounted_lifetime,
    sbg_fit,
    sbg_log_likelihood,
    sbg_retention,
    sbg_survival,
)

DATA = Path(__file__).parent / "data"


def _repeat_data() -> tuple[np.ndarray, np.ndarray]:
    with (DATA / "cdnow_customers_summary_with_transactions.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return np.array([float(r["x"]) for r in rows]), np.array([float(r["zbar"]) for r in rows])


def _cohorts() -> dict[str, list[float]]:
    with (DATA / "sbg_fader_hardie_2007.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return {
        "regular": [float(r["regular_alive"]) for r in rows],
        "high_end": [float(r["high_end_alive"]) for r in rows],
    }


# --- Gamma-Gamma ---------------------------------------------------------------------------


def test_gamma_gamma_reproduces_fader_hardie_2013_on_cdnow_repeat_buyers() -> None:
    fit = gamma_gamma_fit(*_repeat_data())
    assert fit.converged, fit.message
    assert fit.observations == 946  # the CDNOW repeat buyers (x > 0) of the 1/10 sample
    # Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": p 6.25, q 3.74, γ 15.44
    assert fit["p"] == pytest.approx(6.25, abs=5e-3)
    assert fit["q"] == pytest.approx(3.74, abs=5e-3)
    assert fit["gamma"] == pytest.approx(15.44, abs=1e-2)


def test_gamma_gamma_log_likelihood_equals_the_density_written_out() -> None:
    x, z = _repeat_data()
    p, q, g = 6.25, 3.74, 15.44
    expected = 0.0  # FH 2013 eq. (4), customer by customer with math.lgamma
    for xi, zi in zip(x.tolist(), z.tolist(), strict=True):
        if xi == 0:
            continue
        expected += (
            math.lgamma(p * xi + q)
            - math.lgamma(p * xi)
            - math.lgamma(q)
            + q * math.log(g)
            + p * xi * math.log(xi)
            + (p * xi - 1) * math.log(zi)
            - (p * xi + q) * math.log(g + xi * zi)
        )
    assert gamma_gamma_log_likelihood(x, z, p, q, g) == pytest.approx(expected, rel=1e-12)


def test_expected_spend_is_the_weighted_mean_of_population_and_customer() -> None:
    p, q, g = 6.25, 3.74, 15.44
    population = p * g / (q - 1)  # FH 2013 eq. (5) at x = 0: the population mean
    assert expected_spend(0, 0.0, p, q, g) == pytest.approx(population, rel=1e-12)
    weight = p * 2 / (p * 2 + q - 1)  # hand, x = 2, z̄ = 22.35
    hand = (1 - weight) * population + weight * 22.35
    assert expected_spend(2, 22.35, p, q, g) == pytest.approx(hand, rel=1e-12)
    assert expected_spend(0, 0.0, p, 0.8, g) == math.inf  # q ≤ 1: no finite mean spend


def test_gamma_gamma_refuses_repeat_buyers_without_positive_spend() -> None:
    with pytest.raises(InputError, match="monetary: element 1"):
        gamma_gamma_fit([1, 2], [10.0, 0.0])
    with pytest.raises(InputError, match="no customer has a repeat purchase"):
        gamma_gamma_fit([0, 0], [0.0, 0.0])
    with pytest.raises(InputError, match="frequency has 2 values but monetary has 1"):
        gamma_gamma_fit([1, 2], [10.0])


def test_gamma_gamma_extreme_spend_is_finite() -> None:
    fit = gamma_gamma_fit([1, 500, 3, 2, 1], [1e-6, 1e6, 20.0, 35.0, 12.0])
    assert all(math.isfinite(v) for v in fit.params.values())
    assert math.isfinite(fit.log_likelihood)
    spend = expected_spend([500, 1], [1e6, 1e-6], **fit.params)
    # finite where p·x + q > 1 (FH 2013 eq. 5); otherwise the mean does not exist: inf
    exists = fit["p"] * np.array([500, 1]) + fit["q"] > 1
    assert np.all(np.isfinite(spend) == exists)


# --- sBG -----------------------------------------------------------------------------------

# Fader & Hardie (2007), "How to project customer retention": fits to years 0–7
PAPER = {"regular": (0.704, 1.182), "high_end": (0.668, 3.806)}


@pytest.mark.parametrize("cohort", ["regular", "high_end"])
def test_sbg_reproduces_fader_hardie_2007(cohort: str) -> None:
    survivors = _cohorts()[cohort]
    fit = sbg_fit(survivors[:8])  # years 0–7, as in the paper
    assert fit.converged, fit.message
    alpha, beta = PAPER[cohort]
    assert fit["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert fit["beta"] == pytest.approx(beta, abs=5e-4)
    assert fit.observations == 7


@pytest.mark.parametrize("cohort", ["regular", "high_end"])
def test_sbg_projects_years_8_to_12_as_the_paper(cohort: str) -> None:
    survivors = _cohorts()[cohort]
    fit = sbg_fit(survivors[:8])
    years = np.arange(8, 13)
    ours = 1000 * sbg_survival(fit["alpha"], fit["beta"], years)
    # the paper's projection is 1000 · S(t) at its published α, β (FH 2007 eq. 4 / fig. 5)
    paper = 1000 * sbg_survival(*PAPER[cohort], years)
    np.testing.assert_allclose(ours, paper, atol=0.6)  # α, β published to 3 decimals
    # and both stay close to what happened: within 4.5 % of the actual survivors (table 1)
    actual = np.array(survivors[8:13])
    assert np.all(np.abs(ours - actual) / actual < 0.045)
    assert np.all(ours < actual)  # the paper notes the slight underprediction


def test_sbg_projected_survivors_regular_cohort() -> None:
    # FH 2007 eq. (4) by the recursion S(t) = S(t−1)(β+t−1)/(α+β+t−1) at α 0.704, β 1.182
    alpha, beta = PAPER["regular"]
    survival, expected = 1.0, []
    for t in range(1, 13):
        survival *= (beta + t - 1) / (alpha + beta + t - 1)
        expected.append(survival)
    np.testing.assert_allclose(sbg_survival(alpha, beta, np.arange(1, 13)), expected, rtol=1e-12)
    np.testing.assert_allclose(
        sbg_retention(alpha, beta, np.arange(1, 13)),
        [(beta + t - 1) / (alpha + beta + t - 1) for t in range(1, 13)],
        rtol=1e-15,
    )


def test_sbg_log_likelihood_by_hand() -> None:
    # α = β = 1: P(T=1) = 1/2, P(T=2) = 1/6, S(2) = 1/3 (FH 2007 eqs. 1 and 4)
    expected = 369 * math.log(1 / 2) + 163 * math.log(1 / 6) + 468 * math.log(1 / 3)
    assert sbg_log_likelihood([1000, 631, 468], 1.0, 1.0) == pytest.approx(expected, rel=1e-12)


def test_sbg_fits_shares_like_counts() -> None:
    counts = _cohorts()["regular"][:8]
    shares = sbg_fit([c / 1000 for c in counts])
    fit = sbg_fit(counts)
    assert shares["alpha"] == pytest.approx(fit["alpha"], rel=1e-5)
    assert shares["beta"] == pytest.approx(fit["beta"], rel=1e-5)


def test_discounted_lifetime_is_the_sum_it_stands_for() -> None:
    alpha, beta, d = 0.704, 1.182, 0.1
    for renewals in (0, 3):
        start = sbg_survival(alpha, beta, renewals)
        brute = sum(
            sbg_survival(alpha, beta, renewals + k) / start / (1 + d) ** k for k in range(4000)
        )
        assert sbg_discounted_lifetime(alpha, beta, d, renewals) == pytest.approx(brute, rel=1e-9)


def test_discounted_lifetime_with_constant_churn_is_clv_subscriptions_timing() -> None:
    # α, β → ∞ with β / (α + β) = 0.95: every customer churns with 5 %; kpi-spec §1 gives
    # (1 + d) / (d + churn) for payment at the start of each period
    big = 1e7
    value = sbg_discounted_lifetime(0.05 * big, 0.95 * big, 0.01)
    assert value == pytest.approx(1.01 / (0.01 + 0.05), rel=1e-4)


def test_undiscounted_lifetime() -> None:
    # d = 0: Σ S(n+k)/S(n) = (α + β + n − 1) / (α − 1) for α > 1; infinite for α ≤ 1
    assert sbg_discounted_lifetime(2.5, 3.0, 0.0) == pytest.approx(4.5 / 1.5, rel=1e-12)
    assert sbg_discounted_lifetime(0.704, 1.182, 0.0) == math.inf


def test_sbg_bad_series_name_the_element() -> None:
    with pytest.raises(InputError, match=r"element 2 is 700\.0"):
        sbg_fit([1000, 600, 700])
    with pytest.raises(InputError, match="first value"):
        sbg_fit([0, 0])
    with pytest.raises(InputError, match="at least two"):
        sbg_fit([1000])
    with pytest.raises(InputError, match="periods"):
        sbg_retention(0.7, 1.2, 0)


def test_sbg_degenerate_cohorts_report_instead_of_raising() -> None:
    nobody_left = sbg_fit([1000, 1000, 1000])
    assert not nobody_left.converged and "bound" in nobody_left.message
    assert all(math.isfinite(v) for v in nobody_left.params.values())


def test_sbg_survival_far_out_is_finite() -> None:
    value = sbg_survival([0.01, 0.704, 500.0], [1e-3, 1.182, 1e4], 1e6)
    assert np.all(np.isfinite(value)) and np.all((value >= 0) & (value <= 1))


def test_discounted_lifetime_for_large_parameters_where_hyp2f1_fails() -> None:
    # scipy.special.hyp2f1(1, 5, 3005, 1/1.01) is NaN; the plain sum is not
    brute = 0.0
    survival = 1.0
    for k in range(2000):  # S(k)/S(0) = Π (β + j)/(α + β + j), discounted 1.01^−k
        brute += survival / 1.01**k
        survival *= (5.0 + k) / (3005.0 + k)
    assert sbg_discounted_lifetime(3000.0, 5.0, 0.01) == pytest.approx(brute, rel=1e-12)
