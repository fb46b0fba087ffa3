"""Batch filling: one finished workbook per file, store or segment — in parallel, safely.

One idea: turn orders (CSV files, DataFrames or :class:`~retention_xl.io.Orders`) into
many filled workbooks with no Excel running. Each workbook is written atomically (a
temporary file renamed when complete), never over an existing file unless asked; a segment
that fails is reported and does not stop the others; names from the data become safe file
and sheet names. Imports the workbook package, :mod:`.data` and :mod:`.names`.

Templates: ``"cohorts"`` (the cohort workbook: triangle, heatmap, curves, summary, orders)
and ``"kpis"`` (the KPI calculator with the inputs orders can tell: customers, returning
customers, orders, revenue and the customer list).
"""

from __future__ import annotations

import dataclasses
import glob
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError, InputError, TemplateError
from .ids import factorize
from .io import Orders, ReadReport, read_orders
from .names import safe_filename, unique_names

__all__ = ["FillResult", "fill_many", "fill_workbook"]

TEMPLATES = ("cohorts", "kpis", "subscriptions", "forecast")
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
    conventions: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def fill_workbook(
    orders: Orders,
    template: str | Path = "cohorts",
    out: str | Path = "retention.xlsx",
    lang: str = "en",
    *,
    overwrite: bool = False,
    segment: str | None = None,
    **conventions: Any,
) -> FillResult:
    """Write one filled workbook; raises on any problem (see :func:`fill_many` to collect).

    Parameters
    ----------
    orders : Orders
        From :func:`retention_xl.read_orders` (or built from arrays).
    template : {"cohorts", "kpis", "subscriptions", "forecast"} or path
        One of the package's workbooks (``subscriptions`` reads the orders as billing rows:
        the date is the month, the amount the MRR; ``service=(start, end)`` spreads lines
        over their service period), or the path of your own ``.xlsx``/``.xlsm`` whose
        cells named ``rx_…`` receive the results (see
        :mod:`retention_xl.workbook.user_template`); everything else in it stays as it was.
    out : path
        File to write (atomically; an existing file only with ``overwrite``); ``.xlsx``, or
        the suffix of your template.
    lang : {"en", "de"}
    segment : str, optional
        Name of the store or segment, shown in the workbook's title.
    **conventions
        ``period``, ``kind``, ``value``, ``as_of``, ``include_incomplete`` for cohorts, and
        ``live=True`` for the live cohort workbook (its native formulas compute the triangle:
        monthly, ``on``/``on_or_after``);
        ``as_of`` and ``window_days`` for the KPI sheet.
    """
    from .cohorts import cohort_table
    from .workbook import write_cohort_workbook, write_kpi_workbook
    from .workbook.cohort_template import check_span, cohort_summary
    from .workbook.files import write_atomically
    from .workbook.kpi_template import kpi_values
    from .workbook.user_template import fill_named_cells, named_values

    _check_template(template)
    live = bool(conventions.pop("live", False))
    if live and template != "cohorts":
        raise InputError(f"live=True works with the cohorts template only; got {template!r}.")
    if len(orders) == 0:
        raise InputError(f"{orders.report.source}: no orders to fill the workbook with.")
    report = orders.report
    result = FillResult(
        segment or Path(str(out)).stem,
        Path(out),
        report.rows_read,
        report.rows_used,
        report.rows_rejected,
    )
    if template not in TEMPLATES:
        source = Path(template)
        if Path(out).suffix.lower() != source.suffix.lower():
            raise TemplateError(
                f"{out}: a workbook filled from {source.name} must end in {source.suffix}."
            )
        check_span(orders, conventions.get("period", "M"))
        table = cohort_table(orders.customer_ids, orders.order_dates, orders.amounts, **conventions)
        blocks = named_values(table, cohort_summary(table, orders), orders, segment)

        def fill(temporary: Path) -> None:
            fill_named_cells(source, temporary, blocks)

        write_atomically(out, fill, overwrite=overwrite)
        result.cohorts = len(table.labels)
    elif template == "forecast":
        from .workbook.forecast_template import FORECAST_OPTIONS, write_forecast_workbook

        options = {k: v for k, v in conventions.items() if k in FORECAST_OPTIONS}
        write_forecast_workbook(out, lang, orders, overwrite=overwrite, segment=segment, **options)
    elif template == "subscriptions":
        from .workbook.subscription_template import subscription_book, write_subscription_workbook

        book = subscription_book(orders, **conventions)
        write_subscription_workbook(out, lang, book, overwrite=overwrite, segment=segment)
        result.cohorts = len(book.movements.labels)
    elif template == "cohorts" and live:
        from .workbook.live_cohorts import write_live_cohort_workbook

        write_live_cohort_workbook(  # refuses conventions its formulas do not compute
            out, lang, orders, overwrite=overwrite, segment=segment, **conventions
        )
        table = cohort_table(
            orders.customer_codes, orders.order_dates, orders.amounts, **conventions
        )
        result.cohorts = len(table.labels)
    elif template == "cohorts":
        check_span(orders, conventions.get("period", "M"))  # before computing anything
        table = cohort_table(orders.customer_ids, orders.order_dates, orders.amounts, **conventions)
        write_cohort_workbook(
            out, lang, orders, overwrite=overwrite, segment=segment, table=table, **conventions
        )
        result.cohorts = len(table.labels)
    else:
        values = kpi_values(
            orders, as_of=conventions.get("as_of"), window_days=conventions.get("window_days", 90)
        )
        write_kpi_workbook(out, lang, values, overwrite=overwrite, segment=segment)
    return result


def _check_template(template: str | Path) -> None:
    if isinstance(template, str) and template in TEMPLATES:
        return
    path = Path(template)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        raise TemplateError(
            f"template must be {' or '.join(TEMPLATES)} or the path of an existing .xlsx/.xlsm "
            f"workbook; got {str(template)!r}."
        )


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
            overwrite=job.overwrite,
            segment=job.name,
            **job.conventions,
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
    read_options: dict[str, Any],
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
                orders = read_orders(data, segment_col=by, **read_options)
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


_ENGINE_READ_OPTIONS = (
    "customer_col",
    "date_col",
    "amount_col",
    "require_amount",
    "delimiter",
    "decimal",
    "encoding",
    "date_format",
    "on_error",
    "lang",
)


def _engine_options(
    engine: str,
    engine_options: dict[str, Any],
    read_options: dict[str, Any],
) -> dict[str, Any]:
    """The read options an engine takes, with its settings; reader-only flags refused."""
    # the service period's columns travel as ``service`` (the subscriptions template)
    other = [
        k for k, v in read_options.items() if k not in (*_ENGINE_READ_OPTIONS, "extra_dates") and v
    ]
    if other:
        flags = ", ".join("--" + k.replace("_", "-") for k in other)
        raise InputError(f"{flags} are read by the numpy engine only; leave out --engine.")
    options = {k: v for k, v in read_options.items() if k in _ENGINE_READ_OPTIONS}
    options.update(engine_options)
    for key in ("customer_col", "date_col"):
        if options.get(key) is None:
            options.pop(key, None)
    return options


#: One workbook to write from an engine's result: its name, (rows read, used, rejected),
#: what writes it to a path, and its cohort or period count.
_EngineItem = tuple[str, tuple[int, int, int], Callable[[Path], Any], int]


def _engine_items(
    path: Path,
    engine: str,
    options: dict[str, Any],
    *,
    template: str,
    by: str | None,
    many: bool,
    lang: str,
    overwrite: bool,
    conventions: dict[str, Any],
) -> tuple[list[_EngineItem], Any]:
    """The workbooks of one source on ``engine``, and the engine's report."""
    from .engines import (
        cohort_table_from_files,
        segment_cohort_tables,
    )
    from .workbook import write_cohort_workbook

    chosen = {k: v for k, v in conventions.items() if v is not None}

    def named(segment: str) -> str:
        if by is None:
            return path.stem
        return f"{path.stem}-{segment}" if many else segment

    if template in ("forecast", "subscriptions"):
        results, report = _engine_results(path, engine, options, template, by, chosen)
        found: list[_EngineItem] = []
        whole = (report.rows_read, report.rows_used, report.rows_rejected)
        for segment, result in results.items():
            name = named(segment)
            if template == "forecast":
                used, count = result.summary.orders_used, 0
            else:
                used, count = result.ledger.rows, len(result.movements.labels)
            write = _writer(template, lang, result, overwrite, name)
            found.append((name, whole if by is None else (used, used, 0), write, count))
        for segment, error in report.failed.items():
            found.append((named(segment), (0, 0, 0), _failing(error), 0))
        return found, report

    def cohorts(table: Any, totals: Any, label: str, segment: str | None) -> Callable[[Path], Any]:
        return lambda target: write_cohort_workbook(
            target,
            lang,
            None,
            table=table,
            totals=totals,
            source=label,
            segment=segment,
            overwrite=overwrite,
        )

    if by is None:
        table, report = cohort_table_from_files(path, engine=engine, **chosen, **options)
        write = cohorts(table, report.totals[""], path.name, None)
        used = (table.orders_used, table.orders_used, 0)
        return [(path.stem, used, write, len(table.labels))], report
    tables, report = segment_cohort_tables(path, by, engine=engine, **chosen, **options)
    items: list[_EngineItem] = []
    for segment, table in tables.items():
        name = f"{path.stem}-{segment}" if many else segment
        label = f"{path.name} [{segment}]"
        write = cohorts(table, report.totals[segment], label, name)
        items.append((name, (table.orders_used, table.orders_used, 0), write, len(table.labels)))
    return items, report


def _writer(
    template: str, lang: str, result: Any, overwrite: bool, name: str
) -> Callable[[Path], Any]:
    """What writes a forecast or subscription workbook of ``result`` to a path."""
    if template == "forecast":
        from .workbook import write_forecast_workbook

        return lambda target: write_forecast_workbook(
            target, lang, result, overwrite=overwrite, segment=name
        )
    from .workbook.subscription_template import write_subscription_workbook

    return lambda target: write_subscription_workbook(
        target, lang, result, overwrite=overwrite, segment=name
    )


def _failing(error: str) -> Callable[[Path], Any]:
    def write(target: Path) -> Any:
        raise InputError(error)

    return write


def _engine_results(
    path: Path,
    engine: str,
    options: dict[str, Any],
    template: str,
    by: str | None,
    chosen: dict[str, Any],
) -> tuple[dict[str, Any], Any]:
    """Forecasts, or subscription books, per segment of one source on ``engine`` (key
    ``""`` without ``by``); segments that cannot be computed are in the report's
    ``failed``."""
    from .engines import (
        forecast_from_files,
        ledger_from_files,
        segment_forecasts_from_files,
        segment_ledgers_from_files,
    )

    if template == "forecast":
        if by is None:
            result, report = forecast_from_files(path, engine=engine, **chosen, **options)
            return {"": result}, report
        return segment_forecasts_from_files(
            path, by, engine=engine, keep_going=True, **chosen, **options
        )
    from .workbook.subscription_template import subscription_book

    service = chosen.pop("service", None)
    spread = chosen.pop("spread", "months")
    columns = {
        "customer_col": options.pop("customer_col", "customer_id"),
        "period_col": options.pop("date_col", "order_date"),
        "mrr_col": options.pop("amount_col", None) or "amount",
    }
    options.pop("require_amount", None)
    settings = {"engine": engine, "service": service, "spread": spread, **columns, **options}
    if by is None:
        ledger, report = ledger_from_files(path, **settings)
        ledgers = {"": ledger}
    else:
        ledgers, report = segment_ledgers_from_files(path, by, **settings)
    books = {}
    for segment, ledger in ledgers.items():
        if by is not None:  # named as the reader names a segment's orders
            ledger = dataclasses.replace(ledger, source=f"{path.stem} [{segment}]")
        try:
            books[segment] = subscription_book(ledger, **chosen)
        except (InputError, TemplateError) as error:
            if by is None:
                raise
            report.failed[segment] = str(error)
    return books, report


def _fill_on_engine(
    sources: Sequence[Any],
    engine: str,
    engine_options: dict[str, Any],
    *,
    template: str | Path,
    out_dir: Path,
    by: str | None,
    lang: str,
    overwrite: bool,
    read_options: dict[str, Any],
    progress: Progress | None,
    on_read: Callable[[Any], None] | None,
    conventions: dict[str, Any],
) -> list[FillResult]:
    """Cohort, forecast or subscription workbooks from results aggregated on DuckDB or
    Dask (no orders in memory); with ``by``, cohort workbooks per segment."""
    if template not in ("cohorts", "forecast", "subscriptions") or conventions.get("live"):
        raise InputError(
            f"--engine {engine} fills the cohorts (values), forecast and subscriptions "
            f"templates; got {'--live' if conventions.get('live') else repr(str(template))}."
        )
    options = _engine_options(engine, engine_options, read_options)
    out_dir.mkdir(parents=True, exist_ok=True)
    many = len(sources) > 1
    items: list[_EngineItem] = []
    for source in sources:
        found, report = _engine_items(
            Path(source),
            engine,
            dict(options),
            template=str(template),
            by=by,
            many=many,
            lang=lang,
            overwrite=overwrite,
            conventions=conventions,
        )
        items.extend(found)
        if on_read is not None:
            on_read(report)
    stems = unique_names([safe_filename(item[0]) for item in items])
    _clean_stale_parts(out_dir, stems)
    results = []
    for number, ((name, rows, write, count), stem) in enumerate(
        zip(items, stems, strict=True), start=1
    ):
        target = out_dir / f"{stem}.xlsx"
        result = FillResult(name, target, *rows)
        try:
            if target.exists() and not overwrite:
                raise TemplateError(
                    f"{target} already exists; pass overwrite=True (--overwrite) to replace it."
                )
            write(target)
            result.cohorts = count
        except (InputError, TemplateError, OSError) as error:
            result.status, result.error = "failed", str(error)
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
    read_options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    on_read: Callable[[ReadReport], None] | None = None,
    engine: str | None = None,
    engine_options: dict[str, Any] | None = None,
    **conventions: Any,
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
    template : {"cohorts", "kpis", "subscriptions", "forecast"} or path
        See :func:`fill_workbook`; your own workbook's suffix is kept.
    out_dir : path
        Folder for the workbooks (created if missing); names come from the sources and
        segments, made safe and unique (``Berlin.xlsx``, ``orders-Berlin.xlsx``).
    by : str, optional
        Column to split each source by (a store, a segment).
    jobs : int, optional
        Worker processes; default the machine's cores; 1 runs in this process.
    overwrite : bool
        Replace existing workbooks; otherwise such segments fail with a clear message.
    read_options : dict, optional
        Passed to :func:`retention_xl.read_orders` (column names, ``on_error`` …).
    progress : callable, optional
        ``progress(done, total, result)`` after each workbook.
    on_read : callable, optional
        ``on_read(report)`` after each file is read (rows read, used, rejected, problems).
    engine : {"duckdb", "dask"}, optional
        Aggregate on that engine (:mod:`retention_xl.engines`) instead of reading the orders
        into memory: for order logs too large for it. Cohorts template only; the workbooks
        then hold the triangle and summary without an Orders sheet, and ``--by`` is split
        by the engine (on DuckDB one grouped query). ``engine_options``: ``memory_limit``,
        ``temp_directory``, ``scheduler``, ``workers``.

    Returns
    -------
    list of FillResult, in the order of the sources and segments.
    """
    _check_template(template)
    if engine in ("duckdb", "dask"):
        return _fill_on_engine(
            sources,
            engine,
            dict(engine_options or {}),
            template=template,
            out_dir=Path(out_dir),
            by=by,
            lang=lang,
            overwrite=overwrite,
            read_options=dict(read_options or {}),
            progress=progress,
            on_read=on_read,
            conventions=conventions,
        )
    suffix = ".xlsx" if str(template) in TEMPLATES else Path(template).suffix.lower()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    items = _sources(sources, by, dict(read_options or {}), on_read)
    stems = unique_names([safe_filename(name) for name, _, _ in items])
    work = []
    for (name, orders, error), stem in zip(items, stems, strict=True):
        target = folder / f"{stem}{suffix}"
        if not error and target.exists() and not overwrite:
            error = f"{target} already exists; pass overwrite=True (--overwrite) to replace it."
        work.append(_Job(name, orders, target, template, lang, overwrite, dict(conventions), error))
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
        with ProcessPoolExecutor(max_workers=min(workers, len(runnable))) as pool:
            futures: dict[Future[FillResult], int] = {
                pool.submit(_run, work[i]): i for i in runnable
            }
            from concurrent.futures import as_completed

            for future in as_completed(futures):
                done(futures[future], future.result())
    return [r for r in results if r is not None]
