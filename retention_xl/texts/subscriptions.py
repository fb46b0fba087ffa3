"""The words of the subscription analysis (:mod:`retention_xl.subscriptions`): the movement
table's headers, the ledger's header, the conventions' sentences, the revenue cohorts and the
command's counts."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the movement table's headers (movements.COLUMNS), in its order
    "movements.period": ("Period", "Periode"),
    "movements.mrr_start": ("MRR start", "MRR Beginn"),
    "movements.new": ("New", "Neu"),
    "movements.expansion": ("Expansion", "Expansion"),
    "movements.contraction": ("Contraction", "Kontraktion"),
    "movements.churn": ("Churn", "Abwanderung"),
    "movements.reactivation": ("Reactivation", "Reaktivierung"),
    "movements.mrr_end": ("MRR end", "MRR Ende"),
    "movements.customers_start": ("Customers start", "Kunden Beginn"),
    "movements.new_customers": ("New customers", "Neukunden"),
    "movements.reactivated_customers": ("Reactivated customers", "Reaktivierte Kunden"),
    "movements.churned_customers": ("Churned customers", "Abgewanderte Kunden"),
    "movements.customers_end": ("Customers end", "Kunden Ende"),
    "movements.customer_churn_rate": ("Customer churn rate", "Kundenabwanderungsrate"),
    "movements.gross_revenue_churn": ("Gross revenue churn", "Brutto-Umsatzabwanderung"),
    "movements.net_revenue_churn": ("Net revenue churn", "Netto-Umsatzabwanderung"),
    "movements.nrr": ("NRR", "NRR"),
    "movements.grr": ("GRR", "GRR"),
    "movements.nrr_12m": ("NRR 12 months", "NRR 12 Monate"),
    "movements.grr_12m": ("GRR 12 months", "GRR 12 Monate"),
    "movements.quick_ratio": ("Quick ratio", "Quick Ratio"),
    "movements.arpa": ("ARPA", "ARPA"),
    "movements.ltv": ("LTV", "LTV"),
    # Ledger.table: the header (the third column is MRR in both languages)
    "ledger.customer": ("Customer", "Kunde"),
    "ledger.month": ("Month", "Monat"),
    # Conventions.describe: what churn rates divide by, by churn_denominator
    "conventions.denominator.start": ("customers or MRR at the start", "Kunden bzw. MRR zu Beginn"),
    "conventions.denominator.start_plus_new": (
        "customers or MRR at the start plus new and reactivated",
        "Kunden bzw. MRR zu Beginn plus neue und reaktivierte",
    ),
    "conventions.denominator.average": ("the mean of start and end", "Mittel aus Beginn und Ende"),
    # ... and the sentences
    "conventions.periods": (
        "Periods: {unit}; MRR per customer and month (rows of one month add up).",
        "Perioden: {unit}; MRR je Kunde und Monat (Zeilen eines Monats addiert).",
    ),
    "conventions.rates": (
        "Churn rates divide by {denominator}; NRR and GRR by the MRR at the start "
        "(GRR counts each customer at most at their starting MRR).",
        "Abwanderungsraten geteilt durch {denominator}; NRR und GRR durch den MRR "
        "zu Beginn (GRR je Kunde höchstens sein MRR zu Beginn).",
    ),
    "conventions.reactivated": (
        "Reactivated: back after at least {gap} empty month(s); after a shorter gap the "
        "customer was continuing (contraction, then expansion).",
        "Reaktiviert ist, wer nach mindestens {gap} leeren Monat(en) zurückkehrt; "
        "nach kürzerer Pause war der Kunde weiter Kunde (Kontraktion, dann Expansion).",
    ),
    "conventions.zero_mrr": ("Zero MRR of a paying customer: ", "MRR 0 eines zahlenden Kunden: "),
    "conventions.zero_mrr.pause": ("a pause (still a customer).", "Pause (bleibt Kunde)."),
    "conventions.zero_mrr.churn": ("churn.", "Abwanderung."),
    "conventions.joined_and_left": (
        "Customers who start and stop within one period: ",
        "Kunden, die innerhalb einer Periode beginnen und enden: ",
    ),
    "conventions.joined_and_left.count": (
        "counted as new and churned.",
        "zählen als neu und abgewandert.",
    ),
    "conventions.joined_and_left.ignore": (
        "not counted (period-end snapshots).",
        "nicht gezählt (Vergleich der Periodenenden).",
    ),
    # RevenueCohortTable.conventions: what a cell shows, by value
    "revenue_cohorts.value.mrr_retention": (
        "MRR of the cohort at the end of period k / its MRR at the end of its first "
        "period (may exceed 100 %); average weighted by starting MRR",
        "MRR der Kohorte am Ende von Periode k / ihr MRR am Ende der ersten Periode "
        "(kann 100 % übersteigen); Durchschnitt gewichtet mit dem Start-MRR",
    ),
    "revenue_cohorts.value.mrr": (
        "MRR of the cohort at the end of period k",
        "MRR der Kohorte am Ende von k",
    ),
    "revenue_cohorts.value.customers": (
        "customers of the cohort who are customers at the end of period k",
        "Kunden der Kohorte, die am Ende von Periode k Kunden sind",
    ),
    "revenue_cohorts.value.retention": (
        "share of the cohort's customers who are customers at the end of period k",
        "Anteil der Kunden der Kohorte, die am Ende von Periode k Kunden sind",
    ),
    "revenue_cohorts.head": (
        "Periods: {unit}; cohort = period of the first payment; values: {shown}.",
        "Perioden: {unit}; Kohorte = Periode der ersten Zahlung; Werte: {shown}.",
    ),
    # print_movements: the counts on stderr (numbers written with the language's separator)
    "subscriptions.counts": (
        "{rows} rows, {cells} customer-months, {customers} customers, {periods} periods",
        "{rows} Zeilen, {cells} Kundenmonate, {customers} Kunden, {periods} Perioden",
    ),
}
