"""The one table of KPI definitions.

One idea: every Excel-facing KPI is described exactly once here — Excel name, German alias,
parameters with help text in both languages, category, formula, source and the native Excel
formula the templates write. The Excel functions (:mod:`retention_xl.udfs`), the German
aliases, ``docs/functions.md``, ``retention-xl functions`` and the KPI template are all
generated from :data:`DEFINITIONS`. Imports only :mod:`retention_xl.kpis`.

Native formulas use ``{parameter}`` placeholders that the template replaces with cell
references; they use only functions of Excel 2019 and LibreOffice 7.4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from . import cohorts, kpis

__all__ = [
    "ALL_DEFINITIONS",
    "DEFINITIONS",
    "MODEL_DEFINITIONS",
    "SUBSCRIPTION_DEFINITIONS",
    "TABLE_DEFINITIONS",
    "Definition",
    "Parameter",
    "by_name",
]

#: How an argument's cells are read: one number per cell, one date per cell, a text choice
#: (such as ``per``), or a whole range of numbers or dates that the function aggregates.
Kind = Literal["number", "date", "choice", "numbers", "dates", "ids", "text"]
#: How a result is shown: a fraction as percent, money, a plain number or a whole count.
Unit = Literal["fraction", "money", "number", "count"]


@dataclass(frozen=True)
class Parameter:
    """One argument of a KPI: the same name in Python, in Excel and in VBA."""

    name: str
    help_en: str
    help_de: str
    kind: Kind = "number"
    default: float | str | None = None

    @property
    def optional(self) -> bool:
        """True when the argument may be left out (it then takes :attr:`default`)."""
        return self.default is not None

    @property
    def aggregated(self) -> bool:
        """True for a range the function reduces (one result for the whole range)."""
        return self.kind in ("numbers", "dates", "ids")

    def help(self, lang: str) -> str:
        """Help text in ``lang`` ("en" or "de")."""
        return self.help_de if lang == "de" else self.help_en


@dataclass(frozen=True)
class Definition:
    """One KPI: its core function and everything Excel, docs and templates show of it."""

    name: str
    alias: str
    title_en: str
    title_de: str
    function: Callable[..., Any]
    params: tuple[Parameter, ...]
    category: str
    summary_en: str
    summary_de: str
    formula: str
    source: str
    native: str
    unit: Unit = "fraction"
    table: bool = False  # spills a labelled table built from whole ranges (COHORT_TABLE)
    #: ``"module:function"`` answering the Excel call itself, ``f(definition, args, lang)``
    #: (imported when first called): for functions that fit neither the elementwise
    #: :func:`~retention_xl.excel_functions.call` nor the cohort table (model fits, RFM and MRR
    #: tables). Such a function must never raise; it returns a value, a 2-D list or an error.
    handler: str = ""

    def title(self, lang: str) -> str:
        """Short human name in ``lang`` ("en" or "de")."""
        return self.title_de if lang == "de" else self.title_en

    def summary(self, lang: str) -> str:
        """One-line description in ``lang`` ("en" or "de")."""
        return self.summary_de if lang == "de" else self.summary_en

    def excel_name(self, lang: str) -> str:
        """The Excel function name users type in ``lang``: the English name or the alias."""
        return self.alias if lang == "de" else self.name

    def signature(self, lang: str = "en") -> str:
        """``NAME(a, b, [c])`` as the function list shows it."""
        args = ", ".join(f"[{p.name}]" if p.optional else p.name for p in self.params)
        return f"{self.excel_name(lang)}({args})"

    def wizard_text(self, lang: str) -> str:
        """The function-wizard description: summary and formula (at most 255 characters)."""
        label = "Formel" if lang == "de" else "Formula"
        return f"{self.summary(lang)} {label}: {self.formula}"


def _p(
    name: str, en: str, de: str, kind: Kind = "number", default: float | str | None = None
) -> Parameter:
    return Parameter(name, en, de, kind, default)


_S = _p(
    "customers_start",
    "Customers at the start of the period (S).",
    "Kunden zu Beginn der Periode (S).",
)
_N = _p(
    "new_customers",
    "New customers acquired during the period (N).",
    "Neukunden, die in der Periode gewonnen wurden (N).",
)
_REV = _p("revenue", "Revenue of the period.", "Umsatz der Periode.")
_ORD = _p("orders", "Number of orders in the period.", "Anzahl Bestellungen der Periode.")
_CUST = _p(
    "customers",
    "Number of customers who ordered in the period.",
    "Anzahl Kunden, die in der Periode bestellt haben.",
)
_MARGIN = _p(
    "gross_margin",
    "Gross margin as a fraction (0.4 = 40 %); default 1 = revenue.",
    "Bruttomarge als Anteil (0,4 = 40 %); Standard 1 = Umsatz.",
    default=1,
)
_MRR_START = _p(
    "mrr_start",
    "Monthly recurring revenue (MRR) at the start of the period.",
    "Monatlich wiederkehrender Umsatz (MRR) zu Periodenbeginn.",
)


def _budget_native() -> str:
    """The budget rule as nested IFs over sales per week (no LET: Excel 2019, LibreOffice)."""
    by_days: dict[float, list[str]] = {}
    for word, days in kpis.DAYS_PER.items():
        by_days.setdefault(days, []).append(word)
    days_expr = "1"
    for days, words in sorted(by_days.items(), reverse=True):
        if days == 1.0:
            continue
        test = ",".join(f'{{per}}="{word}"' for word in words)
        days_expr = f"IF(OR({test}),{days!r},{days_expr})"
    weekly = f"{{sales}}*7/{days_expr}"
    expr = repr(kpis.BUDGET_BANDS[-1][1])
    for bound, share in reversed(kpis.BUDGET_BANDS[:-1]):
        expr = f"IF({weekly}<={bound!r},{share!r},{expr})"
    return expr


#: Every elementwise KPI Excel function, in the order of kpi-spec §1.
DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "RETENTION_RATE",
        "KUNDENBINDUNGSRATE",
        "Retention rate",
        "Kundenbindungsrate",
        kpis.retention_rate,
        (
            _S,
            _p(
                "customers_end",
                "Customers at the end of the period (E).",
                "Kunden am Ende der Periode (E).",
            ),
            _N,
            _p(
                "reactivated",
                "Former customers won back in the period; default 0.",
                "In der Periode zurückgewonnene frühere Kunden; Standard 0.",
                default=0,
            ),
        ),
        "Retention",
        "Share of the customers at the start who are still customers at the end.",
        "Anteil der Kunden vom Periodenbeginn, die am Ende noch Kunden sind.",
        "(customers_end − new_customers − reactivated) / customers_start",
        "Kundenbindung guides; S=1000, E=1100, N=500 → 60 %",
        "({customers_end}-{new_customers}-{reactivated})/{customers_start}",
    ),
    Definition(
        "CHURN_RATE",
        "ABWANDERUNGSRATE",
        "Churn rate",
        "Abwanderungsrate",
        kpis.churn_rate,
        (
            _p(
                "customers_lost",
                "Customers lost during the period.",
                "In der Periode verlorene Kunden.",
            ),
            _S,
            _p(
                "new_customers",
                "Optional: new customers; if given, divide by S + N.",
                "Optional: Neukunden; wenn angegeben, wird durch S + N geteilt.",
                default=0,
            ),
        ),
        "Retention",
        "Share of customers lost in the period.",
        "Anteil der in der Periode verlorenen Kunden.",
        "customers_lost / (customers_start + new_customers)",
        "Kundenbindung guides; 11 of 100 → 11 %",
        "{customers_lost}/({customers_start}+{new_customers})",
    ),
    Definition(
        "REVENUE_CHURN",
        "UMSATZABWANDERUNG",
        "Revenue churn (gross)",
        "Umsatzabwanderung (brutto)",
        kpis.revenue_churn,
        (
            _p(
                "mrr_lost",
                "MRR lost through cancellations and downgrades in the period.",
                "Durch Kündigungen und Downgrades verlorener MRR der Periode.",
            ),
            _MRR_START,
        ),
        "Revenue",
        "Gross revenue churn: share of recurring revenue lost (churn + contraction).",
        "Brutto-Umsatzabwanderung: Anteil des verlorenen wiederkehrenden Umsatzes.",
        "mrr_lost / mrr_start",
        "kpi-spec §1; 20 of 100 → 20 %",
        "{mrr_lost}/{mrr_start}",
    ),
    Definition(
        "NET_REVENUE_CHURN",
        "NETTO_UMSATZABWANDERUNG",
        "Net revenue churn",
        "Netto-Umsatzabwanderung",
        kpis.net_revenue_churn,
        (
            _p("mrr_churned", "MRR of customers who cancelled.", "MRR gekündigter Kunden."),
            _p(
                "mrr_contraction",
                "MRR lost through downgrades.",
                "Durch Downgrades verlorener MRR.",
            ),
            _p(
                "mrr_expansion",
                "MRR gained from upgrades of existing customers.",
                "Durch Upgrades bestehender Kunden gewonnener MRR.",
            ),
            _MRR_START,
            _p(
                "mrr_reactivation",
                "MRR won back from former customers; default 0.",
                "Von früheren Kunden zurückgewonnener MRR; Standard 0.",
                default=0,
            ),
        ),
        "Revenue",
        "Net revenue churn: lost MRR net of expansion; negative means revenue grew.",
        "Netto-Umsatzabwanderung: verlorener MRR abzüglich Expansion; negativ = Wachstum.",
        "(mrr_churned + mrr_contraction − mrr_expansion − mrr_reactivation) / mrr_start",
        "kpi-spec §1; 10 + 10 − 10 of 100 → 10 %",
        "({mrr_churned}+{mrr_contraction}-{mrr_expansion}-{mrr_reactivation})/{mrr_start}",
    ),
    Definition(
        "REPEAT_CUSTOMER_RATE",
        "WIEDERHOLUNGSKUNDENRATE",
        "Repeat-customer rate",
        "Wiederholungskundenrate",
        kpis.repeat_customer_rate,
        (
            _p(
                "returning_customers",
                "Customers who bought more than once.",
                "Kunden, die mehr als einmal gekauft haben.",
            ),
            _p(
                "total_customers",
                "All customers of the same period.",
                "Alle Kunden derselben Periode.",
            ),
        ),
        "Orders",
        "Share of customers who bought again.",
        "Anteil der Kunden, die erneut gekauft haben.",
        "returning_customers / total_customers",
        "Kundenbindung guides; 3 of 12 → 25 %",
        "{returning_customers}/{total_customers}",
    ),
    Definition(
        "LOYAL_CUSTOMER_RATE",
        "TREUEKUNDENRATE",
        "Loyal-customer rate",
        "Treuekundenrate",
        kpis.loyal_customer_rate,
        (
            _p(
                "orders_per_customer",
                "Range with one order count per customer; blanks skipped.",
                "Bereich mit der Bestellanzahl je Kunde; leere Zellen zählen nicht.",
                "numbers",
            ),
            _p(
                "min_orders",
                "Orders needed to count as loyal; default 2 (bought more than once).",
                "Bestellungen, ab denen ein Kunde treu ist; Standard 2 (mehr als einmal gekauft).",
                default=2,
            ),
        ),
        "Orders",
        "Share of customers with at least min_orders orders.",
        "Anteil der Kunden mit mindestens min_orders Bestellungen.",
        "COUNT(orders_per_customer ≥ min_orders) / COUNT(orders_per_customer)",
        "Kundenbindung guides; {1, 1, 2, 5} → 50 %",
        'COUNTIF({orders_per_customer},">="&{min_orders})/COUNT({orders_per_customer})',
    ),
    Definition(
        "AVERAGE_ORDER_VALUE",
        "DURCHSCHNITTLICHER_BESTELLWERT",
        "Average order value",
        "Durchschnittlicher Bestellwert",
        kpis.average_order_value,
        (_REV, _ORD),
        "Orders",
        "Average order value: revenue per order.",
        "Durchschnittlicher Bestellwert: Umsatz je Bestellung.",
        "revenue / orders",
        "Kundenbindung guides",
        "{revenue}/{orders}",
        unit="money",
    ),
    Definition(
        "PURCHASE_FREQUENCY",
        "KAUFHAEUFIGKEIT",
        "Purchase frequency",
        "Kaufhäufigkeit",
        kpis.purchase_frequency,
        (_ORD, _CUST),
        "Orders",
        "Purchase frequency: orders per customer.",
        "Kaufhäufigkeit: Bestellungen je Kunde.",
        "orders / customers",
        "Kundenbindung guides",
        "{orders}/{customers}",
        unit="number",
    ),
    Definition(
        "ARPC",
        "UMSATZ_PRO_KUNDE",
        "Average revenue per customer",
        "Umsatz pro Kunde",
        kpis.arpc,
        (_REV, _CUST),
        "Revenue",
        "Average revenue per customer.",
        "Durchschnittlicher Umsatz je Kunde.",
        "revenue / customers",
        "Kundenbindung guides",
        "{revenue}/{customers}",
        unit="money",
    ),
    Definition(
        "ACTIVE_CUSTOMERS",
        "AKTIVE_KUNDEN",
        "Active customers",
        "Aktive Kunden",
        kpis.active_customers,
        (
            _p(
                "last_order_dates",
                "Range with each customer's last order date; blanks skipped.",
                "Bereich mit dem letzten Bestelldatum je Kunde; leere Zellen zählen nicht.",
                "dates",
            ),
            _p(
                "as_of",
                "Last day of the window (a date).",
                "Letzter Tag des Zeitfensters (Datum).",
                "date",
            ),
            _p(
                "window_days",
                "Window length in days, ending at as_of; default 90.",
                "Länge des Zeitfensters in Tagen bis as_of; Standard 90.",
                default=90,
            ),
        ),
        "Retention",
        "Customers whose last order lies in the window_days days up to as_of.",
        "Kunden, deren letzte Bestellung in den window_days Tagen bis as_of liegt.",
        "COUNT(as_of − window_days < last_order_dates ≤ as_of)",
        "Kundenbindung guides",
        'COUNTIFS({last_order_dates},">"&({as_of}-{window_days}),{last_order_dates},"<="&{as_of})',
        unit="count",
    ),
    Definition(
        "CLV",
        "KUNDENWERT",
        "Customer lifetime value",
        "Kundenwert (CLV)",
        kpis.clv,
        (
            _p(
                "average_order_value",
                "Average order value (revenue per order).",
                "Durchschnittlicher Bestellwert (Umsatz je Bestellung).",
            ),
            _p(
                "purchases_per_customer",
                "Expected purchases per customer over the horizon.",
                "Erwartete Käufe je Kunde im betrachteten Zeitraum.",
            ),
            _p(
                "acquisition_cost",
                "Cost of acquiring one customer.",
                "Kosten für die Gewinnung eines Kunden.",
            ),
            _MARGIN,
        ),
        "Customer value",
        "Customer lifetime value: order value × purchases × margin − acquisition cost.",
        "Kundenwert: Bestellwert × Käufe × Marge − Kundenwerbungskosten.",
        "average_order_value × purchases_per_customer × gross_margin − acquisition_cost",
        "Kundenbindung guides; 50 × 4 − 30 → 170",
        "{average_order_value}*{purchases_per_customer}*{gross_margin}-{acquisition_cost}",
        unit="money",
    ),
    Definition(
        "CLV_SUBSCRIPTION",
        "KUNDENWERT_ABO",
        "Subscription lifetime value",
        "Kundenwert im Abo",
        kpis.clv_subscription,
        (
            _p(
                "arpa",
                "Average revenue per account and period.",
                "Durchschnittlicher Umsatz je Kundenkonto und Periode.",
            ),
            _p(
                "churn_rate",
                "Churn per period as a fraction (0.05 = 5 %).",
                "Abwanderung je Periode als Anteil (0,05 = 5 %).",
            ),
            _MARGIN,
            _p(
                "discount_rate",
                "Discount rate per period (0.01 = 1 %); default 0.",
                "Diskontierungszins je Periode (0,01 = 1 %); Standard 0.",
                default=0,
            ),
        ),
        "Customer value",
        "Subscription lifetime value; payment at the start of each period.",
        "Kundenwert im Abo; Zahlung zu Beginn jeder Periode.",
        "gross_margin × arpa × (1 + discount_rate) / (discount_rate + churn_rate)",
        "kpi-spec §1; ARPA 100, churn 5 % → 2000",
        "{gross_margin}*{arpa}*(1+{discount_rate})/({discount_rate}+{churn_rate})",
        unit="money",
    ),
    Definition(
        "RETENTION_BUDGET_SHARE",
        "BINDUNGSBUDGET_ANTEIL",
        "Retention budget share",
        "Anteil Bindungsbudget",
        kpis.retention_budget_share,
        (
            _p("sales", "Number of sales per unit of per.", "Anzahl Verkäufe je Einheit von per."),
            _p(
                "per",
                'Unit of sales: "day", "week", "month" or "year"; default "day".',
                'Einheit der Verkäufe: "Tag", "Woche", "Monat" oder "Jahr"; Standard "Tag".',
                "choice",
                default="day",
            ),
        ),
        "Budget",
        "Rule-of-thumb share of marketing budget for retention, by sales volume.",
        "Faustregel: Anteil des Marketingbudgets für Kundenbindung nach Verkaufszahl.",
        "sales per week ≤ 5: 15 %, ≤ 21: 30 %, ≤ 70: 50 %, > 70: 60 %",
        "Kundenbindung guides; 3 per week → 15 %",
        _budget_native(),
    ),
)


#: Excel functions that spill a labelled table; not elementwise KPIs, so the KPI sheet
#: leaves them out.
TABLE_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "COHORT_TABLE",
        "KOHORTENTABELLE",
        "Cohort table",
        "Kohortentabelle",
        cohorts.cohort_table,
        (
            _p(
                "customer_ids",
                "Range with the customer id of each order (e.g. a Table column).",
                "Bereich mit der Kunden-ID jeder Bestellung (z. B. eine Tabellenspalte).",
                "ids",
            ),
            _p(
                "order_dates",
                "Range with the date of each order.",
                "Bereich mit dem Datum jeder Bestellung.",
                "dates",
            ),
            _p(
                "amounts",
                "Optional range with each order's amount (negative = refund).",
                "Optional: Bereich mit dem Betrag jeder Bestellung (negativ = Erstattung).",
                "numbers",
                default="",
            ),
            _p(
                "period",
                'Period: "M" (default), "W", "Q", "Y", "D" or rolling like "30D".',
                'Periode: "M" (Standard), "W", "Q", "Y", "D" oder rollierend wie "30D".',
                "text",
                default="M",
            ),
            _p(
                "kind",
                'Counted when active: "on" period k (default), "on_or_after", "rolling".',
                'Gezählt, wenn aktiv: "on" in Periode k (Standard), "on_or_after", "rolling".',
                "text",
                default="on",
            ),
            _p(
                "value",
                '"retention" (default), "customers", "revenue", "revenue_per_customer".',
                '"retention" (Standard), "customers", "revenue", "revenue_per_customer".',
                "text",
                default="retention",
            ),
            _p(
                "as_of",
                "Observation end (a date); default the last order date.",
                "Beobachtungsende (Datum); Standard das letzte Bestelldatum.",
                "date",
                default="",
            ),
        ),
        "Cohorts",
        "Cohort triangle: one row per first-purchase period, one column per period since.",
        "Kohortendreieck: eine Zeile je Periode des Erstkaufs, eine Spalte je Folgeperiode.",
        "customers of cohort c active in period c + k / customers of cohort c",
        "kpi-spec §2",
        "",
        table=True,
    ),
)

# --- predictive models (retention_xl.models; kpi-spec §3) -------------------------------
MODEL_DEFINITIONS: tuple[Definition, ...] = ()

# --- subscription revenue (retention_xl.subscriptions; kpi-spec §4) ---------------------
SUBSCRIPTION_DEFINITIONS: tuple[Definition, ...] = ()

#: Every Excel function: the KPIs, the table functions, the models and subscriptions.
ALL_DEFINITIONS: tuple[Definition, ...] = (
    DEFINITIONS + TABLE_DEFINITIONS + MODEL_DEFINITIONS + SUBSCRIPTION_DEFINITIONS
)


def by_name(name: str) -> Definition:
    """Return the definition whose Excel name or German alias is ``name`` (any case).

    Examples
    --------
    >>> by_name("kundenbindungsrate").name
    'RETENTION_RATE'
    """
    wanted = name.upper()
    for definition in ALL_DEFINITIONS:
        if wanted in (definition.name, definition.alias):
            return definition
    raise KeyError(f"no Excel function named {name!r}; see `retention-xl functions`.")
