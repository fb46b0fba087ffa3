"""The options every engine run takes besides what it computes: columns, CSV reading, engine.

One idea: :class:`RunOptions` holds the keyword arguments that
:func:`~retention_xl.engines.rfm_summary_from_files`, ``forecast_from_files``,
``mrr_movements_from_files`` and ``ledger_from_files`` share, checks them once (an unknown
name is an ``InputError`` listing the known ones) and opens the source with them. Imports
:mod:`.sources` and :mod:`retention_xl.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ..errors import InputError
from .sources import OrderSource, open_source

__all__ = ["RunOptions"]


@dataclass(frozen=True)
class RunOptions:
    """Columns (``customer_col``, ``date_col``, ``amount_col``, ``require_amount``), CSV
    reading (``delimiter``, ``decimal``, ``encoding``, ``date_format``), unreadable rows
    (``on_error``: "raise" or "skip"), DuckDB (``memory_limit``, ``temp_directory``,
    ``threads``), Dask (``scheduler``, ``workers``, ``memory_limit`` per worker) and the
    language of messages (``lang``), as documented at
    :func:`~retention_xl.engines.cohort_table_from_files`.

    Examples
    --------
    >>> RunOptions.of(date_col="Datum", lang="de").date_col
    'Datum'
    >>> RunOptions.of(date_column="Datum")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: unknown option date_column; the options are customer_col, \
date_col, amount_col, require_amount, delimiter, decimal, encoding, date_format, on_error, \
memory_limit, temp_directory, threads, scheduler, workers, lang.
    """

    customer_col: str = "customer_id"
    date_col: str = "order_date"
    amount_col: str | None = "amount"
    require_amount: bool = False
    delimiter: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    on_error: str = "raise"
    memory_limit: str | None = None
    temp_directory: str | None = None
    threads: int | None = None
    scheduler: str | None = None
    workers: int | None = None
    lang: str = "en"

    @classmethod
    def of(cls, **options: Any) -> RunOptions:
        """Check the options by name and value."""
        names = [f.name for f in fields(cls)]
        unknown = [name for name in options if name not in names]
        if unknown:
            raise InputError(
                f"unknown option {', '.join(unknown)}; the options are {', '.join(names)}."
            )
        chosen = cls(**options)
        if chosen.on_error not in ("raise", "skip"):
            raise InputError(f"on_error must be 'raise' or 'skip'; got {chosen.on_error!r}.")
        if chosen.lang not in ("en", "de"):
            raise InputError(f"lang must be 'en' or 'de'; got {chosen.lang!r}.")
        return chosen

    def source(
        self,
        paths: Any,
        *,
        require_amount: bool = False,
        extra_dates: tuple[str, ...] = (),
        flags: dict[str, str] | None = None,
        segment_col: str | None = None,
    ) -> OrderSource:
        """The files of ``paths`` with these columns (and ``extra_dates``, ``segment_col``
        to split by) and CSV options; ``flags`` name the options a message about a missing
        column suggests."""
        return open_source(
            paths,
            customer_col=self.customer_col,
            date_col=self.date_col,
            amount_col=self.amount_col,
            require_amount=self.require_amount or require_amount,
            delimiter=self.delimiter,
            decimal=self.decimal,
            encoding=self.encoding,
            date_format=self.date_format,
            extra_dates=extra_dates,
            flags=flags,
            segment_col=segment_col,
        )

    def duckdb(self) -> dict[str, Any]:
        """The DuckDB settings as keyword arguments."""
        return {
            "memory_limit": self.memory_limit,
            "temp_directory": self.temp_directory,
            "threads": self.threads,
        }

    def dask(self) -> dict[str, Any]:
        """The Dask settings as keyword arguments."""
        return {
            "scheduler": self.scheduler,
            "workers": self.workers,
            "memory_limit": self.memory_limit,
        }
