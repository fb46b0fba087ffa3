"""RFM summaries and MRR movement tables from files at scale, on the numpy, DuckDB and Dask
engines, against the pandas script a user would otherwise write — in the same run.

Two parts (``--parts rfm,mrr``):

- **RFM**: ``retention_xl.engines.rfm_summary_from_files(path, engine=…)`` (default ``as_of``,
  weeks) on generated Parquet orders — :func:`bench_scale.generate`: text ids
  ``C000012345``, one customer per five orders, three years of dates, gamma amounts, 2 %
  refunds, row groups of 1M. The pandas recipe: ``pd.read_parquet``, ``pd.to_datetime`` on
  the dates (pyarrow's ``date32`` arrives as Python dates), then per customer over the
  purchases (amount ≥ 0) the distinct purchase days, first and last date, and the sum of
  all the customer's amounts; frequency, recency and age in weeks from those.
- **MRR**: ``retention_xl.engines.mrr_movements_from_files(path, engine=…)`` (default
  conventions) on generated billing rows — ``sample_billing(n // 10, 10, rows=n)`` of
  :mod:`retention_xl.subscriptions.sample`, the data of ``bench_mrr.py`` at 1M, written as
  Parquet (``customer_id``, ``period`` as a date, ``mrr``). The pandas recipe: the tutorial
  one of ``bench_mrr.py`` (``pandas_long``) after ``pd.read_parquet`` and ``pd.to_datetime``.

Every run is a fresh process started by this script (``--child``): time from its start to
the result (interpreter start and imports included, writing the result for the check not),
the main process's exact peak resident memory (``VmHWM``, at the result) and the peak of the
whole process tree (Dask's workers included) sampled every 50 ms, as in ``bench_scale.py``,
whose helpers this script imports. A run is killed when its tree passes ``--rss-cap-gib`` or
runs longer than ``--timeout`` (``--dask-timeout`` for Dask). Afterwards every engine's
result is checked against numpy's: RFM — the same customer ids, frequency, recency and age
exactly, the order counts exactly, monetary value and revenue to the cent; MRR — every
column of the movement table (money and counts exactly, rates, ARPA and LTV equal) and the
row, cell and customer counts. The pandas recipes are checked too: RFM frequency, recency
and age exactly (its revenue differs where a refund precedes the first purchase, counted);
MRR the eleven columns of ``bench_mrr.py``.

Run: ``.venv/bin/python benchmarks/bench_scale_models.py`` (1M orders and 1M billing rows,
all engines: about a minute), or e.g. ``--sizes 1e6,1e7,1e8 --mrr-sizes 1e6,1e7`` (sizes
above ``--duckdb-only-above``, 3e7, run on DuckDB alone with ``--big-memory-limit`` 2GB),
``--parts rfm --engines numpy,duckdb``, ``--repeat 3`` (median time, highest peak). The
pandas recipes run when ``pandas`` is among ``--engines`` (the MRR one up to
``--pandas-mrr-max``, 1e6). Prints Markdown tables and the ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_mrr import COUNTS, MOVES, pandas_long  # noqa: E402
from bench_scale import (  # noqa: E402
    _high_water_mib,
    generate,
    size_of,
    watch,
)

SEED = 20261130
ENGINES = ("numpy", "duckdb", "dask", "pandas")
MRR_MONTHS = 10


def label_of(n: int) -> str:
    """10_000_000 -> ``"10M"``."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# --- data ---------------------------------------------------------------------------------


def generate_billing(path: Path, n: int, seed: int = SEED) -> int:
    """``n`` billing rows of ``n // 10`` customers over 10 months as Parquet; the number of
    distinct customers."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from retention_xl.subscriptions.sample import sample_billing

    ids, periods, mrr = sample_billing(max(n // 10, 1), MRR_MONTHS, seed=seed, rows=n)
    customers = int(np.unique(ids).size)
    table = pa.table(
        {
            "customer_id": pa.array(ids),
            "period": pa.array(periods.astype("datetime64[D]").astype(np.int32)).cast(pa.date32()),
            "mrr": pa.array(mrr),
        }
    )
    del ids, periods, mrr
    part = path.with_suffix(".part")
    pq.write_table(table, part, row_group_size=1_000_000)
    part.rename(path)
    return customers


# --- children: one computation in a fresh process -----------------------------------------


def _done(started: float, extra: dict[str, Any]) -> dict[str, Any]:
    """What every child reports when its result is in memory (before writing it)."""
    return {
        "done": time.time(),
        "inside": time.perf_counter() - started,
        "self_rss_mib": _high_water_mib(),
        **extra,
    }


def _engine_options(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    options: dict[str, Any] = {"engine": engine}
    if engine == "duckdb":
        options["temp_directory"] = args.temp_directory
        if args.memory_limit:
            options["memory_limit"] = args.memory_limit
    if engine == "dask":
        options["workers"] = args.workers
    return options


def child_rfm(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    started = time.perf_counter()
    if engine == "pandas":
        return pandas_rfm(args, started)
    from retention_xl.engines import EngineSettings, rfm_summary_from_files

    summary, report = rfm_summary_from_files(
        args.path, engine=EngineSettings(**_engine_options(args, engine))
    )
    line = _done(started, {"customers": len(summary), "settings": report.settings})
    np.savez(
        args.out,
        ids=summary.customer_ids.astype(str),
        frequency=summary.frequency,
        recency=summary.recency,
        age=summary.age,
        monetary=summary.monetary,
        revenue=summary.revenue,
        counts=np.array(
            [summary.orders_used, summary.orders_after_as_of, summary.unplaced_refunds]
        ),
        as_of=np.array(str(summary.as_of)),
    )
    return line


def pandas_rfm(args: argparse.Namespace, started: float) -> dict[str, Any]:
    """The recipe: distinct purchase days, first and last date, sum per customer."""
    import pandas as pd

    df = pd.read_parquet(args.path)
    df["order_date"] = pd.to_datetime(df["order_date"])
    as_of = df["order_date"].max()
    purchases = df[df["amount"] >= 0]
    per = purchases.groupby("customer_id").agg(
        days=("order_date", "nunique"),
        first=("order_date", "min"),
        last=("order_date", "max"),
    )
    per["total"] = df.groupby("customer_id")["amount"].sum()
    per["frequency"] = per["days"] - 1
    per["recency"] = (per["last"] - per["first"]).dt.days / 7
    per["age"] = (as_of - per["first"]).dt.days / 7
    line = _done(started, {"customers": len(per)})
    np.savez(
        args.out,
        ids=per.index.to_numpy().astype(str),
        frequency=per["frequency"].to_numpy(dtype="float64"),
        recency=per["recency"].to_numpy(dtype="float64"),
        age=per["age"].to_numpy(dtype="float64"),
        revenue=per["total"].to_numpy(dtype="float64"),
    )
    return line


_NOT_ARRAYS = ("conventions", "source", "labels", "rows", "cells", "customers")


def child_mrr(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    started = time.perf_counter()
    if engine == "pandas":
        import pandas as pd

        df = pd.read_parquet(args.path)
        df["period"] = pd.to_datetime(df["period"])
        result = pandas_long(df)
        line = _done(started, {})
        np.savez(args.out, **result)
        return line
    from retention_xl.engines import EngineSettings, mrr_movements_from_files

    table, report = mrr_movements_from_files(
        args.path, engine=EngineSettings(**_engine_options(args, engine))
    )
    line = _done(started, {"customers": table.customers, "settings": report.settings})
    arrays = {
        f.name: np.asarray(getattr(table, f.name))
        for f in dataclasses.fields(table)
        if f.name not in _NOT_ARRAYS
    }
    np.savez(
        args.out,
        labels=np.array(table.labels),
        counts=np.array([table.rows, table.cells, table.customers]),
        **arrays,
    )
    return line


# --- the parent: runs, memory, checks -----------------------------------------------------


def run(
    part: str,
    engine: str,
    path: Path,
    out: Path,
    args: argparse.Namespace,
    memory_limit: str | None,
) -> dict[str, Any]:
    """One fresh process: time to its result, peak memory, its report or why it failed."""
    spill = Path(args.data) / "spill"
    spill.mkdir(exist_ok=True)
    command = [
        sys.executable,
        __file__,
        "--child",
        f"{part}:{engine}",
        "--path",
        str(path),
        "--out",
        str(out),
        "--workers",
        str(args.workers),
        "--temp-directory",
        str(spill),
    ]
    if engine == "duckdb" and memory_limit:
        command += ["--memory-limit", memory_limit]
    limit = args.dask_timeout if engine == "dask" else args.timeout
    watched = watch(command, spill, args.rss_cap_gib, limit)
    result: dict[str, Any] = {
        "part": part,
        "engine": engine,
        "peak_mib": watched.peak,
        "spill_mib": watched.spilled,
        "wall": watched.elapsed,
    }
    if watched.stopped:
        result["status"] = watched.stopped
    elif watched.returncode != 0:
        result["status"] = f"failed ({watched.last_error(200)})"
    else:
        line = json.loads(watched.stdout.strip().splitlines()[-1])
        result.update(line)
        result["wall"] = line["done"] - watched.started_wall
        # the tree includes the main process, whose exact peak sampling may miss
        result["peak_mib"] = max(watched.peak, line["self_rss_mib"])
        result["status"] = "ok"
    if memory_limit and engine == "duckdb":
        result["memory_limit"] = memory_limit
    return result


def _cents(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) < 0.005))


def check_rfm(reference: Path, other: Path, pandas: bool) -> str:
    """ "same" or what differs from numpy's summary."""
    x, y = np.load(reference), np.load(other)
    if not np.array_equal(x["ids"], y["ids"]):
        return f"ids differ ({x['ids'].size} vs {y['ids'].size} customers)"
    for key in ("frequency", "recency", "age"):
        if not np.array_equal(x[key], y[key]):
            return f"{key} differs at {int(np.sum(x[key] != y[key]))} customers"
    if pandas:
        off = int(np.sum(np.abs(x["revenue"] - y["revenue"]) >= 0.005))
        return f"same frequency, recency, age; revenue differs at {off:,} customers"
    if not np.array_equal(x["counts"], y["counts"]) or str(x["as_of"]) != str(y["as_of"]):
        return f"counts differ: {x['counts'].tolist()} vs {y['counts'].tolist()}"
    for key in ("monetary", "revenue"):
        if not _cents(x[key], y[key]):
            worst = float(np.max(np.abs(x[key] - y[key])))
            return f"{key} differs by up to {worst:.4f}"
    return "same"


def check_mrr(reference: Path, other: Path, pandas: bool) -> str:
    """ "same" or what differs from numpy's movement table."""
    x, y = np.load(reference), np.load(other)
    keys = (*MOVES, *COUNTS) if pandas else tuple(x.files)
    for key in keys:
        a, b = x[key], y[key]
        if pandas:
            a, b = a.astype(np.int64), b.astype(np.int64)
        same = np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)
        if not same:
            return f"{key} differs: {a.tolist()} vs {b.tolist()}"
    return "same" if not pandas else f"same ({len(keys)} columns)"


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if not all(r["status"] == "ok" for r in runs):
        return next(r for r in runs if r["status"] != "ok")
    runs = sorted(runs, key=lambda r: r["wall"])
    chosen = dict(runs[len(runs) // 2])
    for key in ("peak_mib", "self_rss_mib", "spill_mib"):
        chosen[key] = max(r[key] for r in runs)
    chosen["runs"] = len(runs)
    chosen["walls"] = [r["wall"] for r in runs]
    return chosen


def bench_part(part: str, n: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every engine of ``part`` on ``n`` generated rows; the rows of the report."""
    label = label_of(n)
    data = Path(args.data)
    path = data / f"{part}_{label}.parquet"
    mark = time.perf_counter()
    customers = None
    if not path.exists():
        if part == "rfm":
            generate(path, n)
        else:
            customers = generate_billing(path, n)
        print(
            f"generated {path} ({path.stat().st_size / 2**20:.0f} MiB) in "
            f"{time.perf_counter() - mark:.0f} s",
            file=sys.stderr,
        )
    big = n > args.duckdb_only_above
    engines = ["duckdb"] if big else list(args.engines)
    if part == "mrr" and n > args.pandas_mrr_max and "pandas" in engines:
        engines.remove("pandas")
    limit = args.big_memory_limit if big else args.memory_limit
    rows, outputs = [], {}
    for engine in engines:
        out = data / f"{part}_{label}_{engine}.npz"
        result = _median([run(part, engine, path, out, args, limit) for _ in range(args.repeat)])
        result.update(size=label, n=n)
        if customers is not None and "customers" not in result:
            result["customers"] = customers
        if result["status"] == "ok":
            outputs[engine] = out
        print(json.dumps(result), file=sys.stderr)
        rows.append(result)
    check = check_rfm if part == "rfm" else check_mrr
    for row in rows:
        engine = row["engine"]
        if engine == "numpy" or engine not in outputs:
            row["check"] = "-" if engine == "numpy" else ""
        elif "numpy" in outputs:
            row["check"] = check(outputs["numpy"], outputs[engine], engine == "pandas")
        else:
            row["check"] = "numpy not run"
        if row["check"] not in ("-", "", "numpy not run") and not row["check"].startswith("same"):
            print(f"!! {part} {label} {engine}: {row['check']}", file=sys.stderr)
    for out in outputs.values():
        out.unlink(missing_ok=True)
    if not args.keep:
        path.unlink(missing_ok=True)
    return rows


def _gib(mib: float) -> str:
    return f"{mib / 1024:.2f} GiB" if mib >= 1024 else f"{mib:.0f} MiB"


def report(rows: list[dict[str, Any]]) -> None:
    for part, title in (("rfm", "RFM summary"), ("mrr", "MRR movements")):
        mine = [r for r in rows if r["part"] == part]
        if not mine:
            continue
        unit = "orders" if part == "rfm" else "billing rows"
        print(f"\n**{title}**\n")
        print(
            f"| {unit} | engine | customers | time (fresh process; median (range)) | "
            "peak, main process | peak, process tree | DuckDB spill | result | status |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in mine:
            ok = r["status"] == "ok"
            engine = r["engine"] + (f" ({r['memory_limit']})" if "memory_limit" in r else "")
            customers = f"{r['customers']:,}" if r.get("customers") else "-"
            spill = _gib(r["spill_mib"]) if r["engine"] == "duckdb" else "-"
            main = _gib(r["self_rss_mib"]) if ok else "-"
            walls = r.get("walls", [])
            spread = f" ({walls[0]:.1f}–{walls[-1]:.1f})" if len(walls) > 1 else ""
            print(
                f"| {r['size']} | {engine} | {customers} | {r['wall']:.1f} s{spread} | {main} | "
                f"{_gib(r['peak_mib'])} | {spill} | {r.get('check', '')} | "
                f"{r['status']} |"
            )
        print(f"\nRatios ({title}: pandas recipe time / engine time, same size, same run):\n")
        for size in dict.fromkeys(r["size"] for r in mine):
            at = {r["engine"]: r for r in mine if r["size"] == size and r["status"] == "ok"}
            if "pandas" not in at:
                continue
            parts = [
                f"{e} {at['pandas']['wall'] / at[e]['wall']:.1f}×"
                for e in ("numpy", "duckdb", "dask")
                if e in at
            ]
            print(f"- {size}: " + ", ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="rfm,mrr")
    parser.add_argument("--sizes", default="1e6", help="orders for RFM, e.g. 1e6,1e7,1e8")
    parser.add_argument("--mrr-sizes", default="1e6", help="billing rows for MRR, e.g. 1e6,1e7")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument(
        "--duckdb-only-above", default="3e7", help="sizes above this run on DuckDB alone"
    )
    parser.add_argument(
        "--big-memory-limit", default="2GB", help="DuckDB memory_limit for those sizes"
    )
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit otherwise")
    parser.add_argument(
        "--pandas-mrr-max", default="1e6", help="largest size for the (slow) tutorial MRR recipe"
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per run")
    parser.add_argument("--dask-timeout", type=float, default=600.0)
    parser.add_argument("--rss-cap-gib", type=float, default=14.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data", default="/tmp/rxl_bench_models")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--temp-directory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        part, engine = args.child.split(":")
        line = (child_rfm if part == "rfm" else child_mrr)(args, engine)
        print(json.dumps(line))
        return
    args.engines = [e for e in args.engines.split(",") if e]
    args.duckdb_only_above = size_of(args.duckdb_only_above)
    args.pandas_mrr_max = size_of(args.pandas_mrr_max)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    try:
        for part in args.parts.split(","):
            sizes = args.sizes if part == "rfm" else args.mrr_sizes
            for text in sizes.split(","):
                rows += bench_part(part, size_of(text), args)
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    report(rows)


if __name__ == "__main__":
    main()
