"""BG/NBD and CLV: the published CDNOW results, independent references, extreme customers."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate
from scipy.special import betaln

from retention_xl.errors import InputError
from retention_xl.models import (
    bgnbd_fit,
    bgnbd_log_likelihood,
    clv_bgnbd,
    expected_purchases,
    expected_purchases_new,
    expected_spend,
    p_alive,
)

DATA = Path(__file__).parent / "data"
# Fader, Hardie & Lee (2005), section 4 and kpi-spec §3: the published CDNOW fit
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def _cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with (DATA / "cdnow_customers_summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return (
        np.array([float(r["frequency"]) for r in rows]),
        np.array([float(r["recency"]) for r in rows]),
        np.array([float(r["T"]) for r in rows]),
    )


def _log_beta(u: float, v: float) -> float:
    return math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)


def _reference_log_likelihood(
    x: np.ndarray, t_x: np.ndarray, t: np.ndarray, r: float, alpha: float, a: float, b: float
) -> float:
    """FHL (2005) eq. (6) written out directly with math.lgamma, customer by customer."""
    total = 0.0
    for xi, txi, ti in zip(x.tolist(), t_x.tolist(), t.tolist(), strict=True):
        common = math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha)
        a1 = common - (r + xi) * math.log(alpha + ti) + _log_beta(a, b + xi) - _log_beta(a, b)
        likelihood = math.exp(a1)
        if xi > 0:
            a2 = (
                common
                - (r + xi) * math.log(alpha + txi)
                + _log_beta(a + 1, b + xi - 1)
                - _log_beta(a, b)
            )
            likelihood += math.exp(a2)
        total += math.log(likelihood)
    return total


def _quad_expected(
    t: float, x: float, t_x: float, age: float, r: float, alpha: float, a: float, b: float
) -> float:
    """Independent reference: given alive at T with λ ~ Gamma(r+x, α+T) and
    p ~ Beta(a, b+x), purchases in (T, T+t] have mean E_p[(1 − E_λ e^{−λpt}) / p]
    = E_p[(1 − (1 + pt/(α+T))^{−(r+x)}) / p], integrated numerically over p, times P(alive)
    from its plain definition A1 / (A1 + A2)."""

    def integrand(u: float) -> float:
        # p = u^(1/a) removes the p^(a−1) singularity at 0: p^(a−1) dp = du / a
        p = u ** (1 / a)
        growth = (r + x) * t / (alpha + age)  # the limit of the bracket / p at p = 0
        if p > 0:
            growth = -math.expm1(-(r + x) * math.log1p(p * t / (alpha + age))) / p
        return math.exp((b + x - 1) * math.log1p(-p) - betaln(a, b + x)) * growth / a

    mean = a / (a + b + x)  # the Beta's mass sits around its mean: break the range there
    breaks = sorted({min(mean * f, 0.999) ** a for f in (0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0)})
    value, _ = integrate.quad(integrand, 0, 1, limit=400, points=breaks, epsrel=1e-10)
    if x == 0:
        return float(value)
    odds = math.log(a) - math.log(b + x - 1) + (r + x) * math.log((alpha + age) / (alpha + t_x))
    return float(value) / (1 + math.exp(odds))


def test_fit_reproduces_fader_hardie_lee_2005_on_cdnow() -> None:
    fit = bgnbd_fit(*_cdnow())
    assert fit.converged, fit.message
    for name, value in PUBLISHED.items():  # published to three decimals
        assert fit[name] == pytest.approx(value, abs=5e-4), name
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)  # FHL 2005: LL −9582.4
    assert fit.observations == 2357


def test_log_likelihood_equals_the_formula_written_out() -> None:
    x, t_x, t = _cdnow()
    for params in (PUBLISHED, {"r": 1.3, "alpha": 0.7, "a": 2.5, "b": 0.4}):
        expected = _reference_log_likelihood(x, t_x, t, **params)
        assert bgnbd_log_likelihood(x, t_x, t, **params) == pytest.approx(expected, rel=1e-10)


def test_fit_is_a_maximum() -> None:
    x, t_x, t = _cdnow()
    fit = bgnbd_fit(x, t_x, t)
    for name in fit.params:
        for factor in (0.99, 1.01):
            moved = dict(fit.params, **{name: fit[name] * factor})
            assert bgnbd_log_likelihood(x, t_x, t, **moved) < fit.log_likelihood


def test_customer_1_of_cdnow_paper_values() -> None:
    # kpi-spec §3 / FHL 2005: customer 1 (x=2, t_x=30.43, T=38.86): E[X(39)] 1.226, P 0.727
    assert expected_purchases(39, 2, 30.43, 38.86, **PUBLISHED) == pytest.approx(1.226, abs=5e-4)
    assert p_alive(2, 30.43, 38.86, **PUBLISHED) == pytest.approx(0.727, abs=5e-4)


def test_p_alive_is_one_without_repeat_purchases_and_a_probability_otherwise() -> None:
    x, t_x, t = _cdnow()
    alive = p_alive(x, t_x, t, **PUBLISHED)
    assert np.all(alive[x == 0] == 1.0)  # FHL 2008 note: x = 0 customers cannot have dropped
    assert np.all((alive >= 0) & (alive <= 1))
    # hand, customer 1: 1 / (1 + 0.793/3.426 · (43.274/34.844)^2.243)
    hand = 1 / (1 + 0.793 / 3.426 * (43.274 / 34.844) ** 2.243)
    assert alive[0] == pytest.approx(hand, rel=1e-12)


GRID = [
    (t, x, tx, age)
    for x in (0, 1, 2, 7, 60, 500)
    for age in (0.01, 1.0, 38.86, 1000.0)
    for tx in ((age,) if x else (0.0,))
    for t in (0.5, 39.0, 2000.0)
]


@pytest.mark.parametrize(
    "params",
    [
        PUBLISHED,
        {"r": 2.0, "alpha": 0.5, "a": 3.5, "b": 0.7},
        {"r": 0.1, "alpha": 30.0, "a": 0.3, "b": 0.5},
    ],
)
def test_expected_purchases_match_numerical_integration(params: dict[str, float]) -> None:
    for t, x, tx, age in GRID:
        expected = _quad_expected(t, x, tx, age, **params)
        got = expected_purchases(t, x, tx, age, **params)
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-12), (t, x, tx, age)


def _logit_reference(
    t: float, x: float, age: float, r: float, alpha: float, a: float, b: float
) -> float:
    """E[Y(t) | alive] by adaptive quadrature in y = logit(p), where p ~ Beta(a, b + x) has
    the density exp(a y − (a + b + x) log(1 + e^y) − ln B(a, b + x)) — exact for any a, b,
    also where the density in p is a narrow spike (a, b in the millions)."""
    beta, m, s = b + x, r + x, t / (alpha + age)
    mode, width = math.log(a / beta), math.sqrt(1 / a + 1 / beta)
    norm = betaln(a, beta)

    def integrand(y: float) -> float:
        p = 1 / (1 + math.exp(-y))
        density = math.exp(a * y - (a + beta) * np.logaddexp(0.0, y) - norm)
        return density * -math.expm1(-m * math.log1p(p * s)) / p

    low, high = mode - 60 / a - 30 * width, mode + 60 / beta + 30 * width
    breaks = [mode + k * width for k in (-8, -4, -2, -1, 0, 1, 2, 4, 8)]
    value, _ = integrate.quad(
        integrand,
        low,
        high,
        points=[v for v in breaks if low < v < high],
        limit=1000,
        epsabs=0,
        epsrel=1e-10,
    )
    return float(value)


@pytest.mark.parametrize(
    ("a", "b"), [(5.0, 0.5), (30.0, 2.4), (3000.0, 30000.0), (1.85e6, 1.7e7), (0.8, 1e6)]
)
def test_expected_purchases_where_the_hypergeometric_fails(a: float, b: float) -> None:
    # large a, b (nearly the same dropout probability for everyone; the sample shop fits
    # a 1.85e6, b 1.7e7): scipy's hyp2f1 gives NaN there, the quadrature must not
    for t, x, age in [(39.0, 0, 38.86), (39.0, 2, 38.86), (1000.0, 500, 0.01), (0.5, 2e4, 1e3)]:
        expected = _logit_reference(t, x, age, 0.243, 4.414, a, b)
        recency = age if x else 0.0  # the last purchase at the end; 0 without repeat purchases
        got = expected_purchases(t, x, recency, age, 0.243, 4.414, a, b)
        alive = p_alive(x, recency, age, 0.243, 4.414, a, b)
        assert got == pytest.approx(alive * expected, rel=1e-6), (t, x, age)


def test_expected_purchases_at_a_equal_to_one() -> None:
    # the closed form is 0/0 at a = 1; the integral has no such problem
    for t, x, tx, age in [(39.0, 2, 30.43, 38.86), (10.0, 0, 0.0, 5.0), (39.0, 50, 20.0, 20.0)]:
        expected = _quad_expected(t, x, tx, age, 0.243, 4.414, 1.0, 2.426)
        got = expected_purchases(t, x, tx, age, 0.243, 4.414, 1.0, 2.426)
        assert got == pytest.approx(expected, rel=1e-6)


def test_expected_purchases_new_is_the_conditional_at_zero() -> None:
    # FHL 2005 eq. (9) equals eq. (10) at x = 0, T = 0; checked against the integral
    for t in (1.0, 39.0, 78.0):
        expected = _quad_expected(t, 0, 0.0, 0.0, **PUBLISHED)
        assert expected_purchases_new(t, **PUBLISHED) == pytest.approx(expected, rel=1e-7)


def test_extreme_customers_give_finite_results() -> None:
    # issue 9: frequency 500, recency = age, ages 0.01 … 10,000
    ages = np.array([0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0])
    x = np.full(ages.size, 500.0)
    alive = p_alive(x, ages, ages, **PUBLISHED)
    purchases = expected_purchases(39.0, x, ages, ages, **PUBLISHED)
    value = clv_bgnbd(
        39.0, x, ages, ages, 25.0, **PUBLISHED, p=6.25, q=3.74, gamma=15.44, discount_rate=0.01
    )
    for result in (alive, purchases, value):
        assert np.all(np.isfinite(result))
    assert np.all((alive > 0) & (alive <= 1))
    # a heavy buyer seen today buys about (r + x)/(α + T) per unit at first: more than 0
    assert np.all(purchases > 0)
    assert np.isfinite(bgnbd_log_likelihood(x, ages, ages, **PUBLISHED))
    # long-gone heavy buyer: P(alive) tiny but not 0 or NaN
    gone = p_alive(500, 0.01, 10000.0, **PUBLISHED)
    assert 0 <= gone < 1e-100 and math.isfinite(gone)


def test_fit_with_extreme_customers_and_degenerate_data_never_raises() -> None:
    x, t_x, t = _cdnow()
    heavy = bgnbd_fit(np.r_[x, 500, 500], np.r_[t_x, 0.01, 10000], np.r_[t, 0.01, 10000])
    assert all(math.isfinite(v) for v in heavy.params.values())
    assert math.isfinite(heavy.log_likelihood)
    nobody_returns = bgnbd_fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    assert not nobody_returns.converged  # rate → 0: a parameter runs to its bound
    assert "no customer bought again" in nobody_returns.message


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (([-1], [0], [1]), "frequency"),
        (([1.5], [1], [2]), "frequency"),
        (([1], [3], [2]), "recency"),
        (([1], [1], [-2]), "age"),
        (([1], [1], [np.nan]), "age"),
    ],
)
def test_bad_summaries_name_the_argument(args: tuple[list[float], ...], named: str) -> None:
    with pytest.raises(InputError, match=named):
        p_alive(*args, **PUBLISHED)
    with pytest.raises(InputError, match=named):
        bgnbd_fit(*args)


def test_bad_parameters_name_the_parameter() -> None:
    with pytest.raises(InputError, match="alpha"):
        p_alive(1, 1, 2, r=0.2, alpha=0.0, a=0.8, b=2.4)
    with pytest.raises(InputError, match="horizon"):
        expected_purchases(-1, 1, 1, 2, **PUBLISHED)


def test_clv_without_discount_is_margin_times_spend_times_purchases() -> None:
    spend = expected_spend(2, 22.35, 6.25, 3.74, 15.44)
    purchases = expected_purchases(39, 2, 30.43, 38.86, **PUBLISHED)
    value = clv_bgnbd(
        39, 2, 30.43, 38.86, 22.35, **PUBLISHED, p=6.25, q=3.74, gamma=15.44, gross_margin=0.3
    )
    assert value == pytest.approx(0.3 * spend * purchases, rel=1e-12)


def test_clv_discounts_each_period_at_its_end() -> None:
    # hand: sum over k = 1..3 of (E[Y(k)] − E[Y(k−1)]) / 1.01^k, then a half period to 3.5
    args = (2, 30.43, 38.86)
    cumulative = [expected_purchases(k, *args, **PUBLISHED) for k in (0, 1, 2, 3, 3.5)]
    discounted = sum(
        (cumulative[i] - cumulative[i - 1]) / 1.01 ** [1, 2, 3, 3.5][i - 1] for i in range(1, 5)
    )
    spend = expected_spend(2, 22.35, 6.25, 3.74, 15.44)
    value = clv_bgnbd(
        3.5, *args, 22.35, **PUBLISHED, p=6.25, q=3.74, gamma=15.44, discount_rate=0.01
    )
    assert value == pytest.approx(spend * discounted, rel=1e-12)


def test_clv_refuses_absurd_horizons() -> None:
    with pytest.raises(InputError, match="horizon"):
        clv_bgnbd(1e6, 1, 1, 2, 10, **PUBLISHED, p=6.25, q=3.74, gamma=15.44)


@pytest.mark.parametrize(
    "params",
    [
        (1e-8, 1e-8, 1e-8, 1e-8),
        (1e8, 1e8, 1e8, 1e8),
        (1e-8, 1e8, 1e-8, 1e8),
        (1e8, 1e-8, 1e8, 1e-8),
    ],
)
def test_parameters_on_the_fit_bounds_give_finite_forecasts(
    params: tuple[float, float, float, float],
) -> None:
    # a fit that ends on its bounds (1e-8 … 1e8) must still give numbers, not NaN
    horizon, x, t_x, age = [0.0, 39.0, 1e4], [0, 5, 500], [0, 3, 10], [0.01, 10, 1e4]
    assert np.all(np.isfinite(expected_purchases(horizon, x, t_x, age, *params)))
    assert np.all(np.isfinite(p_alive(x, t_x, age, *params)))


def test_recency_without_repeat_purchases_is_refused() -> None:
    # issue 15 item 12: frequency 0 with recency 5 was silently read as recency 0; lifetimes
    # refuses it too (a customer without repeat purchases has t_x = 0 by definition)
    with pytest.raises(InputError, match=r"recency: element 1 is 5.0 but its frequency is 0"):
        p_alive([2, 0], [30.43, 5.0], [38.86, 38.86], 0.243, 4.414, 0.793, 2.426)
