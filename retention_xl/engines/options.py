"""One engine run's settings together: how to read the files and which engine runs.

One idea: :class:`RunOptions` pairs the :class:`~retention_xl.io.ReadSettings` and the
:class:`~.settings.EngineSettings` of one call, and opens the source with them. Internal to
the engines (callers pass the two settings objects). Imports :mod:`.sources`,
:mod:`.settings` and :mod:`retention_xl.io.settings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..io.settings import ReadSettings
from .settings import EngineSettings
from .sources import OrderSource, open_source

__all__ = ["RunOptions"]


@dataclass(frozen=True)
class RunOptions:
    """The read and engine settings of one run (defaults for what is not given).

    Examples
    --------
    >>> run = RunOptions.of(ReadSettings(date_col="Datum", lang="de"), None)
    >>> run.date_col, run.lang, run.engine.engine
    ('Datum', 'de', 'auto')
    """

    read: ReadSettings = field(default_factory=ReadSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)

    @classmethod
    def of(cls, read: ReadSettings | None, engine: EngineSettings | None) -> RunOptions:
        """The pair, with defaults for a missing part; settings only the in-memory order
        reader reads (a preset, line items, a sheet) are refused unless numpy runs."""
        chosen = cls(read or ReadSettings(), engine or EngineSettings())
        flags = chosen.read.numpy_only
        if flags and chosen.engine.out_of_memory:
            raise InputError(
                f"{', '.join(flags)} are read by the numpy engine only; leave out --engine "
                "(or use --engine numpy)."
            )
        return chosen

    @property
    def customer_col(self) -> str:
        return self.read.customer_col or "customer_id"

    @property
    def date_col(self) -> str:
        return self.read.date_col or "order_date"

    @property
    def on_error(self) -> str:
        return self.read.on_error

    @property
    def lang(self) -> str:
        return self.read.lang

    @property
    def memory_limit(self) -> str | None:
        return self.engine.memory_limit

    @property
    def threads(self) -> int | None:
        return self.engine.threads

    @property
    def scheduler(self) -> str | None:
        return self.engine.scheduler

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
        read = self.read
        return open_source(
            paths,
            customer_col=self.customer_col,
            date_col=self.date_col,
            amount_col=read.amount_col,
            require_amount=read.require_amount or require_amount,
            delimiter=read.delimiter,
            decimal=read.decimal,
            encoding=read.encoding,
            date_format=read.date_format,
            extra_dates=extra_dates,
            flags=flags,
            segment_col=segment_col,
        )

    def duckdb(self) -> dict[str, Any]:
        """The DuckDB settings as keyword arguments."""
        return self.engine.duckdb()

    def dask(self) -> dict[str, Any]:
        """The Dask settings as keyword arguments."""
        return self.engine.dask()
