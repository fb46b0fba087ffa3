"""Batch filling: one finished workbook per file, store or segment — in parallel, safely.

One idea: turn orders (CSV files, DataFrames or :class:`~retention_xl.io.Orders`) into
many filled workbooks with no Excel running. Each workbook is written atomically (a
temporary file renamed when complete), never over an existing file unless asked; a segment
that fails is reported and does not stop the others; names from the data become safe file
and sheet names. Imports :mod:`.kinds`, :mod:`.io` and :mod:`.names`.

Which workbooks: every result kind of :mod:`retention_xl.kinds` (its settings object
travels with each job), or your own workbook with cells named ``rx_…``. This module
holds no list of kinds: it loops over the registry.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .engines.options import RunOptions
from .engines.settings import EngineSettings
from .errors import DataError, InputError, TemplateError
from .ids import factorize
from .io import Orders, ReadReport, ReadSettings, read_orders
from .kinds import ResultKind, kind_named, result_kinds
from .names import safe_filename, unique_names

__all__ = ["FillResult", "fill_many", "fill_workbook"]

Progress = Callable[[int, int, "FillResult"], None]


@dataclass
class FillResult:
    """What happened to one workbook of a batch."""

    name: str
    path: Path | None
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    cohorts: int = 0
    status: str = "written"  # "written" or "failed"
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the workbook was written."""
        return self.status == "written"


@dataclass
class _Job:
    name: str
    orders: Orders | None
    target: Path
    template: str | Path
    lang: str
    overwrite: bool
    settings: Any = None
    error: str = ""


def _kind_of(template: str | Path) -> tuple[ResultKind, Path | None]:
    """The kind a template fills, and the path of your own workbook (None for ours)."""
    if isinstance(template, str) and template in _names():
        return kind_named(template), None
    path = Path(template)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        raise TemplateError(
            f"template must be {' or '.join(_names())} or the path of an existing .xlsx/.xlsm "
            f"workbook; got {str(template)!r}."
        )
    return kind_named("cohorts"), path  # your own workbook receives a cohort analysis


def _names() -> tuple[str, ...]:
    return tuple(kind.name for kind in result_kinds())


def _settings_for(kind: ResultKind, settings: Any) -> Any:
    """``settings``, or the kind's defaults; an ``InputError`` for another kind's."""
    if settings is None:
        return kind.default()
    if not isinstance(settings, kind.settings):
        raise InputError(
            f"the {kind.name} workbook takes {kind.settings.__name__}; got "
            f"{type(settings).__name__}."
        )
    return settings


def fill_workbook(
    orders: Orders,
    template: str | Path = "cohorts",
    out: str | Path = "retention.xlsx",
    lang: str = "en",
    *,
    settings: Any = None,
    overwrite: bool = False,
    segment: str | None = None,
) -> FillResult:
    """Write one filled workbook; raises on any problem (see :func:`fill_many` to collect).

    Parameters
    ----------
    orders : Orders
        From :func:`retention_xl.read_orders` (or built from arrays).
    template : str or path
        A result kind of :func:`retention_xl.kinds.result_kinds` — ``"cohorts"``,
        ``"live"`` (the cohort workbook computed by native formulas), ``"kpis"``,
        ``"forecast"``, ``"subscriptions"`` (the orders are billing rows: the date is the
        month, the amount the MRR) — or the path of your own ``.xlsx``/``.xlsm`` whose cells
        named ``rx_…`` receive a cohort analysis (see
        :mod:`retention_xl.workbook.user_template`); everything else in it stays as it was.
    out : path
        File to write (atomically; an existing file only with ``overwrite``); ``.xlsx``, or
        the suffix of your template.
    lang : {"en", "de"}
    settings : optional
        The kind's settings object (:class:`~retention_xl.cohorts.CohortSpec` for cohorts,
        the live workbook and your own; :class:`~retention_xl.results.KpiSettings`;
        :class:`~retention_xl.models.ForecastSettings`;
        :class:`~retention_xl.results.SubscriptionSettings`); default: its defaults.
    segment : str, optional
        Name of the store or segment, shown in the workbook's title.
    """
    kind, own = _kind_of(template)
    chosen = _settings_for(kind, settings)
    report = orders.report
    result = FillResult(
        segment or Path(str(out)).stem,
        Path(out),
        report.rows_read,
        report.rows_used,
        report.rows_rejected,
    )
    computed = kind.compute(orders, chosen)
    if own is not None:
        from .workbook.user_template import write_user_workbook

        write_user_workbook(own, out, computed, segment=segment, overwrite=overwrite)
    else:
        kind.write(Path(out), lang, computed, segment, overwrite)
    if kind.count is not None:
        result.cohorts = kind.count(computed)
    return result


def _run(job: _Job) -> FillResult:
    """One job, in a worker process or in this one; every failure becomes a result."""
    if job.error or job.orders is None:
        report = job.orders.report if job.orders is not None else None
        return FillResult(
            job.name,
            None,
            report.rows_read if report else 0,
            report.rows_used if report else 0,
            report.rows_rejected if report else 0,
            status="failed",
            error=job.error,
        )
    try:
        return fill_workbook(
            job.orders,
            job.template,
            job.target,
            job.lang,
            settings=job.settings,
            overwrite=job.overwrite,
            segment=job.name,
        )
    except (InputError, TemplateError, OSError) as error:
        report = job.orders.report
        return FillResult(
            job.name,
            None,
            report.rows_read,
            report.rows_used,
            report.rows_rejected,
            status="failed",
            error=str(error),
        )
    except Exception as error:  # a bug must not stop the other segments
        return FillResult(
            job.name, None, status="failed", error=f"unexpected {type(error).__name__}: {error}"
        )


def _segments(name: str, orders: Orders) -> list[tuple[str, Orders]]:
    if orders.segment_codes is not None and orders.segment_names is not None:
        present = np.bincount(orders.segment_codes, minlength=orders.segment_names.size) > 0
        rank = np.cumsum(present) - 1  # the reader's codes, without segments left empty
        codes, names = rank[orders.segment_codes], orders.segment_names[present]
    else:
        assert orders.segments is not None
        codes, names = factorize(orders.segments)
    order = np.argsort(codes, kind="stable")  # one sort instead of a scan per segment
    bounds = np.searchsorted(codes[order], np.arange(names.size + 1))
    out = []
    for k in sorted(range(names.size), key=lambda k: str(names[k])):
        segment = str(names[k])
        rows = order[bounds[k] : bounds[k + 1]]
        out.append((segment, orders.select(rows, f"{name} [{segment}]")))
    return out


def _orders_from_arrays(label: str, ids: Any, dates: Any, amounts: Any = None) -> Orders:
    """Orders from plain arrays (dates as datetime64, Python dates or ISO text)."""
    from .cohorts import day_numbers
    from .ids import ids_array

    customer_ids = ids_array(ids)
    days = np.asarray(day_numbers(dates)).astype("datetime64[D]")
    money = None if amounts is None else np.asarray(amounts, dtype="float64").reshape(-1)
    if customer_ids.size != days.size or (money is not None and money.size != days.size):
        raise InputError(f"{label}: ids, dates and amounts must have one value per order.")
    report = ReadReport(
        label, rows_read=days.size, rows_used=days.size, has_amounts=money is not None
    )
    return Orders(customer_ids, days, money, report)


def _sources(
    sources: Sequence[Any],
    by: str | None,
    read: tuple[ReadSettings, tuple[str, ...]],
    on_read: Callable[[ReadReport], None] | None = None,
) -> list[tuple[str, Orders | None, str]]:
    """(name, orders or None, error) for every file, frame or segment."""
    items: list[tuple[str, Orders | None, str]] = []
    many = len(sources) > 1
    for number, source in enumerate(sources, start=1):
        if isinstance(source, tuple):
            label, data = source
        elif isinstance(source, (str, os.PathLike)):
            label, data = Path(source).stem, source
        else:  # a DataFrame or arrow table without a name
            label, data = f"table{number}", source
        try:
            if isinstance(data, tuple):  # (customer_ids, order_dates[, amounts]) arrays
                data = _orders_from_arrays(str(label), *data)
            if isinstance(data, Orders):
                orders = data
                if by is not None and orders.segments is None:
                    raise DataError(f"{label}: these orders were read without a segment column.")
            else:
                settings, extra = read
                orders = read_orders(data, settings, segment_col=by, extra_dates=extra)
                if on_read is not None:
                    on_read(orders.report)
        except (DataError, InputError, OSError) as error:
            items.append((str(label), None, str(error)))
            continue
        if by is None:
            items.append((str(label), orders, ""))
        else:
            for segment, part in _segments(str(label), orders):
                items.append((f"{label}-{segment}" if many else segment, part, ""))
    return items


def _clean_stale_parts(folder: Path, stems: list[str]) -> None:
    """Remove temporary files a killed earlier run left for the targets of this run."""
    for stem in stems:
        for stale in folder.glob(f".{glob.escape(stem)}-*.part"):
            stale.unlink(missing_ok=True)


#: One workbook to write from an engine's result: its name, (rows read, used, rejected),
#: the result (None when it failed, with the reason) and the error.
_EngineItem = tuple[str, tuple[int, int, int], Any, str]


def _engine_items(
    path: Path,
    kind: ResultKind,
    settings: Any,
    *,
    by: str | None,
    many: bool,
    read: ReadSettings,
    engine: EngineSettings,
) -> tuple[list[_EngineItem], Any]:
    """The results of one source on the engine, one per segment, and the engine's report."""
    assert kind.from_files is not None
    results, report = kind.from_files(path, by, settings, read=read, engine=engine)

    def named(segment: str) -> str:
        if by is None:
            return path.stem
        return f"{path.stem}-{segment}" if many else segment

    whole = (report.rows_read, report.rows_used, report.rows_rejected)
    items: list[_EngineItem] = []
    for segment, result in results.items():
        used = kind.rows_used(result) if kind.rows_used is not None else 0
        rows = whole if by is None and not kind.per_result_rows else (used, used, 0)
        items.append((named(segment), rows, result, ""))
    for segment, error in report.failed.items():
        items.append((named(segment), (0, 0, 0), None, error))
    return items, report


def _fill_on_engine(
    sources: Sequence[Any],
    kind: ResultKind,
    settings: Any,
    *,
    out_dir: Path,
    by: str | None,
    lang: str,
    overwrite: bool,
    read: ReadSettings,
    engine: EngineSettings,
    progress: Progress | None,
    on_read: Callable[[Any], None] | None,
) -> list[FillResult]:
    """Workbooks from results aggregated on DuckDB or Dask (no orders in memory); with
    ``by``, one per segment."""
    if kind.from_files is None:
        engines = ", ".join(k.name for k in result_kinds() if k.from_files is not None)
        shown = "--live" if kind.name == "live" else repr(kind.name)
        raise InputError(f"--engine {engine.engine} fills the {engines} templates; got {shown}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    many = len(sources) > 1
    items: list[_EngineItem] = []
    for source in sources:
        found, report = _engine_items(
            Path(source), kind, settings, by=by, many=many, read=read, engine=engine
        )
        items.extend(found)
        if on_read is not None:
            on_read(report)
    stems = unique_names([safe_filename(item[0]) for item in items])
    _clean_stale_parts(out_dir, stems)
    results = []
    for number, ((name, rows, computed, error), stem) in enumerate(
        zip(items, stems, strict=True), start=1
    ):
        target = out_dir / f"{stem}.xlsx"
        result = FillResult(name, target, *rows)
        try:
            if error:
                raise InputError(error)
            if target.exists() and not overwrite:
                raise TemplateError(
                    f"{target} already exists; pass overwrite=True (--overwrite) to replace it."
                )
            # a whole file's table is titled by the file (per_result_rows), not as a segment
            whole_file = by is None and kind.per_result_rows
            kind.write(target, lang, computed, None if whole_file else name, overwrite)
            if kind.count is not None:
                result.cohorts = kind.count(computed)
        except (InputError, TemplateError, OSError) as error_:
            result.status, result.error = "failed", str(error_)
        results.append(result)
        if progress is not None:
            progress(number, len(items), result)
    return results


def fill_many(
    sources: Sequence[Any],
    *,
    template: str | Path = "cohorts",
    out_dir: str | Path = ".",
    by: str | None = None,
    lang: str = "en",
    jobs: int | None = None,
    overwrite: bool = False,
    settings: Any = None,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
    progress: Progress | None = None,
    on_read: Callable[[Any], None] | None = None,
) -> list[FillResult]:
    """Fill one workbook per source (CSV path, ``(name, DataFrame)`` or ``(name, Orders)``)
    or, with ``by``, per value of that column; never raises for a bad source or segment.

    Parameters
    ----------
    sources : sequence
        Paths of orders files (CSV, gzip CSV, .xlsx/.xlsm/.xls, Parquet files or folders),
        pandas/polars DataFrames or pyarrow Tables (named ``table1`` …), or ``(name, data)``
        pairs where data is any of these, an :class:`~retention_xl.io.Orders`, or a tuple of
        arrays ``(customer_ids, order_dates[, amounts])``.
    template : str or path
        A result kind or your own workbook; see :func:`fill_workbook`.
    out_dir : path
        Folder for the workbooks (created if missing); names come from the sources and
        segments, made safe and unique (``Berlin.xlsx``, ``orders-Berlin.xlsx``).
    by : str, optional
        Column to split each source by (a store, a segment).
    jobs : int, optional
        Worker processes; default the machine's cores; 1 runs in this process.
    overwrite : bool
        Replace existing workbooks; otherwise such segments fail with a clear message.
    settings : optional
        The kind's settings object (see :func:`fill_workbook`).
    read : ReadSettings, optional
        How to read the files (columns, preset, ``on_error`` …); the subscriptions kind
        reads the date column as the month and the amount column as the MRR.
    engine : EngineSettings, optional
        ``duckdb`` or ``dask``: aggregate there (:mod:`retention_xl.engines`) instead of
        reading the orders into memory, for order logs too large for it (the cohorts,
        forecast and subscriptions kinds; cohort workbooks then have no Orders sheet rows),
        ``--by`` split by the engine (on DuckDB one grouped query).
    progress : callable, optional
        ``progress(done, total, result)`` after each workbook.
    on_read : callable, optional
        ``on_read(report)`` after each file is read (rows read, used, rejected, problems).

    Returns
    -------
    list of FillResult, in the order of the sources and segments.
    """
    kind, own = _kind_of(template)
    chosen = _settings_for(kind, settings)
    reading = kind.reading(read or ReadSettings(), chosen)
    if engine is not None and engine.out_of_memory:
        if own is not None:
            raise InputError(
                f"--engine {engine.engine} fills our own templates; your workbook needs the "
                "orders in memory (leave out --engine)."
            )
        RunOptions.of(reading[0], engine)  # refuse reader-only settings before reading
        return _fill_on_engine(
            sources,
            kind,
            chosen,
            out_dir=Path(out_dir),
            by=by,
            lang=lang,
            overwrite=overwrite,
            read=reading[0],
            engine=engine,
            progress=progress,
            on_read=on_read,
        )
    suffix = ".xlsx" if own is None else own.suffix.lower()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    items = _sources(sources, by, reading, on_read)
    stems = unique_names([safe_filename(name) for name, _, _ in items])
    work = []
    for (name, orders, error), stem in zip(items, stems, strict=True):
        target = folder / f"{stem}{suffix}"
        if not error and target.exists() and not overwrite:
            error = f"{target} already exists; pass overwrite=True (--overwrite) to replace it."
        work.append(_Job(name, orders, target, template, lang, overwrite, chosen, error))
    _clean_stale_parts(folder, stems)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    results: list[FillResult | None] = [None] * len(work)

    def done(index: int, result: FillResult) -> None:
        results[index] = result
        if progress is not None:
            progress(sum(r is not None for r in results), len(work), result)

    runnable = [i for i, job in enumerate(work) if not job.error]
    for i, job in enumerate(work):
        if job.error:
            done(i, _run(job))
    if workers <= 1 or len(runnable) <= 1:
        for i in runnable:
            done(i, _run(work[i]))
    else:
        # imported here: multiprocessing is not in xlwings Lite (Pyodide), which imports the
        # package for its Excel functions
        from concurrent.futures import Future, ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=min(workers, len(runnable))) as pool:
            futures: dict[Future[FillResult], int] = {
                pool.submit(_run, work[i]): i for i in runnable
            }
            for future in as_completed(futures):
                done(futures[future], future.result())
    return [r for r in results if r is not None]
