"""Reading orders from wherever users keep them.

One idea: every command and function that takes orders reads them through
:func:`read_orders` — CSV (plain, gzip, German Excel exports), Excel workbooks, Parquet files
and folders, pandas/polars DataFrames, pyarrow Tables, shop exports through presets — into
one :class:`Orders` result with one :class:`ReadReport`. Parsing runs on pyarrow (C++,
multithreaded); this package imports it only when a file or table is read, so
``import retention_xl`` and the Excel functions (xlwings Lite) never load it.

API
---
read_orders(source, settings=None, *, segment_col=None, extra_dates=(), flags=None) -> Orders
    the reader (:mod:`.read`); imports pyarrow on first use.
ReadSettings
    the columns, preset, dialect, date form and language of a read, checked once.
orders_from_cells(customer_ids, order_dates, amounts) -> Orders
    orders from Excel ranges (no pyarrow).
Orders, ReadReport
    the result and its report.
PRESETS
    the shop-export column mappings (shopify, woocommerce, shopware).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .cells import orders_from_cells
from .orders import Orders, ReadReport
from .presets import PRESETS, Preset
from .settings import ReadSettings

__all__ = [
    "PRESETS",
    "Orders",
    "Preset",
    "ReadReport",
    "ReadSettings",
    "orders_from_cells",
    "read_orders",
]


def read_orders(
    source: Any,
    settings: ReadSettings | None = None,
    *,
    segment_col: str | None = None,
    extra_dates: Sequence[str] = (),
    flags: Mapping[str, str] | None = None,
) -> Orders:
    """Read orders from a file, a folder or a table with ``settings``; see
    :func:`retention_xl.io.read.read_orders`. pyarrow is imported here, on the first read.

    Examples
    --------
    >>> import pandas as pd
    >>> read_orders(pd.DataFrame({"customer_id": ["a"], "order_date": ["2024-01-02"]}))
    Orders(1 orders from 'DataFrame')
    """
    from .read import read_orders as read

    return read(source, settings, segment_col=segment_col, extra_dates=extra_dates, flags=flags)
