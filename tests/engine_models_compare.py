"""Comparing RFM summaries, forecasts, MRR movement tables and ledgers from two engines, for
tests/test_engines_models.py.

Equal means, for an RFM summary: the same customer ids in the same order, frequency,
recency and age exactly equal (counts of days divided by the same unit), first and last
purchase days equal, unit and as_of equal, the counts (orders used, orders after as_of,
unplaced refunds) equal, and monetary and revenue equal to the cent (the engines add the
same amounts in different orders). For a movement table: every column of the table
(:meth:`MrrMovements.column`) exactly equal — money is summed in integer cents by every
engine and the rates are computed from those sums by the shared numpy step — and the
rows, customer-months and customers it came from equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from retention_xl.models.forecast import Forecast
from retention_xl.models.rfm import RFMSummary
from retention_xl.subscriptions.movements import COLUMNS, MrrMovements

CENT = 0.005  # "to the cent": closer than half a cent


def assert_same_summary(got: RFMSummary, want: RFMSummary, context: object = "") -> None:
    """Fail unless ``got`` equals ``want`` as described in the module docstring."""
    where = f" ({context})" if context else ""
    assert got.customer_ids.tolist() == want.customer_ids.tolist(), f"customer ids{where}"
    for name in ("frequency", "recency", "age", "first_purchase", "last_purchase"):
        a, b = getattr(got, name), getattr(want, name)
        assert np.array_equal(a, b), f"{name} differs{where}: {a} != {b}"
    for name in ("unit", "as_of", "orders_used", "orders_after_as_of", "unplaced_refunds"):
        a, b = getattr(got, name), getattr(want, name)
        assert a == b, f"{name}{where}: {a} != {b}"
    for name in ("monetary", "revenue"):
        a, b = getattr(got, name), getattr(want, name)
        assert (a is None) == (b is None), f"{name}: one is None{where}"
        if a is not None and b is not None:
            worst = float(np.max(np.abs(a - b), initial=0.0))
            assert worst < CENT, f"{name} differs by {worst}{where}"


def assert_close_params(got: Any, want: Any, rtol: float, what: str) -> None:
    """Two :class:`~retention_xl.models.fitting.FitResult` (or None): the same parameter
    names, each within ``rtol`` relative."""
    assert (got is None) == (want is None), f"{what}: one fit is missing"
    if got is None:
        return
    assert got.params.keys() == want.params.keys(), what
    for name, value in want.params.items():
        assert abs(got.params[name] - value) <= rtol * abs(value), (
            f"{what} {name}: {got.params[name]!r} != {value!r}"
        )


def assert_same_forecast(got: Forecast, want: Forecast, context: object = "") -> None:
    """Forecasts of the same orders: the summary equal (above); the tracking's counts of
    actual repeat purchases exact (integer counts of the same purchase days); fitted
    parameters within 1e-6 relative and model outputs that depend on the BG/NBD fit only
    within 1e-6; the spend model and CLV, which follow the monetary values (equal to the
    cent, not to the bit), within 1e-4 relative."""
    where = f" ({context})" if context else ""
    assert_same_summary(got.summary, want.summary, context)
    assert_close_params(got.fit, want.fit, 1e-6, f"BG/NBD{where}")
    assert_close_params(got.spend_fit, want.spend_fit, 1e-6, f"Gamma-Gamma{where}")
    np.testing.assert_allclose(got.p_alive, want.p_alive, rtol=1e-6, err_msg=f"p_alive{where}")
    np.testing.assert_allclose(got.purchases, want.purchases, rtol=1e-6, err_msg=where)
    assert (got.clv is None) == (want.clv is None), where
    if got.clv is not None and want.clv is not None:
        np.testing.assert_allclose(got.clv, want.clv, rtol=1e-4, err_msg=f"CLV{where}")
    assert (got.spend is None) == (want.spend is None), where
    if got.spend is not None and want.spend is not None:
        np.testing.assert_allclose(got.spend, want.spend, rtol=1e-4, err_msg=f"spend{where}")
    assert got.segments.segments.tolist() == want.segments.segments.tolist(), where
    a, b = got.tracking, want.tracking
    assert (a is None) == (b is None), f"tracking: one is missing{where}"
    if a is None or b is None:
        return
    assert a.calibration_end == b.calibration_end, where
    assert a.customers == b.customers, where
    assert np.array_equal(a.starts, b.starts), f"tracking starts{where}"
    assert np.array_equal(a.holdout, b.holdout), f"tracking holdout periods{where}"
    assert np.array_equal(a.actual, b.actual), f"tracking actual{where}: {a.actual} != {b.actual}"
    assert a.holdout_actual == b.holdout_actual, where
    assert_close_params(a.fit, b.fit, 1e-6, f"calibration BG/NBD{where}")
    np.testing.assert_allclose(a.expected, b.expected, rtol=1e-6, err_msg=where)
    assert abs(a.holdout_expected - b.holdout_expected) <= 1e-6 * abs(b.holdout_expected)


def assert_same_movements(got: MrrMovements, want: MrrMovements, context: object = "") -> None:
    """Fail unless the two movement tables are equal as described in the module docstring."""
    where = f" ({context})" if context else ""
    for key, *_ in COLUMNS:
        a, b = got.column(key), want.column(key)
        assert a == b, f"column {key}{where}: {a} != {b}"
    assert got.conventions == want.conventions, where
    assert np.array_equal(got.snapshot_months, want.snapshot_months), where
    for name in ("passing", "passing_customers"):
        assert getattr(got, name).tolist() == getattr(want, name).tolist(), f"{name}{where}"
    for name in ("rows", "cells", "customers"):
        a, b = getattr(got, name), getattr(want, name)
        assert a == b, f"{name}{where}: {a} != {b}"


def report_counts(report: Any) -> tuple[int, int, int, int]:
    """(rows read, used, rejected, blank rows skipped) of an engine report."""
    return report.rows_read, report.rows_used, report.rows_rejected, report.blank_rows
