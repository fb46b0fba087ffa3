"""BG/BB (discrete opportunities) and the beta-discrete-Weibull (contract renewals): the
published fits and spreadsheets, peer reproductions, references written out, bad and
extreme input."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import betaln

from retention_xl.errors import InputError
from retention_xl.models import (
    bdw_fit,
    bdw_log_likelihood,
    bdw_retention,
    bdw_survival,
    bgbb_expected_purchases,
    bgbb_fit,
    bgbb_log_likelihood,
    bgbb_p_alive,
    bgbb_purchases_pmf,
    sbg_fit,
    sbg_log_likelihood,
    sbg_retention,
    sbg_survival,
)

DATA = Path(__file__).parent / "data"
# Fader, Hardie & Shang (2010), table 2: the 1995 donor cohort, 1996–2001
PAPER = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}


@pytest.fixture(scope="module")
def donations() -> tuple[np.ndarray, ...]:
    with (DATA / "donations.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        np.array([float(r[c]) for r in rows])
        for c in ("frequency", "recency", "periods", "weights")
    )


@pytest.fixture(scope="module")
def donations_fit(donations):
    return bgbb_fit(*donations)


def _cohorts() -> dict[str, list[float]]:
    with (DATA / "sbg_fader_hardie_2007.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return {
        "regular": [float(r["regular_alive"]) for r in rows],
        "high_end": [float(r["high_end_alive"]) for r in rows],
    }


# --- BG/BB --------------------------------------------------------------------------------


def test_bgbb_fit_reproduces_fader_hardie_shang_2010_table_2(donations, donations_fit) -> None:
    fit = donations_fit
    assert fit.converged, fit.message
    for name, value in PAPER.items():  # published to three decimals
        assert fit[name] == pytest.approx(value, abs=5e-4), name
    assert fit.log_likelihood == pytest.approx(-33225.6, abs=0.05)  # FHS 2010: −33,225.6
    assert fit.observations == 11104  # the donors, from the 22 patterns' weights


def _reference_log_likelihood(x: float, t_x: float, n: float, a: float, b: float, g: float,
                              d: float) -> float:  # fmt: skip
    """FHS (2010) eq. (5) term by term with plain exponentials of betaln."""
    base = betaln(a, b) + betaln(g, d)
    value = math.exp(betaln(a + x, b + n - x) + betaln(g, d + n) - base)
    for i in range(int(n - t_x)):
        value += math.exp(betaln(a + x, b + t_x - x + i) + betaln(g + 1, d + t_x + i) - base)
    return math.log(value)


@pytest.mark.parametrize("params", [PAPER, {"alpha": 0.3, "beta": 5.0, "gamma": 4.0, "delta": 0.2}])
def test_bgbb_log_likelihood_equals_eq_5_written_out(donations, params) -> None:
    x, t_x, n, w = donations
    expected = sum(
        wi * _reference_log_likelihood(xi, ti, ni, *params.values())
        for xi, ti, ni, wi in zip(x, t_x, n, w, strict=True)
    )
    got = bgbb_log_likelihood(x, t_x, n, **params, weights=w)
    assert got == pytest.approx(expected, rel=1e-12)


def test_bgbb_fit_is_a_maximum(donations, donations_fit) -> None:
    x, t_x, n, w = donations
    for name in donations_fit.params:
        for factor in (0.99, 1.01):
            moved = dict(donations_fit.params, **{name: donations_fit[name] * factor})
            assert bgbb_log_likelihood(x, t_x, n, **moved, weights=w) < donations_fit.log_likelihood


def test_bgbb_fit_with_and_without_weights_agree(donations, donations_fit) -> None:
    # lifetimes' test_fit_with_and_without_weights: the 11,104 donors one row each
    x, t_x, n, w = donations
    rows = np.repeat(np.arange(x.size), w.astype(int))
    fit = bgbb_fit(x[rows], t_x[rows], n[rows])
    for name in PAPER:
        assert fit[name] == pytest.approx(donations_fit[name], rel=1e-5)


def test_bgbb_p_alive_reproduces_fader_hardie_shang_2010_table_6(donations, donations_fit) -> None:
    # table 6, P(alive in 2002): last donation 1995 with none in 1996–2001 0.11, two
    # donations the last in 1999 0.59, six donations 0.93
    x, t_x, n, _ = donations
    alive = bgbb_p_alive(x, t_x, n, **donations_fit.params)
    pick = {(0, 0): 0.11, (2, 4): 0.59, (6, 6): 0.93}
    for (xi, ti), value in pick.items():
        row = np.flatnonzero((x == xi) & (t_x == ti))[0]
        assert alive[row] == pytest.approx(value, abs=5e-3), (xi, ti)
    assert np.all((alive > 0) & (alive < 1))


def test_bgbb_p_alive_by_hand() -> None:
    # eq. (11), one opportunity, one transaction, α = β = γ = δ = 1: L = 1/4 (alive through
    # 1 and bought) and P(alive in 2) = B(2, 1) B(1, 3) / (B(1, 1) B(1, 1)) / L = 1/6 · 4
    assert bgbb_p_alive(1, 1, 1, 1.0, 1.0, 1.0, 1.0) == pytest.approx(2 / 3, rel=1e-14)


def test_bgbb_conditional_expectation_matches_hardie_spreadsheet(donations, donations_fit) -> None:
    # Hardie's BG/BB spreadsheet (note 010), "Conditional Expectations (II)", sum of column F:
    # 12,884.2 repeat donations expected in 2002–2006 from the cohort (lifetimes' test)
    x, t_x, n, w = donations
    expected = bgbb_expected_purchases(5, x, t_x, n, **donations_fit.params)
    assert np.dot(w, expected) == pytest.approx(12884.2, abs=0.05)


def test_bgbb_expected_purchases_equal_the_sum_over_future_opportunities() -> None:
    # E = Σ_{k=1}^{n*} P(alive at n+k, transact) — the sum eq. (13) is the closed form of —
    # by hand, for γ on both sides of and at 1 (where the closed form is 0/0), and far
    # ahead (n* = 20,000: the closed form)
    a, b, d = 1.2, 0.75, 2.78
    for g in (0.657, 1.0 - 1e-9, 1.0, 1.0 + 1e-6, 3.0):
        log_l = _reference_log_likelihood(2, 4, 6, a, b, g, d)
        for future in (1, 5, 20_000):
            k = np.arange(1, future + 1)
            terms = betaln(a + 3, b + 4) - betaln(a, b) + betaln(g, d + 6 + k) - betaln(g, d)
            hand = float(np.exp(terms - log_l).sum())
            got = bgbb_expected_purchases(future, 2, 4, 6, a, b, g, d)
            assert got == pytest.approx(hand, rel=1e-10), (g, future)
    assert bgbb_expected_purchases(0, 2, 4, 6, a, b, 0.657, d) == 0.0


def test_bgbb_pmf_matches_hardie_in_sample_fit(donations_fit) -> None:
    # Hardie's BG/BB spreadsheet, "In-Sample Fit", cells C18 and C24: 3,454.9 donors
    # expected with no repeat donation in 1996–2001 and 1,253.1 with six (lifetimes' test)
    pmf = bgbb_purchases_pmf(np.arange(7), 6, **donations_fit.params)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-13)
    assert 11104 * pmf[0] == pytest.approx(3454.9, abs=0.05)
    assert 11104 * pmf[6] == pytest.approx(1253.1, abs=0.05)


def test_bgbb_pmf_mean_is_the_expected_transactions_of_a_new_customer() -> None:
    # E[X(m)] = α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+m)/(Γ(γ+δ+m)Γ(1+δ))] (FHS eq. 9);
    # by hand from the survival sum: Σ_{k=1}^{m} α/(α+β) · B(γ, δ+k)/B(γ, δ)
    a, b, g, d = PAPER.values()
    for m in (1, 6, 30):
        pmf = bgbb_purchases_pmf(np.arange(m + 1), m, a, b, g, d)
        k = np.arange(1, m + 1)
        mean = a / (a + b) * np.exp(betaln(g, d + k) - betaln(g, d)).sum()
        assert np.dot(np.arange(m + 1), pmf) == pytest.approx(mean, rel=1e-12)
    assert bgbb_purchases_pmf(7, 6, a, b, g, d) == 0.0  # more transactions than chances


def test_bgbb_extreme_histories_and_parameters_are_finite() -> None:
    # daily opportunities over years, heavy and silent customers, parameters on the bounds
    x = np.array([0, 1, 500, 3000, 3650, 2])
    t_x = np.array([0, 1, 3650, 3000, 3650, 10])
    n = np.full(6, 3650)
    for params in (PAPER.values(), (1e-8, 1e8, 1e-8, 1e8), (1e8, 1e-8, 1e8, 1e-8), (1e-8,) * 4):
        alive = bgbb_p_alive(x, t_x, n, *params)
        assert np.all(np.isfinite(alive)) and np.all((alive >= 0) & (alive <= 1))
        future = bgbb_expected_purchases(365, x, t_x, n, *params)
        assert np.all(np.isfinite(future)) and np.all(future >= 0)
        assert math.isfinite(bgbb_log_likelihood(x, t_x, n, *params))
    fit = bgbb_fit(x, t_x, n)
    assert all(math.isfinite(v) for v in fit.params.values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1], [7], [6]), "recency: element 0 is 7.0, later than its 6 opportunities"),
        (([3], [2], [6]), "recency: element 0 is 2.0, smaller than its frequency 3"),
        (([0], [2], [6]), "recency: element 0 is 2.0, but its frequency is 0"),
        (([1.5], [2], [6]), "frequency"),
        (([1], [1], [-6]), "opportunities"),
    ],
)
def test_bgbb_impossible_histories_name_the_element(args, message) -> None:
    with pytest.raises(InputError, match=message):
        bgbb_fit(*args)
    with pytest.raises(InputError, match=message):
        bgbb_p_alive(*args, **PAPER)


def test_bgbb_bad_weights_name_the_argument() -> None:
    with pytest.raises(InputError, match=r"weights: element 1 is -2\.0"):
        bgbb_fit([0, 1], [0, 1], [6, 6], [3, -2])
    with pytest.raises(InputError, match="weights has 3 values but there are 2 customers"):
        bgbb_fit([0, 1], [0, 1], [6, 6], [3, 2, 1])
    with pytest.raises(InputError, match="every weight is 0"):
        bgbb_fit([0, 1], [0, 1], [6, 6], [0, 0])


# --- beta-discrete-Weibull ----------------------------------------------------------------

# a peer reproduction of Fader, Hardie, Liu, Davin & Steenburgh (2018) on the Fader & Hardie
# (2007) cohorts (the abdullahau/customer-analytics BdW notebook, scipy's L-BFGS-B):
# α, β, c and LL, four decimals; years 0–4 and years 0–12
PEER = {
    ("regular", 5): (0.5231, 0.8944, 1.1963, -1401.3831),
    ("high_end", 5): (0.2593, 1.7225, 1.5844, -1222.7493),
    ("regular", 13): (0.5083, 0.8688, 1.2094, -1930.9297),
    ("high_end", 13): (0.2496, 1.6542, 1.5968, -2004.8169),
}
# the same notebook's sBG fits to years 0–4 (LL with c = 1)
PEER_SBG = {"regular": -1401.5594, "high_end": -1225.1349}


@pytest.mark.parametrize(("cohort", "years"), list(PEER))
def test_bdw_fit_reproduces_the_peer_fits_of_fhlds_2018(cohort: str, years: int) -> None:
    fit = bdw_fit(_cohorts()[cohort][:years])
    assert fit.converged, fit.message
    alpha, beta, c, log_l = PEER[(cohort, years)]
    # the peer's optimiser stopped within 1e-4 of the maximum on α, β
    assert fit["alpha"] == pytest.approx(alpha, abs=1.5e-4)
    assert fit["beta"] == pytest.approx(beta, abs=1.5e-4)
    assert fit["c"] == pytest.approx(c, abs=1.5e-4)
    assert fit.log_likelihood == pytest.approx(log_l, abs=5e-5)
    assert fit.observations == years - 1


@pytest.mark.parametrize("cohort", ["regular", "high_end"])
def test_bdw_nests_the_sbg(cohort: str) -> None:
    # c = 1 is the sBG: the BdW fit is at least as good, and on years 0–4 the notebook's
    # sBG log-likelihoods are reproduced by the sBG fit
    survivors = _cohorts()[cohort][:5]
    sbg = sbg_fit(survivors)
    assert sbg.log_likelihood == pytest.approx(PEER_SBG[cohort], abs=5e-5)
    assert bdw_fit(survivors).log_likelihood >= sbg.log_likelihood
    assert bdw_log_likelihood(survivors, sbg["alpha"], sbg["beta"], 1.0) == pytest.approx(
        sbg.log_likelihood, rel=1e-13
    )


def test_bdw_with_c_equal_to_one_is_the_sbg() -> None:
    # FHLDS 2018: c = 1 turns the discrete Weibull into the geometric: S, r_t and LL are
    # the sBG's of Fader & Hardie (2007)
    survivors = _cohorts()["regular"][:8]
    for alpha, beta in ((0.704, 1.182), (0.668, 3.806), (5.0, 0.3)):
        t = np.arange(0, 30)
        np.testing.assert_allclose(
            bdw_survival(alpha, beta, 1.0, t), sbg_survival(alpha, beta, t), rtol=1e-13
        )
        np.testing.assert_allclose(
            bdw_retention(alpha, beta, 1.0, t[1:]), sbg_retention(alpha, beta, t[1:]), rtol=1e-13
        )
        assert bdw_log_likelihood(survivors, alpha, beta, 1.0) == pytest.approx(
            sbg_log_likelihood(survivors, alpha, beta), rel=1e-13
        )


def test_bdw_log_likelihood_by_hand() -> None:
    # S(t) = B(α, β + t^c)/B(α, β); LL = Σ lost_t ln(S(t−1) − S(t)) + n_T ln S(T)
    survivors = [1000, 631, 468, 382]
    a, b, c = 0.5, 0.9, 1.3
    s = [math.exp(betaln(a, b + t**c) - betaln(a, b)) for t in range(4)]
    hand = sum((survivors[t - 1] - survivors[t]) * math.log(s[t - 1] - s[t]) for t in (1, 2, 3))
    hand += survivors[3] * math.log(s[3])
    assert bdw_log_likelihood(survivors, a, b, c) == pytest.approx(hand, rel=1e-13)


def test_bdw_fit_recovers_the_parameters_of_an_exact_cohort() -> None:
    # a cohort of 10^9 that churns exactly as the model says: the fit returns the model
    alpha, beta, c = 0.8, 2.5, 0.6
    survivors = 1e9 * bdw_survival(alpha, beta, c, np.arange(0, 15))
    fit = bdw_fit(survivors)
    assert fit.converged, fit.message
    assert [fit[n] for n in ("alpha", "beta", "c")] == pytest.approx([alpha, beta, c], rel=1e-5)


def test_bdw_retention_can_dip_before_it_rises() -> None:
    # FHLDS 2018: with c > 1 individual churn rises with tenure, and the cohort's
    # retention curve can fall at first before the mix of loyal customers lifts it
    rates = bdw_retention(1.0, 2.0, 2.5, np.arange(1, 30))
    assert rates[1] < rates[0] and rates[-1] > rates[np.argmin(rates)]
    # and with c < 1 it only rises
    assert np.all(np.diff(bdw_retention(0.7, 1.2, 0.5, np.arange(1, 30))) > 0)


def test_bdw_extremes_are_finite_and_degenerate_cohorts_report() -> None:
    value = bdw_survival([0.01, 0.704, 500.0], [1e-3, 1.182, 1e4], [1e-8, 1.0, 1e8], 1e6)
    assert np.all(np.isfinite(value)) and np.all((value >= 0) & (value <= 1))
    nobody_left = bdw_fit([1000, 1000, 1000, 1000])
    assert not nobody_left.converged and "no customer churned" in nobody_left.message
    assert all(math.isfinite(v) for v in nobody_left.params.values())


def test_bdw_bad_input_names_the_argument() -> None:
    with pytest.raises(InputError, match=r"element 2 is 700\.0"):
        bdw_fit([1000, 600, 700])
    with pytest.raises(InputError, match="c: element 0"):
        bdw_survival(0.7, 1.2, 0.0, 3)
    with pytest.raises(InputError, match="periods"):
        bdw_retention(0.7, 1.2, 1.0, 0)
