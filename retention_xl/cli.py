"""The ``retention-xl`` command (also ``python -m retention_xl``).

One idea: parse the command line and hand over to the library; ``main(argv)`` returns the
exit code (0 success, 1 a reported error, 2 bad usage) and never prints a traceback for bad
input. Imports the workbook package only for the commands that write workbooks.

Commands
--------
``functions [--lang de] [--format text|markdown]``
    every Excel function with its alias and a one-line description (markdown: the page
    ``docs/functions.md``).
``template kpis --lang en|de --out PATH [--xlsm] [--overwrite]``
    write the KPI calculator workbook.
``demo [--out-dir DIR] [--overwrite]``
    write the English and German KPI workbooks with example numbers and print the KPIs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .definitions import DEFINITIONS
from .errors import InputError, TemplateError
from .reference import function_list, markdown

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retention-xl",
        description="Customer-retention analytics for Excel: KPI functions and templates.",
    )
    parser.add_argument("--version", action="version", version=f"retention-xl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    functions = commands.add_parser("functions", help="list the Excel functions")
    functions.add_argument("--lang", choices=("en", "de"), default="en")
    functions.add_argument("--format", choices=("text", "markdown"), default="text")

    template = commands.add_parser("template", help="write a template workbook")
    template.add_argument("kind", choices=("kpis",), help="which template")
    template.add_argument("--lang", choices=("en", "de"), default="en")
    template.add_argument("--out", required=True, type=Path, help="file to write")
    template.add_argument(
        "--xlsm",
        action="store_true",
        help="xlwings-ready variant whose KPIs call the Excel functions",
    )
    template.add_argument("--overwrite", action="store_true", help="replace an existing file")

    demo = commands.add_parser("demo", help="write example KPI workbooks and print the KPIs")
    demo.add_argument("--out-dir", type=Path, default=Path("demo_output"))
    demo.add_argument("--overwrite", action="store_true", help="replace existing files")
    return parser


def _template(args: argparse.Namespace) -> int:
    from .workbook import write_kpi_workbook

    path = write_kpi_workbook(args.out, args.lang, xlsm=args.xlsm, overwrite=args.overwrite)
    print(f"wrote {path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .workbook import EXAMPLE, compute_kpis, write_kpi_workbook

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "de"):
        path = args.out_dir / f"retention_kpis_example_{lang}.xlsx"
        write_kpi_workbook(path, lang, EXAMPLE, overwrite=args.overwrite)
        print(f"wrote {path}")
    print("\nKPIs of the example numbers, computed with numpy (the workbooks show the same):")
    results = compute_kpis(EXAMPLE)
    for definition in DEFINITIONS:
        value = results[definition.name]
        formats = {"fraction": "{:.1%}", "count": "{:,.0f}"}
        shown = formats.get(definition.unit, "{:,.2f}").format(value)
        print(f"  {definition.name:<24}{definition.alias:<32}{shown:>12}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "functions":
            text = markdown() if args.format == "markdown" else function_list(args.lang)
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return 0
        if args.command == "template":
            return _template(args)
        return _demo(args)
    except (InputError, TemplateError, OSError) as error:
        print(f"retention-xl: error: {error}", file=sys.stderr)
        return 1
