"""Comparing cohort tables from two engines, and writing order logs as files, for the engine
tests (tests/test_engines*.py).

Equal means: the same labels, cohort starts, sizes and conventions; blanks in the same
cells; counts (customers, orders used, after as_of, unobserved, unplaced refunds) exactly
equal; retention exactly equal (the same counts divided by the same sizes in the same
shared finishing step); money (revenue, revenue per customer, the averages of money, the
unplaced refund amount) equal to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from retention_xl.cohorts import CohortTable

CENT = 0.005  # "to the cent": closer than half a cent


def assert_same_table(got: CohortTable, want: CohortTable, context: object = "") -> None:
    """Fail unless ``got`` equals ``want`` as described in the module docstring."""
    where = f" ({context})" if context else ""
    assert got.labels == want.labels, f"labels differ{where}: {got.labels} != {want.labels}"
    assert np.array_equal(got.starts, want.starts), f"starts differ{where}"
    assert got.sizes.tolist() == want.sizes.tolist(), f"sizes differ{where}"
    assert (got.period, got.kind, got.value, got.as_of, got.include_incomplete) == (
        want.period,
        want.kind,
        want.value,
        want.as_of,
        want.include_incomplete,
    ), f"conventions differ{where}"
    counts = ("orders_used", "orders_after_as_of", "orders_unobserved", "unplaced_refunds")
    for name in (*counts, "customers"):
        assert getattr(got, name) == getattr(want, name), (
            f"{name}{where}: {getattr(got, name)} != {getattr(want, name)}"
        )
    assert abs(got.unplaced_refund_amount - want.unplaced_refund_amount) < CENT, where
    money = got.value in ("revenue", "revenue_per_customer")
    for name in ("values", "weighted_average", "unweighted_average"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.shape == b.shape, f"{name} shape{where}: {a.shape} != {b.shape}"
        assert np.array_equal(np.isnan(a), np.isnan(b)), f"{name}: blanks differ{where}"
        seen = ~np.isnan(b)
        if money:
            worst = float(np.max(np.abs(a[seen] - b[seen]), initial=0.0))
            assert worst < CENT, f"{name}: money differs by {worst}{where}"
        elif name == "values":
            assert np.array_equal(a[seen], b[seen]), f"{name} differ{where}"
        else:  # averages of fractions: the same numbers summed in the same order
            assert np.allclose(a[seen], b[seen], rtol=0, atol=1e-12), f"{name} differ{where}"


def write_csv(path: Path, header: list[str], rows: list[list[Any]], *, sep: str = ",") -> Path:
    """A CSV file as a shop would export it (quoting only where needed)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def day(text: str) -> dt.date:
    """An ISO date."""
    return dt.date.fromisoformat(text)


def assert_same_totals(got: Any, want: Any, context: object = "") -> None:
    """The order totals of two reports: counts exact, revenue to the cent."""
    where = f" ({context})" if context else ""
    assert set(got.totals) == set(want.totals), f"segments differ{where}"
    for segment, mine in got.totals.items():
        theirs = want.totals[segment]
        assert (mine.customers, mine.repeat_customers, mine.purchases) == (
            theirs.customers,
            theirs.repeat_customers,
            theirs.purchases,
        ), f"totals of {segment!r}{where}: {mine} != {theirs}"
        assert (mine.revenue is None) == (theirs.revenue is None), where
        if mine.revenue is not None:
            assert abs(mine.revenue - theirs.revenue) < CENT, f"revenue{where}"
