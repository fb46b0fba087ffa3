"""Orders from tables already in memory or in columnar files: Parquet files and folders,
pandas and polars DataFrames, pyarrow Tables.

One idea: these sources already have typed columns, so reading them is picking the
requested columns (by the same header rules as a CSV file) and handing them to
:mod:`.build`; rows are named by their position (or a DataFrame's index label). Imports
pyarrow, :mod:`.build`, :mod:`.request` and the errors; pandas and polars are never
imported — a frame is recognised by what it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import DataError
from .build import Picked
from .messages import say
from .orders import ReadReport
from .request import Request, resolve

__all__ = ["is_frame", "pick_frame", "pick_parquet"]


def is_frame(source: Any) -> bool:
    """True for a pandas or polars DataFrame, a pyarrow Table or RecordBatch."""
    if isinstance(source, (pa.Table, pa.RecordBatch)):
        return True
    module = type(source).__module__.split(".")[0]
    return module in ("pandas", "polars") and hasattr(source, "columns")


def _split(
    columns: dict[str, pa.Array], found: dict[str, int], header: list[str]
) -> tuple[dict[str, pa.Array], dict[str, pa.Array], dict[str, str]]:
    extra = {k.split(":", 1)[1]: v for k, v in columns.items() if k.startswith("extra:")}
    main = {k: v for k, v in columns.items() if not k.startswith("extra:")}
    return main, extra, {role: header[at].strip() for role, at in found.items()}


def _pandas_column(series: Any) -> pa.Array:
    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        texts: list[str | None] = []
        for value in series.tolist():
            if value is None or (isinstance(value, float) and value != value):
                texts.append(None)
            elif isinstance(value, float) and value.is_integer():
                texts.append(str(int(value)))
            elif hasattr(value, "isoformat"):
                texts.append(value.isoformat())
            else:
                texts.append(str(value))
        return pa.array(texts, pa.string())


def pick_frame(frame: Any, request: Request, *, report: ReadReport) -> Picked:
    """The requested columns of a DataFrame or arrow table."""
    report.format = "dataframe"
    header = (
        [str(c) for c in frame.columns]
        if not isinstance(frame, (pa.Table, pa.RecordBatch))
        else list(frame.schema.names)
    )
    found = resolve(header, request, report.source)
    labels: Any = None
    if isinstance(frame, (pa.Table, pa.RecordBatch)):
        columns = {role: frame.column(at) for role, at in found.items()}
    elif type(frame).__module__.startswith("polars"):
        table = frame.to_arrow()
        columns = {role: table.column(at) for role, at in found.items()}
    else:
        columns = {role: _pandas_column(frame.iloc[:, at]) for role, at in found.items()}
        labels = frame.index

    def locate(rows: np.ndarray) -> list[str]:
        if labels is not None:
            return [f"{report.source} row {labels[i]}" for i in rows.tolist()]
        return [f"{report.source} row {i}" for i in rows.tolist()]

    main, extra, shown = _split(columns, found, header)
    return Picked(main, shown, locate, report, extra)


def pick_parquet(path: Path, request: Request, *, report: ReadReport) -> Picked:
    """The requested columns of a Parquet file, or of every Parquet file in a folder (in
    the order of their names, columns matched in the first file).

    Read with ``pyarrow.parquet`` file by file: ``pyarrow.dataset`` would import pandas,
    0.2 s more in every fresh process (benchmarks/RESULTS.md)."""
    import pyarrow.parquet as pq

    lang = request.lang
    report.format = "parquet"
    try:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
            if not files:
                raise DataError(say("no_parquet", lang, source=path))
        else:
            files = [path]
        header = list(pq.read_schema(files[0]).names)
        found = resolve(header, request, str(path))
        names = [header[i] for i in sorted(set(found.values()))]
        parts = [pq.ParquetFile(f).read(columns=names) for f in files]
        table = parts[0] if len(parts) == 1 else pa.concat_tables(parts, promote_options="default")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OSError) as error:
        reason = str(error).splitlines()[0]
        raise DataError(say("bad_parquet", lang, source=path, reason=reason)) from None
    columns = {role: table.column(header[at]) for role, at in found.items()}

    def locate(rows: np.ndarray) -> list[str]:
        word = say("word.row", lang)
        return [f"{path}, {word} {i + 1}" for i in rows.tolist()]

    main, extra, shown = _split(columns, found, header)
    return Picked(main, shown, locate, report, extra)
