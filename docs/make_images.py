"""Render the demo workbooks to the PNG pictures in docs/images (``make images``).

LibreOffice prints each workbook's first sheet to PDF (the sheets are set to fit one page),
pdftoppm turns the first page into a PNG, cropped to the printed area.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from libreoffice import convert  # noqa: E402

from retention_xl import read_orders  # noqa: E402
from retention_xl.results import cohort_result, forecast_result, subscription_book  # noqa: E402
from retention_xl.samples import SHOP_ORDERS  # noqa: E402
from retention_xl.subscriptions import ledger  # noqa: E402
from retention_xl.subscriptions.sample import sample_billing  # noqa: E402
from retention_xl.workbook import (  # noqa: E402
    EXAMPLE,
    write_cohort_workbook,
    write_forecast_workbook,
    write_kpi_workbook,
    write_subscription_workbook,
)
from retention_xl.workbook.live_cohorts import write_live_cohort_workbook  # noqa: E402

# file: (dpi, crop x, y, width, height in pixels) — the part of the page with content
PICTURES = {
    "cohorts_en": (110, 60, 95, 1135, 575),
    "kpis_de": (180, 125, 170, 1800, 760),
    # the live workbook (issue 8): as the empty template, and computed by LibreOffice itself
    "cohorts_live_empty_en": (110, 75, 95, 1075, 520),
    "cohorts_live_en": (110, 75, 95, 1075, 520),
    "forecast_en": (110, 60, 95, 1135, 575),
    "subscriptions_en": (110, 75, 100, 1010, 690),
}


def main(out_dir: Path = ROOT / "docs" / "images") -> list[Path]:
    """Write the pictures into ``out_dir``; return their paths."""
    written = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shop = read_orders(SHOP_ORDERS, segment_col="store")
        berlin = shop.select(shop.segments == "Berlin", "Berlin")
        books = [
            write_cohort_workbook(work / "cohorts_en.xlsx", "en", cohort_result(shop)),
            write_kpi_workbook(work / "kpis_de.xlsx", "de", EXAMPLE),
            write_live_cohort_workbook(work / "cohorts_live_empty_en.xlsx", "en"),
            # one store of the sample shop (4,887 orders): within the live workbook's capacity
            write_live_cohort_workbook(
                work / "cohorts_live_en.xlsx", "en", berlin, segment="Berlin"
            ),
            write_forecast_workbook(work / "forecast_en.xlsx", "en", forecast_result(shop)),
            write_subscription_workbook(
                work / "subscriptions_en.xlsx",
                "en",
                subscription_book(ledger(*sample_billing(400, 24), source="sample_billing")),
            ),
        ]
        for pdf in convert(books, work / "pdf", "pdf"):
            dpi, x, y, w, h = PICTURES[pdf.stem]
            target = out_dir / pdf.stem
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    str(dpi),
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    "-x",
                    str(x),
                    "-y",
                    str(y),
                    "-W",
                    str(w),
                    "-H",
                    str(h),
                    str(pdf),
                    str(target),
                ],
                check=True,
            )
            written.append(target.with_suffix(".png"))
            print(f"wrote {target}.png")
    return written


if __name__ == "__main__":
    main()
