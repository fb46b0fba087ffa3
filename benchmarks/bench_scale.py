"""Cohort triangles from 1M, 10M and 100M orders on the numpy, DuckDB and Dask engines:
time and peak memory per engine, the crossover point, and where each runs out of memory.

Generated Parquet orders (text ids ``C000012345``, one customer per five orders, three years
of dates, gamma-sized amounts, 2 % refunds), written with pyarrow in chunks of 5M rows to
``--data`` (default ``/tmp/rxl_bench``, deleted afterwards unless ``--keep``). Every run is
a fresh process (``retention_xl.engines.cohort_table_from_files`` on the file, monthly
``on`` retention, the default conventions), timed from the parent, its resident memory
sampled every 50 ms over the whole process tree (Dask's workers included) and, for the main
process alone, its exact peak (``VmHWM``). A run whose tree passes ``--rss-cap-gib`` is killed
and reported as out of memory (the machine is shared: the cap keeps it from taking the
others' memory). The triangles of every size are compared across engines (counts exact,
money to the cent) before anything is reported.

Run: ``.venv/bin/python benchmarks/bench_scale.py`` (all sizes; the 100M case takes a
while), or e.g. ``--sizes 1M,10M --engines numpy,duckdb --repeat 3`` (median time of three
fresh processes, highest peak); ``--format csv`` for CSV files. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20261130
CHUNK = 5_000_000
ENGINES = ("numpy", "duckdb", "dask")
HERE = Path(__file__).resolve().parent


def size_of(text: str) -> int:
    """``"10M"`` -> 10,000,000; ``"300k"`` -> 300,000."""
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def generate(path: Path, n: int, seed: int = SEED) -> None:
    """``n`` orders as Parquet (row groups of 1M rows) or, for a ``.csv`` path, as CSV with
    ISO dates; written in chunks."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    n_customers = max(n // 5, 1)
    start = rng.integers(0, 3 * 365, n_customers)  # each customer's first possible day
    base = int(np.datetime64("2022-01-01", "D").astype(np.int64))
    part = path.with_suffix(".part")
    writer = None
    try:
        for low in range(0, n, CHUNK):
            m = min(CHUNK, n - low)
            customer = rng.integers(0, n_customers, m)
            ids = pc.binary_join_element_wise(
                "C", pc.utf8_lpad(pa.array(customer.astype(str)), width=9, padding="0"), ""
            )
            lag = rng.exponential(120, m).astype(np.int64)
            days = np.minimum(start[customer] + lag, 3 * 365 - 1) + base
            amount = np.round(rng.gamma(2.0, 30.0, m), 2)
            amount[rng.random(m) < 0.02] *= -1  # refunds
            table = pa.table(
                {
                    "customer_id": ids,
                    "order_date": pa.array(days.astype(np.int32)).cast(pa.date32()),
                    "amount": amount,
                }
            )
            if writer is None:
                if path.suffix == ".csv":
                    writer = pa_csv.CSVWriter(part, table.schema)
                else:
                    writer = pq.ParquetWriter(part, table.schema)
            if path.suffix == ".csv":
                writer.write_table(table)
            else:
                writer.write_table(table, row_group_size=1_000_000)
    finally:
        if writer is not None:
            writer.close()
    part.rename(path)


def child(args: argparse.Namespace) -> None:
    """One engine on one file, in this (fresh) process; prints a JSON line."""
    started = time.perf_counter()
    from retention_xl.engines import cohort_table_from_files

    options: dict[str, Any] = {"engine": args.child}
    if args.child == "duckdb" and args.memory_limit:
        options["memory_limit"] = args.memory_limit
    if args.child == "duckdb" and args.temp_directory:
        options["temp_directory"] = args.temp_directory
    if args.child == "dask":
        options["workers"] = args.workers
        if args.dask_memory_limit:
            options["memory_limit"] = args.dask_memory_limit
    from retention_xl.engines import EngineSettings

    table, report = cohort_table_from_files(args.path, engine=EngineSettings(**options))
    seconds = time.perf_counter() - started
    np.savez(
        args.out,
        values=table.values,
        sizes=table.sizes,
        counts=np.array(
            [
                table.orders_used,
                table.orders_after_as_of,
                table.orders_unobserved,
                table.unplaced_refunds,
            ]
        ),
    )
    print(
        json.dumps(
            {
                "seconds_inside": seconds,
                "rows_used": report.rows_used,
                "self_rss_mib": _high_water_mib(),
                "settings": report.settings,
            }
        )
    )


def _high_water_mib() -> float:
    """This process's peak resident memory (VmHWM). Not ``getrusage``: on Linux its
    ``ru_maxrss`` keeps the forking parent's peak across ``exec``."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _tree(root: int) -> list[int]:
    """``root`` and every process descending from it (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1])
        except OSError:
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def _folder_mib(folder: Path) -> float:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                continue
    return total / 2**20


def run(engine: str, path: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One fresh process: wall time, peak tree RSS (sampled), its JSON line or the reason
    it failed."""
    spill = Path(args.data) / "spill"
    spill.mkdir(exist_ok=True)
    command = [
        sys.executable,
        __file__,
        "--child",
        engine,
        "--path",
        str(path),
        "--out",
        str(out),
        "--workers",
        str(args.workers),
        "--temp-directory",
        str(spill),
    ]
    if engine == "duckdb" and args.memory_limit:
        command += ["--memory-limit", args.memory_limit]
    if engine == "dask" and args.dask_memory_limit:
        command += ["--dask-memory-limit", args.dask_memory_limit]
    watched = watch(command, spill, args.rss_cap_gib)
    result: dict[str, Any] = {
        "engine": engine,
        "wall": watched.elapsed,
        "peak_mib": watched.peak,
        "spill_mib": watched.spilled,
    }
    if watched.stopped:
        result["status"] = watched.stopped
    elif watched.returncode != 0:
        result["status"] = f"failed ({watched.last_error(160)})"
    else:
        result.update(json.loads(watched.stdout.strip().splitlines()[-1]))
        result["status"] = "ok"
    return result


@dataclass
class Watched:
    """A child process run to its end: peak resident memory of its tree (sampled every
    50 ms), DuckDB's spill folder, why it was stopped (if it was), its output and time."""

    peak: float
    spilled: float
    stopped: str
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    started_wall: float

    def last_error(self, width: int) -> str:
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1][:width] if lines else str(self.returncode)


def watch(
    command: list[str], spill: Path, rss_cap_gib: float, limit: float | None = None
) -> Watched:
    """Run ``command`` in a session of its own; kill it when its processes pass
    ``rss_cap_gib`` or it runs longer than ``limit`` seconds; remove ``spill`` after."""
    started_wall, started = time.time(), time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    peak, spilled, stopped = 0.0, 0.0, ""
    while process.poll() is None:
        peak = max(peak, _rss_mib(_tree(process.pid)))
        spilled = max(spilled, _folder_mib(spill))
        if peak > rss_cap_gib * 1024:
            stopped = f"killed: the processes passed {rss_cap_gib:g} GiB"
        elif limit is not None and time.perf_counter() - started > limit:
            stopped = f"stopped after {limit:.0f} s"
        if stopped:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    shutil.rmtree(spill, ignore_errors=True)
    return Watched(
        peak, spilled, stopped, process.returncode, stdout, stderr, elapsed, started_wall
    )


def same_tables(a: Path, b: Path) -> bool:
    """Counts exact, retention equal, blanks in the same cells."""
    x, y = np.load(a), np.load(b)
    return (
        x["values"].shape == y["values"].shape
        and np.array_equal(x["sizes"], y["sizes"])
        and np.array_equal(x["counts"], y["counts"])
        and np.array_equal(x["values"], y["values"], equal_nan=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M,100M")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--data", default="/tmp/rxl_bench")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--dask-memory-limit", default=None, help="per Dask worker")
    parser.add_argument("--rss-cap-gib", type=float, default=14.0)
    parser.add_argument("--skip", default="", help="SIZE:ENGINE pairs not to run, e.g. 100M:dask")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per case (median time, highest peak)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--temp-directory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    skip = {tuple(item.split(":")) for item in args.skip.split(",") if item}
    rows = []
    try:
        for label in args.sizes.split(","):
            n = size_of(label)
            path = data / f"orders_{label}.{args.format}"
            if not path.exists():
                mark = time.perf_counter()
                generate(path, n)
                print(
                    f"generated {path} ({path.stat().st_size / 2**20:.0f} MiB) in "
                    f"{time.perf_counter() - mark:.0f} s",
                    file=sys.stderr,
                )
            outputs = {}
            for engine in args.engines.split(","):
                if (label, engine) in skip:
                    continue
                out = data / f"table_{label}_{engine}.npz"
                runs = [run(engine, path, out, args) for _ in range(args.repeat)]
                if all(r["status"] == "ok" for r in runs):  # the median time, the top peak
                    runs.sort(key=lambda r: r["wall"])
                    result = dict(runs[len(runs) // 2])
                    for key in ("peak_mib", "self_rss_mib", "spill_mib"):
                        result[key] = max(r[key] for r in runs)
                else:
                    result = next(r for r in runs if r["status"] != "ok")
                result["size"] = label
                result["runs"] = len(runs)
                if result["status"] == "ok":
                    outputs[engine] = out
                rows.append(result)
                print(json.dumps(result), file=sys.stderr)
            engines = list(outputs)
            for other in engines[1:]:
                if not same_tables(outputs[engines[0]], outputs[other]):
                    raise SystemExit(f"{label}: {other} differs from {engines[0]}")
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    print(
        "| orders | engine | time (fresh process) | peak memory, main process | "
        "peak memory, process tree (sampled) | DuckDB spill | status |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        spill = f"{r['spill_mib']:.0f} MiB" if r["engine"] == "duckdb" else "-"
        main_peak = f"{r['self_rss_mib']:.0f} MiB" if "self_rss_mib" in r else "-"
        print(
            f"| {r['size']} | {r['engine']} | {r['wall']:.1f} s | {main_peak} | "
            f"{r['peak_mib']:.0f} MiB | {spill} | {r['status']} |"
        )


if __name__ == "__main__":
    main()
