"""Periods of a cohort table: calendar days, ISO weeks, months, quarters, years, or rolling
N-day windows.

One idea: map day numbers (days since 1970-01-01, numpy's ``datetime64[D]`` as integers) to
integer period indexes and back to each period's first day and label. Imports numpy,
:mod:`retention_xl.errors` and :mod:`retention_xl.texts` (the periods' names) only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .texts import text

__all__ = ["Period", "parse_period"]

_WORDS = {
    "D": "D",
    "DAY": "D",
    "TAG": "D",
    "W": "W",
    "WEEK": "W",
    "WOCHE": "W",
    "M": "M",
    "MONTH": "M",
    "MONAT": "M",
    "Q": "Q",
    "QUARTER": "Q",
    "QUARTAL": "Q",
    "Y": "Y",
    "YEAR": "Y",
    "JAHR": "Y",
    "J": "Y",
}
_ROLLING = re.compile(r"(\d+)\s*(?:D|DAYS?|TAGE?)")
_MONDAY_1970 = 4  # 1970-01-05, the first Monday after numpy's day 0


@dataclass(frozen=True)
class Period:
    """A period unit: ``code`` is D, W, M, Q or Y (calendar) or ``"30D"`` (rolling days)."""

    code: str
    days: int = 0  # length of a rolling window; 0 for calendar periods

    @property
    def rolling(self) -> bool:
        """True for rolling N-day windows counted from each customer's first order."""
        return self.days > 0

    def index(self, days: np.ndarray) -> np.ndarray:
        """Calendar period index of each day number (for rolling: the day number itself).

        Months, quarters and years of many orders are looked up in a table of the days they
        span (a gather) instead of converting every order's date.
        """
        if self.code in ("M", "Q", "Y") and days.size > 4096:
            low, high = int(days.min()), int(days.max())
            if high - low < days.size:
                table = self._calendar_index(np.arange(low, high + 1, dtype=np.int64))
                looked_up: np.ndarray = table[days - low]
                return looked_up
        return self._calendar_index(days)

    def _calendar_index(self, days: np.ndarray) -> np.ndarray:
        if self.code == "W":
            return (days - _MONDAY_1970) // 7
        if self.code in ("M", "Q"):
            months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
            return months // 3 if self.code == "Q" else months
        if self.code == "Y":
            return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
        return days

    def start(self, index: np.ndarray) -> np.ndarray:
        """First day (day number) of each calendar period index."""
        if self.code == "W":
            return index * 7 + _MONDAY_1970
        if self.code in ("M", "Q"):
            months = index * 3 if self.code == "Q" else index
            return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        if self.code == "Y":
            return index.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
        return index

    def label(self, start_day: int) -> str:
        """``2024-01`` (M), ``2024-W05`` (W), ``2024-Q1`` (Q), ``2024`` (Y), else the date."""
        day = dt.date(1970, 1, 1) + dt.timedelta(days=int(start_day))
        if self.code == "M":
            return f"{day.year:04d}-{day.month:02d}"
        if self.code == "Q":
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        if self.code == "Y":
            return f"{day.year:04d}"
        if self.code == "W":
            year, week, _ = day.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return day.isoformat()

    def describe(self, lang: str = "en") -> str:
        """Human description of the unit, e.g. "calendar months" or "Kalendermonate"."""
        if self.rolling:
            return text("periods.rolling", lang, days=self.days)
        return text("periods." + self.code, lang)


def parse_period(period: str | Period) -> Period:
    """Read a period argument: D, W, M, Q, Y (also day/week/month/quarter/year, German
    Tag/Woche/Monat/Quartal/Jahr) or a rolling window like ``"30D"``.

    Examples
    --------
    >>> parse_period("Monat"), parse_period("30D")
    (Period(code='M', days=0), Period(code='30D', days=30))
    """
    if isinstance(period, Period):
        return period
    text = str(period).strip().upper()
    if text in _WORDS:
        return Period(_WORDS[text])
    match = _ROLLING.fullmatch(text)
    if match and int(match[1]) >= 1:
        return Period(f"{int(match[1])}D", int(match[1]))
    raise InputError(
        f"period must be D, W, M, Q or Y (calendar day, ISO week, month, quarter, year) or a "
        f"rolling window such as 30D; got {period!r}."
    )
