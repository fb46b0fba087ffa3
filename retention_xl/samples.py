"""Bundled sample data: a generated shop for the demos and the CDNOW sample for realism.

One idea: where the sample files are, and how the shop file was made. ``shop_orders.csv``
is committed (so every machine gets the same rows) and was written by
``python -m retention_xl.samples`` with numpy's PCG64 generator and :data:`SHOP_SEED`.
Imports numpy only (for the generator).

- ``shop_orders.csv``: a made-up online shop with four stores, 2023-01 … 2024-12; columns
  ``customer_id,order_date,amount,store``; about 2 % of orders are followed by a refund row
  (negative amount).
- ``cdnow_sample_orders.csv``: the CDNOW 1/10 sample (see ``sample/SOURCES.md``).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

__all__ = ["CDNOW_ORDERS", "SHOP_ORDERS", "SHOP_SEED", "generate_shop"]

SAMPLE_DIR = Path(__file__).parent / "sample"
SHOP_ORDERS = SAMPLE_DIR / "shop_orders.csv"
CDNOW_ORDERS = SAMPLE_DIR / "cdnow_sample_orders.csv"
SHOP_SEED = 2024
_STORES = ("Berlin", "Hamburg", "München", "Köln")
_STORE_WEIGHTS = (0.35, 0.25, 0.25, 0.15)
_STORE_LOYALTY = (1.0, 0.85, 1.15, 0.95)  # multiplies each store's monthly return chance


def generate_shop(seed: int = SHOP_SEED) -> str:
    """The shop's orders as CSV text (deterministic for a given seed and numpy release)."""
    rng = np.random.default_rng(seed)
    start = dt.date(2023, 1, 1)
    months = 24
    lines = ["customer_id,order_date,amount,store"]
    customer = 0
    for month in range(months):
        first_day = _add_months(start, month)
        days_in_month = (_add_months(start, month + 1) - first_day).days
        season = 1.5 if first_day.month in (11, 12) else 1.0
        for _ in range(int(rng.poisson((100 + 4 * month) * season))):
            customer += 1
            store = int(rng.choice(len(_STORES), p=_STORE_WEIGHTS))
            cid = f"K{customer:05d}"
            orders = [(first_day + dt.timedelta(days=int(rng.integers(days_in_month))))]
            for later in range(month + 1, months):
                chance = 0.38 * 0.92 ** (later - month) * _STORE_LOYALTY[store]
                if rng.random() < chance:
                    month_start = _add_months(start, later)
                    length = (_add_months(start, later + 1) - month_start).days
                    for _ in range(1 + int(rng.random() < 0.25)):
                        orders.append(month_start + dt.timedelta(days=int(rng.integers(length))))
            for day in sorted(orders):
                amount = round(float(rng.lognormal(3.6, 0.55)), 2)
                lines.append(f"{cid},{day.isoformat()},{amount:.2f},{_STORES[store]}")
                if rng.random() < 0.02:
                    refund_day = min(
                        day + dt.timedelta(days=int(rng.integers(1, 15))), dt.date(2024, 12, 31)
                    )
                    share = 1.0 if rng.random() < 0.6 else 0.5
                    lines.append(
                        f"{cid},{refund_day.isoformat()},{-round(amount * share, 2):.2f},"
                        f"{_STORES[store]}"
                    )
    return "\n".join(lines) + "\n"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


if __name__ == "__main__":  # regenerate the committed file
    SHOP_ORDERS.write_text(generate_shop(), encoding="utf-8")
    sys.stdout.write(f"wrote {SHOP_ORDERS}\n")
