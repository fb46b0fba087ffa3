"""Which engine runs, and its knobs: the one settings object of an engine run.

One idea: :class:`EngineSettings` holds the engine's name (``auto``, ``numpy``, ``duckdb``,
``dask``) and its settings — DuckDB's memory cap, spill folder and threads, Dask's
scheduler, workers and memory per worker — checked once when made; an ``InputError``
names the field. Imports :mod:`retention_xl.errors` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import InputError
from ..settings import Settings

__all__ = ["ENGINES", "EngineSettings"]

#: The engines a caller may name; ``auto`` chooses between numpy and duckdb.
ENGINES: tuple[str, ...] = ("auto", "numpy", "duckdb", "dask")
_SIZE = re.compile(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B)", re.IGNORECASE)


def _count(value: Any, field: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InputError(f"{field} must be a whole number of at least 1; got {value!r}.")


@dataclass(frozen=True)
class EngineSettings(Settings):
    """The engine of a run and its settings.

    Parameters
    ----------
    engine : {"auto", "numpy", "duckdb", "dask"}
        ``auto``: numpy below a measured size, duckdb above (a ``scheduler`` means dask).
    memory_limit : str, optional
        DuckDB: memory cap such as ``"2GB"``, spilling beyond it; Dask: per worker.
    temp_directory : str, optional
        DuckDB: where to spill.
    threads : int, optional
        DuckDB: threads.
    scheduler : str, optional
        Dask: the address of a running scheduler (``tcp://HOST:PORT``).
    workers : int, optional
        Dask: processes of the local cluster started for the run.

    Examples
    --------
    >>> EngineSettings("duckdb", memory_limit="2GB").duckdb()
    {'memory_limit': '2GB', 'temp_directory': None, 'threads': None}
    >>> EngineSettings("spark")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: engine must be one of auto, numpy, duckdb, dask; got 'spark'.
    """

    what: ClassVar[str] = "engine setting"

    engine: str = "auto"
    memory_limit: str | None = None
    temp_directory: str | None = None
    threads: int | None = None
    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"engine must be one of {', '.join(ENGINES)}; got {self.engine!r}.")
        if self.memory_limit is not None and (
            not isinstance(self.memory_limit, str) or not _SIZE.fullmatch(self.memory_limit.strip())
        ):
            raise InputError(
                f"memory_limit must be a size such as '2GB' or '500MiB'; got {self.memory_limit!r}."
            )
        _count(self.threads, "threads")
        _count(self.workers, "workers")
        for field in ("temp_directory", "scheduler"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InputError(f"{field} must be a non-empty text; got {value!r}.")

    @property
    def out_of_memory(self) -> bool:
        """True when DuckDB or Dask was asked for (the orders never come to memory)."""
        return self.engine in ("duckdb", "dask")

    def duckdb(self) -> dict[str, Any]:
        """The DuckDB settings as keyword arguments of its connection."""
        return {
            "memory_limit": self.memory_limit,
            "temp_directory": self.temp_directory,
            "threads": self.threads,
        }

    def dask(self) -> dict[str, Any]:
        """The Dask settings as keyword arguments of its cluster."""
        return {
            "scheduler": self.scheduler,
            "workers": self.workers,
            "memory_limit": self.memory_limit,
        }
