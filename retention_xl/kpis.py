"""Period KPIs of customer retention as pure numpy functions.

One idea: each KPI of the retention guides (kpi-spec §1) as an elementwise, broadcasting
function. Imports only numpy, :mod:`retention_xl.errors` and :mod:`retention_xl.dates`.

Conventions shared by every function here:

- Results are **fractions** (0.60 means 60 %), never percentages.
- Scalars in give a Python ``float`` out; any array in gives an array of the broadcast shape.
- An undefined result (a zero denominator) is NaN, computed without a numpy warning; NaN in
  an input propagates to NaN in the result.
- Impossible values (negative counts, more customers retained than there were, a churn rate
  outside [0, 1], infinities) raise :class:`~retention_xl.errors.InputError` naming the
  argument, the rule and the value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from .dates import to_serial_days
from .errors import InputError

__all__ = [
    "BUDGET_BANDS",
    "DAYS_PER",
    "active_customers",
    "arpc",
    "average_order_value",
    "churn_rate",
    "clv",
    "clv_subscription",
    "loyal_customer_rate",
    "net_revenue_churn",
    "purchase_frequency",
    "repeat_customer_rate",
    "retention_budget_share",
    "retention_rate",
    "revenue_churn",
]

Result = Any  # float for scalar inputs, numpy.ndarray otherwise


# --------------------------------------------------------------------------- helpers
_F = TypeVar("_F", bound=Callable[..., Any])


def _quiet(function: _F) -> _F:
    """Run a KPI with numpy's overflow and underflow warnings off: a result beyond the
    float range is ±inf (Excel shows #NUM!), never a warning (inputs near 1e308)."""

    @functools.wraps(function)
    def quiet(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(over="ignore", under="ignore"):
            return function(*args, **kwargs)

    return quiet  # type: ignore[return-value]


def _array(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array (a copy is never written to the caller's data)."""
    try:
        arr = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be numeric (a number or an array of numbers); got {value!r}."
        ) from None
    if np.any(np.isinf(arr)):
        _raise(name, "must be finite", arr, np.isinf(arr))
    return arr


def _raise(name: str, rule: str, values: np.ndarray, bad: np.ndarray) -> None:
    flat_bad = np.broadcast_to(bad, values.shape).ravel()
    position = int(np.flatnonzero(flat_bad)[0])
    value = values.ravel()[position]
    where = "" if values.ndim == 0 else f" at position {position}"
    raise InputError(f"{name} {rule}; got {value:g}{where}.")


def _require(bad: np.ndarray, name: str, rule: str, values: np.ndarray) -> None:
    if np.any(bad):
        _raise(name, rule, np.broadcast_to(values, np.shape(bad)), bad)


def _nonnegative(arr: np.ndarray, name: str, what: str) -> None:
    _require(arr < 0, name, f"must be ≥ 0 ({what})", arr)


def _fraction(arr: np.ndarray, name: str, what: str) -> None:
    _require(
        (arr < 0) | (arr > 1),
        name,
        f"must be a fraction between 0 and 1 ({what}; write 5 % as 0.05)",
        arr,
    )


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` with NaN where the denominator is 0, and no warning."""
    num, den = np.broadcast_arrays(numerator, denominator)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _result(values: np.ndarray, *inputs: ArrayLike) -> Result:
    if all(np.ndim(x) == 0 for x in inputs):
        return float(values)
    return values


# --------------------------------------------------------------------------- customers
@_quiet
def retention_rate(
    customers_start: ArrayLike,
    customers_end: ArrayLike,
    new_customers: ArrayLike,
    reactivated: ArrayLike = 0,
) -> Result:
    """Customer retention rate: the share of the period's starting customers still there at its end.

    .. math:: CRR = \\frac{E - N - R}{S}

    with *S* customers at the start, *E* at the end, *N* new customers won during the period
    and *R* former customers reactivated during it (0 unless you track them; they were not
    among *S*, so they are not "retained").

    Parameters
    ----------
    customers_start : array_like
        *S*, customers at the start of the period (≥ 0).
    customers_end : array_like
        *E*, customers at the end of the period (≥ 0).
    new_customers : array_like
        *N*, customers acquired during the period (≥ 0).
    reactivated : array_like, optional
        *R*, returning former customers, default 0.

    Returns
    -------
    float or ndarray
        The retention rate as a fraction in [0, 1]; NaN when *S* = 0.

    Raises
    ------
    InputError
        For negative counts, or when E − N − R is negative or larger than S (more customers
        retained than there were at the start).

    Notes
    -----
    Source: the German Kundenbindung guides' "Kundenbindungsrate" (kpi-spec §1); worked
    example S = 1000, E = 1100, N = 500 → 0.60.

    Examples
    --------
    >>> retention_rate(1000, 1100, 500)
    0.6
    >>> retention_rate([1000, 0], [1100, 5], [500, 5])
    array([0.6, nan])
    """
    s = _array(customers_start, "customers_start")
    e = _array(customers_end, "customers_end")
    n = _array(new_customers, "new_customers")
    r = _array(reactivated, "reactivated")
    for arr, name in (
        (s, "customers_start"),
        (e, "customers_end"),
        (n, "new_customers"),
        (r, "reactivated"),
    ):
        _nonnegative(arr, name, "a number of customers")
    retained = e - n - r
    _require(
        retained < 0,
        "customers_end",
        "must be at least new_customers + reactivated",
        np.broadcast_to(e, retained.shape),
    )
    _require(
        retained > s,
        "customers_end",
        "minus new_customers and reactivated cannot exceed customers_start",
        np.broadcast_to(e, retained.shape),
    )
    return _result(_divide(retained, s), customers_start, customers_end, new_customers, reactivated)


@_quiet
def churn_rate(
    customers_lost: ArrayLike,
    customers_start: ArrayLike,
    new_customers: ArrayLike | None = None,
) -> Result:
    """Customer churn rate: the share of customers lost during the period.

    .. math:: \\text{churn} = \\frac{L}{S} \\quad\\text{or, with new customers given,}\\quad
              \\frac{L}{S + N}

    The first (default) form divides by the customers at the start; the second is the
    "start plus new" convention of some billing tools, which counts customers who joined and
    left within the period. Pass ``new_customers`` to choose it.

    Parameters
    ----------
    customers_lost : array_like
        *L*, customers lost during the period (≥ 0).
    customers_start : array_like
        *S*, customers at the start (≥ 0).
    new_customers : array_like, optional
        *N*; when given the denominator is S + N.

    Returns
    -------
    float or ndarray
        Churn as a fraction in [0, 1]; NaN for a zero denominator.

    Raises
    ------
    InputError
        For negative counts or more customers lost than the denominator holds.

    Notes
    -----
    Source: kpi-spec §1 (lost 11 of 100 → 0.11).

    Examples
    --------
    >>> churn_rate(11, 100)
    0.11
    >>> churn_rate(11, 100, 10)
    0.1
    """
    lost = _array(customers_lost, "customers_lost")
    s = _array(customers_start, "customers_start")
    _nonnegative(lost, "customers_lost", "a number of customers")
    _nonnegative(s, "customers_start", "a number of customers")
    base = s
    inputs: tuple[ArrayLike, ...] = (customers_lost, customers_start)
    if new_customers is not None:
        n = _array(new_customers, "new_customers")
        _nonnegative(n, "new_customers", "a number of customers")
        base = s + n
        inputs = (*inputs, new_customers)
    limit = "customers_start + new_customers" if new_customers is not None else "customers_start"
    _require(
        lost > base,
        "customers_lost",
        f"cannot exceed {limit}",
        np.broadcast_to(lost, np.broadcast_shapes(lost.shape, base.shape)),
    )
    return _result(_divide(lost, base), *inputs)


# --------------------------------------------------------------------------- revenue churn
@_quiet
def revenue_churn(mrr_lost: ArrayLike, mrr_start: ArrayLike) -> Result:
    """Gross revenue (MRR) churn: recurring revenue lost from existing customers.

    .. math:: \\text{gross MRR churn} = \\frac{MRR_{churn} + MRR_{contraction}}{MRR_{start}}

    Parameters
    ----------
    mrr_lost : array_like
        MRR lost during the period through cancellations and downgrades (≥ 0).
    mrr_start : array_like
        MRR at the start of the period (≥ 0).

    Returns
    -------
    float or ndarray
        A fraction in [0, 1]; NaN when ``mrr_start`` is 0.

    Raises
    ------
    InputError
        For negative amounts or more MRR lost than there was at the start.

    Notes
    -----
    Source: kpi-spec §1 and §4 (lost 20 of 100 → 0.20). Expansion does not offset gross churn;
    see :func:`net_revenue_churn`.

    Examples
    --------
    >>> revenue_churn(20, 100)
    0.2
    """
    lost = _array(mrr_lost, "mrr_lost")
    start = _array(mrr_start, "mrr_start")
    _nonnegative(lost, "mrr_lost", "an amount of recurring revenue")
    _nonnegative(start, "mrr_start", "an amount of recurring revenue")
    _require(
        lost > start,
        "mrr_lost",
        "cannot exceed mrr_start",
        np.broadcast_to(lost, np.broadcast_shapes(lost.shape, start.shape)),
    )
    return _result(_divide(lost, start), mrr_lost, mrr_start)


@_quiet
def net_revenue_churn(
    mrr_churned: ArrayLike,
    mrr_contraction: ArrayLike,
    mrr_expansion: ArrayLike,
    mrr_start: ArrayLike,
    mrr_reactivation: ArrayLike = 0,
) -> Result:
    """Net revenue (MRR) churn: lost recurring revenue net of expansion and reactivation.

    .. math:: \\frac{MRR_{churn} + MRR_{contraction} - MRR_{expansion}
              - MRR_{reactivation}}{MRR_{start}}

    Negative values mean "net negative churn": existing customers grew revenue.

    Parameters
    ----------
    mrr_churned : array_like
        MRR of customers who cancelled (≥ 0).
    mrr_contraction : array_like
        MRR lost through downgrades (≥ 0).
    mrr_expansion : array_like
        MRR gained from upgrades of existing customers (≥ 0).
    mrr_start : array_like
        MRR at the start of the period (≥ 0).
    mrr_reactivation : array_like, optional
        MRR won back from former customers, default 0.

    Returns
    -------
    float or ndarray
        A fraction ≤ 1 (may be negative); NaN when ``mrr_start`` is 0.

    Raises
    ------
    InputError
        For negative amounts, or churned + contraction larger than ``mrr_start``.

    Notes
    -----
    Source: kpi-spec §1 and §4 (churn 10, contraction 10, expansion 10 of 100 → 0.10).

    Examples
    --------
    >>> net_revenue_churn(10, 10, 10, 100)
    0.1
    >>> net_revenue_churn(5, 0, 20, 100)
    -0.15
    """
    names = ("mrr_churned", "mrr_contraction", "mrr_expansion", "mrr_start", "mrr_reactivation")
    raw = (mrr_churned, mrr_contraction, mrr_expansion, mrr_start, mrr_reactivation)
    churned, contraction, expansion, start, reactivation = (
        _array(value, name) for value, name in zip(raw, names, strict=True)
    )
    for arr, name in zip(
        (churned, contraction, expansion, start, reactivation), names, strict=True
    ):
        _nonnegative(arr, name, "an amount of recurring revenue")
    lost = churned + contraction
    _require(
        lost > start,
        "mrr_churned",
        "plus mrr_contraction cannot exceed mrr_start",
        np.broadcast_to(churned, np.broadcast_shapes(lost.shape, start.shape)),
    )
    net = lost - expansion - reactivation
    return _result(_divide(net, start), *raw)


# --------------------------------------------------------------------------- orders
@_quiet
def repeat_customer_rate(returning_customers: ArrayLike, total_customers: ArrayLike) -> Result:
    """Repeat-customer rate: the share of customers who bought again.

    .. math:: \\frac{\\text{returning customers}}{\\text{total customers}}

    Parameters
    ----------
    returning_customers : array_like
        Customers with more than one purchase in the period considered (≥ 0).
    total_customers : array_like
        All customers of that period (≥ 0).

    Returns
    -------
    float or ndarray
        A fraction in [0, 1]; NaN when there are no customers.

    Raises
    ------
    InputError
        For negative counts or more returning customers than customers.

    Notes
    -----
    Source: kpi-spec §1 (3 of 12 → 0.25).

    Examples
    --------
    >>> repeat_customer_rate(3, 12)
    0.25
    """
    returning = _array(returning_customers, "returning_customers")
    total = _array(total_customers, "total_customers")
    _nonnegative(returning, "returning_customers", "a number of customers")
    _nonnegative(total, "total_customers", "a number of customers")
    _require(
        returning > total,
        "returning_customers",
        "cannot exceed total_customers",
        np.broadcast_to(returning, np.broadcast_shapes(returning.shape, total.shape)),
    )
    return _result(_divide(returning, total), returning_customers, total_customers)


@_quiet
def loyal_customer_rate(orders_per_customer: ArrayLike, min_orders: ArrayLike = 2) -> Result:
    """Loyal-customer rate: the share of customers with at least ``min_orders`` orders.

    .. math:: \\frac{\\#\\{c : \\text{orders}_c \\ge m\\}}{\\#\\text{customers}}

    ``orders_per_customer`` holds one order count per customer (any shape; it is flattened);
    ``min_orders`` broadcasts, so several thresholds give several rates at once. The default
    *m* = 2 is the guides' "bought more than once".

    Parameters
    ----------
    orders_per_customer : array_like
        Order count of each customer (≥ 0, no NaN: leave customers out instead).
    min_orders : array_like, optional
        Threshold *m* (≥ 1), default 2.

    Returns
    -------
    float or ndarray
        A fraction in [0, 1] of ``min_orders``' shape; NaN when there is no customer.

    Raises
    ------
    InputError
        For negative or missing (NaN) order counts, or ``min_orders`` below 1.

    Notes
    -----
    Source: kpi-spec §1 ({1, 1, 2, 5} → 0.5).

    Examples
    --------
    >>> loyal_customer_rate([1, 1, 2, 5])
    0.5
    >>> loyal_customer_rate([1, 1, 2, 5], [2, 5, 6])
    array([0.5 , 0.25, 0.  ])
    """
    counts = _array(orders_per_customer, "orders_per_customer").ravel()
    _require(
        np.isnan(counts),
        "orders_per_customer",
        "must not contain missing values (NaN); leave such customers out",
        counts,
    )
    _nonnegative(counts, "orders_per_customer", "a number of orders")
    threshold = _array(min_orders, "min_orders")
    _require(threshold < 1, "min_orders", "must be ≥ 1", threshold)
    ordered = np.sort(counts)
    at_least = counts.size - np.searchsorted(ordered, threshold, side="left")
    rate = _divide(at_least.astype("float64"), np.asarray(float(counts.size)))
    rate[np.isnan(threshold)] = np.nan
    return _result(rate, min_orders)


@_quiet
def average_order_value(revenue: ArrayLike, orders: ArrayLike) -> Result:
    """Average order value (AOV): revenue per order.

    .. math:: AOV = \\frac{\\text{revenue}}{\\text{orders}}

    Parameters
    ----------
    revenue : array_like
        Revenue of the period (≥ 0).
    orders : array_like
        Number of orders of the period (≥ 0).

    Returns
    -------
    float or ndarray
        Revenue per order, in the revenue's currency; NaN without orders.

    Notes
    -----
    Source: kpi-spec §1, "durchschnittlicher Bestellwert" of the guides.

    Examples
    --------
    >>> average_order_value(5000, 100)
    50.0
    """
    rev = _array(revenue, "revenue")
    n = _array(orders, "orders")
    _nonnegative(rev, "revenue", "an amount of money")
    _nonnegative(n, "orders", "a number of orders")
    return _result(_divide(rev, n), revenue, orders)


@_quiet
def purchase_frequency(orders: ArrayLike, customers: ArrayLike) -> Result:
    """Purchase frequency: orders per customer in the period.

    .. math:: \\text{frequency} = \\frac{\\text{orders}}{\\text{customers}}

    Parameters
    ----------
    orders : array_like
        Number of orders (≥ 0).
    customers : array_like
        Number of distinct customers who placed them (≥ 0).

    Returns
    -------
    float or ndarray
        Orders per customer; NaN without customers.

    Notes
    -----
    Source: kpi-spec §1, "Kaufhäufigkeit" of the guides.

    Examples
    --------
    >>> purchase_frequency(150, 60)
    2.5
    """
    n = _array(orders, "orders")
    c = _array(customers, "customers")
    _nonnegative(n, "orders", "a number of orders")
    _nonnegative(c, "customers", "a number of customers")
    return _result(_divide(n, c), orders, customers)


@_quiet
def arpc(revenue: ArrayLike, customers: ArrayLike) -> Result:
    """Average revenue per customer (ARPC).

    .. math:: ARPC = \\frac{\\text{revenue}}{\\text{customers}}

    Parameters
    ----------
    revenue : array_like
        Revenue of the period (≥ 0).
    customers : array_like
        Number of customers of the period (≥ 0).

    Returns
    -------
    float or ndarray
        Revenue per customer; NaN without customers.

    Notes
    -----
    Source: kpi-spec §1, "Umsatz pro Kunde" of the guides.

    Examples
    --------
    >>> arpc(12000, 400)
    30.0
    """
    rev = _array(revenue, "revenue")
    c = _array(customers, "customers")
    _nonnegative(rev, "revenue", "an amount of money")
    _nonnegative(c, "customers", "a number of customers")
    return _result(_divide(rev, c), revenue, customers)


@_quiet
def active_customers(
    last_order_dates: ArrayLike, as_of: ArrayLike, window_days: ArrayLike = 90
) -> Result:
    """Active customers: how many customers last ordered within the window ending at ``as_of``.

    .. math:: \\#\\{c : a - w < d_c \\le a\\}

    with *d_c* the date of customer *c*'s last order, *a* = ``as_of`` and *w* =
    ``window_days``: the window holds the *w* calendar days up to and including ``as_of``
    (90 days: ``as_of`` and the 89 days before it). A last order after ``as_of`` is not counted
    (it is not a last order "as of" that day). Times of day are ignored.

    Parameters
    ----------
    last_order_dates : array_like
        One date per customer (numpy datetime64, Python dates or Excel serial numbers; any
        shape, flattened; missing dates NaN/None/NaT are customers who never ordered and are
        not active).
    as_of : array_like
        End of the window, same date types; broadcasts with ``window_days``.
    window_days : array_like, optional
        Window length in days (≥ 1), default 90.

    Returns
    -------
    float or ndarray
        The count (a float, for NaN-safety) in the broadcast shape of ``as_of`` and
        ``window_days``.

    Notes
    -----
    Source: kpi-spec §1, "aktive Kunden" of the guides.

    Examples
    --------
    >>> import numpy as np
    >>> dates = np.array(["2024-01-05", "2024-03-20", "2024-03-31"], dtype="datetime64[D]")
    >>> active_customers(dates, np.datetime64("2024-03-31"), 30)
    2.0
    """
    days = to_serial_days(last_order_dates, name="last_order_dates").ravel()
    days = np.sort(days[~np.isnan(days)])
    end = to_serial_days(as_of, name="as_of")
    window = _array(window_days, "window_days")
    _require(window < 1, "window_days", "must be ≥ 1 day", window)
    end, window = np.broadcast_arrays(end, window)
    missing = np.isnan(end) | np.isnan(window)
    safe_end = np.where(missing, 0.0, end)
    safe_window = np.where(missing, 1.0, np.floor(window))
    upto = np.searchsorted(days, safe_end, side="right")
    before = np.searchsorted(days, safe_end - safe_window, side="right")
    count = np.where(missing, np.nan, upto - before)
    return _result(count, as_of, window_days)


# --------------------------------------------------------------------------- value
@_quiet
def clv(
    average_order_value: ArrayLike,
    purchases_per_customer: ArrayLike,
    acquisition_cost: ArrayLike,
    gross_margin: ArrayLike = 1,
) -> Result:
    """Simple customer lifetime value: margin on expected purchases minus acquisition cost.

    .. math:: CLV = AOV \\times P \\times m - CAC

    The guides write "Bestellwert × Wiederholungskaufrate − Kundenwerbungskosten"; their
    "Wiederholungskaufrate" (repeat-purchase *rate*) is the **expected number of purchases per
    customer over the horizon** *P*, not a percentage, and that is what this function takes.
    With the default margin *m* = 1 the value is revenue-based; give the gross margin (a
    fraction) for a profit-based CLV. No discounting.

    Parameters
    ----------
    average_order_value : array_like
        AOV, revenue per order (≥ 0).
    purchases_per_customer : array_like
        *P*, expected purchases per customer over the horizon (≥ 0).
    acquisition_cost : array_like
        *CAC*, cost of winning one customer (≥ 0).
    gross_margin : array_like, optional
        *m*, a fraction in [0, 1], default 1.

    Returns
    -------
    float or ndarray
        The lifetime value in currency; negative when acquisition costs more than it earns.

    Notes
    -----
    Source: kpi-spec §1 (50 × 4 − 30 → 170).

    Examples
    --------
    >>> clv(50, 4, 30)
    170.0
    >>> clv(50, 4, 30, gross_margin=0.4)
    50.0
    """
    aov = _array(average_order_value, "average_order_value")
    purchases = _array(purchases_per_customer, "purchases_per_customer")
    cac = _array(acquisition_cost, "acquisition_cost")
    margin = _array(gross_margin, "gross_margin")
    _nonnegative(aov, "average_order_value", "an amount of money")
    _nonnegative(purchases, "purchases_per_customer", "a number of purchases")
    _nonnegative(cac, "acquisition_cost", "an amount of money")
    _fraction(margin, "gross_margin", "the share of revenue kept as gross profit")
    return _result(
        aov * purchases * margin - cac,
        average_order_value,
        purchases_per_customer,
        acquisition_cost,
        gross_margin,
    )


@_quiet
def clv_subscription(
    arpa: ArrayLike,
    churn_rate: ArrayLike,
    gross_margin: ArrayLike = 1,
    discount_rate: ArrayLike = 0,
) -> Result:
    """Subscription customer lifetime value from revenue per account and churn.

    .. math:: CLV = m \\cdot ARPA \\cdot \\frac{1 + d}{d + c}

    with churn *c* per period, retention *r* = 1 − *c*, margin *m* and discount rate *d* per
    period. Timing: the customer pays ARPA at the **start** of each period, the first payment
    at once (undiscounted), and stays each further period with probability *r*:
    :math:`\\sum_{t\\ge0} m\\,ARPA\\,r^t/(1+d)^t`. With *d* = 0 this is the familiar
    *m* · ARPA / *c*.

    Parameters
    ----------
    arpa : array_like
        Average revenue per account and period (≥ 0).
    churn_rate : array_like
        *c*, churn per period as a fraction in [0, 1].
    gross_margin : array_like, optional
        *m*, fraction in [0, 1], default 1.
    discount_rate : array_like, optional
        *d*, per period (≥ 0), default 0. Use the rate of the same period as ARPA and churn
        (a monthly rate with monthly ARPA).

    Returns
    -------
    float or ndarray
        Lifetime value in currency; NaN when churn and discount are both 0 (never ends).

    Notes
    -----
    Source: kpi-spec §1 (ARPA 100, churn 0.05 → 2000).

    Examples
    --------
    >>> clv_subscription(100, 0.05)
    2000.0
    >>> round(clv_subscription(100, 0.05, gross_margin=0.8, discount_rate=0.01), 2)
    1346.67
    """
    revenue = _array(arpa, "arpa")
    churn = _array(churn_rate, "churn_rate")
    margin = _array(gross_margin, "gross_margin")
    discount = _array(discount_rate, "discount_rate")
    _nonnegative(revenue, "arpa", "an amount of money per period")
    _fraction(churn, "churn_rate", "the share of customers lost per period")
    _fraction(margin, "gross_margin", "the share of revenue kept as gross profit")
    _nonnegative(discount, "discount_rate", "an interest rate per period such as 0.01")
    value = _divide(margin * revenue * (1 + discount), discount + churn)
    return _result(value, arpa, churn_rate, gross_margin, discount_rate)


# --------------------------------------------------------------------------- budget rule
#: Days in one unit of the ``per`` argument of :func:`retention_budget_share`, with German
#: spellings (a month is a twelfth of a Julian year).
DAYS_PER: dict[str, float] = {
    "day": 1.0,
    "tag": 1.0,
    "week": 7.0,
    "woche": 7.0,
    "month": 365.25 / 12,
    "monat": 365.25 / 12,
    "year": 365.25,
    "jahr": 365.25,
}

#: (upper bound in sales per week, inclusive; share) — see :func:`retention_budget_share`.
BUDGET_BANDS: tuple[tuple[float, float], ...] = (
    (5.0, 0.15),  # "up to 5 sales a week"
    (21.0, 0.30),  # "about 1 a day": above 5 a week up to 3 a day
    (70.0, 0.50),  # "about 10 a day": above 3 a day up to 10 a day
    (np.inf, 0.60),  # "more than 10 a day"
)


@_quiet
def retention_budget_share(sales: ArrayLike, per: str = "day") -> Result:
    """Rule-of-thumb share of the marketing budget to spend on keeping customers.

    The guides' rule by sales volume, with the gaps between their bands closed as follows
    (each upper boundary belongs to its band; rates are converted to sales per week):

    ==============================  =====================  =======
    guide's band                    sales per week *w*     share
    ==============================  =====================  =======
    up to 5 sales a week            *w* ≤ 5                0.15
    about 1 a day                   5 < *w* ≤ 21 (3/day)   0.30
    about 10 a day                  21 < *w* ≤ 70 (10/day) 0.50
    more than 10 a day              *w* > 70               0.60
    ==============================  =====================  =======

    The boundary between "about 1" and "about 10 a day" is 3 a day, the geometric middle of
    1 and 10 rounded; "about 10" reaches up to exactly 10 a day because the guide starts its
    last band at "more than 10".

    Parameters
    ----------
    sales : array_like
        Number of sales per ``per`` (≥ 0).
    per : {"day", "week", "month", "year"}, optional
        Unit of ``sales`` (German "Tag", "Woche", "Monat", "Jahr" too; a month is 365.25/12
        days). Default "day".

    Returns
    -------
    float or ndarray
        The share, one of 0.15, 0.30, 0.50, 0.60.

    Notes
    -----
    Source: the Kundenbindung guides' budget rule (kpi-spec §1; 3 per week → 0.15).

    Examples
    --------
    >>> retention_budget_share(3, per="week")
    0.15
    >>> retention_budget_share([1, 3, 3.01, 10, 11])
    array([0.3, 0.3, 0.5, 0.5, 0.6])
    """
    days = DAYS_PER.get(str(per).strip().lower())
    if days is None:
        raise InputError(
            f"per must be one of day, week, month, year (or Tag, Woche, Monat, Jahr); got {per!r}."
        )
    count = _array(sales, "sales")
    _nonnegative(count, "sales", "a number of sales")
    weekly = count * 7.0 / days
    bounds = np.array([bound for bound, _ in BUDGET_BANDS[:-1]])
    shares = np.array([share for _, share in BUDGET_BANDS])
    band = np.searchsorted(bounds, np.where(np.isnan(weekly), 0.0, weekly), side="left")
    out = shares[band]
    out = np.where(np.isnan(weekly), np.nan, out)
    return _result(out, sales)
