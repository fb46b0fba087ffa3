"""Derive ``cdnow_master_orders.csv.gz`` from the full CDNOW data set (issue 11 fixture).

Input: ``CDNOW_master.txt`` of Fader, Hardie & Lee (2005) as redistributed in the
MIT-licensed ``lifetimes`` 0.11.3 package (whitespace separated: customer_id, date as
yyyymmdd, number_of_cds, dollar_value). Output: every order as ``customer_id,order_date,
amount`` with ISO dates and the ids as written (five digits, leading zeros kept), gzip
compressed with a fixed timestamp so the file is reproducible.

Run: ``python tests/data/derive_cdnow_master.py ../shared/data/cdnow/CDNOW_master.txt``
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path


def main(source: str) -> None:
    lines = ["customer_id,order_date,amount"]
    for raw in Path(source).read_text().splitlines()[1:]:
        customer, day, _cds, dollars = raw.split()
        lines.append(f"{customer},{day[:4]}-{day[4:6]}-{day[6:]},{dollars}")
    target = Path(__file__).with_name("cdnow_master_orders.csv.gz")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with (
        target.open("wb") as raw_file,
        gzip.GzipFile(fileobj=raw_file, mode="wb", mtime=0, filename="") as packed,
    ):
        packed.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
