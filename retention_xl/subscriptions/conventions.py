"""The conventions of subscription revenue metrics, each with its default, in one place.

One idea: billing tools (ChartMogul, Baremetrics, ProfitWell, spreadsheets) silently disagree
on a few edge cases; here each one is an argument with a documented default, validated once
and described in words for the sheets and the command line. Every engine (this package's
numpy engine, and any other that computes the same tables) is a translation of these
statements. Imports numpy, :mod:`retention_xl.periods`, :mod:`retention_xl.texts` and
:mod:`retention_xl.errors`.

The grain is the calendar month: a customer's MRR in a month is the sum of their rows in it
(or their billing lines spread over it, see ``spread``). The conventions:

``period`` = ``"M"``
    Reporting period: ``"M"`` months, ``"Q"`` quarters, ``"Y"`` years (German ``Monat``,
    ``Quartal``, ``Jahr``). For quarters and years each customer's movement compares their MRR
    at the end of the previous period with their MRR at the end of this one (the last month
    of the period, or the last month of the data for a period the data ends in).
``churn_denominator`` = ``"start"``
    What the customer churn rate and the gross and net revenue churn divide by: ``"start"``
    (customers or MRR at the start of the period), ``"start_plus_new"`` (plus the new and
    reactivated customers or MRR of the period: everyone who could churn in it) or
    ``"average"`` (the mean of start and end). NRR and GRR always divide by the MRR at the
    start.
``joined_and_left`` = ``"count"``
    A customer who starts paying and stops again within one reporting period (possible only
    for quarters and years; a month is the grain): ``"count"`` books them as new (or
    reactivated) with the MRR of their first month in the period and as churned with the same
    amount, so they appear in the customer counts; ``"ignore"`` leaves them out, as a
    comparison of period-end snapshots does.
``reactivation_gap`` = ``1``
    How many empty months (no row, or zero MRR under ``zero_mrr="churn"``) a returning
    customer must have been away to count as churned-and-reactivated. After a shorter absence
    they were continuing: the months between are held at MRR 0, the drop is contraction and
    the return expansion, and they stay in the customer counts. ``1`` means every gap is churn
    and return is reactivation. A customer whose rows stop before the data ends counts as
    churned when the rows stop, whatever the gap (they may come back later; that would then
    reclassify the drop).
``zero_mrr`` = ``"churn"``
    A row with MRR 0 of a customer who has paid before: ``"churn"`` (the same as no row: the
    subscription ended) or ``"pause"`` (still a customer, paused: the drop is contraction, the
    return expansion, and the customer keeps counting as a customer). Zero rows before a
    customer's first payment (a free trial) never make a customer.
``gross_margin`` = ``1.0``
    Margin in LTV = ARPA × gross_margin / customer churn rate (1 = revenue, not profit).

For billing lines with a service period (:func:`~retention_xl.subscriptions.spread_ledger`):

``spread`` = ``"months"``
    ``"months"``: a line covering *n* months (its days / 30.436875, rounded, at least 1) adds
    amount / *n* to each of the *n* calendar months from the month its service starts, so an
    annual invoice is 12 months of equal MRR and its renewal continues it; ``"days"``: the
    amount is split over the calendar months by the days of service in each (revenue
    recognition; months of different length then show small expansion and contraction).
    Either way the cents of a line add up exactly to its amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import InputError
from ..periods import Period, parse_period
from ..settings import Settings
from ..texts import text

__all__ = [
    "CHURN_DENOMINATORS",
    "JOINED_AND_LEFT",
    "SPREADS",
    "ZERO_MRR",
    "BillingSettings",
    "SubscriptionConventions",
]

CHURN_DENOMINATORS: tuple[str, ...] = ("start", "start_plus_new", "average")
JOINED_AND_LEFT: tuple[str, ...] = ("count", "ignore")
ZERO_MRR: tuple[str, ...] = ("churn", "pause")
SPREADS: tuple[str, ...] = ("months", "days")
#: Months in one reporting period.
MONTHS_PER: dict[str, int] = {"M": 1, "Q": 3, "Y": 12}


@dataclass(frozen=True)
class SubscriptionConventions(Settings):
    """The conventions of one movement table (see the module docstring for each default),
    checked when made: an ``InputError`` names the field and the values it takes. Text
    choices are read in any case and German period words are taken (``"Quartal"``).

    Examples
    --------
    >>> SubscriptionConventions(period="Quartal", reactivation_gap=2)
    SubscriptionConventions(period='Q', churn_denominator='start', joined_and_left='count', \
reactivation_gap=2, zero_mrr='churn', gross_margin=1.0)
    >>> SubscriptionConventions(zero_mrr="skip")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: zero_mrr must be one of churn, pause; got 'skip'.
    >>> SubscriptionConventions.from_mapping({"margin": 0.5})
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: unknown convention margin; the conventions are period, \
churn_denominator, joined_and_left, reactivation_gap, zero_mrr, gross_margin.
    """

    what: ClassVar[str] = "convention"

    period: str = "M"
    churn_denominator: str = "start"
    joined_and_left: str = "count"
    reactivation_gap: int = 1
    zero_mrr: str = "churn"
    gross_margin: float = 1.0

    def __post_init__(self) -> None:
        unit = parse_period(self.period)
        if unit.code not in MONTHS_PER:
            raise InputError(
                "period must be M, Q or Y (months, quarters, years: the grain is a month); "
                f"got {self.period!r}."
            )
        gap = _number(self.reactivation_gap)
        if gap is None or gap != int(gap) or gap < 1:
            raise InputError(
                "reactivation_gap must be a whole number of months ≥ 1; got "
                f"{self.reactivation_gap!r}."
            )
        margin = _number(self.gross_margin)
        if margin is None or not 0 <= margin <= 1:
            raise InputError(
                "gross_margin must be a fraction between 0 and 1 (0.8 = 80 %); got "
                f"{self.gross_margin!r}."
            )
        checked = {
            "period": unit.code,
            "churn_denominator": _choice(
                "churn_denominator", self.churn_denominator, CHURN_DENOMINATORS
            ),
            "joined_and_left": _choice("joined_and_left", self.joined_and_left, JOINED_AND_LEFT),
            "reactivation_gap": int(gap),
            "zero_mrr": _choice("zero_mrr", self.zero_mrr, ZERO_MRR),
            "gross_margin": margin,
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    @property
    def unit(self) -> Period:
        """The reporting period as a :class:`~retention_xl.periods.Period`."""
        return Period(self.period)

    @property
    def months(self) -> int:
        """Months in one reporting period (1, 3 or 12)."""
        return MONTHS_PER[self.period]

    def describe(self, lang: str = "en") -> list[str]:
        """The conventions as sentences, to print above a table.

        Examples
        --------
        >>> SubscriptionConventions().describe()[0]
        'Periods: calendar months; MRR per customer and month (rows of one month add up).'
        """
        unit = self.unit.describe(lang)
        denominator = text(f"conventions.denominator.{self.churn_denominator}", lang)
        zero = "pause" if self.zero_mrr == "pause" else "churn"
        lines = [
            text("conventions.periods", lang, unit=unit),
            text("conventions.rates", lang, denominator=denominator),
            text("conventions.reactivated", lang, gap=self.reactivation_gap),
            text("conventions.zero_mrr", lang) + text(f"conventions.zero_mrr.{zero}", lang),
        ]
        if self.months > 1:
            both = "count" if self.joined_and_left == "count" else "ignore"
            lines.append(
                text("conventions.joined_and_left", lang)
                + text(f"conventions.joined_and_left.{both}", lang)
            )
        return lines


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else value
    if text not in allowed:
        raise InputError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return str(text)


def _number(value: Any) -> float | None:
    """A finite real number (Python or numpy), else None; booleans are no numbers."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return None
    number = float(value)
    return number if np.isfinite(number) else None


@dataclass(frozen=True)
class BillingSettings(Settings):
    """Where a billing export keeps what MRR is made of: the customer, the month (any date
    in it, or ``YYYY-MM``) and the MRR columns; for billing lines with a service period its
    start and end columns (the MRR column then holds the amount billed, spread over the
    period's months by ``spread``, see the module docstring).

    Examples
    --------
    >>> BillingSettings(start_col="start", end_col="end").service
    ('start', 'end')
    >>> BillingSettings(start_col="start")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: start_col and end_col name the service period's start \
and end columns: give both or neither; got start_col='start', end_col=None.
    """

    what: ClassVar[str] = "billing column"

    customer_col: str = "customer_id"
    period_col: str = "period"
    mrr_col: str = "mrr"
    start_col: str | None = None
    end_col: str | None = None
    spread: str = "months"

    def __post_init__(self) -> None:
        for name in ("customer_col", "period_col", "mrr_col", "start_col", "end_col"):
            value = getattr(self, name)
            if (value is not None or name in ("customer_col", "period_col", "mrr_col")) and (
                not isinstance(value, str) or not value.strip()
            ):
                raise InputError(f"{name} must name a column (a non-empty text); got {value!r}.")
        if (self.start_col is None) != (self.end_col is None):
            raise InputError(
                "start_col and end_col name the service period's start and end columns: give "
                f"both or neither; got start_col={self.start_col!r}, end_col={self.end_col!r}."
            )
        object.__setattr__(self, "spread", _choice("spread", self.spread, SPREADS))

    @property
    def service(self) -> tuple[str, str] | None:
        """The service period's (start, end) columns, or None."""
        if self.start_col is None or self.end_col is None:
            return None
        return (self.start_col, self.end_col)
