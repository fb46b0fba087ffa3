"""The ``retention-xl`` command (also ``python -m retention_xl``).

One idea: parse the command line and hand over to the library; ``main(argv)`` returns the
exit code (0 success, 1 a workbook that could not be written, 2 bad input or usage) and
never prints a traceback for bad input. Imports the workbook package only for the commands
that write workbooks.

Commands
--------
``functions [--lang de] [--format text|markdown]``
    every Excel function with its alias and a one-line description (markdown: the page
    ``docs/functions.md``).
``template kpis|cohorts|subscriptions --lang en|de --out PATH [--xlsm] [--overwrite]``
    write a template: the KPI calculator, the live cohort workbook (native formulas; with
    ``--xlsm`` the xlwings one), the subscription workbook.
``cohorts ORDERS.csv [--customer-col C] [--date-col D] [--amount-col A] [--period M]
[--kind on] [--value retention] [--as-of YYYY-MM-DD] [--format csv|table]``
    print the cohort triangle (CSV on stdout; the read report and conventions on stderr).
``fill ORDERS... --template cohorts|kpis|forecast|subscriptions|PATH --out-dir DIR [--by COL]
[--live] [--lang de] [--jobs N] [--overwrite]``
    one finished workbook per file or per value of ``--by``; a summary table at the end.
``forecast ORDERS --out PATH [--holdout 0.25] [--horizon 12] [--unit M] [--as-of D]
[--margin 1] [--discount-rate 0.1] [--lang de] [--overwrite]``
    the forecast workbook: RFM segments, P(alive), expected purchases and CLV per customer,
    the BG/NBD and Gamma-Gamma fits with a holdout check.
``subscriptions FILE [--period-col P] [--mrr-col M] [--start-col S --end-col E]
[--as-of YYYY-MM]``
    print the MRR movement table of a billing export (up to ``--as-of``, default the month
    of the last billing row).
``demo [--out-dir DIR] [--overwrite]``
    write the English and German KPI workbooks with example numbers and print the KPIs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .batch import FillResult
from .cohorts import CohortSpec, CohortTable
from .definitions import DEFINITIONS
from .engines.settings import ENGINES, EngineSettings
from .errors import InputError, TemplateError
from .io import PRESETS, Orders, ReadSettings, read_orders
from .kinds import ResultKind, kind_named, result_kinds
from .reference import function_list, markdown
from .texts import text

__all__ = ["main"]


_ORDERS_HELP = (
    "orders: CSV (also .csv.gz; UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab), "
    "Excel .xlsx/.xlsm/.xls, or a Parquet file or folder"
)


def _version() -> str:
    """The installed package's version (``importlib.metadata``: the command line sits below
    the package's ``__init__`` in the layers)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("retention-xl")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retention-xl",
        description="Customer-retention analytics for Excel: KPI functions and templates.",
    )
    parser.add_argument("--version", action="version", version=f"retention-xl {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    functions = commands.add_parser("functions", help="list the Excel functions")
    functions.add_argument("--lang", choices=("en", "de"), default="en")
    functions.add_argument("--format", choices=("text", "markdown"), default="text")

    template = commands.add_parser("template", help="write a template workbook")
    template.add_argument(
        "kind",
        choices=[kind.name for kind in result_kinds() if kind.template is not None],
        help="which template",
    )
    template.add_argument("--lang", choices=("en", "de"), default="en")
    template.add_argument("--out", required=True, type=Path, help="file to write")
    template.add_argument(
        "--xlsm",
        action="store_true",
        help="xlwings-ready variant whose KPIs call the Excel functions",
    )
    template.add_argument("--overwrite", action="store_true", help="replace an existing file")

    cohorts = commands.add_parser(
        "cohorts",
        help="print the cohort triangle of an orders CSV file",
        description="Print the cohort triangle as CSV (cohort, size, one column per period "
        "offset, empty when not yet observed; last row the weighted average) or a table.",
    )
    cohorts.add_argument("orders", type=Path, help=_ORDERS_HELP)
    _column_options(cohorts)
    _settings_options(cohorts, [kind_named("cohorts")])
    cohorts.add_argument("--format", choices=("csv", "table"), default="csv")
    _engine_options(cohorts)
    cohorts.add_argument(
        "--lang", choices=("en", "de"), default="en", help="labels, report and messages"
    )

    fill = commands.add_parser(
        "fill",
        help="fill one workbook per file or per segment (no Excel needed)",
        description="Fill a finished workbook for every orders file, or with --by for every "
        "value of a column (a store, a segment). Exit code 0 when all were written.",
    )
    fill.add_argument("orders", type=Path, nargs="+", help=_ORDERS_HELP)
    fill.add_argument(
        "--template",
        default="cohorts",
        help=", ".join(kind.name for kind in result_kinds())
        + " (subscriptions: billing rows, --date-col is the month, --amount-col the MRR), or "
        "the path of your own .xlsx/.xlsm with cells named rx_… (default cohorts)",
    )
    fill.add_argument("--out-dir", type=Path, required=True, help="folder for the workbooks")
    fill.add_argument("--by", metavar="COL", help="column to split by, one workbook per value")
    fill.add_argument("--lang", choices=("en", "de"), default="en")
    _column_options(fill)
    _settings_options(fill, list(result_kinds()))
    _engine_options(fill)
    fill.add_argument(
        "--live",
        action="store_true",
        help="with --template cohorts: the live workbook (--template live) whose native "
        "formulas compute the triangle (monthly); next month's orders can be pasted into it",
    )
    fill.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: the machine's cores)"
    )
    fill.add_argument("--overwrite", action="store_true", help="replace existing workbooks")

    for kind in result_kinds():
        if kind.command:
            _workbook_parser(commands, kind)

    _subscriptions_parser(commands)

    demo = commands.add_parser(
        "demo",
        help="write example KPI, cohort, forecast and subscription workbooks and print results",
    )
    demo.add_argument("--out-dir", type=Path, default=Path("demo_output"))
    demo.add_argument("--overwrite", action="store_true", help="replace existing files")
    return parser


def _print_summary(results: list[FillResult], counted: bool, lang: str = "en") -> None:
    """The table at the end of a batch: workbook, rows read/used/rejected, cohorts, status."""
    keys = ("workbook", "rows_read", "used", "rejected", "cohorts", "status")
    head = [text("cli.summary." + key, lang) for key in keys]
    rows = [
        [
            r.path.name if r.path else r.name,
            str(r.rows_read),
            str(r.rows_used),
            str(r.rows_rejected),
            str(r.cohorts) if counted else "-",
            r.status,
        ]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        cells = zip(row, widths, strict=True)
        print(
            "  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w) for i, (c, w) in enumerate(cells))
        )


def _print_report(report: Any) -> None:
    """The read report (or an engine's report) on stderr, in the report's language."""
    for line in report.lines():
        print(line, file=sys.stderr)


def _fill(args: argparse.Namespace) -> int:
    from .batch import fill_many

    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs must be at least 1; got {args.jobs}.")
    terminal = sys.stderr.isatty()

    def progress(done: int, total: int, result: FillResult) -> None:
        if terminal:
            bar = "#" * (30 * done // total)
            sys.stderr.write(f"\r[{bar:<30}] {done}/{total} {result.name[:30]:<30}")
            sys.stderr.flush()

    template = args.template
    if args.live:
        if template != "cohorts":
            raise InputError(f"--live works with --template cohorts only; got {template!r}.")
        template = "live"
    kind = kind_named(template) if template in _kind_names() else kind_named("cohorts")
    results = fill_many(
        args.orders,
        template=template,
        out_dir=args.out_dir,
        by=args.by,
        lang=args.lang,
        jobs=args.jobs,
        overwrite=args.overwrite,
        settings=kind.settings_of(args),
        read=_read_settings(args),
        engine=_engine_settings(args),
        progress=progress,
        on_read=_print_report,
    )
    if terminal:
        sys.stderr.write("\n")
    _print_summary(results, kind.count is not None, args.lang)
    failed = [r for r in results if not r.ok]
    written = len(results) - len(failed)
    lang = args.lang
    print(text("cli.written", lang, written=written, total=len(results), folder=args.out_dir))
    for result in failed:
        print(text("cli.failed", lang, name=result.name, error=result.error), file=sys.stderr)
    return 1 if failed or not results else 0


def _workbook_parser(commands: argparse._SubParsersAction, kind: ResultKind) -> None:  # type: ignore[type-arg]
    """``retention-xl NAME ORDERS --out FILE``: one workbook of a result kind."""
    parser = commands.add_parser(kind.name, help=kind.command, description=kind.help + ".")
    parser.add_argument("orders", type=Path, help=_ORDERS_HELP)
    parser.add_argument("--out", type=Path, required=True, help="workbook to write (.xlsx)")
    _settings_options(parser, [kind])
    parser.add_argument("--lang", choices=("en", "de"), default="en")
    _column_options(parser)
    _engine_options(parser)
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")


def _write_one(args: argparse.Namespace) -> int:
    """The workbook of one result kind from one file: read into memory (numpy), or computed
    on the engine asked for or chosen by ``auto``."""
    kind = kind_named(args.command)
    settings = kind.settings_of(args)
    note = _on_reader(args, _reader_flags(args))
    read, extra = kind.reading(_read_settings(args), settings)
    if note is not None or kind.from_files is None:
        orders = read_orders(args.orders, read, extra_dates=extra)
        _print_report(orders.report)
        _note(note or "")
        result = kind.compute(orders, settings)
    else:
        results, report = kind.from_files(
            args.orders, None, settings, read=read, engine=_engine_settings(args)
        )
        _print_engine(report, args.lang)
        result = results[""]
    for line in kind.notes(result, args.lang) if kind.notes is not None else []:
        print(line, file=sys.stderr)
    path = kind.write(args.out, args.lang, result, None, args.overwrite)
    print(text("cli.wrote", args.lang, path=path))
    return 0


def _subscriptions_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    subs = commands.add_parser(
        "subscriptions",
        help="print the MRR movements of a billing export",
        description="Print the MRR movement table per period (CSV with the headers Period, MRR "
        "start, New, Expansion, Contraction, Churn, Reactivation, MRR end, then customer counts "
        "and rates) or an aligned table; conventions and counts on stderr.",
    )
    subs.add_argument("orders", type=Path, metavar="FILE", help=_ORDERS_HELP)
    subs.add_argument("--customer-col", default="customer_id", metavar="C", help="customer column")
    subs.add_argument(
        "--period-col", default="period", metavar="P", help="the month: any date in it, or YYYY-MM"
    )
    subs.add_argument(
        "--mrr-col",
        default="mrr",
        metavar="M",
        help="MRR of the row (with --start-col/--end-col: the amount billed)",
    )
    _settings_options(subs, [kind_named("subscriptions")])
    subs.add_argument(
        "--format", choices=("csv", "table"), default="csv", help="CSV (default) or aligned text"
    )
    subs.add_argument(
        "--lang", choices=("en", "de"), default="en", help="headers, conventions and messages"
    )
    _reading_options(subs)
    _engine_options(subs)


#: The missing-column messages of a billing read name the subscriptions command's options.
_BILLING_FLAGS = {"date": "--period-col", "amount": "--mrr-col"}


def _subscriptions(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .subscriptions import print_movements, run_subscriptions

    settings = kind_named("subscriptions").settings_of(args)
    billing = replace(
        settings.billing,
        customer_col=args.customer_col,
        period_col=args.period_col,
        mrr_col=args.mrr_col,
    )
    note = _on_reader(args, _reader_flags(args))
    form = _format_settings(args)
    if note is not None:
        read = form.with_columns(args.customer_col, args.period_col, args.mrr_col)
        orders = read_orders(
            args.orders, read, extra_dates=billing.service or (), flags=_BILLING_FLAGS
        )
        _print_report(orders.report)
        _note(note)
        return run_subscriptions(
            orders, billing, settings.conventions, fmt=args.format, lang=args.lang
        )
    from .engines import mrr_movements_from_files

    movements, report = mrr_movements_from_files(
        args.orders,
        settings.conventions,
        billing=billing,
        read=form,
        engine=_engine_settings(args),
    )
    _print_engine(report, args.lang)
    return print_movements(movements, fmt=args.format, lang=args.lang)


def _settings_options(parser: argparse.ArgumentParser, kinds: list[ResultKind]) -> None:
    """The command-line options of the settings of ``kinds`` (an option two kinds share,
    such as ``--as-of``, once)."""
    seen: set[str] = set()
    for kind in kinds:
        for flag in kind.flags:
            if flag.dest not in seen:
                seen.add(flag.dest)
                parser.add_argument(*flag.flags, dest=flag.dest, **flag.options)


def _kind_names() -> list[str]:
    return [kind.name for kind in result_kinds()]


def _column_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customer-col", metavar="C", help="customer column (default customer_id, or the preset's)"
    )
    parser.add_argument(
        "--date-col", metavar="D", help="order date column (default order_date, or the preset's)"
    )
    parser.add_argument(
        "--amount-col",
        default=None,
        metavar="A",
        help="amount column (default: 'amount' if the file has one)",
    )
    parser.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="read a shop's order export by its own column names (docs/presets.md)",
    )
    parser.add_argument(
        "--order-col",
        metavar="O",
        help="order number column: rows sharing it are one order (line-item exports)",
    )
    _reading_options(parser)


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """How to read the file, whatever its columns mean (every command that reads orders)."""
    parser.add_argument(
        "--status-col", metavar="S", help="order status column (default: the preset's)"
    )
    parser.add_argument(
        "--exclude-status",
        action="append",
        metavar="VALUE",
        help="leave out orders with this status (any case; repeat for more); counted",
    )
    parser.add_argument(
        "--currency-col", metavar="C", help="currency column (default: the preset's)"
    )
    parser.add_argument(
        "--currency",
        metavar="EUR",
        help="keep only orders in this currency (the others are counted); a file in several "
        "currencies is refused without it",
    )
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="count timestamps that carry an offset on their day in this zone, e.g. "
        "Europe/Berlin (default: the day as written)",
    )
    parser.add_argument(
        "--sheet", help="workbook sheet to read (default: the first with the columns)"
    )
    parser.add_argument(
        "--date-format",
        metavar="PATTERN",
        help="strftime pattern for other dates, e.g. %%d/%%m/%%Y (slash dates need it)",
    )
    parser.add_argument(
        "--delimiter", help="field separator: one character, or tab (default: detected)"
    )
    parser.add_argument("--encoding", help="text encoding (default: detected)")
    parser.add_argument(
        "--decimal",
        choices=(".", ","),
        help="decimal separator (default: detected from the amounts)",
    )
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="leave unreadable rows out and report them instead of stopping",
    )


def _format_settings(args: argparse.Namespace, preset: str | None = None) -> ReadSettings:
    """The read settings of the reading flags (file form, statuses, currency, time zone;
    not the columns' meaning)."""
    return ReadSettings(
        preset=preset,
        sheet=getattr(args, "sheet", None),
        delimiter=args.delimiter,
        decimal=args.decimal,
        encoding=args.encoding,
        date_format=args.date_format,
        on_error="skip" if args.skip_bad_rows else "raise",
        lang=args.lang,
        status_col=args.status_col,
        exclude_status=tuple(args.exclude_status or ()),
        currency_col=args.currency_col,
        currency=args.currency,
        timezone=args.timezone,
    )


def _read_settings(args: argparse.Namespace) -> ReadSettings:
    """The read settings of the column and reading flags of an orders command."""
    from dataclasses import replace

    return replace(
        _format_settings(args, preset=args.preset),
        customer_col=args.customer_col,
        date_col=args.date_col,
        amount_col=args.amount_col or "amount",
        require_amount=args.amount_col is not None,
        order_col=args.order_col,
    )


def _read(args: argparse.Namespace) -> Orders:
    orders = read_orders(args.orders, _read_settings(args))
    _print_report(orders.report)
    return orders


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="auto (default): numpy up to a measured size (cohorts: 100k Parquet / 10M CSV "
        "orders; forecast, subscriptions: 10M), duckdb above; stderr says which and why. "
        "duckdb works out of core, dask on a cluster",
    )
    parser.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help="duckdb: memory cap such as 2GB, spilling beyond it (default 20 bytes per order, "
        "at least 512MiB); dask: per worker",
    )
    parser.add_argument("--temp-directory", metavar="DIR", help="duckdb: where to spill")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask: a running scheduler tcp://HOST:PORT (default: a local cluster)",
    )
    parser.add_argument("--workers", type=int, metavar="N", help="dask: local worker processes")


def _engine_settings(args: argparse.Namespace) -> EngineSettings:
    """The engine flags as settings."""
    return EngineSettings(
        engine=args.engine,
        memory_limit=args.memory_limit,
        temp_directory=args.temp_directory,
        scheduler=args.scheduler,
        workers=args.workers,
    )


def _print_engine(report: Any, lang: str) -> None:
    for line in report.lines(lang):
        print(line, file=sys.stderr)


def _engine_table(args: argparse.Namespace, spec: CohortSpec) -> CohortTable:
    """The triangle of ``args.orders`` on the engine asked for (``auto`` says which)."""
    from .engines import cohort_table_from_files

    table, report = cohort_table_from_files(
        args.orders, spec, read=_read_settings(args), engine=_engine_settings(args)
    )
    _print_engine(report, args.lang)
    return table


def _on_reader(args: argparse.Namespace, reader_only: list[str]) -> str | None:
    """Whether the command reads the file with the order reader (the numpy engine): asked
    for, a reader-only flag (``reader_only`` names those given), or ``auto`` on one small
    file (:func:`_in_memory`). None: an engine runs; else the line to print on stderr once
    the file is read ("" when numpy was asked for)."""
    if reader_only and args.engine in ("duckdb", "dask"):
        raise InputError(
            f"{', '.join(reader_only)} are read by the numpy engine only; leave out --engine "
            "(or use --engine numpy)."
        )
    if not (reader_only or _in_memory(args)):
        return None
    if args.engine != "auto":
        return ""
    limit = IN_MEMORY_BYTES // 2**20
    lang = args.lang
    reason = (
        text("cli.reason.reader_flag", lang)
        if reader_only
        else text("cli.reason.small_file", lang, limit=limit)
    )
    return text("cli.engine_numpy", lang, reason=reason)


def _note(line: str) -> None:
    if line:
        print(line, file=sys.stderr)


def _cohorts(args: argparse.Namespace) -> int:
    spec = kind_named("cohorts").settings_of(args)
    note = _on_reader(args, _reader_flags(args))
    if note is not None:
        orders = _read(args)
        _note(note)
        if len(orders) == 0:
            raise InputError(f"{args.orders}: no orders to build cohorts from.")
        table = spec.table(orders.customer_codes, orders.order_dates, orders.amounts)
    else:
        table = _engine_table(args, spec)
    for line in table.conventions(args.lang):
        print(line, file=sys.stderr)
    if table.orders_after_as_of or table.orders_unobserved or table.unplaced_refunds:
        left_out = text(
            "cli.cohorts.left_out",
            args.lang,
            used=table.orders_used,
            after=table.orders_after_as_of,
            unobserved=table.orders_unobserved,
            refunds=table.unplaced_refunds,
        )
        print(left_out, file=sys.stderr)
    rows = table.rows(args.lang)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    else:
        _print_table(rows, fraction=spec.value == "retention")
    return 0


#: Text and workbook files below this size go through the order reader and the numpy engine
#: under ``--engine auto`` (about 8M orders of CSV: numpy is faster than DuckDB up to 5M
#: orders of CSV and even at 10M, benchmarks/RESULTS.md "Engines at scale").
IN_MEMORY_BYTES = 256 * 2**20


def _reader_flags(args: argparse.Namespace) -> list[str]:
    """The flags given that only the order reader reads (ReadSettings.numpy_only)."""
    return _format_settings(args, preset=getattr(args, "preset", None)).numpy_only


def _in_memory(args: argparse.Namespace) -> bool:
    """Whether ``cohorts`` reads the file with the order reader (numpy engine): asked for,
    or ``auto`` with one CSV or workbook file below :data:`IN_MEMORY_BYTES`."""
    if args.engine == "numpy":
        return True
    path = args.orders
    if args.engine != "auto" or not path.is_file():
        return False
    with path.open("rb") as handle:
        parquet = handle.read(4) == b"PAR1"
    return not parquet and path.stat().st_size < IN_MEMORY_BYTES


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 12))
    return value


def _print_table(rows: list[list[object]], *, fraction: bool) -> None:
    def show(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.1%}" if fraction else f"{value:,.2f}"
        return str(value)

    cells = [[show(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    for row in cells:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _template(args: argparse.Namespace) -> int:
    write = kind_named(args.kind).template
    assert write is not None  # the parser offers only kinds with a template
    path = write(args.out, args.lang, args.xlsm, args.overwrite)
    print(text("cli.wrote", args.lang, path=path))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .batch import fill_many
    from .results import cohort_result, forecast_result, subscription_book
    from .samples import SHOP_ORDERS
    from .workbook import EXAMPLE, compute_kpis, write_cohort_workbook, write_kpi_workbook

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "de"):
        path = args.out_dir / f"retention_kpis_example_{lang}.xlsx"
        write_kpi_workbook(path, lang, EXAMPLE, overwrite=args.overwrite)
        print(text("cli.wrote", "en", path=path))
    print("\nKPIs of the example numbers, computed with numpy (the workbooks show the same):")
    kpi_results = compute_kpis(EXAMPLE)
    for definition in DEFINITIONS:
        value = kpi_results[definition.name]
        formats = {"fraction": "{:.1%}", "count": "{:,.0f}"}
        shown = formats.get(definition.unit, "{:,.2f}").format(value)
        print(f"  {definition.name:<24}{definition.alias:<32}{shown:>12}")

    orders = read_orders(SHOP_ORDERS)
    print(f"\nCohorts of the sample shop ({orders.report.summary()}):")
    cohorts = cohort_result(orders)
    for lang in ("en", "de"):
        path = args.out_dir / f"retention_cohorts_example_{lang}.xlsx"
        write_cohort_workbook(path, lang, cohorts, overwrite=args.overwrite)
        print(text("cli.wrote", "en", path=path))
    rows = cohorts.table.rows()
    _print_table(
        [row[:9] for row in rows[:7]] + [["…"] + [None] * 8] + [rows[-1][:9]], fraction=True
    )

    folder = args.out_dir / "by_store"
    print(f"\nOne cohort workbook per store in {folder}:")
    batch = fill_many([SHOP_ORDERS], by="store", out_dir=folder, overwrite=args.overwrite)
    _print_summary(batch, True)

    from .subscriptions import ledger
    from .subscriptions.sample import sample_billing
    from .workbook import write_forecast_workbook, write_subscription_workbook

    print("\nForecast of the sample shop (BG/NBD + Gamma-Gamma, holdout 25 %):")
    forecast = forecast_result(orders)
    for lang in ("en", "de"):
        path = args.out_dir / f"retention_forecast_example_{lang}.xlsx"
        write_forecast_workbook(path, lang, forecast, overwrite=args.overwrite)
        print(text("cli.wrote", "en", path=path))
    billing = subscription_book(ledger(*sample_billing(400, 24), source="sample_billing"))
    print("\nMRR movements of a made-up subscription business (last 3 months):")
    rows = billing.movements.rows_table()
    _print_table([row[:8] for row in [rows[0], *rows[-3:]]], fraction=False)
    for lang in ("en", "de"):
        path = args.out_dir / f"retention_subscriptions_example_{lang}.xlsx"
        write_subscription_workbook(path, lang, billing, overwrite=args.overwrite)
        print(text("cli.wrote", "en", path=path))
    return 0 if all(r.ok for r in batch) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "functions":
            listing = markdown() if args.format == "markdown" else function_list(args.lang)
            sys.stdout.write(listing if listing.endswith("\n") else listing + "\n")
            return 0
        if args.command == "template":
            return _template(args)
        if args.command == "cohorts":
            return _cohorts(args)
        if args.command == "fill":
            return _fill(args)
        if args.command == "subscriptions":
            return _subscriptions(args)
        if args.command in [kind.name for kind in result_kinds() if kind.command]:
            return _write_one(args)
        return _demo(args)
    except InputError as error:  # bad input: a file, a column, an option value
        print(text("cli.error", getattr(args, "lang", "en"), error=error), file=sys.stderr)
        return 2
    except (TemplateError, OSError) as error:
        print(text("cli.error", getattr(args, "lang", "en"), error=error), file=sys.stderr)
        return 1
