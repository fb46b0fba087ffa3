"""What a read returns: the orders as arrays, and the report of what happened.

One idea: :class:`Orders` holds one row per order the way the engines want it — customer
ids as integer codes into a table of distinct ids, order days as ``datetime64[D]`` (day
numbers), amounts as float64 — and :class:`ReadReport` says how many rows were read, used,
rejected, merged or left out, and why. Imports numpy and :mod:`.messages` only (no pyarrow),
so the Excel functions can build Orders in xlwings Lite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..texts import number
from .messages import say

__all__ = ["MAX_PROBLEMS", "Orders", "ReadReport"]

#: How many rejected rows a report keeps word for word (all are counted).
MAX_PROBLEMS = 50


@dataclass
class ReadReport:
    """What a read did: rows read, used and rejected, and why rows were rejected.

    ``problems`` holds the first :data:`MAX_PROBLEMS` rejected rows as messages naming the
    file, line (or sheet and row), column and value, in the language of the read. Orders
    left out on purpose (by status, without a customer, in another currency) are counted
    apart from rejected rows (:attr:`left_out`); ``notes`` say what the read could not check
    or decide (UTC days, a missing status column).
    """

    source: str
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    blank_rows: int = 0
    problems: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    decimal: str = ""
    has_amounts: bool = False
    lang: str = "en"
    format: str = ""  #: csv, xlsx, parquet, dataframe, range …
    merged_rows: int = 0  #: line-item rows folded into their order (``order_col``)
    cancelled: dict[str, int] = field(default_factory=dict)  #: left-out orders per status
    #: orders left out because no row of theirs names a customer (preset reads: guest and
    #: POS orders without an e-mail), and the column that was empty
    no_customer: int = 0
    no_customer_column: str = ""
    #: orders left out because they are in another currency than ``currency`` (per currency)
    other_currency: dict[str, int] = field(default_factory=dict)
    currency: str = ""  #: the one currency of the orders used, when the source names it
    refunded_orders: int = 0  #: orders whose amount is net of a refund
    refunded_amount: float = 0.0  #: the refunds subtracted from those orders' totals
    notes: list[str] = field(default_factory=list)  #: what the reader could not check

    @property
    def left_out(self) -> int:
        """Orders read but deliberately not used: by status, without a customer, or in
        another currency (``rows_read == rows_used + rows_rejected + merged_rows +
        left_out``)."""
        return sum(self.cancelled.values()) + self.no_customer + sum(self.other_currency.values())

    def reject(self, message: str) -> None:
        """Count one rejected row and keep its message (the first 50 are kept)."""
        self.rows_rejected += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)

    def summary(self) -> str:
        """One line: rows read, used, rejected (and blank, merged and cancelled rows).

        Examples
        --------
        >>> ReadReport("a.csv", 3, 2, 1, blank_rows=1).summary()
        'a.csv: 3 rows read, 2 used, 1 rejected, 1 blank rows skipped'
        >>> ReadReport("a.csv", 3, 3, 0, lang="de").summary()
        'a.csv: 3 Zeilen gelesen, 3 verwendet, 0 abgelehnt'
        """
        text = say(
            "summary",
            self.lang,
            source=self.source,
            read=self.rows_read,
            used=self.rows_used,
            rejected=self.rows_rejected,
        )
        if self.blank_rows:
            text += say("blank_rows", self.lang, n=self.blank_rows)
        if self.merged_rows:
            text += say("merged", self.lang, n=self.merged_rows)
        if self.cancelled:
            detail = ", ".join(f"{status}: {n}" for status, n in sorted(self.cancelled.items()))
            text += say("cancelled", self.lang, n=sum(self.cancelled.values()), detail=detail)
        if self.no_customer:
            text += say(
                "no_customer", self.lang, n=self.no_customer, column=self.no_customer_column
            )
        if self.other_currency:
            detail = ", ".join(f"{c}: {n}" for c, n in sorted(self.other_currency.items()))
            text += say(
                "other_currency",
                self.lang,
                n=sum(self.other_currency.values()),
                currency=self.currency,
                detail=detail,
            )
        if self.refunded_orders:
            amount = number(self.refunded_amount, self.lang, 2)
            if self.currency:
                amount = f"{amount} {self.currency}"
            text += say("refunds", self.lang, amount=amount, n=self.refunded_orders)
        return text

    def lines(self) -> list[str]:
        """The summary, the notes, each kept problem, and how many more there were.

        Examples
        --------
        >>> r = ReadReport("o.csv", 4, 2, 0, cancelled={"voided": 1}, no_customer=1,
        ...                no_customer_column="Email", notes=["days are UTC days"])
        >>> r.left_out, r.lines()[1]
        (2, '  note: days are UTC days')
        >>> print(r.summary().replace("), ", "),\\n"))
        o.csv: 4 rows read, 2 used, 0 rejected, 1 orders left out by status (voided: 1),
        1 orders without a customer (Email empty: guest or POS orders) left out
        """
        out = [self.summary()]
        out += ["  " + say("note", self.lang, text=note) for note in self.notes]
        out += ["  " + say("rejected", self.lang, problem=p) for p in self.problems]
        if self.rows_rejected > len(self.problems):
            out.append("  " + say("more", self.lang, n=self.rows_rejected - len(self.problems)))
        return out


class Orders:
    """One row per order: customer ids, order days, amounts (or None) and the read report.

    Build it from text or numeric ids (``Orders(ids, dates, amounts, report)``) or, as the
    file readers do, from codes into a table of distinct ids (``customer_codes=``,
    ``customer_names=``): :attr:`customer_ids` is then made only when asked for.

    Examples
    --------
    >>> import numpy as np
    >>> o = Orders(None, np.array(["2024-01-02", "2024-01-03"], "datetime64[D]"), None,
    ...            ReadReport("x"), customer_codes=np.array([1, 0]),
    ...            customer_names=np.array(["a", "b"]))
    >>> o.customer_ids.tolist(), len(o)
    (['b', 'a'], 2)
    """

    def __init__(
        self,
        customer_ids: np.ndarray | None,
        order_dates: np.ndarray,
        amounts: np.ndarray | None,
        report: ReadReport,
        segments: np.ndarray | None = None,
        *,
        customer_codes: np.ndarray | None = None,
        customer_names: np.ndarray | None = None,
        extra_dates: dict[str, np.ndarray] | None = None,
        segment_codes: np.ndarray | None = None,
        segment_names: np.ndarray | None = None,
    ) -> None:
        if customer_ids is None and (customer_codes is None or customer_names is None):
            raise ValueError("Orders needs customer_ids, or customer_codes and customer_names")
        self._ids = customer_ids
        self._codes = customer_codes
        self._names = customer_names
        self.order_dates = order_dates
        self.amounts = amounts
        self.report = report
        self._segments = segments  # text per order when read with segment_col
        self.segment_codes = segment_codes  # or codes into segment_names (from a reader)
        self.segment_names = segment_names
        self.extra_dates: dict[str, np.ndarray] = extra_dates or {}

    def __len__(self) -> int:
        return int(self.order_dates.size)

    def __repr__(self) -> str:
        return f"Orders({len(self)} orders from {self.report.source!r})"

    @property
    def segments(self) -> np.ndarray | None:
        """The segment (``segment_col``) of each order as text, or None."""
        if self._segments is None and self.segment_codes is not None:
            assert self.segment_names is not None
            self._segments = self.segment_names[self.segment_codes]
        return self._segments

    @property
    def customer_ids(self) -> np.ndarray:
        """One id per order (text, or whole numbers when built from numbers)."""
        if self._ids is None:
            assert self._codes is not None and self._names is not None
            self._ids = self._names[self._codes]
        return self._ids

    @property
    def customer_codes(self) -> np.ndarray:
        """One integer per order indexing :attr:`customer_names` (cheap for the engines)."""
        if self._codes is None:
            from ..ids import factorize

            self._codes, self._names = factorize(self.customer_ids)
        return self._codes

    @property
    def customer_names(self) -> np.ndarray:
        """The distinct customer ids that :attr:`customer_codes` point into."""
        if self._names is None:
            _ = self.customer_codes
        assert self._names is not None
        return self._names

    def select(self, rows: np.ndarray, source: str) -> Orders:
        """The orders at ``rows`` (a boolean mask or indexes, in order), with a report of
        their own named ``source``."""
        count = int(rows.sum()) if rows.dtype == bool else int(rows.size)
        report = ReadReport(
            source,
            rows_read=count,
            rows_used=count,
            encoding=self.report.encoding,
            delimiter=self.report.delimiter,
            decimal=self.report.decimal,
            has_amounts=self.amounts is not None,
            lang=self.report.lang,
            format=self.report.format,
        )
        # the selected orders' own customers only: a segment sent to a worker process
        # carries small codes and its own id table, not the whole file's
        if self._codes is not None and self._names is not None and self._ids is None:
            used, codes = np.unique(self._codes[rows], return_inverse=True)
            ids: dict[str, np.ndarray] = {
                "customer_codes": codes.astype(np.int32),
                "customer_names": self._names[used],
            }
        else:
            ids = {}
        return Orders(
            None if ids else self.customer_ids[rows],
            self.order_dates[rows],
            None if self.amounts is None else self.amounts[rows],
            report,
            None if self._segments is None else self._segments[rows],
            extra_dates={k: v[rows] for k, v in self.extra_dates.items()},
            segment_codes=None if self.segment_codes is None else self.segment_codes[rows],
            segment_names=self.segment_names,
            **ids,
        )
