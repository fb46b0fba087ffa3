"""The one table of KPI definitions.

One idea: every Excel-facing KPI is described exactly once here — Excel name, German alias,
parameters with help text in both languages, category, formula, source and the native Excel
formula the templates write. The Excel functions (:mod:`retention_xl.udfs`), the German
aliases, ``docs/functions.md``, ``retention-xl functions`` and the KPI template are all
generated from :data:`DEFINITIONS`. Imports only :mod:`retention_xl.kpis` (and
:mod:`retention_xl.texts` for its one word outside the table, "Formula").

Native formulas use ``{parameter}`` placeholders that the template replaces with cell
references; they use only functions of Excel 2019 and LibreOffice 7.4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from . import cohorts, kpis
from .errors import InputError
from .texts import LANGS, text

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


def _in(lang: str, english: str, german: str) -> str:
    """The one of a definition's pair of texts that is in ``lang`` ("en" or "de")."""
    if lang not in LANGS:
        raise InputError(f"lang must be 'en' or 'de'; got {lang!r}.")
    return (english, german)[LANGS.index(lang)]


@dataclass(frozen=True)
class Parameter:
    """One argument of a KPI: the same name in Python, in Excel and in VBA."""

    name: str
    help_en: str
    help_de: str
    kind: Kind = "number"
    default: float | str | None = None
    #: the values a choice takes, offered as a dropdown by xlwings Lite (empty: free text)
    choices: tuple[str, ...] = ()

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
        return _in(lang, self.help_en, self.help_de)


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
        return _in(lang, self.title_en, self.title_de)

    def summary(self, lang: str) -> str:
        """One-line description in ``lang`` ("en" or "de")."""
        return _in(lang, self.summary_en, self.summary_de)

    def excel_name(self, lang: str) -> str:
        """The Excel function name users type in ``lang``: the English name or the alias."""
        return _in(lang, self.name, self.alias)

    def signature(self, lang: str = "en") -> str:
        """``NAME(a, b, [c])`` as the function list shows it."""
        args = ", ".join(f"[{p.name}]" if p.optional else p.name for p in self.params)
        return f"{self.excel_name(lang)}({args})"

    def wizard_text(self, lang: str) -> str:
        """The function-wizard description: summary and formula (at most 255 characters)."""
        label = text("definitions.formula", lang)
        return f"{self.summary(lang)} {label}: {self.formula}"


def _p(
    name: str,
    en: str,
    de: str,
    kind: Kind = "number",
    default: float | str | None = None,
    choices: tuple[str, ...] = (),
) -> Parameter:
    return Parameter(name, en, de, kind, default, choices)


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
                choices=("day", "week", "month", "year"),
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
                choices=cohorts.KINDS,
            ),
            _p(
                "value",
                '"retention" (default), "customers", "revenue", "revenue_per_customer".',
                '"retention" (Standard), "customers", "revenue", "revenue_per_customer".',
                "text",
                default="retention",
                choices=cohorts.VALUES,
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
def _model(name: str) -> Callable[..., Any]:
    """``retention_xl.models.<name>``, imported on the first call: ``import retention_xl``
    stays free of scipy until a model is used."""

    def function(*args: Any, **kwargs: Any) -> Any:
        from importlib import import_module

        return getattr(import_module("retention_xl.models"), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = f"models.{name}"
    function.__doc__ = f"Lazy alias of retention_xl.models.{name}."
    return function


_HANDLER = "retention_xl.excel_models:"
_IDS = _p(
    "customer_ids",
    "Range with the customer id of each order (e.g. a Table column).",
    "Bereich mit der Kunden-ID jeder Bestellung (z. B. eine Tabellenspalte).",
    "ids",
)
_DATES = _p(
    "order_dates",
    "Range with the date of each order.",
    "Bereich mit dem Datum jeder Bestellung.",
    "dates",
)
_AMOUNTS = _p(
    "amounts",
    "Optional range with each order's amount (negative = refund).",
    "Optional: Bereich mit dem Betrag jeder Bestellung (negativ = Erstattung).",
    "numbers",
    default="",
)
_AS_OF = _p(
    "as_of",
    "End of observation (a date); default the last order date.",
    "Beobachtungsende (Datum); Standard das letzte Bestelldatum.",
    "date",
    default="",
)
_UNIT = _p(
    "unit",
    'Time unit of recency and age: "W" weeks (default), "D" days, "M" months.',
    'Zeiteinheit von Recency und Alter: "W" Wochen (Standard), "D" Tage, "M" Monate.',
    "text",
    default="W",
    choices=("W", "D", "M"),
)
_FREQUENCY = _p(
    "frequency",
    "Repeat purchases x of each customer (purchase days after the first).",
    "Wiederholungskäufe x je Kunde (Kauftage nach dem ersten).",
)
_RECENCY = _p(
    "recency",
    "Time t_x from the first to the last purchase, in the unit of age.",
    "Zeit t_x vom ersten bis zum letzten Kauf, in der Einheit von age.",
)
_AGE = _p(
    "age",
    "Time T from the first purchase to the end of observation.",
    "Zeit T vom ersten Kauf bis zum Beobachtungsende.",
)
_MONETARY = _p(
    "monetary",
    "Mean value of each customer's repeat purchases (z̄).",
    "Mittlerer Wert der Wiederholungskäufe je Kunde (z̄).",
)
_HORIZON = _p(
    "horizon",
    "Forecast horizon t, in the time unit of the summary.",
    "Prognosezeitraum t, in der Zeiteinheit der Zusammenfassung.",
)
_BGNBD = tuple(
    _p(
        name,
        f"BG/NBD parameter {name} (from BGNBD_FIT).",
        f"BG/NBD-Parameter {name} (aus BGNBD_FIT).",
    )
    for name in ("r", "alpha", "a", "b")
)
_GG = tuple(
    _p(
        name,
        f"Gamma-Gamma parameter {name} (from GAMMA_GAMMA_FIT).",
        f"Gamma-Gamma-Parameter {name} (aus GAMMA_GAMMA_FIT).",
    )
    for name in ("p", "q", "gamma")
)
_SBG = tuple(
    _p(name, f"sBG parameter {name} (from SBG_FIT).", f"sBG-Parameter {name} (aus SBG_FIT).")
    for name in ("alpha", "beta")
)
_PERIODS = _p(
    "periods",
    "Periods since the start of the cohort (t = 1, 2, …).",
    "Perioden seit Beginn der Kohorte (t = 1, 2, …).",
)
_COLUMN: Kind = "numbers"  # a whole range, read row by row with the other columns


def _fit_param(param: Parameter) -> Parameter:
    return _p(param.name, param.help_en, param.help_de, _COLUMN)


_FHL = "Fader, Hardie & Lee (2005), Marketing Science 24(2); CDNOW: kpi-spec §3"
_FH07 = "Fader & Hardie (2007), J. Interactive Marketing 21(1); kpi-spec §3"

#: The Excel functions of :mod:`retention_xl.models` (answered by
#: :mod:`retention_xl.excel_models`).
MODEL_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "RFM_SUMMARY",
        "RFM_UEBERSICHT",
        "RFM summary",
        "RFM-Übersicht",
        _model("rfm_summary"),
        (_IDS, _DATES, _AMOUNTS, _AS_OF, _UNIT),
        "Predictive models",
        "Per customer: repeat purchases, recency, age and mean repeat spend (spills a table).",
        "Je Kunde: Wiederholungskäufe, Recency, Alter und mittlerer Wiederholungsumsatz.",
        "x = purchase days − 1; t_x = last − first; T = as_of − first; z̄ = mean repeat value",
        _FHL,
        "",
        unit="number",
        table=True,
        handler=_HANDLER + "rfm_summary",
    ),
    Definition(
        "RFM_SEGMENTS",
        "RFM_SEGMENTE",
        "RFM segments",
        "RFM-Segmente",
        _model("rfm_segments"),
        (_IDS, _DATES, _AMOUNTS, _AS_OF, _UNIT),
        "Predictive models",
        "R, F, M scores 1–5 by quintiles and the named segment of each customer (spills).",
        "R-, F-, M-Werte 1–5 nach Quintilen und das benannte Segment je Kunde.",
        "score = 1 + cut points (20/40/60/80 %) below the value; segment from R × F",
        "RFM practice; retention_xl.models.segments",
        "",
        unit="number",
        table=True,
        handler=_HANDLER + "rfm_segments",
    ),
    Definition(
        "BGNBD_FIT",
        "BGNBD_SCHAETZUNG",
        "BG/NBD fit",
        "BG/NBD-Schätzung",
        _model("bgnbd_fit"),
        tuple(_fit_param(p) for p in (_FREQUENCY, _RECENCY, _AGE)),
        "Predictive models",
        "Fits the BG/NBD model: spills r, alpha, a, b, log-likelihood, converged.",
        "Schätzt das BG/NBD-Modell: r, alpha, a, b, Log-Likelihood, konvergiert.",
        "maximum likelihood, FHL (2005) eq. 6, in log space",
        _FHL,
        "",
        unit="number",
        table=True,
        handler=_HANDLER + "bgnbd_fit",
    ),
    Definition(
        "P_ALIVE",
        "P_AKTIV",
        "Probability alive",
        "Wahrscheinlichkeit aktiv",
        _model("p_alive"),
        (_FREQUENCY, _RECENCY, _AGE, *_BGNBD),
        "Predictive models",
        "Probability that a customer is still active (BG/NBD).",
        "Wahrscheinlichkeit, dass ein Kunde noch aktiv ist (BG/NBD).",
        "1 / (1 + [x>0] a/(b+x−1) ((alpha+T)/(alpha+t_x))^(r+x))",
        _FHL + "; customer 1 → 0.727",
        "",
        handler=_HANDLER + "elementwise",
    ),
    Definition(
        "EXPECTED_PURCHASES",
        "ERWARTETE_KAEUFE",
        "Expected purchases",
        "Erwartete Käufe",
        _model("expected_purchases"),
        (_HORIZON, _FREQUENCY, _RECENCY, _AGE, *_BGNBD),
        "Predictive models",
        "Expected purchases of a customer in the next horizon time units (BG/NBD).",
        "Erwartete Käufe eines Kunden in den nächsten horizon Zeiteinheiten (BG/NBD).",
        "P(alive) (a+b+x−1)/(a−1) [1 − ((alpha+T)/(alpha+T+t))^(r+x) 2F1(…)]",
        _FHL + "; customer 1, 39 weeks → 1.226",
        "",
        unit="number",
        handler=_HANDLER + "elementwise",
    ),
    Definition(
        "GAMMA_GAMMA_FIT",
        "GAMMA_GAMMA_SCHAETZUNG",
        "Gamma-Gamma fit",
        "Gamma-Gamma-Schätzung",
        _model("gamma_gamma_fit"),
        tuple(_fit_param(p) for p in (_FREQUENCY, _MONETARY)),
        "Predictive models",
        "Fits the Gamma-Gamma spend model on repeat buyers: spills p, q, gamma, LL, converged.",
        "Schätzt das Gamma-Gamma-Modell: p, q, gamma, Log-Likelihood, konvergiert.",
        "maximum likelihood, Fader & Hardie (2013) eq. 4, customers with x > 0",
        "Fader & Hardie (2013), note 025; CDNOW p 6.25, q 3.74, gamma 15.44",
        "",
        unit="number",
        table=True,
        handler=_HANDLER + "gamma_gamma_fit",
    ),
    Definition(
        "EXPECTED_SPEND",
        "ERWARTETER_BESTELLWERT",
        "Expected spend per purchase",
        "Erwarteter Bestellwert",
        _model("expected_spend"),
        (_FREQUENCY, _MONETARY, *_GG),
        "Predictive models",
        "Expected value of a customer's future purchases (Gamma-Gamma).",
        "Erwarteter Wert der künftigen Käufe eines Kunden (Gamma-Gamma).",
        "(gamma + x z̄) p / (p x + q − 1)",
        "Fader & Hardie (2013), eq. 5",
        "",
        unit="money",
        handler=_HANDLER + "elementwise",
    ),
    Definition(
        "CLV_BGNBD",
        "KUNDENWERT_BGNBD",
        "Customer lifetime value (BG/NBD)",
        "Kundenwert (BG/NBD)",
        _model("clv_bgnbd"),
        (
            _HORIZON,
            _FREQUENCY,
            _RECENCY,
            _AGE,
            _MONETARY,
            *_BGNBD,
            *_GG,
            _MARGIN,
            _p(
                "discount_rate",
                "Discount rate per time unit (0.01 = 1 %); default 0.",
                "Diskontierungszins je Zeiteinheit (0,01 = 1 %); Standard 0.",
                default=0,
            ),
        ),
        "Predictive models",
        "Discounted value of a customer over the horizon: purchases × spend × margin.",
        "Diskontierter Kundenwert im Zeitraum: Käufe × Bestellwert × Marge.",
        "margin × E[spend] × Σ_k (E[Y(k)] − E[Y(k−1)]) / (1 + d)^k",
        "FHL (2005), JMR 42(4); discounting as lifetimes 0.11",
        "",
        unit="money",
        handler=_HANDLER + "elementwise",
    ),
    Definition(
        "SBG_FIT",
        "SBG_SCHAETZUNG",
        "sBG fit",
        "sBG-Schätzung",
        _model("sbg_fit"),
        (
            _p(
                "survivors",
                "Customers of one cohort still active at the start and after each period.",
                "Kunden einer Kohorte, die zu Beginn und nach jeder Periode noch aktiv sind.",
                _COLUMN,
            ),
        ),
        "Predictive models",
        "Fits the shifted-beta-geometric model: spills alpha, beta, LL, converged.",
        "Schätzt das sBG-Modell: alpha, beta, Log-Likelihood, konvergiert.",
        "maximum likelihood: Σ (n_{t−1} − n_t) ln P(T=t) + n_T ln S(T)",
        _FH07 + "; regular alpha 0.704, beta 1.182",
        "",
        unit="number",
        table=True,
        handler=_HANDLER + "sbg_fit",
    ),
    Definition(
        "SBG_SURVIVAL",
        "SBG_UEBERLEBEN",
        "sBG survival",
        "sBG-Überlebensrate",
        _model("sbg_survival"),
        (*_SBG, _PERIODS),
        "Predictive models",
        "Share of a cohort still active after t periods (sBG).",
        "Anteil einer Kohorte, der nach t Perioden noch aktiv ist (sBG).",
        "S(t) = B(alpha, beta + t) / B(alpha, beta)",
        _FH07 + ", eq. 4",
        "",
        handler=_HANDLER + "elementwise",
    ),
    Definition(
        "SBG_RETENTION",
        "SBG_BINDUNGSRATE",
        "sBG retention rate",
        "sBG-Bindungsrate",
        _model("sbg_retention"),
        (*_SBG, _PERIODS),
        "Predictive models",
        "Retention rate of period t: share of the active who renew (sBG).",
        "Bindungsrate der Periode t: Anteil der Aktiven, die verlängern (sBG).",
        "r_t = (beta + t − 1) / (alpha + beta + t − 1)",
        _FH07 + ", eq. 5",
        "",
        handler=_HANDLER + "elementwise",
    ),
)

# --- subscription revenue (retention_xl.subscriptions; kpi-spec §4) ---------------------
from .subscriptions import metrics as _mrr  # noqa: E402 - this section's own import
from .subscriptions import movements as _movements  # noqa: E402
from .subscriptions.conventions import (  # noqa: E402
    CHURN_DENOMINATORS,
    JOINED_AND_LEFT,
    ZERO_MRR,
)

_MRR_NEW = _p("mrr_new", "MRR of new customers.", "MRR neuer Kunden.")
_MRR_EXPANSION = _p(
    "mrr_expansion",
    "MRR gained from upgrades of existing customers.",
    "Durch Upgrades bestehender Kunden gewonnener MRR.",
)
_MRR_CONTRACTION = _p(
    "mrr_contraction", "MRR lost through downgrades.", "Durch Downgrades verlorener MRR."
)
_MRR_CHURNED = _p(
    "mrr_churned",
    "MRR of the customers of the start who cancelled.",
    "MRR der Kunden vom Periodenbeginn, die gekündigt haben.",
)

SUBSCRIPTION_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "NET_REVENUE_RETENTION",
        "NETTO_UMSATZBINDUNG",
        "Net revenue retention (NRR)",
        "Netto-Umsatzbindung (NRR)",
        _mrr.net_revenue_retention,
        (_MRR_START, _MRR_EXPANSION, _MRR_CONTRACTION, _MRR_CHURNED),
        "Revenue",
        "Share of the starting MRR kept, upgrades included; above 100 % = growth.",
        "Anteil des MRR vom Periodenbeginn, der bleibt, mit Upgrades; über 100 % = Wachstum.",
        "(mrr_start + mrr_expansion − mrr_contraction − mrr_churned) / mrr_start",
        "kpi-spec §4; 100 + 10 − 10 − 10 of 100 → 90 %",
        "({mrr_start}+{mrr_expansion}-{mrr_contraction}-{mrr_churned})/{mrr_start}",
    ),
    Definition(
        "GROSS_REVENUE_RETENTION",
        "BRUTTO_UMSATZBINDUNG",
        "Gross revenue retention (GRR)",
        "Brutto-Umsatzbindung (GRR)",
        _mrr.gross_revenue_retention,
        (_MRR_START, _MRR_CONTRACTION, _MRR_CHURNED),
        "Revenue",
        "Share of the starting MRR kept, without upgrades; at most 100 %.",
        "Anteil des MRR vom Periodenbeginn, der bleibt, ohne Upgrades; höchstens 100 %.",
        "(mrr_start − mrr_contraction − mrr_churned) / mrr_start",
        "kpi-spec §4; 100 − 10 − 10 of 100 → 80 %",
        "({mrr_start}-{mrr_contraction}-{mrr_churned})/{mrr_start}",
    ),
    Definition(
        "QUICK_RATIO",
        "ZUWACHS_VERLUST_QUOTE",
        "Quick ratio",
        "Quick Ratio (Zuwachs/Verlust)",
        _mrr.quick_ratio,
        (
            _MRR_NEW,
            _MRR_EXPANSION,
            _MRR_CONTRACTION,
            _MRR_CHURNED,
            _p(
                "mrr_reactivation",
                "MRR won back from former customers; default 0 (leave out: the original "
                "definition).",
                "Von früheren Kunden zurückgewonnener MRR; Standard 0 (weglassen: die "
                "ursprüngliche Definition).",
                default=0,
            ),
        ),
        "Revenue",
        "SaaS quick ratio: MRR gained per MRR lost; above 1 MRR grows, 4 is strong.",
        "SaaS Quick Ratio: gewonnener je verlorenem MRR; über 1 wächst der MRR, 4 ist stark.",
        "(mrr_new + mrr_expansion + mrr_reactivation) / (mrr_contraction + mrr_churned)",
        "kpi-spec §4; (20k + 8k) / (5k + 3k) → 3.5",
        "({mrr_new}+{mrr_expansion}+{mrr_reactivation})/({mrr_contraction}+{mrr_churned})",
        unit="number",
    ),
    Definition(
        "MRR_MOVEMENTS",
        "MRR_BEWEGUNGEN",
        "MRR movements",
        "MRR-Bewegungen",
        _movements.mrr_movements,
        (
            _p(
                "customer_ids",
                "Range with the customer id of each row (e.g. a Table column).",
                "Bereich mit der Kunden-ID jeder Zeile (z. B. eine Tabellenspalte).",
                "ids",
            ),
            _p(
                "periods",
                "Range with the month of each row: any date in it, or text like 2024-01.",
                "Bereich mit dem Monat jeder Zeile: ein Datum darin oder Text wie 2024-01.",
                "dates",
            ),
            _p(
                "mrr",
                "Range with each row's MRR; rows of one customer and month add up.",
                "Bereich mit dem MRR jeder Zeile; Zeilen eines Kunden im Monat werden addiert.",
                "numbers",
            ),
            _p(
                "period",
                'Reporting period: "M" months (default), "Q" quarters, "Y" years.',
                'Berichtsperiode: "M" Monate (Standard), "Q" Quartale, "Y" Jahre.',
                "text",
                default="M",
                choices=("M", "Q", "Y"),
            ),
            _p(
                "churn_denominator",
                'Churn rates divide by "start" (default), "start_plus_new" or "average".',
                'Abwanderungsraten geteilt durch "start" (Standard), "start_plus_new" oder '
                '"average".',
                "text",
                default="start",
                choices=CHURN_DENOMINATORS,
            ),
            _p(
                "reactivation_gap",
                "Empty months after which a returning customer is reactivated; default 1.",
                "Leere Monate, nach denen ein zurückkehrender Kunde reaktiviert ist; Standard 1.",
                default=1,
            ),
            _p(
                "zero_mrr",
                'A paying customer\'s zero MRR: "churn" (default) or "pause".',
                'MRR 0 eines zahlenden Kunden: "churn" (Abwanderung, Standard) oder "pause".',
                "text",
                default="churn",
                choices=ZERO_MRR,
            ),
            _p(
                "joined_and_left",
                'Customers who start and stop within a quarter or year: "count" (default) '
                'or "ignore".',
                'Kunden, die innerhalb eines Quartals/Jahres beginnen und enden: "count" '
                '(Standard) oder "ignore".',
                "text",
                default="count",
                choices=JOINED_AND_LEFT,
            ),
            _p(
                "as_of",
                "The month the data ends (a date in it, or text like 2024-06); later months "
                "are left out. Default: the month of the last row.",
                "Der Monat, in dem die Daten enden (ein Datum darin oder Text wie 2024-06); "
                "spätere Monate bleiben außer Betracht. Standard: der Monat der letzten Zeile.",
                "date",
                default="",
            ),
        ),
        "Revenue",
        "MRR movement table: one row per period, start, new, expansion, contraction, churn, "
        "reactivation, end, customers and rates.",
        "MRR-Bewegungen: eine Zeile je Periode mit Beginn, Neu, Expansion, Kontraktion, "
        "Abwanderung, Reaktivierung, Ende, Kunden und Raten.",
        "start + new + reactivation + expansion − contraction − churn = end",
        "kpi-spec §4",
        "",
        table=True,
        handler="retention_xl.excel_subscriptions:mrr_movements_cells",
    ),
)

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
