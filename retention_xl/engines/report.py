"""What an engine run did: which engine and why, what was read, and what it cost.

One idea: :class:`EngineReport` travels with every result of :mod:`retention_xl.engines`,
so a command can print on stderr which engine ran, why it was chosen, and how many rows
were read, used and rejected; its :class:`OrderTotals` give a workbook's summary what the
triangle does not hold, without the orders. Imports the standard library and
:mod:`retention_xl.texts` (its lines' words) only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..texts import text

__all__ = ["EngineReport", "OrderTotals"]

_MAX_PROBLEMS = 50


@dataclass
class EngineReport:
    """One engine run: the engine, the reason it was chosen, rows and settings.

    Examples
    --------
    >>> r = EngineReport("duckdb", "asked for", "orders.parquet", rows_read=10, rows_used=9,
    ...                  rows_rejected=1)
    >>> r.choice()
    'engine duckdb: asked for'
    >>> r.summary()
    'orders.parquet: 10 rows read, 9 used, 1 rejected'
    """

    engine: str
    reason: str
    source: str
    files: int = 1
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    blank_rows: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    settings: dict[str, str] = field(default_factory=dict)
    #: per segment ("" without one): the order totals a workbook summary shows
    totals: dict[str, OrderTotals] = field(default_factory=dict)
    #: segments whose result could not be computed, and why (when asked to go on)
    failed: dict[str, str] = field(default_factory=dict)

    def reject(self, message: str, count: int = 1) -> None:
        """Count ``count`` rejected rows described by ``message`` (the first 50 messages
        are kept)."""
        self.rows_rejected += count
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(message)

    def choice(self, lang: str = "en") -> str:
        """One line saying which engine ran and why, for stderr, in ``lang``."""
        extra = ", ".join(f"{k} {v}" for k, v in self.settings.items())
        line = text("engine.choice", lang, engine=self.engine, reason=self.reason)
        return line + (f" ({extra})" if extra else "")

    def summary(self, lang: str = "en") -> str:
        """One line: rows read, used, rejected (and blank rows skipped), in ``lang``."""
        line = text(
            "reader.summary",
            lang,
            source=self.source,
            read=self.rows_read,
            used=self.rows_used,
            rejected=self.rows_rejected,
        )
        if self.blank_rows:
            line += text("reader.blank_rows", lang, n=self.blank_rows)
        return line

    def lines(self, lang: str = "en") -> list[str]:
        """What a command prints on stderr, in ``lang`` ("en" or "de"): the engine and why,
        the rows, the first rejected rows and how many more there were.

        Examples
        --------
        >>> r = EngineReport("numpy", "asked for", "a.csv", rows_read=3, rows_used=2,
        ...                  rows_rejected=2, problems=["a.csv, Zeile 3: kein Datum"])
        >>> print("\\n".join(r.lines("de")))
        Engine numpy: asked for
        a.csv: 3 Zeilen gelesen, 2 verwendet, 2 abgelehnt
          abgelehnt: a.csv, Zeile 3: kein Datum
          … und 1 weitere
        """
        out = [self.choice(lang), self.summary(lang)]
        out += ["  " + text("reader.rejected", lang, problem=problem) for problem in self.problems]
        if self.rows_rejected > len(self.problems):
            more = self.rows_rejected - len(self.problems)
            out.append("  " + text("reader.more", lang, n=more))
        return out


@dataclass
class OrderTotals:
    """What a cohort workbook's summary needs beyond the triangle, for one segment: over
    the orders on or before the table's ``as_of``, the customers with a purchase, those
    with at least two, the purchases (amount ≥ 0) and the revenue (refunds included; None
    without amounts). Totals of disjoint customers add up.

    Examples
    --------
    >>> OrderTotals(2, 1, 3, 40.0) + OrderTotals(1, 0, 1, 5.0)
    OrderTotals(customers=3, repeat_customers=1, purchases=4, revenue=45.0)
    """

    customers: int = 0
    repeat_customers: int = 0
    purchases: int = 0
    revenue: float | None = None

    def __add__(self, other: OrderTotals) -> OrderTotals:
        revenue = None
        if self.revenue is not None or other.revenue is not None:
            revenue = (self.revenue or 0.0) + (other.revenue or 0.0)
        return OrderTotals(
            self.customers + other.customers,
            self.repeat_customers + other.repeat_customers,
            self.purchases + other.purchases,
            revenue,
        )
