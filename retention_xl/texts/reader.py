"""The words of the order reader (:mod:`retention_xl.io`): every message a read can produce —
a rejected row, an unreadable file, a missing column, the one-line summary — and the words that
place a row ("row", "sheet", "table")."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "reader.summary": (
        "{source}: {read} rows read, {used} used, {rejected} rejected",
        "{source}: {read} Zeilen gelesen, {used} verwendet, {rejected} abgelehnt",
    ),
    "reader.blank_rows": (", {n} blank rows skipped", ", {n} leere Zeilen übersprungen"),
    "reader.merged": (
        ", {n} line-item rows merged into their orders",
        ", {n} Positionszeilen ihren Bestellungen zugeordnet",
    ),
    "reader.more": ("… and {n} more", "… und {n} weitere"),
    "reader.rejected": ("rejected: {problem}", "abgelehnt: {problem}"),
    "reader.fix_row": (
        "Fix the row or read with on_error='skip' (--skip-bad-rows) to leave it out and report it.",
        "Korrigieren Sie die Zeile oder lesen Sie mit --skip-bad-rows (on_error='skip'), "
        "um sie auszulassen und zu melden.",
    ),
    "reader.empty_id": (
        "column {column!r} is empty; every order needs a customer id",
        "Spalte {column!r} ist leer; jede Bestellung braucht eine Kunden-ID",
    ),
    "reader.bad_date": (
        "column {column!r}: cannot read {value!r} as a date; {help}",
        "Spalte {column!r}: {value!r} ist kein lesbares Datum; {help}",
    ),
    "reader.date_help": (
        "use YYYY-MM-DD (a time and offset may follow), DD.MM.YYYY, YYYY-MM or an Excel "
        "serial number",
        "erwartet werden JJJJ-MM-TT (auch mit Uhrzeit und Zeitzone), TT.MM.JJJJ, JJJJ-MM oder "
        "eine Excel-Seriennummer",
    ),
    "reader.slash_date": (
        "column {column!r}: {value!r} could be day/month or month/day; give the pattern with "
        "--date-format (date_format), e.g. %d/%m/%Y or %m/%d/%Y",
        "Spalte {column!r}: {value!r} kann Tag/Monat oder Monat/Tag sein; geben Sie das Muster "
        "mit --date-format (date_format) an, z. B. %d/%m/%Y oder %m/%d/%Y",
    ),
    "reader.format_help": (
        "the pattern given with --date-format is {pattern!r}",
        "das mit --date-format angegebene Muster ist {pattern!r}",
    ),
    "reader.bad_amount": (
        "column {column!r}: cannot read {value!r} as an amount (decimal separator "
        "{decimal!r}; set --decimal if that is wrong)",
        "Spalte {column!r}: {value!r} ist kein lesbarer Betrag (Dezimaltrennzeichen "
        "{decimal!r}; mit --decimal ändern, falls falsch)",
    ),
    "reader.fields": (
        "has {actual} fields; the header has {expected}",
        "hat {actual} Felder; die Kopfzeile hat {expected}",
    ),
    "reader.no_column": (
        "{source}: no column {wanted!r}; found {found}. Name the right one with {option}.",
        "{source}: keine Spalte {wanted!r}; vorhanden sind {found}. Geben Sie die richtige "
        "mit {option} an.",
    ),
    "reader.empty_file": (
        "{source}: the file is empty; expected a header row with column names.",
        "{source}: die Datei ist leer; erwartet wird eine Kopfzeile mit Spaltennamen.",
    ),
    "reader.cannot_open": (
        "{source}: cannot read the file ({reason}).",
        "{source}: die Datei kann nicht gelesen werden ({reason}).",
    ),
    "reader.binary": (
        "{source}: this is not a table of orders (binary content{kind}); give a CSV, "
        "gzip CSV, .xlsx/.xlsm, .xls or Parquet file.",
        "{source}: das ist keine Bestelltabelle (Binärdaten{kind}); erwartet wird eine CSV-, "
        "gzip-CSV-, .xlsx/.xlsm-, .xls- oder Parquet-Datei.",
    ),
    "reader.no_sheet": (
        "{source}: no sheet {sheet!r}; the workbook has {found}. Choose one with --sheet.",
        "{source}: kein Blatt {sheet!r}; die Arbeitsmappe hat {found}. Wählen Sie eines mit "
        "--sheet.",
    ),
    "reader.bad_workbook": (
        "{source}: cannot read the workbook ({reason}); save it again from Excel as .xlsx.",
        "{source}: die Arbeitsmappe ist nicht lesbar ({reason}); speichern Sie sie in Excel "
        "erneut als .xlsx.",
    ),
    "reader.no_parquet": (
        "{source}: no Parquet files in this folder.",
        "{source}: in diesem Ordner liegen keine Parquet-Dateien.",
    ),
    "reader.bad_parquet": (
        "{source}: cannot read it as Parquet ({reason}).",
        "{source}: als Parquet nicht lesbar ({reason}).",
    ),
    "reader.missing_pyarrow": (
        "reading files needs pyarrow: pip install pyarrow",
        "zum Lesen von Dateien wird pyarrow gebraucht: pip install pyarrow",
    ),
    "reader.word.table": ("table", "Tabelle"),
    "reader.word.sheet": ("sheet", "Blatt"),
    "reader.word.row": ("row", "Zeile"),
    "reader.cancelled": (
        ", {n} orders left out by status ({detail})",
        ", {n} Bestellungen wegen ihres Status ausgelassen ({detail})",
    ),
    "reader.no_customer": (
        ", {n} orders without a customer ({column} empty: guest or POS orders) left out",
        ", {n} Bestellungen ohne Kunden ({column} leer: Gast- oder Kassenbestellungen) ausgelassen",
    ),
    "reader.other_currency": (
        ", {n} orders in other currencies than {currency} left out ({detail})",
        ", {n} Bestellungen in anderen Währungen als {currency} ausgelassen ({detail})",
    ),
    "reader.refunds": (
        ", refunds subtracted for net revenue: {amount} on {n} orders",
        ", Erstattungen für den Nettoumsatz abgezogen: {amount} auf {n} Bestellungen",
    ),
    "reader.note": (
        "note: {text}",
        "Hinweis: {text}",
    ),
    "reader.utc_days": (
        "the {preset} export writes its times in UTC, so an order's day is its UTC calendar "
        "day (an order at 00:30 in Berlin counts on the day before); give the shop's time "
        "zone with --timezone Europe/Berlin (timezone='Europe/Berlin') to count its own days",
        "der {preset}-Export schreibt seine Zeiten in UTC, der Tag einer Bestellung ist also "
        "ihr UTC-Kalendertag (eine Bestellung um 00:30 in Berlin zählt am Vortag); geben Sie "
        "die Zeitzone des Shops mit --timezone Europe/Berlin (timezone='Europe/Berlin') an, "
        "um seine eigenen Tage zu zählen",
    ),
    "reader.no_status": (
        "the export has no status column ({wanted}), so orders the shop cancelled cannot be "
        "told apart and are counted; add the order status to the export or name its column "
        "with --status-col",
        "der Export hat keine Statusspalte ({wanted}), stornierte Bestellungen sind also "
        "nicht zu erkennen und werden mitgezählt; nehmen Sie den Bestellstatus in den Export "
        "auf oder nennen Sie seine Spalte mit --status-col",
    ),
    "reader.currencies": (
        "{source}: the orders are in {k} currencies ({found}) in column {column!r}, and "
        "amounts in different currencies cannot be added. Read one of them with --currency "
        "{first} (currency={first!r}; the others are left out and counted), or split the "
        "results by it with --by {column!r}.",
        "{source}: die Bestellungen sind in {k} Währungen ({found}) in Spalte {column!r}, "
        "und Beträge verschiedener Währungen lassen sich nicht addieren. Lesen Sie eine "
        "davon mit --currency {first} (currency={first!r}; die anderen werden ausgelassen "
        "und gezählt) oder teilen Sie die Ergebnisse mit --by {column!r} danach auf.",
    ),
    "reader.bad_timezone": (
        "--timezone / timezone: unknown time zone {name!r}; give an IANA name such as "
        "Europe/Berlin, America/New_York or UTC.",
        "--timezone / timezone: unbekannte Zeitzone {name!r}; erwartet wird ein IANA-Name "
        "wie Europe/Berlin, America/New_York oder UTC.",
    ),
    "reader.status_needed": (
        "--exclude-status / exclude_status needs the column holding the status: name it with "
        "--status-col (status_col) or read with a --preset that has one.",
        "--exclude-status / exclude_status braucht die Spalte mit dem Status: nennen Sie sie "
        "mit --status-col (status_col) oder lesen Sie mit einem --preset, das eine hat.",
    ),
}
