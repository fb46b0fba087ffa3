"""Reading orders: ``retention_xl.io.read_orders`` against pyarrow's CSV reader, ``retention-xl
cohorts`` against one DuckDB query, and the batch speed-up of ``--jobs 2``, in one run.

1. **Reader.** 1,000,000 generated orders (100,000 customers with text ids like ``C00042``,
   three years of dates, amounts with cents, a ``city`` column with umlauts) written as an
   ISO file (comma, UTF-8, ``YYYY-MM-DD``, decimal point), a German file (semicolon, cp1252,
   ``dd.mm.yyyy``, decimal comma with thousands separators ``1.234,56``) and an ISO file with
   timestamps as shop exports write them (``2024-01-02 15:20:00 +0100``). On each file,
   ``read_orders`` against pyarrow's CSV reader parsing into the same columns:

   (a) ids ``dictionary<int32, string>`` (dictionaries unified and chunks combined, so that
       there is one code per order into one table of distinct ids, as ``read_orders``
       returns), dates ``date32``, amounts ``float64``; for the German file the dates and
       decimal commas are converted with ``pyarrow.compute`` (``strptime``,
       ``replace_substring``, ``cast``), for the timestamps the written calendar day is cut
       out (``utf8_slice_codeunits``, ``cast``);
   (b) for reference, the same with the ids as plain strings;
   (c) the same with the ids read as strings and encoded afterwards in one
       ``pyarrow.compute.dictionary_encode`` (what ``read_orders`` does inside).

   Before timing, the script checks that ``read_orders`` and (a) give the same ids, days and
   amounts for every order.
2. **End to end.** ``retention-xl cohorts FILE`` (the installed console script, a fresh
   process, stdout to /dev/null) on the ISO file against a fresh ``python -c`` process running
   one DuckDB query (``read_csv`` of the same file) that computes the same monthly ``on``
   triangle: distinct customers per cohort month and month offset, retention, with the
   engine's observation rule (the month of the last order counts only if that order is on
   its last day). Both triangles are compared cell by cell before timing. Then the stages of
   a fresh process (imports, read, triangle), once as run and once with pandas imported
   first: pyarrow imports pandas on its first numpy conversion when pandas is installed.
3. **Batch.** ``benchmarks/bench_batch.py``'s ``fill_many`` runs (200 segment workbooks, fresh
   processes, its own data) with ``--jobs 1`` and ``--jobs 2``; the speed-up is the ratio of
   workbooks per second; one more run of each says how much of it is serial (reading the
   file and splitting it into segments in the parent process) and how much CPU it used.

Every measurement is repeated and the contenders alternate within each repetition; the
tables give the best (minimum) wall time, the spread (median, maximum) and the best CPU time
(user + system, all threads and waited-for child processes), since the machine is shared and
wall times of a busy machine say little. Generated data goes to /tmp/rxl_read_bench and is
deleted at the end.

Run: ``.venv/bin/python benchmarks/bench_read.py`` (1,000,000 orders; ``--quick`` for 100,000
orders and fewer repetitions; ``--orders N``; ``--parts read,e2e,batch``, and ``profile`` for
where ``read_orders`` spends its time); prints Markdown.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/rxl_read_bench")
CONSOLE = ROOT / ".venv" / "bin" / "retention-xl"
N_CUSTOMERS = 100_000
SEED = 20261123
FIRST_DAY = np.datetime64("2022-01-01")
LAST_OFFSET = 1095  # 2024-12-31: the last month is complete
CITIES = ("München", "Köln", "Düsseldorf", "Nürnberg", "Würzburg", "Berlin", "Hamburg")
ZONES = ("+0100", "+0200", "-0500", "+0000", "+0530")
DICTIONARY = pa.dictionary(pa.int32(), pa.string())

# ---------------------------------------------------------------------------------- data


def make_orders(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Orders of ``N_CUSTOMERS`` customers: each starts on some day of three years and orders
    again after exponential gaps (a realistic triangle); lognormal amounts with cents, a few
    percent of them 1,000 or more (thousands separators in the German file)."""
    rng = np.random.default_rng(seed)
    customers = rng.integers(0, N_CUSTOMERS, n)
    start = rng.integers(0, LAST_OFFSET + 1, N_CUSTOMERS)
    lag = rng.exponential(120, n).astype(np.int64)
    days = np.minimum(start[customers] + lag, LAST_OFFSET)
    return {
        "customer": customers,
        "day": days,
        "amount": np.round(rng.lognormal(4.3, 1.2, n), 2),
        "second": rng.integers(0, 86_400, n),
        "zone": rng.integers(0, len(ZONES), n),
        "city": rng.integers(0, len(CITIES), n),
    }


def _day_texts(pattern: str) -> list[str]:
    """Every day of the three years written with ``pattern`` (index: day offset)."""
    days = FIRST_DAY + np.arange(LAST_OFFSET + 1).astype("timedelta64[D]")
    return [d.strftime(pattern) for d in days.astype(object)]


def write_files(orders: dict[str, np.ndarray], folder: Path) -> dict[str, Path]:
    """The ISO, German and timestamp files of the same orders."""
    ids = [f"C{c:05d}" for c in orders["customer"].tolist()]
    days = orders["day"].tolist()
    amounts = orders["amount"].tolist()
    cities = [CITIES[c] for c in orders["city"].tolist()]
    iso_days, german_days = _day_texts("%Y-%m-%d"), _day_texts("%d.%m.%Y")
    to_german = str.maketrans({",": ".", ".": ","})
    paths = {}

    paths["iso"] = folder / "orders_iso.csv"
    lines = ["customer_id,order_date,amount,city\n"]
    lines += [
        f"{i},{iso_days[d]},{a:.2f},{c}\n"
        for i, d, a, c in zip(ids, days, amounts, cities, strict=True)
    ]
    paths["iso"].write_text("".join(lines), encoding="utf-8")

    paths["german"] = folder / "orders_de.csv"
    lines = ["customer_id;order_date;amount;city\r\n"]
    lines += [
        f"{i};{german_days[d]};{format(a, ',.2f').translate(to_german)};{c}\r\n"
        for i, d, a, c in zip(ids, days, amounts, cities, strict=True)
    ]
    paths["german"].write_bytes("".join(lines).encode("cp1252"))

    paths["timestamps"] = folder / "orders_ts.csv"
    lines = ["customer_id,order_date,amount,city\n"]
    seconds, zones = orders["second"].tolist(), orders["zone"].tolist()
    lines += [
        f"{i},{iso_days[d]} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} {ZONES[z]},"
        f"{a:.2f},{c}\n"
        for i, d, s, z, a, c in zip(ids, days, seconds, zones, amounts, cities, strict=True)
    ]
    paths["timestamps"].write_text("".join(lines), encoding="utf-8")
    return paths


# ------------------------------------------------------------------------------ readers


def _read(path: Path, kind: str, ids: pa.DataType, dates: pa.DataType) -> pa.Table:
    german = kind == "german"
    types = {
        "customer_id": ids,
        "order_date": dates,
        "amount": pa.string() if german else pa.float64(),
    }
    return pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(encoding="cp1252" if german else "utf8"),
        parse_options=pa_csv.ParseOptions(delimiter=";" if german else ","),
        convert_options=pa_csv.ConvertOptions(include_columns=list(types), column_types=types),
    )


def pyarrow_columns(path: Path, kind: str, ids_as: str = "dictionary") -> dict[str, pa.Array]:
    """pyarrow's reader into the columns read_orders returns: days as date32, amounts as
    float64, ids ``"dictionary"``-encoded while parsing (one dictionary after unifying the
    blocks'), as ``"string"``, or as strings ``"encoded"`` afterwards in one hash table."""
    dates = pa.date32() if kind == "iso" else pa.string()
    table = _read(path, kind, DICTIONARY if ids_as == "dictionary" else pa.string(), dates)
    ids = table.column("customer_id")
    if ids_as == "dictionary":
        ids = ids.unify_dictionaries()
    elif ids_as == "encoded":
        ids = pc.dictionary_encode(ids)
    day = table.column("order_date")
    amount = table.column("amount")
    if kind == "german":
        day = pc.cast(pc.strptime(day, format="%d.%m.%Y", unit="s"), pa.date32())
        amount = pc.replace_substring(pc.replace_substring(amount, ".", ""), ",", ".")
        amount = pc.cast(amount, pa.float64())
    elif kind == "timestamps":  # the calendar day as written, no conversion to UTC
        day = pc.cast(pc.utf8_slice_codeunits(day, 0, 10), pa.date32())
    return {
        "ids": ids.combine_chunks(),
        "days": day.combine_chunks(),
        "amounts": amount.combine_chunks(),
    }


def ours(path: Path) -> Any:
    from retention_xl.io import read_orders

    return read_orders(path)


def check_same(orders: Any, columns: dict[str, pa.Array]) -> None:
    """read_orders and pyarrow give the same id, day and amount for every order."""
    ids = columns["ids"]
    if pa.types.is_dictionary(ids.type):
        ids = ids.dictionary.take(ids.indices)
    texts = np.asarray(ids.to_numpy(zero_copy_only=False)).astype(str)
    assert len(orders) == len(texts), (len(orders), len(texts))
    assert np.array_equal(orders.customer_names[orders.customer_codes], texts), "ids differ"
    days = np.asarray(columns["days"].cast(pa.int32()).to_numpy(), np.int64)
    assert np.array_equal(orders.order_dates.astype(np.int64), days), "days differ"
    assert np.array_equal(orders.amounts, columns["amounts"].to_numpy()), "amounts differ"


# --------------------------------------------------------------------------- end to end

DUCKDB_QUERY = """
WITH o AS MATERIALIZED (
    SELECT customer_id, order_date, date_trunc('month', order_date) AS m
    FROM read_csv('{path}')
    WHERE amount >= 0
),
-- observation end: the last order day; its month counts only when it is complete
bound AS (
    SELECT CASE WHEN max(order_date) = last_day(max(order_date))
                THEN date_trunc('month', max(order_date))
                ELSE date_trunc('month', max(order_date)) - INTERVAL 1 MONTH END AS m
    FROM o
),
active AS (
    SELECT DISTINCT customer_id, o.m FROM o, bound WHERE o.m <= bound.m
),
cohort AS (
    SELECT customer_id, min(m) AS c FROM active GROUP BY customer_id
),
cells AS (
    SELECT strftime(c, '%Y-%m') AS cohort, datediff('month', c, m) AS k,
           count(*) AS customers
    FROM active JOIN cohort USING (customer_id)
    GROUP BY ALL
)
SELECT cohort, k, customers,
       customers / first_value(customers) OVER (PARTITION BY cohort ORDER BY k) AS retention
FROM cells
ORDER BY cohort, k
"""

DUCKDB_SCRIPT = """
import csv, sys, duckdb
query = sys.argv[1].replace('{path}', sys.argv[2].replace("'", "''"))
csv.writer(sys.stdout, lineterminator='\\n').writerows(duckdb.sql(query).fetchall())
"""


def duckdb_command(path: Path) -> list[str]:
    return [sys.executable, "-c", DUCKDB_SCRIPT, DUCKDB_QUERY, str(path)]


def console_command(path: Path, *extra: str) -> list[str]:
    return [str(CONSOLE), "cohorts", str(path), *extra]


def check_triangles(path: Path) -> int:
    """The engine's triangle (customers and retention) and DuckDB's agree in every cell;
    returns the number of observed cells compared."""
    run = subprocess.run(duckdb_command(path), capture_output=True, text=True, check=True)
    theirs = {(r[0], int(r[1])): (int(r[2]), float(r[3])) for r in csv.reader(run.stdout.split())}

    def engine(value: str) -> dict[tuple[str, int], float]:
        out = subprocess.run(
            console_command(path, "--value", value), capture_output=True, text=True, check=True
        ).stdout
        rows = list(csv.reader(io.StringIO(out)))
        offsets = [int(k) for k in rows[0][2:]]
        cells = {}
        for row in rows[1:-1]:  # the last row is the average
            for k, cell in zip(offsets, row[2:], strict=True):
                if cell != "":
                    cells[(row[0], k)] = float(cell)
        return cells

    counts, retention = engine("customers"), engine("retention")
    assert set(theirs) <= set(counts), "DuckDB has cells the engine does not observe"
    for cell, count in counts.items():
        expected = theirs.get(cell, (0, 0.0))
        assert count == expected[0], (cell, count, expected)
        if cell in theirs:
            assert abs(retention[cell] - expected[1]) < 1e-12, (cell, retention[cell], expected)
    return len(counts)


# ------------------------------------------------------------------------------ timing


def timed(function: Callable[[], Any]) -> tuple[float, float]:
    """Wall time and CPU time (all threads of this process and of the processes it waited
    for, user and system) of one call."""
    before, start = cpu_seconds(), time.perf_counter()
    function()
    return time.perf_counter() - start, cpu_seconds() - before


def cpu_seconds() -> float:
    """CPU time so far: this process (all its threads) and the children it waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs > 0 else "–"


def fresh_process(command: list[str]) -> Callable[[], Any]:
    return lambda: subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )


def compete(
    contenders: dict[str, Callable[[], Any]], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) times of every contender, ``repeat`` rounds, alternating within each
    round so that a busy moment of the shared machine hits all of them alike."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, function in contenders.items():
            times[name].append(timed(function))
    return times


def best_wall(times: list[tuple[float, float]]) -> float:
    return min(wall for wall, _ in times)


def best_cpu(times: list[tuple[float, float]]) -> float:
    return min(cpu for _, cpu in times)


def spread(times: list[tuple[float, float]]) -> str:
    """Best, median and maximum wall time, and the best CPU time."""
    walls = [wall for wall, _ in times]
    return (
        f"{min(walls):.3f} s | {statistics.median(walls):.3f} s | {max(walls):.3f} s | "
        f"{best_cpu(times):.3f} s"
    )


HEAD = "best | median | max | CPU (best)"


def bench_read(paths: dict[str, Path], repeat: int) -> None:
    print("\n### read_orders against pyarrow's CSV reader\n")
    print(
        f"| file | contender | {HEAD} | read_orders / contender (best wall; CPU) |\n"
        "|---|---|---|---|---|---|---|"
    )
    for kind, path in paths.items():
        check_same(ours(path), pyarrow_columns(path, kind))
        times = compete(
            {
                "read_orders": partial(ours, path),
                "(a) pyarrow, dictionary ids": partial(pyarrow_columns, path, kind),
                "(b) pyarrow, string ids": partial(pyarrow_columns, path, kind, "string"),
                "(c) pyarrow, string ids + dictionary_encode": partial(
                    pyarrow_columns, path, kind, "encoded"
                ),
            },
            repeat,
        )
        ours_times = times["read_orders"]
        size = path.stat().st_size / 2**20
        for name, values in times.items():
            shown = ""
            if name != "read_orders":
                shown = (
                    f"{ratio(best_wall(ours_times), best_wall(values))}; "
                    f"{ratio(best_cpu(ours_times), best_cpu(values))}"
                )
            print(f"| {kind} ({size:.0f} MB) | {name} | {spread(values)} | {shown} |")


STAGES_SCRIPT = """
import json, os, sys, time
stages = {}
start = time.perf_counter()
if sys.argv[2] == "pandas first":
    import pandas
    stages["import pandas (pyarrow's lazy pandas bridge)"] = time.perf_counter() - start
mark = time.perf_counter()
from retention_xl.cohorts import cohort_table
from retention_xl.io import read_orders
stages["import retention_xl"] = time.perf_counter() - mark
mark = time.perf_counter()
import pyarrow, pyarrow.compute, pyarrow.csv
stages["import pyarrow"] = time.perf_counter() - mark
mark = time.perf_counter()
orders = read_orders(sys.argv[1])
stages["read_orders"] = time.perf_counter() - mark
mark = time.perf_counter()
table = cohort_table(orders.customer_codes, orders.order_dates, orders.amounts)
stages["cohort_table"] = time.perf_counter() - mark
mark = time.perf_counter()
with open(os.devnull, "w") as out:
    out.write(repr(table.rows()))
stages["rows"] = time.perf_counter() - mark
stages["pandas imported"] = float("pandas" in sys.modules)
print(json.dumps(stages))
"""


def stages(path: Path, repeat: int) -> None:
    """Where a fresh ``retention-xl cohorts`` process spends its time: the stages of the
    command (imports, read, triangle), each the best of ``repeat`` fresh processes, once as
    the command runs and once with pandas imported first, which separates the import of
    pandas that pyarrow triggers (on its first numpy conversion or Python scalar) from
    ``read_orders``."""
    best: dict[str, dict[str, float]] = {"as run": {}, "pandas first": {}}
    for _ in range(repeat):
        for variant, found in best.items():
            command = [sys.executable, "-c", STAGES_SCRIPT, str(path), variant]
            run = subprocess.run(command, capture_output=True, text=True, check=True)
            for stage, seconds in json.loads(run.stdout).items():
                found[stage] = min(found.get(stage, seconds), seconds)
    plain, split = best["as run"], best["pandas first"]
    print("\n| stage of a fresh process (best of each) | as run | pandas imported first |")
    print("|---|---|---|")
    names = [stage for stage in split if stage != "pandas imported"]
    for stage in names:
        shown = f"{plain[stage]:.3f} s" if stage in plain else ""
        print(f"| {stage} | {shown} | {split[stage]:.3f} s |")
    print(
        f"\npandas imported by the command as run: {'yes' if plain['pandas imported'] else 'no'}."
    )


def bench_end_to_end(path: Path, repeat: int) -> None:
    cells = check_triangles(path)
    times = compete(
        {
            "retention-xl cohorts FILE": fresh_process(console_command(path)),
            "python -c (DuckDB query)": fresh_process(duckdb_command(path)),
        },
        repeat,
    )
    ours_times, theirs_times = times.values()
    print("\n### End to end: cohort triangle from the ISO file, fresh processes\n")
    print(f"| contender | {HEAD} |\n|---|---|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {spread(values)} |")
    print(
        f"\nretention-xl / DuckDB: {ratio(best_wall(ours_times), best_wall(theirs_times))} "
        f"(best wall), {ratio(best_cpu(ours_times), best_cpu(theirs_times))} (best CPU); "
        f"{cells} observed cells compared equal (customers and retention)."
    )
    stages(path, max(2, (repeat + 1) // 2))


PHASES_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
import retention_xl.batch as batch
serial = {}
sources = batch._sources
def timed_sources(*args, **kwargs):
    mark = time.perf_counter()
    found = sources(*args, **kwargs)
    serial["read and split"] = time.perf_counter() - mark
    return found
batch._sources = timed_sources
mark = time.perf_counter()
from retention_xl.cohorts import CohortSpec
batch.fill_many([sys.argv[1]], by="segment", out_dir=sys.argv[2], jobs=int(sys.argv[3]),
                settings=CohortSpec.of(as_of="2024-12-31"))
wall = time.perf_counter() - mark
cpu = sum(
    getattr(resource.getrusage(who), f)
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    for f in ("ru_utime", "ru_stime")
)
print(json.dumps({"wall": wall, "serial": serial["read and split"], "cpu": cpu}))
"""


def batch_phases(csv_path: Path, folder: Path, jobs: int) -> dict[str, float]:
    """One fill in a fresh process: wall time, the serial part in the parent (reading the
    file and splitting it into segments) and the CPU time of all its processes."""
    command = [sys.executable, "-c", PHASES_SCRIPT, str(csv_path), str(folder), str(jobs)]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def bench_batch(folder: Path, n: int, repeat: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_batch as batch

    csv_path = folder / "batch_orders.csv"
    batch.make_csv(csv_path, n=n)
    # wall: bench_batch's own measurement inside the child; CPU: the child and its workers
    times: dict[str, list[tuple[float, float]]] = {"jobs-1": [], "jobs-2": []}
    count = 0
    for round_ in range(repeat):
        (folder / f"round{round_}").mkdir()
        for variant in times:
            before = cpu_seconds()
            result = batch._run(variant, csv_path, folder / f"round{round_}")
            cpu = cpu_seconds() - before
            times[variant].append((result["seconds"], cpu))
            count = result["count"]
    cells = batch._same_triangle(
        folder / "round0" / "jobs-1" / "S007.xlsx", folder / "round0" / "jobs-2" / "S007.xlsx"
    )
    print(f"\n### Batch: {count} segment workbooks from {n:,} orders (bench_batch.py)\n")
    print(f"| variant | {HEAD} | workbooks/s (best) |\n|---|---|---|---|---|---|")
    for variant, values in times.items():
        rate = count / best_wall(values)
        print(f"| fill --{variant.replace('-', ' ')} | {spread(values)} | {rate:.1f} |")
    speedup = best_wall(times["jobs-1"]) / best_wall(times["jobs-2"])
    medians = [statistics.median(wall for wall, _ in times[v]) for v in ("jobs-1", "jobs-2")]
    phases = {jobs: batch_phases(csv_path, folder / f"phases{jobs}", jobs) for jobs in (1, 2)}
    one = phases[1]
    bound = one["wall"] / (one["serial"] + (one["wall"] - one["serial"]) / 2)
    print(
        f"\nOne more run of each, split: --jobs 1 {one['wall']:.2f} s of which "
        f"{one['serial']:.2f} s reading and splitting (serial), {one['cpu']:.1f} s CPU; --jobs 2 "
        f"{phases[2]['wall']:.2f} s, {phases[2]['serial']:.2f} s serial, "
        f"{phases[2]['cpu']:.1f} s CPU (all processes). With that serial part, two idle cores "
        f"could give at most {bound:.2f}×."
    )
    print(
        f"\n--jobs 2 over --jobs 1 (best): {speedup:.2f}×; medians: "
        f"{medians[0] / medians[1]:.2f}×; "
        f"{cells} triangle cells of S007 equal in both outputs."
    )


class _TimedCompute:
    """Stands in for ``pyarrow.compute`` in the reader's modules: every call is timed under
    its caller's function and line."""

    def __init__(self, spent: dict[str, float]) -> None:
        self._spent = spent

    def __getattr__(self, name: str) -> Any:
        function = getattr(pc, name)
        if not callable(function):
            return function

        def call(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            key = f"    {caller.f_code.co_name}:{caller.f_lineno} pc.{name}"
            start = time.perf_counter()
            result = function(*args, **kwargs)
            self._spent[key] += time.perf_counter() - start
            return result

        return call


def profile_reader(paths: dict[str, Path], runs: int) -> None:
    """Where ``read_orders`` spends its time (cProfile only sees pyarrow's wrapper): the
    reader's functions and each ``pyarrow.compute`` call of ``io.convert`` and ``io.build`` by
    caller line, mean wall time of ``runs`` warm reads; nested entries are indented."""
    import retention_xl.io.build as build
    import retention_xl.io.convert as convert
    import retention_xl.io.read as read
    from retention_xl.io import read_orders

    spent: dict[str, float] = collections.defaultdict(float)

    def timing(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = function(*args, **kwargs)
            spent[label] += time.perf_counter() - start
            return result

        return call

    patches: list[tuple[Any, str, Any]] = [
        (convert, "pc", _TimedCompute(spent)),
        (build, "pc", _TimedCompute(spent)),
        (pa_csv, "read_csv", timing(pa_csv.read_csv, "  pyarrow.csv.read_csv")),
    ]
    entries = {"pick_csv": "csvfile.pick_csv (all)", "build_orders": "build.build_orders (all)"}
    for name, label in entries.items():
        patches.append((read, name, timing(getattr(read, name), label)))
    for name in ("blank_mask", "to_codes", "to_days", "to_amounts", "slash_mask"):
        patches.append((build, name, timing(getattr(build, name), f"  build → {name}")))
    for name in ("_flat", "_on_dictionary", "_ymd_days"):
        patches.append((convert, name, timing(getattr(convert, name), f"    convert.{name}")))
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    print(f"\n### Where read_orders spends its time (mean of {runs} warm reads)")
    try:
        for module, name, replacement in patches:
            setattr(module, name, replacement)
        for kind, path in paths.items():
            read_orders(path)
            spent.clear()
            start = time.perf_counter()
            for _ in range(runs):
                read_orders(path)
            total = (time.perf_counter() - start) / runs
            print(f"\n{kind}: {total:.3f} s per read\n```")
            for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
                if seconds / runs >= 0.004:
                    print(f"{seconds / runs:7.3f} s  {label}")
            print("```")
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=None, help="orders (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 orders, fewer rounds")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default 7, quick 2)")
    parser.add_argument(
        "--parts",
        default="read,e2e,batch",
        help="which parts to run: read, e2e, batch, profile (where read_orders spends its time)",
    )
    parser.add_argument("--keep", action="store_true", help="keep /tmp/rxl_read_bench")
    args = parser.parse_args()
    n = args.orders or (100_000 if args.quick else 1_000_000)
    repeat = args.repeat or (2 if args.quick else 7)
    parts = set(args.parts.split(","))
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    try:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        paths = write_files(make_orders(n), WORK)
        print(
            f"{n:,} orders, {N_CUSTOMERS:,} customers; python {sys.version.split()[0]}, "
            f"pyarrow {pa.__version__}, numpy {np.__version__}, {os.cpu_count()} cores, "
            f"load average {load:.1f} at the start; data written in "
            f"{time.perf_counter() - start:.1f} s"
        )
        if "read" in parts:
            bench_read(paths, repeat)
        if "e2e" in parts:
            bench_end_to_end(paths["iso"], repeat)
        if "profile" in parts:
            profile_reader(paths, repeat)
        if "batch" in parts:
            bench_batch(WORK, n, max(2, (repeat + 1) // 2))
        print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
