"""MRR movements on 1,000,000 billing rows (100,000 customers × 10 months): retention_xl
against pandas, in the same run.

Data: :func:`retention_xl.subscriptions.sample.sample_billing` (made up, seed fixed): text ids
``C000123``, a random day of each month, plan changes, pauses, cancellations, returns and
add-on rows — exactly 1,000,000 rows. Default conventions (monthly, a gap is churn, zero MRR
is churn).

Compared, each best of ``--repeat`` runs, all results checked equal first (money to the cent,
counts exactly, every month):

1. in memory, text ids: ``mrr_movements(ids, periods, mrr)`` against two pandas recipes on
   the same arrays — the *long* recipe that tutorials teach (group by customer and month, fill
   the missing months with ``unstack``/``stack``, ``groupby().shift()`` for the previous
   month, ``np.select`` for the movement, ``pivot_table`` per month) and a *wide* one written
   to be fast (``pivot_table`` to a customer × month grid, shift along the months, masks);
2. in memory, ids already dictionary-encoded (``customer_codes``/``customer_names``, what
   ``retention_xl.io.read_orders`` hands over): ``ledger(codes, …, names=…)`` against both
   recipes on a pandas ``Categorical`` of the same codes;
3. from a CSV file, end to end: ``retention_xl.io.read_orders`` + ``ledger_from_orders`` +
   ``movements_from_ledger`` against ``pandas.read_csv(parse_dates=…)`` + each recipe.

Run: ``.venv/bin/python benchmarks/bench_mrr.py`` (prints a Markdown table).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROWS = 1_000_000
CUSTOMERS = 100_000
MONTHS = 10
SEED = 20261130
MOVES = ("mrr_start", "new", "expansion", "contraction", "churn", "reactivation", "mrr_end")
COUNTS = ("new_customers", "reactivated_customers", "churned_customers", "customers_end")


def make_rows() -> dict[str, Any]:
    from retention_xl.subscriptions.sample import sample_billing

    ids, periods, mrr = sample_billing(CUSTOMERS, MONTHS, seed=SEED, rows=ROWS)
    codes, names = np.unique(ids, return_inverse=True)[1], np.unique(ids)
    return {"ids": ids, "periods": periods, "mrr": mrr, "codes": codes, "names": names}


def _frame(data: dict[str, Any], categorical: bool = False) -> Any:
    import pandas as pd

    ids = pd.Categorical.from_codes(data["codes"], data["names"]) if categorical else data["ids"]
    return pd.DataFrame({"customer_id": ids, "period": data["periods"], "mrr": data["mrr"]})


def pandas_long(df: Any) -> dict[str, np.ndarray]:
    """The tutorial recipe: long table, previous month by groupby-shift, np.select."""
    import pandas as pd

    df = df.assign(month=df["period"].dt.to_period("M"), cents=(df["mrr"] * 100).round())
    monthly = df.groupby(["customer_id", "month"], observed=True)["cents"].sum()
    full = monthly.unstack(fill_value=0).stack().rename("cents").reset_index()
    by_customer = full.groupby("customer_id", observed=True)
    full["prev"] = by_customer["cents"].shift(fill_value=0)
    full["paid_before"] = (
        full.assign(p=full["prev"] > 0).groupby("customer_id", observed=True)["p"].cummax()
    )
    now, prev = full["cents"] > 0, full["prev"] > 0
    conditions = [
        ~prev & now & ~full["paid_before"],
        ~prev & now & full["paid_before"],
        prev & now & (full["cents"] > full["prev"]),
        prev & now & (full["cents"] < full["prev"]),
        prev & ~now,
    ]
    names = ["new", "reactivation", "expansion", "contraction", "churn"]
    full["movement"] = np.select(conditions, names, default="none")
    full["amount"] = np.select(
        conditions,
        [
            full["cents"],
            full["cents"],
            full["cents"] - full["prev"],
            full["prev"] - full["cents"],
            full["prev"],
        ],
        default=0,
    )
    table = full.pivot_table(
        index="month", columns="movement", values="amount", aggfunc="sum", fill_value=0
    )
    counts = full.pivot_table(
        index="month", columns="movement", values="amount", aggfunc="count", fill_value=0
    )
    end = full.assign(paying=now).groupby("month")[["cents", "paying"]].sum()
    out = {name: table.get(name, pd.Series(0, index=table.index)).to_numpy() for name in names}
    out["mrr_end"] = end["cents"].to_numpy()
    out["mrr_start"] = np.r_[0, out["mrr_end"][:-1]]
    out["customers_end"] = end["paying"].to_numpy()
    out["new_customers"] = counts.get("new", 0).to_numpy()
    out["reactivated_customers"] = counts.get("reactivation", 0).to_numpy()
    out["churned_customers"] = counts.get("churn", 0).to_numpy()
    return {k: np.asarray(v, dtype=np.int64) for k, v in out.items()}


def pandas_wide(df: Any) -> dict[str, np.ndarray]:
    """A fast pandas recipe: a customer × month grid, shifted along the months."""
    month = df["period"].dt.to_period("M")
    grid = df.pivot_table(
        index="customer_id",
        columns=month,
        values="mrr",
        aggfunc="sum",
        fill_value=0.0,
        observed=True,
    )
    cents = (grid * 100).round().astype("int64")
    prev = cents.shift(1, axis=1, fill_value=0)
    now_paying, prev_paying = cents > 0, prev > 0
    paid_before = prev_paying.cummax(axis=1)
    gained = ~prev_paying & now_paying
    both = prev_paying & now_paying
    diff = (cents - prev).where(both, 0)
    lost = prev_paying & ~now_paying
    new, again = gained & ~paid_before, gained & paid_before
    return {
        "mrr_start": prev.sum().to_numpy(),
        "new": cents.where(new, 0).sum().to_numpy(),
        "expansion": diff.clip(lower=0).sum().to_numpy(),
        "contraction": (-diff).clip(lower=0).sum().to_numpy(),
        "churn": prev.where(lost, 0).sum().to_numpy(),
        "reactivation": cents.where(again, 0).sum().to_numpy(),
        "mrr_end": cents.sum().to_numpy(),
        "new_customers": new.sum().to_numpy(),
        "reactivated_customers": again.sum().to_numpy(),
        "churned_customers": lost.sum().to_numpy(),
        "customers_end": now_paying.sum().to_numpy(),
    }


def _ours(result: Any) -> dict[str, np.ndarray]:
    return {key: np.asarray(getattr(result, key)) for key in (*MOVES, *COUNTS)}


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray], what: str) -> None:
    for key in (*MOVES, *COUNTS):
        if not np.array_equal(np.asarray(a[key], dtype=np.int64), np.asarray(b[key], np.int64)):
            raise SystemExit(f"{what}: {key} differs: {a[key]} vs {b[key]}")


def _best(function: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pandas as pd

    from retention_xl.io import ReadSettings, read_orders
    from retention_xl.subscriptions import (
        ledger,
        ledger_from_orders,
        movements_from_ledger,
        mrr_movements,
    )

    data = make_rows()
    text_frame, category_frame = _frame(data), _frame(data, categorical=True)
    runs: dict[str, tuple[float, dict[str, np.ndarray]]] = {}

    def ours_text() -> Any:
        return _ours(mrr_movements(data["ids"], data["periods"], data["mrr"]))

    def ours_codes() -> Any:
        book = ledger(data["codes"], data["periods"], data["mrr"], names=data["names"])
        return _ours(movements_from_ledger(book))

    runs["retention_xl, text ids"] = _best(ours_text, args.repeat)
    runs["retention_xl, dictionary-encoded ids"] = _best(ours_codes, args.repeat)
    runs["pandas long recipe, text ids"] = _best(lambda: pandas_long(text_frame), args.repeat)
    runs["pandas wide recipe, text ids"] = _best(lambda: pandas_wide(text_frame), args.repeat)
    runs["pandas long recipe, categorical ids"] = _best(
        lambda: pandas_long(category_frame), args.repeat
    )
    runs["pandas wide recipe, categorical ids"] = _best(
        lambda: pandas_wide(category_frame), args.repeat
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "billing.csv"
        pd.DataFrame(
            {"customer_id": data["ids"], "period": data["periods"], "mrr": data["mrr"]}
        ).to_csv(path, index=False)

        def ours_file() -> Any:
            orders = read_orders(path, ReadSettings(date_col="period", amount_col="mrr"))
            return _ours(movements_from_ledger(ledger_from_orders(orders)))

        def pandas_file(recipe: Any) -> Any:
            return recipe(pd.read_csv(path, parse_dates=["period"]))

        runs["retention_xl, from CSV (read_orders)"] = _best(ours_file, args.repeat)
        runs["pandas long recipe, from CSV (read_csv)"] = _best(
            lambda: pandas_file(pandas_long), args.repeat
        )
        runs["pandas wide recipe, from CSV (read_csv)"] = _best(
            lambda: pandas_file(pandas_wide), args.repeat
        )
    reference = runs["retention_xl, text ids"][1]
    for name, (_, result) in runs.items():
        _same(reference, result, name)
    print(
        f"{ROWS:,} rows, {CUSTOMERS:,} customers, {MONTHS} months; best of {args.repeat}; "
        f"all results equal ({len(reference['new'])} months × {len(MOVES) + len(COUNTS)} "
        "columns)\n"
    )
    print("| variant | time | retention_xl is |")
    print("|---|---|---|")
    pairs = {
        "pandas long recipe, text ids": "retention_xl, text ids",
        "pandas wide recipe, text ids": "retention_xl, text ids",
        "pandas long recipe, categorical ids": "retention_xl, dictionary-encoded ids",
        "pandas wide recipe, categorical ids": "retention_xl, dictionary-encoded ids",
        "pandas long recipe, from CSV (read_csv)": "retention_xl, from CSV (read_orders)",
        "pandas wide recipe, from CSV (read_csv)": "retention_xl, from CSV (read_orders)",
    }
    for name, (seconds, _) in runs.items():
        ratio = f"{seconds / runs[pairs[name]][0]:.1f}× faster" if name in pairs else ""
        print(f"| {name} | {seconds:.3f} s | {ratio} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
