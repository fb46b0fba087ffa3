"""Batch filling: 200 segment workbooks from a 1,000,000-order CSV file — retention_xl's
``fill_many`` (``--jobs 1`` and ``--jobs 2``) against the obvious script a user would write,
in the same run.

The obvious script: ``pandas.read_csv``, ``groupby`` the segment column, for each segment the
usual pandas cohort recipe, then ``openpyxl.load_workbook`` of the cohort template, write the
triangle and the segment's orders into it, save. Every variant runs in a fresh process (so
peak memory is its own, workers included) and writes into its own folder; afterwards one
segment's triangle is checked to be the same in both outputs.

Run: ``.venv/bin/python benchmarks/bench_batch.py`` (needs pandas; prints a Markdown table).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = 200


def make_csv(path: Path, n: int = 1_000_000, seed: int = 20261122) -> None:
    """1M orders of 200,000 text-id customers over three years, each in one of 200 segments."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_cohorts import make_orders

    orders = make_orders(n, seed)
    rng = np.random.default_rng(seed + 1)
    customer_segment = rng.integers(0, SEGMENTS, 200_000)  # a customer shops in one segment
    number = np.char.lstrip(np.char.lstrip(orders["ids"], "C"), "0")
    segment = customer_segment[np.where(number == "", "0", number).astype(int)]
    dates = orders["dates"].astype(str)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("customer_id,order_date,amount,segment\n")
        for i in range(n):
            handle.write(
                f"{orders['ids'][i]},{dates[i]},{orders['amounts'][i]:.2f},S{segment[i]:03d}\n"
            )


def obvious_script(csv_path: Path, out: Path) -> int:
    """What a user writes: pandas per segment, openpyxl load template, write cells, save."""
    import tempfile

    import openpyxl
    import pandas as pd

    from retention_xl.workbook import write_cohort_workbook

    # the value-filled cohort workbook, as the committed template was before it became the
    # live one (whose 1,000 formula rows a script would not start from)
    template = Path(tempfile.mkdtemp()) / "retention_cohorts_values_en.xlsx"
    write_cohort_workbook(template, "en")
    df = pd.read_csv(
        csv_path, dtype={"customer_id": str, "segment": str}, parse_dates=["order_date"]
    )
    written = 0
    for segment, part in df.groupby("segment"):
        part = part.copy()
        part["order_month"] = part["order_date"].dt.to_period("M")
        part["cohort"] = (
            part.groupby("customer_id")["order_date"].transform("min").dt.to_period("M")
        )
        part["period"] = (part["order_month"] - part["cohort"]).apply(lambda offset: offset.n)
        counts = part.groupby(["cohort", "period"])["customer_id"].nunique().unstack("period")
        retention = counts.divide(counts[0], axis=0)
        book = openpyxl.load_workbook(template)
        sheet = book["Cohorts"]
        sheet.cell(8, 1, "Cohort")
        sheet.cell(8, 2, "Customers")
        for k in retention.columns:
            sheet.cell(8, 3 + int(k), int(k))
        for r, (cohort, row) in enumerate(retention.iterrows(), start=9):
            sheet.cell(r, 1, str(cohort))
            sheet.cell(r, 2, int(counts.loc[cohort, 0]))
            for k, value in row.items():
                if not np.isnan(value):
                    sheet.cell(r, 3 + int(k), float(value))
        orders_sheet = book["Orders"]
        for r, (cid, day, amount) in enumerate(
            part[["customer_id", "order_date", "amount"]].itertuples(index=False), start=2
        ):
            orders_sheet.cell(r, 1, cid)
            orders_sheet.cell(r, 2, day.to_pydatetime())
            orders_sheet.cell(r, 3, float(amount))
        book.save(out / f"{segment}.xlsx")
        written += 1
    return written


def ours(csv_path: Path, out: Path, jobs: int) -> int:
    from retention_xl.batch import fill_many
    from retention_xl.cohorts import CohortSpec

    # the same observation end as the recipe's: the whole last month is in the data
    spec = CohortSpec.of(as_of="2024-12-31")
    results = fill_many([csv_path], by="segment", out_dir=out, jobs=jobs, settings=spec)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return len(results)


def _child(variant: str, csv_path: Path, out: Path) -> None:
    start = time.perf_counter()
    if variant == "obvious":
        count = obvious_script(csv_path, out)
    else:
        count = ours(csv_path, out, int(variant.split("-")[1]))
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "count": count,
                "rss_mib": own / 1024,
                "worker_rss_mib": children / 1024,
            }
        )
    )


def _run(variant: str, csv_path: Path, folder: Path) -> dict[str, Any]:
    out = folder / variant
    out.mkdir()
    run = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(csv_path), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    result["out"] = out
    return result


def _same_triangle(a: Path, b: Path) -> int:
    import openpyxl

    left = openpyxl.load_workbook(a, data_only=True).worksheets[0]
    right = openpyxl.load_workbook(b, data_only=True).worksheets[0]
    compared = 0
    for r in range(9, 9 + 36):
        if left.cell(r, 1).value is None:
            break
        for c in range(2, 40):
            x, y = left.cell(r, c).value, right.cell(r, c).value
            if isinstance(y, (int, float)) and x not in (None, ""):
                assert abs(float(x) - float(y)) < 1e-12, (r, c, x, y)
                compared += 1
    return compared


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "CSV", "OUT"))
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        csv_path = folder / "orders.csv"
        make_csv(csv_path)
        runs = {v: _run(v, csv_path, folder) for v in ("jobs-1", "jobs-2", "obvious")}
        cells = _same_triangle(
            runs["obvious"]["out"] / "S007.xlsx", runs["jobs-1"]["out"] / "S007.xlsx"
        )
    rate = {v: r["count"] / r["seconds"] for v, r in runs.items()}
    print(
        f"| {SEGMENTS} segment workbooks from 1,000,000 orders | time | workbooks/s | peak memory |"
    )
    print("|---|---|---|---|")
    names = {
        "obvious": "obvious script (pandas + openpyxl template)",
        "jobs-1": "retention_xl fill --jobs 1",
        "jobs-2": "retention_xl fill --jobs 2",
    }
    for variant in ("obvious", "jobs-1", "jobs-2"):
        r = runs[variant]
        memory = f"{r['rss_mib']:.0f} MiB"
        if variant == "jobs-2":
            memory += f" + {r['worker_rss_mib']:.0f} MiB (largest worker)"
        print(f"| {names[variant]} | {r['seconds']:.1f} s | {rate[variant]:.1f} | {memory} |")
    print(
        f"\nthroughput vs the obvious script: --jobs 1 {rate['jobs-1'] / rate['obvious']:.1f}×, "
        f"--jobs 2 {rate['jobs-2'] / rate['obvious']:.1f}×; --jobs 2 over --jobs 1: "
        f"{rate['jobs-2'] / rate['jobs-1']:.2f}×; {cells} triangle cells of S007 compared "
        "equal."
    )


if __name__ == "__main__":
    main()
