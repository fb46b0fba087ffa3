"""The words of the generated workbooks (:mod:`retention_xl.workbook`): sheet names, titles,
labels and instructions of the cohort, live cohort, KPI, subscription and forecast workbooks,
and the lines they share (``workbook.``).

The triangle's own labels (header, average rows) are :mod:`.analysis`'s ``cohorts.`` texts,
the segment names :mod:`.models`'s ``segment.``, the movement headers :mod:`.subscriptions`'s
``movements.``: a workbook shows them as the tables print them.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # every workbook's instructions sheet
    "workbook.howto": ("How to use this workbook", "Anleitung"),
    "workbook.guides": ("From the retention guides", "Aus den Leitfäden zur Kundenbindung"),
    "workbook.guide_cost": (
        "Winning a new customer costs 5 to 25 times as much as keeping one.",
        "Einen Neukunden zu gewinnen kostet 5- bis 25-mal so viel, wie einen Kunden zu halten.",
    ),
    # the cohort workbook (workbook.cohort_template; the live one shares them)
    "cohort_workbook.cohorts": ("Cohorts", "Kohorten"),
    "cohort_workbook.summary": ("Summary", "Übersicht"),
    "cohort_workbook.orders": ("Orders", "Bestellungen"),
    "cohort_workbook.help": ("Instructions", "Anleitung"),
    "cohort_workbook.title": ("Cohort analysis", "Kohortenanalyse"),
    "cohort_workbook.table": ("Orders", "Bestellungen"),  # the Excel Table and its columns
    "cohort_workbook.column.customer_id": ("customer_id", "Kunden_ID"),
    "cohort_workbook.column.order_date": ("order_date", "Bestelldatum"),
    "cohort_workbook.column.amount": ("amount", "Betrag"),
    "cohort_workbook.axis": (
        "Periods since the first purchase →",
        "Perioden seit dem ersten Kauf →",
    ),
    "cohort_workbook.weighted": ("Average (weighted)", "Durchschnitt (gewichtet)"),
    "cohort_workbook.unweighted": ("Average (unweighted)", "Durchschnitt (ungewichtet)"),
    "cohort_workbook.chart": (
        "Retention curves: average and newest cohorts",
        "Bindungskurven: Durchschnitt und neueste Kohorten",
    ),
    "cohort_workbook.period": ("Period", "Periode"),
    "cohort_workbook.curves": (
        "Chart data (average and newest cohorts)",
        "Diagrammdaten (Durchschnitt und neueste Kohorten)",
    ),
    "cohort_workbook.kpi": ("KPI", "Kennzahl"),
    "cohort_workbook.value": ("Value", "Wert"),
    "cohort_workbook.meaning": ("What it means", "Bedeutung"),
    "cohort_workbook.note": (
        "{source}: {used:,} orders in the table, {rejected:,} rejected",
        "{source}: {used:,} Bestellungen in der Tabelle, {rejected:,} abgelehnt",
    ),
    # ... the summary KPIs (cohort_template.SUMMARY): label, and what it means
    "cohort_workbook.kpi.customers": ("Customers in the cohorts", "Kunden in den Kohorten"),
    "cohort_workbook.kpi.customers.meaning": (
        "sum of the cohort sizes",
        "Summe der Kohortengrößen",
    ),
    "cohort_workbook.kpi.cohorts": ("Cohorts", "Kohorten"),
    "cohort_workbook.kpi.cohorts.meaning": (
        "complete first-purchase periods",
        "vollständige Perioden des Erstkaufs",
    ),
    "cohort_workbook.kpi.retention": (
        "Retention after {k} periods",
        "Bindung nach {k} Perioden",
    ),
    "cohort_workbook.kpi.retention.meaning": (
        "weighted average over the cohorts observed that long",
        "gewichteter Durchschnitt der so lange beobachteten Kohorten",
    ),
    "cohort_workbook.kpi.repeat_customer_rate": (
        "Repeat-customer rate",
        "Wiederholungskundenrate",
    ),
    "cohort_workbook.kpi.repeat_customer_rate.meaning": (
        "customers with 2+ purchases / customers",
        "Kunden mit 2+ Käufen / Kunden",
    ),
    "cohort_workbook.kpi.average_order_value": (
        "Average order value",
        "Durchschnittlicher Bestellwert",
    ),
    "cohort_workbook.kpi.average_order_value.meaning": (
        "net revenue (refunds deducted) / purchases",
        "Nettoumsatz (nach Erstattungen) / Käufe",
    ),
    "cohort_workbook.kpi.purchase_frequency": ("Purchase frequency", "Kaufhäufigkeit"),
    "cohort_workbook.kpi.purchase_frequency.meaning": ("purchases / customers", "Käufe / Kunden"),
    # ... the instructions
    "cohort_workbook.how_xlsm": (
        "Paste orders into the table '{table}' ({columns}); the cohort sheet computes "
        "live with =COHORT_TABLE(...) (xlwings add-in: Import Functions once; Excel 365 "
        "spills the result).",
        "Bestellungen in die Tabelle '{table}' ({columns}) einfügen; die Kohortentabelle "
        "rechnet live mit =KOHORTENTABELLE(...) (xlwings-Add-in: einmal Import "
        "Functions, Excel 365 für das Überlaufen).",
    ),
    "cohort_workbook.how_values": (
        "The numbers were computed by retention_xl from the orders and written as "
        "values, so they show in any spreadsheet program without an add-in. For new "
        "orders fill the workbook again (retention-xl) or use the .xlsm template.",
        "Die Zahlen wurden von retention_xl aus den Bestellungen berechnet und als Werte "
        "eingetragen; sie gelten für alle Programme ohne Add-in. Für neue Bestellungen die "
        "Arbeitsmappe neu füllen (retention-xl) oder die .xlsm-Vorlage verwenden.",
    ),
    "cohort_workbook.reading": ("Reading the cohort table", "So liest man die Kohortentabelle"),
    "cohort_workbook.each_row": (
        "Each row is a cohort: the customers whose first purchase fell in that period. "
        "Column k shows how many of them bought again k periods later. Customers are "
        "counted, never orders.",
        "Jede Zeile ist eine Kohorte: die Kunden, die in dieser Periode zum ersten Mal "
        "gekauft haben. Spalte k zeigt, wie viele davon k Perioden später wieder gekauft "
        "haben. Gezählt werden Kunden, nie Bestellungen.",
    ),
    "cohort_workbook.blank_cells": (
        "Blank cells are not yet fully observed — they are not 0 and do not enter the averages.",
        "Leere Zellen sind noch nicht vollständig beobachtet – sie sind nicht 0 und fließen "
        "nicht in die Durchschnitte ein.",
    ),
    "cohort_workbook.averages": (
        "Weighted average: by cohort size; unweighted: every cohort counts the same.",
        "Gewichteter Durchschnitt: nach Kohortengröße; ungewichtet: jede Kohorte zählt gleich.",
    ),
    "cohort_workbook.refunds": (
        "Negative amounts are refunds: they reduce their period's revenue but do not "
        "make a customer active.",
        "Negative Beträge sind Erstattungen: Sie mindern den Umsatz ihrer Periode, machen "
        "einen Kunden aber nicht aktiv.",
    ),
    # the live cohort workbook (workbook.live_cohorts): settings, status line, instructions
    "live_workbook.as_of": ("Observed until", "Beobachtet bis"),
    "live_workbook.as_of_hint": (
        "blank: the last order date; or type a date",
        "leer: das letzte Bestelldatum; oder ein Datum eintragen",
    ),
    "live_workbook.kind": ("Counting", "Zählweise"),
    "live_workbook.kind_hint": (
        "on: bought in exactly period k (classic triangle) · on_or_after: in period k or later",
        "on: in genau Periode k gekauft (klassisch) · on_or_after: in Periode k oder später",
    ),
    "live_workbook.in_effect": ("Settings in effect", "Geltende Einstellungen"),
    "live_workbook.first_cohort": ("First cohort", "Erste Kohorte"),
    "live_workbook.last_month": ("Last complete month", "Letzter vollständiger Monat"),
    "live_workbook.cohort_count": ("Complete cohorts", "Vollständige Kohorten"),
    "live_workbook.capacity": (
        "More than {orders} orders: recalculating gets slow (see Instructions). Use "
        "`retention-xl fill` (numbers as values) or the .xlsm (xlwings) instead.",
        "Mehr als {orders} Bestellungen: das Neuberechnen wird langsam (siehe Anleitung). Besser "
        "`retention-xl fill` (Zahlen als Werte) oder die .xlsm (xlwings) nutzen.",
    ),
    "live_workbook.months": (
        "More than {months} complete months: this sheet shows {months}. "
        "`retention-xl fill --live` sizes the sheet to the data.",
        "Mehr als {months} vollständige Monate: dieses Blatt zeigt {months}. "
        "`retention-xl fill --live` passt das Blatt an die Daten an.",
    ),
    "live_workbook.outside": (
        " rows below the Orders table are not in it: extend the table over them "
        "(Table Design › Resize Table).",
        " Zeilen unter der Tabelle Bestellungen gehören nicht dazu: Tabelle erweitern "
        "(Tabellenentwurf › Tabellengröße ändern).",
    ),
    "live_workbook.no_date": (
        " rows with a customer id have no date (text instead of a date?) and are left out.",
        " Zeilen mit Kunden-ID haben kein Datum (Text statt Datum?) und fehlen.",
    ),
    "live_workbook.amount": (
        " amounts are text, not numbers, and count as 0.",
        " Beträge sind Text statt Zahl und zählen als 0.",
    ),
    "live_workbook.kind_bad": (
        "Counting must be on or on_or_after; on is used.",
        "Zählweise muss on oder on_or_after sein; on wird verwendet.",
    ),
    "live_workbook.as_of_bad": (
        "Observed until is not a date: type a date or leave it blank.",
        "Beobachtet bis ist kein Datum: ein Datum eintragen oder leer lassen.",
    ),
    "live_workbook.empty": (
        "Paste orders into the table on the sheet Orders; the triangle fills by itself.",
        "Bestellungen in die Tabelle auf dem Blatt Bestellungen einfügen; die "
        "Kohortentabelle füllt sich von selbst.",
    ),
    "live_workbook.counted": (
        " orders in the table; new orders go into the first empty table row.",
        " Bestellungen in der Tabelle; neue Bestellungen in die erste leere Tabellenzeile.",
    ),
    "live_workbook.how_paste": (
        "Paste orders into the table '{table}' on the sheet Orders ({columns}; one row per "
        "order, refunds as negative amounts), starting at its first empty row — {spare} "
        "empty rows are ready; Excel extends the table when you type or paste right below "
        "it (LibreOffice does not: extend it with Data › Define Range and copy the grey "
        "formulas down). The triangle, averages, summary and chart compute with formulas "
        "of Excel 2019 (MINIFS, MAXIFS, COUNTIFS, MATCH) — no add-in, no macros; tested "
        "in LibreOffice 7.4; Google Sheets has the same functions but was not tested.",
        "Bestellungen in die Tabelle '{table}' auf dem Blatt Bestellungen einfügen "
        "({columns}; eine Zeile je Bestellung, Erstattungen mit negativem Betrag), ab der "
        "ersten leeren Tabellenzeile – {spare} leere Zeilen stehen bereit; "
        "Excel erweitert die Tabelle, wenn man direkt darunter tippt oder einfügt "
        "(LibreOffice nicht: dort die Tabelle über Daten › Bereich festlegen erweitern "
        "und die grauen Formeln nach unten kopieren). Kohortentabelle, Durchschnitte, "
        "Übersicht und Diagramm rechnen mit Formeln von Excel 2019 (MINIFS, MAXIFS, "
        "COUNTIFS, MATCH) – ohne Add-in und ohne Makros; getestet mit LibreOffice 7.4, "
        "Google Sheets kennt dieselben Funktionen, ist aber nicht getestet.",
    ),
    "live_workbook.how_settings": (
        "Settings at the top of the sheet Cohorts: 'Observed until' (blank: the last order "
        "date) and Counting: on (bought in exactly period k, the classic triangle) or "
        "on_or_after (in period k or later). Periods are calendar months; cells whose "
        "month has not ended stay blank.",
        "Einstellungen oben auf dem Blatt Kohorten: 'Beobachtet bis' (leer: das letzte "
        "Bestelldatum) und die Zählweise: on (in genau Periode k gekauft, die klassische "
        "Kohortentabelle) oder on_or_after (in Periode k oder später). Perioden sind "
        "Kalendermonate; Zellen, deren Monat noch nicht vorbei ist, bleiben leer.",
    ),
    "live_workbook.how_helpers": (
        "The grey table columns compute by themselves (do not type over them): "
        "customer_no (the row where the customer first appears), buyer (customer_no on "
        "purchases up to the as-of date; refunds never make a customer active), "
        "first_purchase, cohort (month of the first purchase), period (months since the "
        "cohort), customer_month, first_in_period (the period, on the first row of each "
        "customer and month only: customers are counted, never orders), purchases and "
        "last_period (per customer).",
        "Die grauen Spalten der Tabelle rechnen selbst (nicht überschreiben): Kunden_Nr "
        "(Zeile, in der der Kunde zuerst steht), Käufer (Kunden_Nr bei Käufen bis zum "
        "Stichtag; Erstattungen machen nicht aktiv), Erstkauf, Kohorte (Monat des "
        "Erstkaufs), Periode (Monate seit der Kohorte), Kunde_Monat, Erster_in_Periode "
        "(die Periode, nur in der ersten Zeile je Kunde und Monat: so werden Kunden "
        "gezählt, nicht Bestellungen), Käufe und Letzte_Periode (je Kunde).",
    ),
    "live_workbook.how_limits": (
        "Limits: every change recalculates the whole table, so paste new orders in one "
        "go. Measured recalculation time in LibreOffice 7.4 (2 cores; orders: time) — "
        "{seconds}. Above {capacity} orders the sheet Cohorts says so: then use "
        "`retention-xl fill` (numbers as values, seconds for a million orders) or the "
        ".xlsm. Customer ids are compared as every spreadsheet compares text, ignoring "
        "case ('abc' and 'ABC' are one customer).",
        "Grenzen: Jede Änderung rechnet die ganze Tabelle neu – neue Bestellungen am "
        "besten auf einmal einfügen. Gemessene Rechenzeit in LibreOffice 7.4 (2 Kerne; "
        "Bestellungen: Zeit) – {seconds}. Über {capacity} Bestellungen "
        "zeigt das Blatt Kohorten einen Hinweis: dann `retention-xl fill` (Zahlen als "
        "Werte, Sekunden für eine Million Bestellungen) oder die .xlsm nutzen. Kunden-IDs "
        "werden wie in jeder Tabellenkalkulation ohne Groß-/Kleinschreibung verglichen "
        "('abc' und 'ABC' sind ein Kunde).",
    ),
    # ... its Orders table's helper columns and defined names (live_formulas.live_names)
    "live_workbook.helper.customer_no": ("customer_no", "Kunden_Nr"),
    "live_workbook.helper.buyer": ("buyer", "Käufer"),
    "live_workbook.helper.first_purchase": ("first_purchase", "Erstkauf"),
    "live_workbook.helper.cohort": ("cohort", "Kohorte"),
    "live_workbook.helper.period": ("period", "Periode"),
    "live_workbook.helper.customer_month": ("customer_month", "Kunde_Monat"),
    "live_workbook.helper.first_in_period": ("first_in_period", "Erster_in_Periode"),
    "live_workbook.helper.purchases": ("purchases", "Käufe"),
    "live_workbook.helper.last_period": ("last_period", "Letzte_Periode"),
    "live_workbook.name.as_of": ("AsOf", "Stichtag"),
    "live_workbook.name.kind": ("Kind", "Zaehlweise"),
    "live_workbook.name.first_cohort": ("FirstCohort", "ErsteKohorte"),
    "live_workbook.name.last_month": ("LastMonth", "LetzterMonat"),
    "live_workbook.name.cohort_count": ("CohortCount", "AnzahlKohorten"),
    # the KPI calculator (workbook.kpi_template)
    "kpi_workbook.title": ("Retention KPI calculator", "Kennzahlen-Rechner Kundenbindung"),
    "kpi_workbook.intro": (
        "Type your numbers into the yellow cells; every KPI on the right is a formula and "
        "needs no add-in. Results are shown as percentages or amounts.",
        "Tragen Sie Ihre Zahlen in die gelben Zellen ein; jede Kennzahl rechts ist eine "
        "Formel und braucht kein Add-in. Ergebnisse erscheinen als Prozent oder Betrag.",
    ),
    "kpi_workbook.intro_xlsm": (
        "Type your numbers into the yellow cells; the KPIs on the right call the retention_xl "
        "Excel functions (xlwings add-in: Import Functions once).",
        "Tragen Sie Ihre Zahlen in die gelben Zellen ein; die Kennzahlen rechts rufen die "
        "retention_xl-Funktionen auf (xlwings-Add-in: einmal Import Functions).",
    ),
    "kpi_workbook.inputs": ("Input", "Eingabe"),
    "kpi_workbook.value": ("Value", "Wert"),
    "kpi_workbook.kpi": ("KPI", "Kennzahl"),
    "kpi_workbook.result": ("Result", "Ergebnis"),
    "kpi_workbook.function": ("With the add-in", "Mit dem Add-in"),
    "kpi_workbook.formula": ("Formula", "Formel"),
    "kpi_workbook.meaning": ("What it means", "Bedeutung"),
    "kpi_workbook.list": (
        "Customer list (for loyal and active customers)",
        "Kundenliste (für Treue- und aktive Kunden)",
    ),
    "kpi_workbook.customer": ("Customer", "Kunde"),
    "kpi_workbook.orders": ("Orders", "Bestellungen"),
    "kpi_workbook.last_order": ("Last order", "Letzte Bestellung"),
    "kpi_workbook.sheet": ("KPIs", "Kennzahlen"),
    "kpi_workbook.help_sheet": ("Instructions", "Anleitung"),
    "kpi_workbook.sum_of": ("Sum of the two rows above.", "Summe der beiden Zeilen darüber."),
    "kpi_workbook.invalid": (
        "Please enter a valid value (see the cell's comment).",
        "Bitte einen gültigen Wert eingeben (siehe Kommentar der Zelle).",
    ),
    # ... the sections of the input block
    "kpi_workbook.section.customers": ("Customers", "Kunden"),
    "kpi_workbook.section.orders": ("Orders and revenue", "Bestellungen und Umsatz"),
    "kpi_workbook.section.mrr": ("Subscriptions (MRR)", "Abonnements (MRR)"),
    "kpi_workbook.section.value": ("Customer value", "Kundenwert"),
    "kpi_workbook.section.budget": ("Budget rule", "Budgetregel"),
    "kpi_workbook.section.list": ("Customer list settings", "Einstellungen Kundenliste"),
    # ... the choices of the time-unit input (``per``), as typed into the cell
    "kpi_workbook.unit.day": ("day", "Tag"),
    "kpi_workbook.unit.week": ("week", "Woche"),
    "kpi_workbook.unit.month": ("month", "Monat"),
    "kpi_workbook.unit.year": ("year", "Jahr"),
    # ... the instructions
    "kpi_workbook.review": (
        "Review monthly: retention rate, churn rate, repeat-customer rate, order value, "
        "purchase frequency, customer lifetime value.",
        "Monatlich prüfen: Kundenbindungsrate, Abwanderungsrate, Wiederholungskundenrate, "
        "Bestellwert, Kaufhäufigkeit, Kundenwert.",
    ),
    "kpi_workbook.conventions": ("Conventions", "Konventionen"),
    "kpi_workbook.retention": (
        "Retention rate: new and reactivated customers do not count as retained.",
        "Kundenbindungsrate: Neukunden und reaktivierte Kunden zählen nicht als gehalten.",
    ),
    "kpi_workbook.churn": (
        "Churn rate: customers lost / customers at the start (with the "
        "new_customers argument: / (S + N)).",
        "Abwanderungsrate: verlorene Kunden / Kunden zu Beginn (mit Neukunden-Argument: / (S+N)).",
    ),
    "kpi_workbook.clv": (
        "CLV: the guides' 'repeat purchase rate' is the expected number of "
        "purchases per customer over the horizon.",
        "Kundenwert: 'Wiederholungskaufrate' = erwartete Käufe je Kunde im Zeitraum.",
    ),
    "kpi_workbook.subscription_clv": (
        "Subscription CLV: payment at the start of each period; discount and churn "
        "rates per period.",
        "Kundenwert im Abo: Zahlung zu Beginn jeder Periode; Zins und Abwanderung je Periode.",
    ),
    "kpi_workbook.active": (
        "Active customers: last order within the window_days days up to and including as_of.",
        "Aktive Kunden: letzte Bestellung in den window_days Tagen bis einschließlich as_of.",
    ),
    "kpi_workbook.budget": (
        "Budget rule (sales per week → share)",
        "Budgetregel (Verkäufe je Woche → Anteil)",
    ),
    # the subscription workbook (workbook.subscription_template): sheets, in workbook order
    "subscription_workbook.sheet.overview": ("Overview", "Übersicht"),
    "subscription_workbook.sheet.movements": ("MRR movements", "MRR-Bewegungen"),
    "subscription_workbook.sheet.cohorts": ("Revenue cohorts", "Umsatzkohorten"),
    "subscription_workbook.sheet.checks": ("Checks", "Prüfungen"),
    "subscription_workbook.sheet.data": ("Data", "Daten"),
    "subscription_workbook.sheet.help": ("Instructions", "Anleitung"),
    # ... titles and labels
    "subscription_workbook.title": ("Subscription revenue (MRR)", "Abo-Umsatz (MRR)"),
    "subscription_workbook.movements": ("MRR movements per period", "MRR-Bewegungen je Periode"),
    "subscription_workbook.cohorts": ("Revenue cohorts", "Umsatzkohorten"),
    "subscription_workbook.waterfall": ("MRR bridge", "MRR-Brücke"),
    "subscription_workbook.trend": (
        "Net and gross revenue retention",
        "Netto- und Brutto-Umsatzbindung",
    ),
    "subscription_workbook.quick": ("Quick ratio", "Quick Ratio"),
    "subscription_workbook.figure": ("Last period", "Letzte Periode"),
    "subscription_workbook.value": ("Value", "Wert"),
    "subscription_workbook.base": ("(base)", "(Basis)"),
    "subscription_workbook.step": ("MRR", "MRR"),
    "subscription_workbook.ok": ("OK", "OK"),
    "subscription_workbook.fail": ("FAIL", "FEHLER"),
    "subscription_workbook.empty": (
        "No data yet: fill this workbook with `retention-xl fill billing.csv --template "
        "subscriptions` (or write_subscription_workbook in Python).",
        "Noch keine Daten: füllen Sie die Mappe mit `retention-xl fill abrechnung.csv "
        "--template subscriptions` (oder write_subscription_workbook in Python).",
    ),
    "subscription_workbook.weighted": (
        "Average (weighted by starting MRR)",
        "Durchschnitt (gewichtet mit Start-MRR)",
    ),
    "subscription_workbook.weighted_size": ("Average (weighted)", "Durchschnitt (gewichtet)"),
    "subscription_workbook.unweighted": ("Average (unweighted)", "Durchschnitt (ungewichtet)"),
    "subscription_workbook.counts": (
        "{source}: {rows} rows, {cells} customer-months, {customers} customers",
        "{source}: {rows} Zeilen, {cells} Kundenmonate, {customers} Kunden",
    ),
    # ... the Data sheet's columns
    "subscription_workbook.data.customer": ("Customer", "Kunde"),
    "subscription_workbook.data.month": ("Month", "Monat"),
    "subscription_workbook.data.mrr": ("MRR", "MRR"),
    "subscription_workbook.data.subscribed": ("Customer that month", "Kunde in dem Monat"),
    "subscription_workbook.data.in_input": ("Row in the input", "Zeile der Eingabe"),
    # ... the Checks sheet
    "subscription_workbook.checks_intro": (
        "Every cell recomputes with formulas that work without retention_xl.",
        "Jede Zelle rechnet mit Formeln nach, die ohne retention_xl funktionieren.",
    ),
    "subscription_workbook.check": ("Check", "Prüfung"),
    "subscription_workbook.result": ("Result", "Ergebnis"),
    "subscription_workbook.check.period": ("Period", "Periode"),
    "subscription_workbook.check.snapshot": ("Snapshot month", "Stichtagsmonat"),
    "subscription_workbook.check.identity": ("Identity", "Identität"),
    "subscription_workbook.check.continuity": ("Start = previous end", "Beginn = voriges Ende"),
    "subscription_workbook.check.mrr_end": ("MRR end = data", "MRR Ende = Daten"),
    "subscription_workbook.check.customers_end": ("Customers end = data", "Kunden Ende = Daten"),
    "subscription_workbook.check.customer_identity": ("Customer identity", "Kunden-Identität"),
    "subscription_workbook.check.input_rows": (
        "Input rows on the Data sheet (customer-months)",
        "Zeilen der Eingabe im Datenblatt (Kundenmonate)",
    ),
    "subscription_workbook.check.data_rows": ("Rows of the Data sheet", "Zeilen des Datenblatts"),
    "subscription_workbook.check.span": (
        "Periods from the first to the last data month",
        "Perioden vom ersten bis zum letzten Datenmonat",
    ),
    "subscription_workbook.check.every": ("Every per-period check", "Alle Prüfungen je Periode"),
    "subscription_workbook.check.all": ("All checks", "Gesamt"),
    # ... the instructions
    "subscription_workbook.how": (
        "The numbers were computed by retention_xl from a billing list (customer, "
        "month, MRR; or invoice lines with a service period) and written as values. For "
        "new data fill the workbook again: retention-xl fill FILE --template "
        "subscriptions.",
        "Die Zahlen wurden von retention_xl aus einer Abrechnungsliste (Kunde, Monat, MRR; "
        "oder Rechnungszeilen mit Leistungszeitraum) berechnet und als Werte eingetragen. "
        "Für neue Daten die Mappe neu füllen: retention-xl fill DATEI --template "
        "subscriptions.",
    ),
    "subscription_workbook.movements_head": ("The movements", "Die Bewegungen"),
    "subscription_workbook.movements_kinds": (
        "New: a customer's first month. Expansion/contraction: more/less MRR from a "
        "customer of the start. Churn: the MRR of a customer who stops. Reactivation: the "
        "MRR of a former customer who returns.",
        "Neu: erster Monat eines Kunden. Expansion/Kontraktion: mehr/weniger MRR eines "
        "Kunden vom Periodenbeginn. Abwanderung: MRR eines Kunden, der aufhört. "
        "Reaktivierung: MRR eines früheren Kunden, der zurückkommt.",
    ),
    "subscription_workbook.identity": (
        "MRR start + new + reactivation + expansion − contraction − churn = MRR end, "
        "in every period to the cent: the 'Checks' sheet recomputes it.",
        "MRR Beginn + Neu + Reaktivierung + Expansion − Kontraktion − Abwanderung = MRR "
        "Ende, in jeder Periode auf den Cent: das Blatt 'Prüfungen' rechnet es nach.",
    ),
    "subscription_workbook.rates": (
        "NRR = (start + expansion − contraction − churn) / start; GRR without "
        "expansion, each customer at most at their starting MRR; quick ratio = (new + "
        "expansion + reactivation) / (contraction + churn); ARPA = MRR end / customers "
        "end; LTV = ARPA × margin / customer churn rate.",
        "NRR = (Beginn + Expansion − Kontraktion − Abwanderung) / Beginn; GRR ohne "
        "Expansion, je Kunde höchstens sein Start-MRR; Quick Ratio = (Neu + Expansion + "
        "Reaktivierung) / (Kontraktion + Abwanderung); ARPA = MRR Ende / Kunden Ende; LTV "
        "= ARPA × Marge / Kundenabwanderungsrate.",
    ),
    "subscription_workbook.first_period": (
        "The first period counts everyone already paying as new: the data begins there.",
        "Die erste Periode zählt alle, die schon zahlten, als neu: die Daten beginnen dort.",
    ),
    # the forecast workbook (workbook.forecast_template): the Customers table and its columns
    "forecast_workbook.table": ("Customers", "Kunden"),
    "forecast_workbook.column.customer_id": ("Customer", "Kunde"),
    "forecast_workbook.column.segment": ("Segment", "Segment"),
    "forecast_workbook.column.r": ("R", "R"),
    "forecast_workbook.column.f": ("F", "F"),
    "forecast_workbook.column.m": ("M", "M"),
    "forecast_workbook.column.frequency": ("Repeat purchases", "Wiederholungskäufe"),
    "forecast_workbook.column.recency": ("Recency", "Recency"),
    "forecast_workbook.column.age": ("Age", "Alter"),
    "forecast_workbook.column.monetary": ("Avg repeat spend", "Ø Wiederholungsumsatz"),
    "forecast_workbook.column.revenue": ("Revenue", "Umsatz"),
    "forecast_workbook.column.p_alive": ("P(alive)", "P(aktiv)"),
    "forecast_workbook.column.purchases": ("Expected purchases", "Erwartete Käufe"),
    "forecast_workbook.column.spend": ("Expected spend", "Erwarteter Bestellwert"),
    "forecast_workbook.column.clv": ("CLV", "Kundenwert"),
    # ... the time units
    "forecast_workbook.unit.D": ("days", "Tage"),
    "forecast_workbook.unit.W": ("weeks", "Wochen"),
    "forecast_workbook.unit.M": ("months (30.44 days)", "Monate (30,44 Tage)"),
    # ... sheets, titles and labels
    "forecast_workbook.customers": ("Customers", "Kunden"),
    "forecast_workbook.segments": ("Segments", "Segmente"),
    "forecast_workbook.model": ("Model", "Modell"),
    "forecast_workbook.help": ("Instructions", "Anleitung"),
    "forecast_workbook.segments_title": ("Customers by RFM segment", "Kunden nach RFM-Segment"),
    "forecast_workbook.segments_note": (
        "Values are formulas over the table on the Customers sheet; rules: Instructions.",
        "Werte sind Formeln über die Tabelle auf dem Blatt Kunden; Regeln siehe Anleitung.",
    ),
    "forecast_workbook.segment": ("Segment", "Segment"),
    "forecast_workbook.count": ("Customers", "Kunden"),
    "forecast_workbook.share": ("Share", "Anteil"),
    "forecast_workbook.revenue": ("Revenue", "Umsatz"),
    "forecast_workbook.p_alive": ("Average P(alive)", "Durchschnitt P(aktiv)"),
    "forecast_workbook.purchases": ("Expected purchases", "Erwartete Käufe"),
    "forecast_workbook.clv": ("CLV", "Kundenwert"),
    "forecast_workbook.total": ("Total", "Summe"),
    "forecast_workbook.model_title": ("Forecast model", "Prognosemodell"),
    "forecast_workbook.setting": ("Setting", "Einstellung"),
    "forecast_workbook.value": ("Value", "Wert"),
    "forecast_workbook.all": ("All orders (forecasts)", "Alle Bestellungen (Prognose)"),
    "forecast_workbook.calibration": ("Calibration (holdout check)", "Kalibrierung (Holdout-Test)"),
    "forecast_workbook.period": ("Period from", "Periode ab"),
    "forecast_workbook.actual": ("Actual", "Tatsächlich"),
    "forecast_workbook.expected": ("Expected", "Erwartet"),
    "forecast_workbook.cum_actual": ("Cumulative actual", "Kumuliert tatsächlich"),
    "forecast_workbook.cum_expected": ("Cumulative expected", "Kumuliert erwartet"),
    "forecast_workbook.in_holdout": ("Holdout", "Holdout"),
    "forecast_workbook.tracking": (
        "Repeat purchases per period of the customers of the calibration period",
        "Wiederholungskäufe je Periode der Kunden des Kalibrierungszeitraums",
    ),
    "forecast_workbook.cumulative_chart": (
        "Cumulative repeat purchases",
        "Kumulierte Wiederholungskäufe",
    ),
    # ... the Model sheet's settings
    "forecast_workbook.setting.as_of": ("Observed until", "Beobachtet bis"),
    "forecast_workbook.setting.unit": ("Time unit", "Zeiteinheit"),
    "forecast_workbook.setting.horizon": ("Forecast horizon", "Prognosezeitraum"),
    "forecast_workbook.setting.gross_margin": ("Gross margin", "Bruttomarge"),
    "forecast_workbook.setting.annual_discount_rate": (
        "Discount rate per year",
        "Diskontierungszins p. a.",
    ),
    "forecast_workbook.setting.discount_rate": (
        "Discount rate per unit",
        "Diskontierungszins je Einheit",
    ),
    "forecast_workbook.setting.customers": ("Customers", "Kunden"),
    "forecast_workbook.setting.orders_used": ("Orders used", "Bestellungen verwendet"),
    "forecast_workbook.setting.holdout": ("Holdout share", "Holdout-Anteil"),
    "forecast_workbook.setting.calibration_end": ("Calibration until", "Kalibrierung bis"),
    "forecast_workbook.no_holdout": (
        "No holdout check (holdout = 0).",
        "Kein Holdout-Test (holdout = 0).",
    ),
    "forecast_workbook.holdout_actual": (
        "Repeat purchases in the holdout: actual",
        "Wiederholungskäufe im Holdout: tatsächlich",
    ),
    "forecast_workbook.holdout_expected": (
        "expected (conditional, FHL 2005 eq. 10)",
        "erwartet (bedingt, FHL 2005 Gl. 10)",
    ),
    # ... the instructions
    "forecast_workbook.how": (
        "The numbers were computed by retention_xl from the orders and written as "
        "values (the Segments sheet sums the Customers table with formulas). For new "
        "orders write the workbook again: retention-xl forecast.",
        "Die Zahlen wurden von retention_xl aus den Bestellungen berechnet und als Werte "
        "eingetragen (die Segmentübersicht rechnet mit Formeln über die Kundentabelle). "
        "Für neue Bestellungen die Arbeitsmappe neu schreiben: retention-xl forecast.",
    ),
    "forecast_workbook.customers_head": ("Customers", "Kunden"),
    "forecast_workbook.per_customer": (
        "Per customer: repeat purchases (purchase days after the first; orders of "
        "one day count once), recency (first to last purchase) and age (first purchase "
        "to the end of observation) in {unit}; P(alive) = probability that the customer "
        "still buys (BG/NBD); expected purchases and spend per purchase (Gamma-Gamma) "
        "over the horizon; CLV = purchases × spend × margin, discounted. Sorted by "
        "CLV; the filter in the header selects segments.",
        "Je Kunde: Wiederholungskäufe (Kauftage nach dem ersten; Käufe eines Tages zählen "
        "einmal), Recency (erster bis letzter Kauf) und Alter (erster Kauf bis "
        "Beobachtungsende) in {unit}; P(aktiv) = Wahrscheinlichkeit, dass der Kunde noch "
        "kauft (BG/NBD); erwartete Käufe und erwarteter Bestellwert (Gamma-Gamma) im "
        "Prognosezeitraum; Kundenwert = Käufe × Bestellwert × Marge, diskontiert. "
        "Nach Kundenwert sortiert; der Filter im Tabellenkopf wählt Segmente aus.",
    ),
    "forecast_workbook.never_again": (
        "A customer who never bought again is alive for sure in the BG/NBD model "
        "(P = 100 %: it drops customers only after a purchase) but expects few purchases.",
        "Wer noch nie wieder gekauft hat, ist im BG/NBD-Modell sicher aktiv (P = 100 %: "
        "Abwandern ist dort nur nach einem Kauf möglich), erwartet aber wenige Käufe.",
    ),
    "forecast_workbook.refunds": (
        "Refunds (negative amounts) are not purchases: they reduce the value of the "
        "latest purchase before them.",
        "Erstattungen (negative Beträge) sind keine Käufe: Sie mindern den Wert des "
        "letzten Kaufs davor.",
    ),
    "forecast_workbook.rfm_head": ("RFM segments", "RFM-Segmente"),
    "forecast_workbook.rfm": (
        "R (how recently), F (how often), M (revenue) score 1–5 by quintiles: 1 plus "
        "the number of 20/40/60/80 % cut points below the value (reversed for R). The "
        "segment follows from R and F:",
        "R (wie kürzlich), F (wie oft), M (Umsatz) sind Werte 1–5 nach Quintilen: 1 plus "
        "die Zahl der 20/40/60/80-%-Grenzen unter dem Wert (bei R umgekehrt). Das Segment "
        "folgt aus R und F:",
    ),
    "forecast_workbook.models_head": ("Models", "Modelle"),
    "forecast_workbook.models": (
        "BG/NBD (Fader, Hardie & Lee 2005) for purchases and dropout, Gamma-Gamma "
        "(Fader & Hardie 2013) for spend. The Model sheet shows the parameters and the "
        "holdout check: the model is fitted on the first periods and predicts the rest — "
        "actual against expected repeat purchases per period.",
        "BG/NBD (Fader, Hardie & Lee 2005) für Käufe und Abwanderung, Gamma-Gamma (Fader "
        "& Hardie 2013) für den Bestellwert. Das Blatt Modell zeigt die Parameter und den "
        "Holdout-Test: das Modell wird auf die ersten Perioden geschätzt und sagt die "
        "restlichen voraus – tatsächliche und erwartete Wiederholungskäufe je Periode.",
    ),
}
