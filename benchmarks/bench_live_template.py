"""How long LibreOffice takes to compute the live cohort workbook, at 1k, 5k, 10k, 20k orders.

For each size the script writes, from the same orders, the live workbook
(``write_live_cohort_workbook``: every number a native formula) and the value workbook
(``write_cohort_workbook``, what ``retention-xl fill`` writes: the numbers as values), and
times headless LibreOffice opening, recalculating (profile: recalculate always) and saving
each — one soffice process per file, wall time and the process's CPU time. The value
workbook holds the same orders and sheets, so the difference between the two is the cost of
computing the triangle in the spreadsheet. Afterwards it checks that the live workbook's
triangle equals the engine and that the status line warns exactly above ``CAPACITY``.

Orders: a synthetic shop sorted by date, as shop exports are (a quarter as many customers as
orders, 24 months, 2 % refunds).

Run: ``.venv/bin/python benchmarks/bench_live_template.py [--sizes 1000 5000 ...]`` (prints a
Markdown table; the 20k run takes a few minutes).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from retention_xl.io import Orders

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def make_orders(n: int, seed: int = 20261130) -> Orders:
    """n orders of n/4 customers over 2023-01 … 2024-12, sorted by date, 2 % refunds."""
    from retention_xl.io import Orders, ReadReport

    rng = np.random.default_rng(seed)
    customers = max(n // 4, 1)
    start = rng.integers(0, 700, customers)
    who = rng.integers(0, customers, n)
    days = np.minimum(start[who] + rng.exponential(150, n).astype(np.int64), 730)
    amounts = np.round(rng.gamma(2.0, 30.0, n), 2)
    amounts[rng.random(n) < 0.02] *= -1
    order = np.argsort(days, kind="stable")
    ids = np.char.add("C", np.char.zfill(who.astype(str), 6))[order]
    dates = (np.datetime64("2023-01-01") + days[order]).astype("datetime64[D]")
    return Orders(ids, dates, amounts[order], ReadReport(f"{n} orders"))


def timed_convert(path: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one soffice run recalculating and saving ``path``."""
    from libreoffice import convert

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    convert([path], out)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check(path: Path, orders: Orders, capacity: int) -> str:
    """The live workbook's triangle equals the engine; the status line warns iff n > capacity."""
    import openpyxl

    from retention_xl.cohorts import cohort_table
    from retention_xl.workbook.live_cohorts import FIRST_ROW

    table = cohort_table(orders.customer_ids, orders.order_dates, orders.amounts)
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    n, width = table.values.shape
    shown = np.array(
        [
            [
                np.nan
                if sheet.cell(FIRST_ROW + i, 3 + k).value in (None, "")
                else float(sheet.cell(FIRST_ROW + i, 3 + k).value)
                for k in range(width)
            ]
            for i in range(n)
        ]
    )
    np.testing.assert_allclose(shown, table.values, rtol=1e-12)
    status = str(sheet["A2"].value)
    assert status.startswith("⚠") == (len(orders) > capacity), status
    return status[:60]


def main() -> None:
    from retention_xl.workbook import write_cohort_workbook
    from retention_xl.workbook.live_cohorts import CAPACITY, write_live_cohort_workbook

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=2, help="runs per file up to 10k orders")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for n in args.sizes:
            orders = make_orders(n)
            start = time.perf_counter()
            live = write_live_cohort_workbook(work / f"live_{n}.xlsx", "en", orders)
            write_live = time.perf_counter() - start
            values = write_cohort_workbook(work / f"values_{n}.xlsx", "en", orders)
            repeat = args.repeat if n <= 10_000 else 1
            live_runs = [timed_convert(live, work / f"out_live_{n}_{i}") for i in range(repeat)]
            value_runs = [timed_convert(values, work / f"out_val_{n}_{i}") for i in range(repeat)]
            lw, lc = min(r[0] for r in live_runs), min(r[1] for r in live_runs)
            vw, vc = min(r[0] for r in value_runs), min(r[1] for r in value_runs)
            status = check(work / f"out_live_{n}_0" / live.name, orders, CAPACITY)
            rows.append((n, write_live, lw, lc, vw, vc, status))
            print(
                f"{n:>6} orders: live {lw:6.1f} s wall {lc:6.1f} s cpu; values {vw:5.1f} s "
                f"wall {vc:5.1f} s cpu; written in {write_live:.2f} s; status {status!r}",
                flush=True,
            )
    print()
    print(
        "| orders | live workbook: LibreOffice open + recalculate + save | value workbook "
        "(`retention-xl fill`): same | live − value | ratio |"
    )
    print("|---|---|---|---|---|")
    for n, _, lw, lc, vw, vc, _ in rows:
        print(
            f"| {n:,} | {lw:.1f} s (CPU {lc:.1f} s) | {vw:.1f} s (CPU {vc:.1f} s) | "
            f"{lw - vw:.1f} s | {lw / vw:.1f}× |"
        )


if __name__ == "__main__":
    main()
