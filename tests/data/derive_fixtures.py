"""Derive the CSV fixtures of tests/data and the bundled sample from the CDNOW 1/10 sample.

Source: ../shared/data/cdnow/CDNOW_sample.txt — the CDNOW data of Fader, Hardie & Lee (2005),
"Counting your customers the easy way", Marketing Science 24(2), as redistributed in the
MIT-licensed lifetimes 0.11.3 package. Columns there: customer_id, customer index, date
(yyyymmdd), number_of_cds, dollar_value. Run from the repository root:

    python tests/data/derive_fixtures.py ../shared/data/cdnow/CDNOW_sample.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITIES = ["Köln", "Düsseldorf", "München", "Lübeck", "Berlin"]


def main(source: str) -> None:
    rows = []
    for line in Path(source).read_text(encoding="ascii").splitlines():
        customer, _, day, _, dollars = line.split()
        rows.append((customer, f"{day[:4]}-{day[4:6]}-{day[6:]}", dollars))
    sample = ROOT / "retention_xl" / "sample" / "cdnow_sample_orders.csv"
    sample.write_text(
        "customer_id,order_date,amount\n" + "".join(f"{c},{d},{a}\n" for c, d, a in rows),
        encoding="utf-8",
    )

    customers = sorted({c for c, _, _ in rows})[:300]
    chosen = [r for r in rows if r[0] in set(customers)]
    english = "customer_id,order_date,amount,city\n" + "".join(
        f"{c},{d},{a},{CITIES[int(c) % 5]}\n" for c, d, a in chosen
    )
    (ROOT / "tests" / "data" / "cdnow_300.csv").write_text(english, encoding="utf-8-sig")
    german = "Kunden-Nr;Bestelldatum;Betrag;Ort\r\n" + "".join(
        f"{c};{d[8:]}.{d[5:7]}.{d[:4]};{_german_amount(a)};{CITIES[int(c) % 5]}\r\n"
        for c, d, a in chosen
    )
    (ROOT / "tests" / "data" / "cdnow_300_de.csv").write_bytes(german.encode("cp1252"))


def _german_amount(dollars: str) -> str:
    whole, cents = f"{float(dollars):,.2f}".split(".")
    return whole.replace(",", ".") + "," + cents


if __name__ == "__main__":
    main(sys.argv[1])
