"""RFM scores and the named RFM segments.

One idea: score every customer 1–5 on recency (R), frequency (F) and monetary value (M) by
the quintiles of the customer base, and name the segment of each (R, F) pair with the map
marketers use. Pure numpy; imports :mod:`.rfm` and :mod:`retention_xl.texts` (the segments'
names).

Scores: the cut points are the 20th, 40th, 60th and 80th percentiles of the customers'
values (the observed values themselves: ``numpy.quantile(..., method="inverted_cdf")``). A
value's score is 1 plus the number of cut points it exceeds, so equal values always share a
score (with 60 % one-time buyers, F is 1 for all of them, not spread over 1–3):

- R from the time since the last purchase (age − recency), reversed: the most recent 20 %
  score 5;
- F from the number of transactions (frequency + 1);
- M from the revenue of all transactions (refunds deducted); without amounts M is 0.

Segments, by R (rows) and F (columns) — the R × F map of the usual RFM guides, with "Lost"
split off from "Hibernating" at R = 1, F = 1:

=  ===============  ===============  ===============  ===========  ===========
R  F = 1            F = 2            F = 3            F = 4        F = 5
=  ===============  ===============  ===============  ===========  ===========
5  New              Potential loyal  Potential loyal  Champions    Champions
4  Promising        Potential loyal  Potential loyal  Loyal        Loyal
3  About to sleep   About to sleep   Need attention   Loyal        Loyal
2  Hibernating      Hibernating      At risk          At risk      Can't lose
1  Lost             Hibernating      At risk          At risk      Can't lose
=  ===============  ===============  ===============  ===========  ===========

("Potential loyal" is the segment "Potential loyalist".)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..texts import TEXTS, text
from .rfm import RFMSummary, rfm_summary

__all__ = [
    "SEGMENTS",
    "SEGMENT_GRID",
    "RFMSegments",
    "rfm_scores",
    "rfm_segments",
    "score",
    "segment",
]

#: Segment keys in display order, with English and German names.
SEGMENTS: dict[str, tuple[str, str]] = {
    key: TEXTS["segment." + key]
    for key in (
        "champions",
        "loyal",
        "potential_loyalist",
        "new",
        "promising",
        "need_attention",
        "about_to_sleep",
        "at_risk",
        "cant_lose",
        "hibernating",
        "lost",
    )
}

#: SEGMENT_GRID[R − 1][F − 1] is the segment key of scores R and F.
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("lost", "hibernating", "at_risk", "at_risk", "cant_lose"),
    ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    ("promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"),
    ("new", "potential_loyalist", "potential_loyalist", "champions", "champions"),
)
_KEYS = tuple(SEGMENTS)
_CODE = np.array([[_KEYS.index(key) for key in row] for row in SEGMENT_GRID])


def score(values: Any, *, reverse: bool = False) -> np.ndarray:
    """Quintile scores 1–5: 1 + the number of the 20/40/60/80 % cut points a value exceeds
    (``reverse``: 5 minus that number, for "lower is better" such as time since purchase).

    Examples
    --------
    >>> score([0, 0, 0, 0, 0, 0, 1, 1, 2, 5]).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    >>> score([1, 2, 3, 4, 5], reverse=True).tolist()
    [5, 4, 3, 2, 1]
    """
    arr = np.asarray(values, dtype="float64").ravel()
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    cuts = np.quantile(arr, [0.2, 0.4, 0.6, 0.8], method="inverted_cdf")
    above = np.searchsorted(cuts, arr, side="left")  # cut points strictly below the value
    return (5 - above if reverse else 1 + above).astype(np.int64)


def rfm_scores(summary: RFMSummary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R, F and M scores (1–5; M is 0 without amounts) of every customer of ``summary``."""
    r = score(summary.since_last, reverse=True)
    f = score(summary.frequency)
    m = (
        score(summary.revenue)
        if summary.revenue is not None
        else np.zeros(len(summary), dtype=np.int64)
    )
    return r, f, m


@dataclass(frozen=True)
class RFMSegments:
    """Scores and segments of every customer of :attr:`summary` (in its order)."""

    summary: RFMSummary
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    segments: np.ndarray  # segment keys (see SEGMENTS)

    def names(self, lang: str = "en") -> list[str]:
        """Segment name of every customer in ``lang``."""
        names = {key: text("segment." + key, lang) for key in SEGMENTS}
        return [names[key] for key in self.segments.tolist()]

    def counts(self) -> dict[str, int]:
        """Customers per segment, in the order of :data:`SEGMENTS` (empty ones included)."""
        found = dict(zip(*np.unique(self.segments, return_counts=True), strict=True))
        return {key: int(found.get(key, 0)) for key in SEGMENTS}

    def rows(self, lang: str = "en") -> list[list[Any]]:
        """The labelled table an Excel function spills: customer, R, F, M, RFM, segment.

        Examples
        --------
        >>> s = rfm_segments(["a", "b"], ["2024-01-01", "2024-01-20"], as_of="2024-01-31")
        >>> s.rows()[1:]
        [['a', 3, 1, 0, '310', 'About to sleep'], ['b', 5, 1, 0, '510', 'New']]
        """
        head = [
            text("segments.customer", lang),
            "R",
            "F",
            "M",
            "RFM",
            text("segments.segment", lang),
        ]
        out: list[list[Any]] = [head]
        for cid, r, f, m, name in zip(
            self.summary.customer_ids.tolist(),
            self.r.tolist(),
            self.f.tolist(),
            self.m.tolist(),
            self.names(lang),
            strict=True,
        ):
            out.append([cid, r, f, m, f"{r}{f}{m}", name])
        return out


def rfm_segments(
    customer_ids: Any,
    order_dates: Any,
    amounts: Any = None,
    *,
    as_of: Any = None,
    unit: str = "W",
) -> RFMSegments:
    """Score customers 1–5 on R, F, M and name their segment (see the module's table).

    Parameters are those of :func:`retention_xl.models.rfm_summary`.

    Examples
    --------
    >>> s = rfm_segments(["a", "a", "b", "c", "c", "c"],
    ...                  ["2024-01-02", "2024-03-01", "2024-01-05", "2024-01-03",
    ...                   "2024-02-01", "2024-03-28"], as_of="2024-03-31")
    >>> s.names()
    ['Potential loyalist', 'Hibernating', 'Champions']
    """
    summary = rfm_summary(customer_ids, order_dates, amounts, as_of=as_of, unit=unit)
    return segment(summary)


def segment(summary: RFMSummary) -> RFMSegments:
    """Scores and segments of an existing summary."""
    r, f, m = rfm_scores(summary)
    keys = np.array(_KEYS)[_CODE[r - 1, f - 1]]
    return RFMSegments(summary, r, f, m, keys)
