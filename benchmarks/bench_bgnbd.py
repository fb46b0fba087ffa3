"""BG/NBD fit on 100,000 customers resampled from CDNOW: retention_xl against lifetimes
0.11.3, in the same run, checked to give the same parameters.

The customers are drawn with replacement from the 2,357 (frequency, recency, T) rows of
``tests/data/cdnow_customers_summary.csv`` (Fader, Hardie & Lee 2005). lifetimes is a
benchmark-only dependency (``.venv/bin/pip install lifetimes==0.11.3``); it is archived and
its DataFrame helpers break on current pandas, but ``BetaGeoFitter.fit`` works when given
numpy arrays, which is how it is called here. Three comparisons:

1. as a user calls both: the 100,000 rows as they are (retention_xl condenses identical
   (x, t_x, T) patterns itself, as Fader and Hardie do; lifetimes evaluates every row);
2. lifetimes given the condensed patterns with their counts (its ``weights`` argument;
   the condensing, ``numpy.unique`` over the rows, is timed with it), which takes the
   condensing advantage away;
3. every customer distinct (T and t_x jittered by up to 0.01 weeks), so nothing condenses.

Each fit is timed best of ``--repeat`` runs, after one untimed warm-up (imports, caches).
Run: ``.venv/bin/python benchmarks/bench_bgnbd.py`` (prints a Markdown table).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
N_CUSTOMERS = 100_000
SEED = 20261130
NAMES = ("r", "alpha", "a", "b")


def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with (ROOT / "tests" / "data" / "cdnow_customers_summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return tuple(  # type: ignore[return-value]
        np.array([float(r[c]) for r in rows]) for c in ("frequency", "recency", "T")
    )


def resampled(jitter: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, t_x, t = cdnow()
    rng = np.random.default_rng(SEED)
    pick = rng.integers(0, x.size, N_CUSTOMERS)
    x, t_x, t = x[pick], t_x[pick], t[pick]
    if jitter:
        shift = rng.uniform(0, 0.01, N_CUSTOMERS)
        t = t + shift
        t_x = np.where(x > 0, t_x + shift, 0.0)
    return x, t_x, t


def condensed(
    x: np.ndarray, t_x: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rows, counts = np.unique(np.column_stack([x, t_x, t]), axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype("float64")


def lifetimes_condensed(x: np.ndarray, t_x: np.ndarray, t: np.ndarray) -> dict[str, float]:
    """What a lifetimes user does to fit faster: condense the rows, pass the counts."""
    return lifetimes_fit(*condensed(x, t_x, t))


def ours(x: np.ndarray, t_x: np.ndarray, t: np.ndarray) -> dict[str, float]:
    from retention_xl.models import bgnbd_fit

    fit = bgnbd_fit(x, t_x, t)
    assert fit.converged, fit.message
    return fit.params


def lifetimes_fit(
    x: np.ndarray, t_x: np.ndarray, t: np.ndarray, weights: np.ndarray | None = None
) -> dict[str, float]:
    from lifetimes import BetaGeoFitter

    fitter = BetaGeoFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter.fit(x, t_x, t, weights=weights)
    return {name: float(fitter.params_[name]) for name in NAMES}


def best_of(function: Any, args: tuple[Any, ...], repeat: int) -> tuple[float, dict[str, float]]:
    function(*args)  # warm-up: imports and caches are not timed
    times, result = [], {}
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    for label, jitter, condense in (
        ("100,000 resampled customers, as given", False, False),
        ("the same, lifetimes given condensed patterns + weights", False, True),
        ("100,000 customers all distinct (jittered)", True, False),
    ):
        x, t_x, t = resampled(jitter)
        ours_time, ours_params = best_of(ours, (x, t_x, t), args.repeat)
        lt_function = lifetimes_condensed if condense else lifetimes_fit
        lt_time, lt_params = best_of(lt_function, (x, t_x, t), args.repeat)
        worst = max(abs(ours_params[n] - lt_params[n]) for n in NAMES)
        if worst > 1e-3:
            print(f"parameters differ by {worst:.2e}: {ours_params} vs {lt_params}")
            return 1
        rows.append((label, lt_time, ours_time, worst, ours_params))
    print("| data | lifetimes 0.11.3 | retention_xl | speed-up | largest parameter difference |")
    print("|---|---|---|---|---|")
    for label, lt_time, ours_time, worst, _ in rows:
        print(
            f"| {label} | {lt_time:.3f} s | {ours_time:.3f} s | **{lt_time / ours_time:.1f}×** "
            f"| {worst:.1e} |"
        )
    params = rows[0][4]
    print("\nparameters (resampled): " + ", ".join(f"{n} {params[n]:.4f}" for n in NAMES))
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
