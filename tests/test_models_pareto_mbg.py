"""Pareto/NBD, MBG/NBD and the purchase-count distributions: published and peer-tested
CDNOW results, independent references, extreme customers."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate
from scipy.special import betaln, gammaln

from retention_xl.errors import InputError
from retention_xl.models import (
    bgnbd_purchases_pmf,
    expected_purchases,
    mbgnbd_expected_purchases,
    mbgnbd_fit,
    mbgnbd_log_likelihood,
    mbgnbd_p_alive,
    mbgnbd_purchases_pmf,
    p_alive,
    pareto_nbd_expected_purchases,
    pareto_nbd_fit,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    pareto_nbd_purchases_pmf,
)

DATA = Path(__file__).parent / "data"
# Fader, Hardie & Lee (2005), "A note on deriving the Pareto/NBD model and related
# expressions", and lifetimes' ParetoNBDFitter test: CDNOW, weeks
PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
# the BTYD walkthrough (Dziurzynski, Wadsworth & McCarthy): its CDNOW fit, four digits
BTYD_PARETO = {"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562}
# R's BTYDplus via lifetimes' ModifiedBetaGeoFitter test, CDNOW
MBG = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
# Fader, Hardie & Lee (2005), section 4
BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def _cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with (DATA / "cdnow_customers_summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return (
        np.array([float(r["frequency"]) for r in rows]),
        np.array([float(r["recency"]) for r in rows]),
        np.array([float(r["T"]) for r in rows]),
    )


@pytest.fixture(scope="module")
def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _cdnow()


def _log_integral(log_f: object, lo: float, hi: float, scale: float) -> float:
    """ln ∫_lo^hi e^{log_f(τ)} dτ by adaptive quadrature, breaking the range at lo + scale·10^k
    (where a sharply falling integrand has its mass) and at its largest value on a grid."""
    grid = np.linspace(lo, hi, 2001)
    values = np.array([log_f(v) for v in grid])  # type: ignore[operator]
    top = float(values.max())
    peak = float(grid[int(values.argmax())])
    points = sorted(
        {v for v in [peak, *(lo + scale * 10.0**k for k in range(-3, 4))] if lo < v < hi}
    )
    value, _ = integrate.quad(
        lambda v: math.exp(log_f(v) - top),  # type: ignore[operator]
        lo,
        hi,
        points=points or None,
        limit=2000,
        epsabs=0,
        epsrel=1e-12,
    )
    return math.log(value) + top


def _reference_pareto(
    x: float, t_x: float, t: float, r: float, alpha: float, s: float, beta: float
) -> tuple[float, float]:
    """ln L and P(alive) from the model's definition (FHL note, eqs. 12–18): alive at T, or
    gone at τ ∈ (t_x, T], integrated numerically over τ — no hypergeometric function."""
    m = r + x
    common = math.lgamma(m) - math.lgamma(r) + r * math.log(alpha) + s * math.log(beta)
    alive = -m * math.log(alpha + t) - s * math.log(beta + t)
    if t > t_x:
        log_d = _log_integral(
            lambda v: -m * math.log(alpha + v) - (s + 1) * math.log(beta + v),
            t_x,
            t,
            (alpha + t_x) / max(m, 1e-9),
        )
        gone = math.log(s) + log_d
    else:
        gone = -math.inf
    both = float(np.logaddexp(alive, gone))
    return common + both, math.exp(alive - both)


def test_pareto_nbd_fit_reproduces_fader_hardie_lee_2005_note_on_cdnow(cdnow) -> None:
    fit = pareto_nbd_fit(*cdnow)
    assert fit.converged, fit.message
    for name in ("r", "alpha", "s"):  # published to three decimals
        assert fit[name] == pytest.approx(PARETO[name], abs=5e-4), name
    # the likelihood is flat along β: its maximum is at 11.6679 (BFGS to a gradient of
    # 1e-8), one unit in the third decimal from the published 11.669, whose
    # log-likelihood is lower (BTYD's walkthrough stops at 11.6562)
    assert fit["beta"] == pytest.approx(PARETO["beta"], abs=1.5e-3)
    assert fit.log_likelihood > pareto_nbd_log_likelihood(*cdnow, **PARETO)
    assert fit.log_likelihood == pytest.approx(-9595.0, abs=0.05)  # FHL: LL −9595.0
    assert fit.observations == 2357
    # the reported log-likelihood is the closed form's at the fitted parameters
    assert fit.log_likelihood == pytest.approx(
        pareto_nbd_log_likelihood(*cdnow, **fit.params), rel=1e-12
    )


def test_pareto_nbd_fit_is_a_maximum(cdnow) -> None:
    fit = pareto_nbd_fit(*cdnow)
    for name in fit.params:
        for factor in (0.99, 1.01):
            moved = dict(fit.params, **{name: fit[name] * factor})
            assert pareto_nbd_log_likelihood(*cdnow, **moved) < fit.log_likelihood


@pytest.mark.parametrize(
    "params",
    [PARETO, {"r": 2.0, "alpha": 0.5, "s": 3.0, "beta": 40.0}, {"r": 0.1, "alpha": 50.0,
     "s": 0.2, "beta": 0.3}],
)  # fmt: skip
def test_pareto_nbd_log_likelihood_equals_the_integral_written_out(cdnow, params) -> None:
    # both ₂F₁ branches (α < β, α > β) against the definition integrated numerically, on
    # the distinct CDNOW patterns (2,357 customers condense to fewer)
    x, t_x, t = cdnow
    rows, counts = np.unique(np.column_stack([x, t_x, t]), axis=0, return_counts=True)
    expected = sum(
        c * _reference_pareto(*row, **params)[0]
        for row, c in zip(rows.tolist(), counts, strict=True)
    )
    assert pareto_nbd_log_likelihood(x, t_x, t, **params) == pytest.approx(expected, rel=1e-10)


PARETO_GRID = [
    (r, alpha, s, beta)
    for r in (0.05, 0.55, 5.0)
    for alpha, beta in ((10.578, 11.669), (11.669, 10.578), (0.01, 50.0), (50.0, 0.01), (3.0, 3.0))
    for s in (0.05, 0.606, 4.0)
]
CUSTOMERS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (7, 1.0, 100.0), (60, 50.0, 52.0), (1, 0, 0.5)]


@pytest.mark.parametrize(("r", "alpha", "s", "beta"), PARETO_GRID)
def test_pareto_nbd_p_alive_matches_numerical_integration(
    r: float, alpha: float, s: float, beta: float
) -> None:
    # α ≷ β, equal, z = |α − β| / (max + t_x) near 1: the closed form where scipy's hyp2f1
    # is trusted, the quadrature elsewhere — both must equal the definition
    for x, t_x, t in CUSTOMERS:
        expected = _reference_pareto(x, t_x, t, r, alpha, s, beta)[1]
        got = pareto_nbd_p_alive(x, t_x, t, r, alpha, s, beta)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-300), (x, t_x, t)


def test_pareto_nbd_p_alive_matches_btyd_walkthrough() -> None:
    # BTYD walkthrough p. 8 (and lifetimes' test): x 26, t_x 30.86, T 31 → 0.9979
    alive = pareto_nbd_p_alive(26, 30.86, 31.0, **BTYD_PARETO)
    assert alive == pytest.approx(0.9979, abs=5e-5)


def test_pareto_nbd_conditional_expectation_matches_btyd_walkthrough(cdnow) -> None:
    # BTYD walkthrough (and lifetimes' test): the same customer buys 25.46 in 52 weeks
    fit = pareto_nbd_fit(*cdnow)
    assert pareto_nbd_expected_purchases(52, 26, 30.86, 31, **fit.params) == pytest.approx(
        25.46, abs=5e-3
    )


def test_pareto_nbd_expected_purchases_new_customer_is_smc_eq_17() -> None:
    # FHL note eq. (17): E[X(t)] = rβ/(α(s−1)) [1 − (β/(β+t))^(s−1)], by hand
    r, alpha, s, beta = PARETO.values()
    for t in (1.0, 39.0, 78.0):
        hand = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
        assert pareto_nbd_expected_purchases(t, 0, 0, 0, **PARETO) == pytest.approx(hand, rel=1e-13)
    # s = 1 is the limit rβ/α · ln(1 + t/β)
    hand = 0.5 * 3.0 / 2.0 * math.log1p(10 / 3.0)
    assert pareto_nbd_expected_purchases(10, 0, 0, 0, 0.5, 2.0, 1.0, 3.0) == pytest.approx(hand)


def test_pareto_nbd_expectation_is_continuous_for_a_small_change_of_frequency() -> None:
    # lifetimes' underflow test: x = 132 and 133 at t_x = T = 200 give 6.2060517889632418
    # and 6.2528722475748113 there
    left, right = pareto_nbd_expected_purchases(10, [132, 133], 200, 200, 0.55, 10.58, 0.61, 11.67)
    assert left == pytest.approx(6.2060517889632418, rel=1e-9)
    assert right == pytest.approx(6.2528722475748113, rel=1e-9)


def _reference_pareto_pmf(n: int, t: float, r: float, alpha: float, s: float, beta: float) -> float:
    """FHL note eq. (19)'s derivation, integrated numerically: alive through t with n
    purchases, or gone at τ < t after n purchases."""
    log_choose = math.lgamma(r + n) - math.lgamma(r) - math.lgamma(n + 1)
    alive = (
        log_choose
        + r * math.log(alpha / (alpha + t))
        + n * math.log(t / (alpha + t))
        + s * math.log(beta / (beta + t))
    )
    log_j = _log_integral(
        lambda v: (
            n * math.log(v) - (r + n) * math.log(alpha + v) - (s + 1) * math.log(beta + v)
            if v > 0
            else (-math.inf if n else -(r * math.log(alpha) + (s + 1) * math.log(beta)))
        ),
        0.0,
        t,
        min(alpha, beta, t) / 10,
    )
    gone = math.log(s) + s * math.log(beta) + r * math.log(alpha) + log_choose + log_j
    return float(np.exp(np.logaddexp(alive, gone)))


@pytest.mark.parametrize(
    "params", [PARETO, {"r": 2.0, "alpha": 0.5, "s": 3.0, "beta": 40.0}, {"r": 0.3,
     "alpha": 40.0, "s": 1.5, "beta": 0.2}],
)  # fmt: skip
def test_pareto_nbd_pmf_matches_numerical_integration(params: dict[str, float]) -> None:
    for n in (0, 1, 3, 12):
        for t in (0.5, 39.0, 500.0):
            expected = _reference_pareto_pmf(n, t, **params)
            got = pareto_nbd_purchases_pmf(n, t, 0, 0, 0, **params)
            assert got == pytest.approx(expected, rel=1e-9), (n, t)


@pytest.mark.parametrize(
    ("x", "t_x", "age"), [(0, 0.0, 0.0), (0, 0.0, 38.86), (2, 30.43, 38.86), (30, 38.0, 38.86)]
)
def test_pareto_nbd_pmf_sums_to_one_and_its_mean_is_the_expectation(
    x: int, t_x: float, age: float
) -> None:
    n = np.arange(600)
    for horizon in (1.0, 39.0, 104.0):
        pmf = pareto_nbd_purchases_pmf(n, horizon, x, t_x, age, **PARETO)
        assert np.all(pmf >= 0)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
        mean = pareto_nbd_expected_purchases(horizon, x, t_x, age, **PARETO)
        assert np.dot(n, pmf) == pytest.approx(mean, rel=1e-8)
    # nothing happens in no time
    assert pareto_nbd_purchases_pmf([0, 1], 0.0, x, t_x, age, **PARETO).tolist() == [1.0, 0.0]


def test_pareto_nbd_conditional_pmf_mixes_alive_and_gone() -> None:
    # a long-silent customer: P(Y(t) = 0) is P(gone) plus P(alive) · P(no purchase | alive)
    alive = pareto_nbd_p_alive(3, 2.0, 78.0, **PARETO)
    zero = pareto_nbd_purchases_pmf(0, 39, 3, 2.0, 78.0, **PARETO)
    fresh = pareto_nbd_purchases_pmf(0, 39, 0, 0, 0, PARETO["r"] + 3, PARETO["alpha"] + 78,
                                     PARETO["s"], PARETO["beta"] + 78)  # fmt: skip
    assert zero == pytest.approx(1 - alive + alive * fresh, rel=1e-12)


HEAVY = [
    (x, t_x, age)
    for x in (0, 1, 50, 500, 5000)
    for age in (0.01, 1.0, 38.86, 1000.0, 1e4)
    for t_x in ((0.0,) if x == 0 else (0.01 * age, age))
]


@pytest.mark.parametrize(
    "params", [PARETO, {"r": 10.465, "alpha": 7.98565181e-03, "s": 3.0516, "beta": 2.820},
     {"r": 1e-8, "alpha": 1e8, "s": 1e-8, "beta": 1e8}, {"r": 1e8, "alpha": 1e-8, "s": 1e8,
     "beta": 1e-8}],
)  # fmt: skip
def test_pareto_nbd_extreme_customers_give_finite_results(params: dict[str, float]) -> None:
    # heavy buyers (x in the thousands, T large) and lifetimes' overflow cases
    # (r 10.465, α 0.008, s 3.05, β 2.82) and parameters on the fit's bounds
    x, t_x, age = (np.array(v, dtype="float64") for v in zip(*HEAVY, strict=True))
    alive = pareto_nbd_p_alive(x, t_x, age, **params)
    assert np.all(np.isfinite(alive)) and np.all((alive >= 0) & (alive <= 1))
    purchases = pareto_nbd_expected_purchases(39.0, x, t_x, age, **params)
    assert np.all(np.isfinite(purchases)) and np.all(purchases >= 0)
    pmf = pareto_nbd_purchases_pmf(2, 39.0, x, t_x, age, **params)
    assert np.all(np.isfinite(pmf)) and np.all((pmf >= 0) & (pmf <= 1))
    assert math.isfinite(pareto_nbd_log_likelihood(x, t_x, age, **params))


def test_pareto_nbd_heavy_buyer_at_the_end_is_alive_and_a_gone_one_is_not() -> None:
    assert pareto_nbd_p_alive(5000, 1e4, 1e4, **PARETO) == 1.0  # seen at the very end
    gone = pareto_nbd_p_alive(5000, 10.0, 1e4, **PARETO)
    assert 0 <= gone < 1e-100 and math.isfinite(gone)


def test_pareto_nbd_fit_with_extreme_customers_and_degenerate_data_never_raises(cdnow) -> None:
    x, t_x, t = cdnow
    heavy = pareto_nbd_fit(np.r_[x, 5000, 500], np.r_[t_x, 0.01, 1e4], np.r_[t, 1e4, 1e4])
    assert all(math.isfinite(v) for v in heavy.params.values())
    assert math.isfinite(heavy.log_likelihood)
    nobody_returns = pareto_nbd_fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    assert not nobody_returns.converged
    assert "no customer bought again" in nobody_returns.message


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (([-1], [0], [1]), "frequency"),
        (([1.5], [1], [2]), "frequency"),
        (([1], [3], [2]), "recency"),
        (([0], [5], [10]), "recency: element 0 is 5.0 but its frequency is 0"),
        (([1], [1], [np.nan]), "age"),
    ],
)
def test_bad_summaries_name_the_argument(args: tuple[list[float], ...], named: str) -> None:
    for function in (pareto_nbd_fit, mbgnbd_fit):
        with pytest.raises(InputError, match=named):
            function(*args)
    with pytest.raises(InputError, match=named):
        pareto_nbd_p_alive(*args, **PARETO)
    with pytest.raises(InputError, match=named):
        mbgnbd_p_alive(*args, **MBG)


def test_bad_parameters_and_counts_name_the_argument() -> None:
    with pytest.raises(InputError, match="beta"):
        pareto_nbd_p_alive(1, 1, 2, 0.5, 10.0, 0.6, 0.0)
    with pytest.raises(InputError, match="n: element 0"):
        pareto_nbd_purchases_pmf(1.5, 39, 0, 0, 0, **PARETO)
    with pytest.raises(InputError, match="horizon"):
        mbgnbd_purchases_pmf(1, -1, 0, 0, 0, **MBG)


# --- MBG/NBD ------------------------------------------------------------------------------


def _reference_mbg_log_likelihood(
    x: np.ndarray, t_x: np.ndarray, t: np.ndarray, r: float, alpha: float, a: float, b: float
) -> float:
    """Batislam, Denizel & Filiztekin (2007) eq. (2), customer by customer with math.lgamma."""
    total = 0.0
    for xi, txi, ti in zip(x.tolist(), t_x.tolist(), t.tolist(), strict=True):
        common = math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha)
        first = (
            common + float(betaln(a, b + xi + 1) - betaln(a, b)) - (r + xi) * math.log(alpha + ti)
        )
        second = (
            common + float(betaln(a + 1, b + xi) - betaln(a, b)) - (r + xi) * math.log(alpha + txi)
        )
        total += math.log(math.exp(first) + math.exp(second))
    return total


def test_mbgnbd_fit_reproduces_lifetimes_modified_beta_geo_test_on_cdnow(cdnow) -> None:
    # lifetimes' test_params_out_is_close_to_BTYDplus: r 0.525, α 6.183, a 0.891, b 1.614
    fit = mbgnbd_fit(*cdnow)
    assert fit.converged, fit.message
    for name, value in MBG.items():
        assert fit[name] == pytest.approx(value, abs=5e-4), name
    assert fit.log_likelihood == pytest.approx(mbgnbd_log_likelihood(*cdnow, **fit.params))
    # the extra dropout chance buys little on CDNOW: within 0.3 of the BG/NBD's −9582.4
    assert fit.log_likelihood == pytest.approx(-9582.1, abs=0.05)


def test_mbgnbd_log_likelihood_equals_the_formula_written_out(cdnow) -> None:
    for params in (MBG, {"r": 1.3, "alpha": 0.7, "a": 2.5, "b": 0.4}):
        expected = _reference_mbg_log_likelihood(*cdnow, **params)
        assert mbgnbd_log_likelihood(*cdnow, **params) == pytest.approx(expected, rel=1e-10)


def test_mbgnbd_fit_is_a_maximum(cdnow) -> None:
    fit = mbgnbd_fit(*cdnow)
    for name in fit.params:
        for factor in (0.99, 1.01):
            moved = dict(fit.params, **{name: fit[name] * factor})
            assert mbgnbd_log_likelihood(*cdnow, **moved) < fit.log_likelihood


def test_mbgnbd_p_alive_is_below_one_for_one_time_buyers(cdnow) -> None:
    # lifetimes' test_conditional_probability_alive_returns_lessthan_1_if_no_repeat_purchases
    assert mbgnbd_p_alive(0, 0, 1, **MBG) < 1.0
    assert p_alive(0, 0, 1, **BGNBD) == 1.0  # the BG/NBD's cannot be gone
    # just acquired: survived the first dropout chance with probability b / (a + b)
    assert mbgnbd_p_alive(0, 0, 0, **MBG) == pytest.approx(MBG["b"] / (MBG["a"] + MBG["b"]))
    # hand, customer 1: 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))
    hand = 1 / (1 + 0.891 / 3.614 * (45.043 / 36.613) ** 2.525)
    assert mbgnbd_p_alive(2, 30.43, 38.86, **MBG) == pytest.approx(hand, rel=1e-12)
    alive = mbgnbd_p_alive(*cdnow, **MBG)
    assert np.all((alive > 0) & (alive < 1))


def _quad_mbg_expected(
    t: float, x: float, t_x: float, age: float, r: float, alpha: float, a: float, b: float
) -> float:
    """Alive at T: λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x+1); purchases in (T, T+t] have mean
    E_p[(1 − (1 + pt/(α+T))^−(r+x)) / p], integrated over p; times P(alive) by its
    definition."""
    beta_ = b + x + 1

    def integrand(u: float) -> float:
        p = u ** (1 / a)
        growth = (r + x) * t / (alpha + age)
        if p > 0:
            growth = -math.expm1(-(r + x) * math.log1p(p * t / (alpha + age))) / p
        return math.exp((beta_ - 1) * math.log1p(-p) - betaln(a, beta_)) * growth / a

    mean = a / (a + beta_)
    breaks = sorted({min(mean * f, 0.999) ** a for f in (0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0)})
    value, _ = integrate.quad(integrand, 0, 1, limit=400, points=breaks, epsrel=1e-11)
    odds = math.log(a / (b + x)) + (r + x) * math.log((alpha + age) / (alpha + t_x))
    return float(value) / (1 + math.exp(odds))


@pytest.mark.parametrize("params", [MBG, {"r": 2.0, "alpha": 0.5, "a": 3.5, "b": 0.7}])
def test_mbgnbd_expected_purchases_match_numerical_integration(params) -> None:
    for t, x, t_x, age in [(39, 2, 30.43, 38.86), (39, 0, 0, 38.86), (1, 0, 0, 0),
                           (500, 60, 10, 100), (0.5, 500, 1000, 1000)]:  # fmt: skip
        expected = _quad_mbg_expected(t, x, t_x, age, **params)
        got = mbgnbd_expected_purchases(t, x, t_x, age, **params)
        assert got == pytest.approx(expected, rel=1e-7), (t, x, t_x, age)


def test_mbgnbd_new_customer_expectation_is_bdf_eq_3() -> None:
    # BDF (2007) eq. (3): E[X(t)] = b/(a−1) [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))]
    from scipy.special import hyp2f1

    r, alpha, a, b = MBG.values()
    for t in (1.0, 39.0, 78.0):
        z = t / (alpha + t)
        hand = b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b, z))
        assert mbgnbd_expected_purchases(t, 0, 0, 0, **MBG) == pytest.approx(hand, rel=1e-10)


@pytest.mark.parametrize(("x", "t_x", "age"), [(0, 0.0, 0.0), (0, 0.0, 38.86), (2, 30.43, 38.86)])
def test_mbgnbd_pmf_sums_to_one_and_its_mean_is_the_expectation(x, t_x, age) -> None:
    n = np.arange(800)
    for horizon in (1.0, 39.0, 104.0):
        pmf = mbgnbd_purchases_pmf(n, horizon, x, t_x, age, **MBG)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
        mean = mbgnbd_expected_purchases(horizon, x, t_x, age, **MBG)
        assert np.dot(n, pmf) == pytest.approx(mean, rel=1e-9)


def test_mbgnbd_new_customer_pmf_is_gone_at_once_or_a_bgnbd_customer() -> None:
    # BDF (2007): with probability a/(a+b) the customer drops out at the first purchase
    r, alpha, a, b = MBG.values()
    bg = bgnbd_purchases_pmf([0, 1, 5], 39, 0, 0, 0, r, alpha, a, b + 1)
    expected = b / (a + b) * bg + a / (a + b) * np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(mbgnbd_purchases_pmf([0, 1, 5], 39, 0, 0, 0, **MBG), expected,
                               rtol=1e-13)  # fmt: skip


@pytest.mark.parametrize(
    "params", [MBG, {"r": 1e-8, "alpha": 1e8, "a": 1e-8, "b": 1e8},
     {"r": 1e8, "alpha": 1e-8, "a": 1e8, "b": 1e-8}],
)  # fmt: skip
def test_mbgnbd_extreme_customers_give_finite_results(params) -> None:
    x, t_x, age = (np.array(v, dtype="float64") for v in zip(*HEAVY, strict=True))
    for result in (
        mbgnbd_p_alive(x, t_x, age, **params),
        mbgnbd_expected_purchases(39.0, x, t_x, age, **params),
        mbgnbd_purchases_pmf(3, 39.0, x, t_x, age, **params),
    ):
        assert np.all(np.isfinite(result)) and np.all(result >= 0)
    assert math.isfinite(mbgnbd_log_likelihood(x, t_x, age, **params))


# --- BG/NBD P(X(t) = n) -------------------------------------------------------------------


def test_bgnbd_pmf_equals_btyd_bgnbd_pmf() -> None:
    # R's BTYD bgnbd.pmf at FHL's CDNOW parameters (lifetimes' test): P(X(2) = 10),
    # P(X(39) = 0) and P(X(30) = 11 … 20), printed to 6, 7 and 10 digits
    assert bgnbd_purchases_pmf(10, 2, 0, 0, 0, **BGNBD) == pytest.approx(1.07869e-07, abs=5e-13)
    assert bgnbd_purchases_pmf(0, 39, 0, 0, 0, **BGNBD) == pytest.approx(0.5737864, abs=5e-8)
    expected = [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260]  # fmt: skip
    got = bgnbd_purchases_pmf(np.arange(11, 21), 30, 0, 0, 0, **BGNBD)
    np.testing.assert_allclose(got, expected, rtol=0, atol=5e-11)


def test_bgnbd_pmf_equals_fhl_eq_8_written_out() -> None:
    # eq. (8) with the finite sum of the negative binomial, by hand (fine where it is not
    # a small difference of numbers near 1)
    r, alpha, a, b = BGNBD.values()
    for n, t in [(0, 5.0), (1, 5.0), (3, 39.0), (7, 78.0)]:
        q = alpha / (alpha + t)

        def nb(j: int, q: float = q) -> float:
            return math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1)) * q**r * (1 - q) ** j

        hand = math.exp(betaln(a, b + n) - betaln(a, b)) * nb(n)
        if n:
            tail = 1 - sum(nb(j) for j in range(n))
            hand += math.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * tail
        assert bgnbd_purchases_pmf(n, t, 0, 0, 0, **BGNBD) == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize(
    ("x", "t_x", "age"), [(0, 0.0, 38.86), (2, 30.43, 38.86), (50, 5.0, 38.86)]
)
def test_bgnbd_conditional_pmf_sums_to_one_and_its_mean_is_the_expectation(x, t_x, age) -> None:
    n = np.arange(800)
    for horizon in (1.0, 39.0, 104.0):
        pmf = bgnbd_purchases_pmf(n, horizon, x, t_x, age, **BGNBD)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
        mean = expected_purchases(horizon, x, t_x, age, **BGNBD)
        assert np.dot(n, pmf) == pytest.approx(mean, rel=1e-9)


def test_bgnbd_pmf_for_extreme_customers_is_finite() -> None:
    x, t_x, age = (np.array(v, dtype="float64") for v in zip(*HEAVY, strict=True))
    for params in (BGNBD, (1e-8, 1e8, 1e-8, 1e8), (1e8, 1e-8, 1e8, 1e-8)):
        args = params.values() if isinstance(params, dict) else params
        pmf = bgnbd_purchases_pmf(np.array([0.0, 1.0, 5000.0])[:, None], 39.0, x, t_x, age, *args)
        assert np.all(np.isfinite(pmf)) and np.all((pmf >= 0) & (pmf <= 1))
