"""The native formulas of the live cohort workbook: an Excel 2019 cohort triangle with no add-in.

One idea: a correct triangle (distinct customers, refunds never active, unobserved cells
blank, kpi-spec §2 with monthly periods and kind ``on`` or ``on_or_after``) from formulas
that Excel 2019, LibreOffice 7.4 and Google Sheets share — MATCH, MINIFS, MAXIFS, COUNTIF(S),
SUMIFS, SUMPRODUCT, INDEX, DATE — with no dynamic arrays and no VBA. This module only builds
formula text (no openpyxl); :mod:`.live_cohorts` lays it out. Imports only
:mod:`retention_xl.texts` of the package (the names of its columns and defined names).

How the Orders table computes (one calculated column each, per row):

==================  ===========================================================================
``customer_no``     MATCH of the id in the id column: the table row where the customer first
                    appears (one number per customer; wildcards ``* ? ~`` are escaped). Blank
                    when the row has no id or no numeric date.
``buyer``           ``customer_no`` on purchase rows up to the as-of date; blank on refunds
                    (negative amounts) and later orders, so these never make a customer active.
``first_purchase``  MINIFS of the order dates over the customer's ``buyer`` rows, computed on
                    the customer's first row only (the other rows read it from there).
``cohort``          first day of the month of the first purchase.
``period``          months from the cohort month to the order's month.
``customer_month``  ``customer_no`` × 100000 + the order's month number, on purchase rows.
``first_in_period`` the period, on the first row (MATCH) of each ``customer_month``: exactly
                    one row per customer and active month carries it — customers, not orders.
``purchases``       COUNTIF of the customer's ``buyer`` rows, on the customer's period-0 row.
``last_period``     (only when counting ``on_or_after``) the customer's last observed period
                    with a purchase, on the same row.
==================  ===========================================================================

The expensive functions (MINIFS, COUNTIF, MAXIFS: each scans the table) run once per
customer with one criterion; MATCH, which spreadsheets answer from a lookup cache, does the
per-row work. The triangle cell (cohort c, period k) is
``COUNTIFS(cohort, c, first_in_period, k) / size`` (``on``) or
``COUNTIFS(cohort, c, last_period, ">="&k) / size`` (``on_or_after``), blank when month c + k
has not ended by the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..texts import text as _text

__all__ = [
    "HELPERS",
    "KIND_CHOICES",
    "LiveNames",
    "average_formula",
    "check_formulas",
    "cohort_start_formula",
    "conventions_formula",
    "helper_formulas",
    "label_formula",
    "literal",
    "live_names",
    "settings_formulas",
    "size_formula",
    "summary_formulas",
    "triangle_formula",
]

#: The calculated columns of the Orders table, in order (see the module docstring).
HELPERS: tuple[str, ...] = (
    "customer_no",
    "buyer",
    "first_purchase",
    "cohort",
    "period",
    "customer_month",
    "first_in_period",
    "purchases",
    "last_period",
)
KIND_CHOICES = ("on", "on_or_after")  #: the kinds of retention the formulas compute
_MONTH_KEY = 100_000  # customer_month = customer_no * _MONTH_KEY + year * 12 + month


@dataclass(frozen=True)
class LiveNames:
    """Every name a formula uses, in one language: the table, its columns and the workbook's
    defined names (cells on the settings block and the summary sheet)."""

    table: str
    customer_id: str
    order_date: str
    amount: str
    helpers: dict[str, str]
    as_of: str  #: observation end in effect (the input cell, or the last order date)
    kind: str  #: the input cell with "on" or "on_or_after"
    first_cohort: str  #: first day of the first cohort's month (0 without orders)
    last_month: str  #: first day of the last month that has ended by as_of
    cohort_count: str  #: number of complete cohorts

    def column(self, key: str) -> str:
        """A whole column of the table: ``Orders[customer_id]``."""
        return f"{self.table}[{self._name(key)}]"

    def this(self, key: str) -> str:
        """This row's cell of a column, in the file syntax Excel 2019 and LibreOffice read."""
        return f"{self.table}[[#This Row],[{self._name(key)}]]"

    def _name(self, key: str) -> str:
        fixed = {"customer_id": self.customer_id, "order_date": self.order_date}
        return fixed.get(key) or (self.amount if key == "amount" else self.helpers[key])


def live_names(lang: str, table: str, columns: tuple[str, str, str]) -> LiveNames:
    """The names for ``lang`` ("en" or "de"), given the table name and its three input columns.

    Examples
    --------
    >>> names = live_names("en", "Orders", ("customer_id", "order_date", "amount"))
    >>> names.this("cohort"), names.column("amount")
    ('Orders[[#This Row],[cohort]]', 'Orders[amount]')
    """
    return LiveNames(
        table,
        *columns,
        helpers={key: _name("helper." + key, lang) for key in HELPERS},
        as_of=_name("name.as_of", lang),
        kind=_name("name.kind", lang),
        first_cohort=_name("name.first_cohort", lang),
        last_month=_name("name.last_month", lang),
        cohort_count=_name("name.cohort_count", lang),
    )


def _name(key: str, lang: str) -> str:
    """A helper column's or defined name's name: the text ``live_workbook.<key>``."""
    return _text("live_workbook." + key, lang)


def literal(text: str) -> str:
    """Text as a formula string literal (quotes doubled).

    Examples
    --------
    >>> literal('a 2" pipe')
    '"a 2"" pipe"'
    """
    return '"' + text.replace('"', '""') + '"'


def _months(later: str, earlier: str) -> str:
    """Whole months from the month of ``earlier`` to the month of ``later``."""
    return f"(YEAR({later})-YEAR({earlier}))*12+MONTH({later})-MONTH({earlier})"


def helper_formulas(n: LiveNames) -> dict[str, str]:
    """The calculated-column formula of every helper column (see the module docstring).

    Examples
    --------
    >>> names = live_names("en", "Orders", ("customer_id", "order_date", "amount"))
    >>> print(helper_formulas(names)["period"].replace("Orders[[#This Row],", "["))
    =IF([[cohort]]="","",(YEAR([[order_date]])-YEAR([[cohort]]))*12+MONTH([[order_date]])-MONTH([[cohort]]))
    """
    this, column = n.this, n.column
    row = f"ROW()-ROW(INDEX({column('customer_id')},1))+1"  # this row's index in the table
    no, cid, cm, fip = (
        this("customer_no"),
        this("customer_id"),
        this("customer_month"),
        this("first_in_period"),
    )

    def tail(key: str) -> str:  # a column from the customer's first row to the table's end
        return f"INDEX({column(key)},{no}):INDEX({column(key)},ROWS({column('customer_id')}))"

    escaped = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({cid},"~","~~"),"*","~*"),"?","~?")'
    first = f"INDEX({column('first_purchase')},{no})"
    observed_span = _months(n.last_month, this("cohort"))
    date = this("order_date")
    return {
        "customer_no": f'=IF(OR({cid}="",NOT(ISNUMBER({date}))),"",'
        f"MATCH(IF(ISTEXT({cid}),{escaped},{cid}),{column('customer_id')},0))",
        "buyer": f'=IF({no}="","",IF(OR(N({this("amount")})<0,INT({date})>{n.as_of}),"",{no}))',
        "first_purchase": f"=IF({no}={row},"
        f'_xlfn.MINIFS({tail("order_date")},{tail("buyer")},{no}),"")',
        "cohort": f'=IF({no}="","",IF(N({first})=0,"",EOMONTH({first},-1)+1))',
        "period": f'=IF({this("cohort")}="","",{_months(date, this("cohort"))})',
        "customer_month": f'=IF({this("buyer")}="","",'
        f"{this('buyer')}*{_MONTH_KEY}+YEAR({date})*12+MONTH({date}))",
        # the first row of this customer and month, searched from the customer's first row
        "first_in_period": f'=IF({cm}="","",IF(MATCH({cm},INDEX({column("customer_month")},{no})'
        f':{cm},0)={row}-{no}+1,{this("period")},""))',
        "purchases": f'=IF(ISNUMBER({fip}),IF({fip}=0,COUNTIF({tail("buyer")},{no}),""),"")',
        "last_period": f'=IF(ISNUMBER({this("purchases")}),IF({n.kind}="on_or_after",'
        f"_xlfn.MAXIFS({tail('first_in_period')},{tail('buyer')},{no},{tail('first_in_period')},"
        f'"<="&({observed_span})),""),"")',
    }


def settings_formulas(n: LiveNames, as_of_input: str) -> dict[str, str]:
    """The defined names' formulas: as-of in effect, first cohort, last ended month, cohorts.

    ``as_of_input`` is the absolute address of the (possibly blank) as-of input cell.
    """
    last_order = f'_xlfn.MAXIFS({n.column("order_date")},{n.column("customer_no")},">0")'
    as_of = n.as_of
    return {
        "as_of": f'=IF({as_of_input}="",INT({last_order}),INT({as_of_input}))',
        "first_cohort": f"=MIN({n.column('cohort')})",
        # the month of as_of counts only when as_of is its last day (kpi-spec §2)
        "last_month": f"=IF(DAY({as_of}+1)=1,EOMONTH({as_of},-1)+1,EOMONTH({as_of},-2)+1)",
        "cohort_count": f"=IF({n.first_cohort}=0,0,"
        f"MAX(0,{_months(n.last_month, n.first_cohort)}+1))",
    }


def cohort_start_formula(n: LiveNames, index: int) -> str:
    """First day of the ``index``-th cohort (0 = oldest), blank beyond the last cohort."""
    return (
        f"=IF({index}<{n.cohort_count},DATE(YEAR({n.first_cohort}),"
        f'MONTH({n.first_cohort})+{index},1),"")'
    )


def size_formula(n: LiveNames, start: str) -> str:
    """Cohort size: its customers, each counted on their one period-0 row."""
    return (
        f'=IF({start}="","",COUNTIFS({n.column("cohort")},{start},{n.column("first_in_period")},0))'
    )


def triangle_formula(n: LiveNames, start: str, size: str, offset: str) -> str:
    """Retention of the cohort starting at ``start`` (cell) in period ``offset`` (cell).

    Blank when there is no such cohort, it has no customers, or its month ``offset`` has not
    ended by the as-of date; otherwise distinct customers / cohort size.

    Examples
    --------
    >>> names = live_names("en", "Orders", ("customer_id", "order_date", "amount"))
    >>> triangle_formula(names, "$A13", "$B13", "D$10")  # doctest: +NORMALIZE_WHITESPACE
    '=IF(OR($A13="",N($B13)=0),"",IF(DATE(YEAR($A13),MONTH($A13)+D$10,1)>LastMonth,"",IF(Kind="on_or_after",COUNTIFS(Orders[cohort],$A13,Orders[last_period],">="&D$10),COUNTIFS(Orders[cohort],$A13,Orders[first_in_period],D$10))/$B13))'
    """
    on = f"COUNTIFS({n.column('cohort')},{start},{n.column('first_in_period')},{offset})"
    after = f'COUNTIFS({n.column("cohort")},{start},{n.column("last_period")},">="&{offset})'
    return (
        f'=IF(OR({start}="",N({size})=0),"",IF(DATE(YEAR({start}),MONTH({start})+{offset},1)'
        f'>{n.last_month},"",IF({n.kind}="on_or_after",{after},{on})/{size}))'
    )


def average_formula(sizes: str, area: str, *, weighted: bool) -> str:
    """Average of one period's column over the observed (numeric) cells only.

    Weighted: Σ size·retention / Σ size over observed cells (SUMPRODUCT counts text as 0);
    unweighted: AVERAGE, which skips the blank text cells.
    """
    if weighted:
        return (
            f'=IF(COUNT({area})=0,"",SUMPRODUCT({sizes},{area})'
            f"/SUMPRODUCT({sizes},--ISNUMBER({area})))"
        )
    return f'=IF(COUNT({area})=0,"",AVERAGE({area}))'


def label_formula(date: str) -> str:
    """A month as text ``2024-01`` (no TEXT date codes, which differ by language)."""
    return f'=IF(ISNUMBER({date}),YEAR({date})&"-"&TEXT(MONTH({date}),"00"),"")'


def _date_text(date: str) -> str:
    return f'YEAR({date})&"-"&TEXT(MONTH({date}),"00")&"-"&TEXT(DAY({date}),"00")'


def conventions_formula(
    n: LiveNames, lines: dict[str, tuple[list[str], list[str]]], index: int
) -> str:
    """Line ``index`` of the conventions text as a formula.

    ``lines`` maps each kind (``"on"``, ``"on_or_after"``) to the engine's sentences
    (:func:`retention_xl.cohorts.describe_conventions`) twice: written for the as-of date
    2000-01-02, which the formula replaces by the date in effect, and for no date ("the last
    order"), shown while the table has no orders.
    """
    sentinel = "2000-01-02"

    def one(kind: str) -> str:
        dated, undated = lines[kind][0][index], lines[kind][1][index]
        if sentinel not in dated:
            return literal(dated)
        before, rest = dated.split(sentinel, 1)
        text = f"{literal(before)}&{_date_text(n.as_of)}&{literal(rest)}"
        return f"IF(COUNT({n.column('customer_no')})=0,{literal(undated)},{text})"

    on, after = one("on"), one("on_or_after")
    return f"={on}" if on == after else f'=IF({n.kind}="on_or_after",{after},{on})'


def check_formulas(
    n: LiveNames, capacity: int, months: int, sheet: str, texts: dict[str, str]
) -> str:
    """The status line: every warning that applies, else how many orders are counted.

    ``texts`` holds the sentences (``capacity``, ``months``, ``outside``, ``no_date``,
    ``amount``, ``kind``, ``as_of``, ``empty``, ``counted``); ``sheet`` is the quoted name of
    the Orders sheet, whose column A may hold rows pasted below the table.
    """
    usable = f"COUNT({n.column('customer_no')})"
    ids = f"COUNTA({n.column('customer_id')})"
    warnings = [
        (f"{usable}>{capacity}", literal(texts["capacity"])),
        (f"{n.cohort_count}>{months}", literal(texts["months"])),
        (
            f"COUNTA({sheet}!$A:$A)-1-{ids}>0",
            f"COUNTA({sheet}!$A:$A)-1-{ids}&{literal(texts['outside'])}",
        ),
        (f"{ids}-{usable}>0", f"{ids}-{usable}&{literal(texts['no_date'])}"),
        (
            f"COUNTA({n.column('amount')})-COUNT({n.column('amount')})>0",
            f"COUNTA({n.column('amount')})-COUNT({n.column('amount')})&{literal(texts['amount'])}",
        ),
        (f'AND({n.kind}<>"on",{n.kind}<>"on_or_after")', literal(texts["kind"])),
    ]
    joined = "&".join(f'IF({test},"⚠ "&{message}&" ","")' for test, message in warnings)
    status = (
        f"IF({usable}=0,{literal(texts['empty'])},FIXED({usable},0)&{literal(texts['counted'])})"
    )
    as_of_bad = f'"⚠ "&{literal(texts["as_of"])}'
    return f"=IF(ISERROR({n.as_of}),{as_of_bad},IF(LEN({joined})>0,TRIM({joined}),{status}))"


def summary_formulas(n: LiveNames, weighted_row: str, offsets: dict[int, str]) -> dict[str, str]:
    """The summary KPIs (keys of :data:`.cohort_template.SUMMARY`) as formulas.

    ``weighted_row`` addresses the cell before the first period of the weighted-average row
    (its size cell); ``offsets`` maps k to the address of period k in that row (only the
    periods the sheet has). Repeat-customer rate, average order value and purchase frequency
    count purchases (amount ≥ 0, blank amounts included) up to the as-of date, as
    :func:`.cohort_template.cohort_summary` does.
    """
    buyers = f"COUNT({n.column('purchases')})"  # one number per customer with a purchase
    purchases = f"COUNT({n.column('buyer')})"
    revenue = (
        f'SUMIFS({n.column("amount")},{n.column("customer_no")},">0",'
        f'{n.column("order_date")},"<"&({n.as_of}+1))'
    )
    formulas = {
        "customers": f"={weighted_row}",
        "cohorts": f"={n.cohort_count}",
        **{
            f"retention_{k}": f'=IF(ISNUMBER({offsets[k]}),{offsets[k]},"")'
            if k in offsets
            else '=""'
            for k in (1, 3, 6, 12)
        },
        "repeat_customer_rate": f'=IF({buyers}=0,"",'
        f'COUNTIF({n.column("purchases")},">=2")/{buyers})',
        "average_order_value": f'=IF(OR({purchases}=0,COUNT({n.column("amount")})=0),"",'
        f"MAX({revenue},0)/{purchases})",
        "purchase_frequency": f'=IF({buyers}=0,"",{purchases}/{buyers})',
    }
    return formulas
