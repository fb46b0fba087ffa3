"""The cohort conventions, stated once: the rules every engine translates (kpi-spec §2).

One idea: this docstring is the specification of a cohort table computed from an order log;
:class:`~retention_xl.cohorts.CohortSpec` is the validated request (period, kind, value,
as_of, include_incomplete) that hands every engine the same frame and the same finishing
step. Imports :mod:`retention_xl.cohorts` only.

The rules (the engines cite them by number: numpy in :mod:`retention_xl.cohorts`, SQL in
:mod:`.duckdb`, partitions in :mod:`.dask`):

R1 *Orders.* An order is a customer id, a day and optionally an amount. Ids are compared as
   text with surrounding spaces removed (``"007"`` and ``"7"`` differ; a whole number stored
   as a float, ``7.0``, is the id ``7``, as Excel shows it). The day is the calendar date
   written in the data — a time of day or a UTC offset after it is ignored, nothing is
   converted to UTC; typed timestamps with a time zone count in UTC; numbers are Excel
   serial days. A negative amount is a refund; without amounts every order is a purchase.
R2 *Observation end.* ``end`` is ``as_of``, else the last order day (refunds included).
   Orders after ``end`` are left out and counted (``orders_after_as_of``).
R3 *First purchase and refunds.* ``first(c)`` is the customer's earliest purchase (amount
   ≥ 0) on or before ``end``; a customer without one starts no cohort. A refund never makes
   a customer active. A refund on a day before ``first(c)``, or of a customer without a
   purchase, cannot be placed: it is counted with its amount (``unplaced_refunds``). Every
   other order on or before ``end`` is *placed*.
R4 *Calendar periods* of a day (``day`` = days since 1970-01-01): ``D`` the day itself;
   ``W`` ⌊(day − 4) / 7⌋ (ISO weeks, Monday start: 1970-01-05 is a Monday); ``M``
   12·(year − 1970) + month − 1; ``Q`` 4·(year − 1970) + ⌊(month − 1) / 3⌋; ``Y``
   year − 1970. ``idx`` below is this index.
R5 *Cohort and offset.* Let ``f0`` be the earliest ``first(c)`` of all customers. Calendar:
   cohort ``i = idx(first(c)) − idx(f0)``, offset ``k = idx(day) − idx(first(c))``. Rolling
   ``N`` days: ``i = ⌊(first(c) − f0) / N⌋``, ``k = ⌊(day − first(c)) / N⌋``.
R6 *What is observed.* The last observed diagonal ``D``: calendar ``D = last − idx(f0)``
   where ``last = idx(end)`` when ``include_incomplete`` or ``end`` is the last day of its
   period, else ``idx(end) − 1``; rolling ``D = ⌊(end − f0 + 2 − 2N) / N⌋``, with
   ``include_incomplete`` ``⌊(end − f0 + 1 − N) / N⌋``. The table has ``D + 1`` cohorts and
   ``D + 1`` offsets; cell ``(i, k)`` is observed iff ``i + k ≤ D`` and cohort ``i`` has a
   customer — otherwise it is blank (NaN), never 0. A customer is in the table iff
   ``i ≤ D``; the size of cohort ``i`` is the number of its customers. A placed order of a
   customer in the table with ``i + k ≤ D`` is *used*; other placed orders are counted
   (``orders_unobserved``).
R7 *Kinds.* A customer is counted at ``k``: ``on`` if a used purchase has offset ``k``;
   ``on_or_after`` if a used purchase has an offset ≥ ``k`` (the *reach* is the largest
   such offset); ``rolling`` if used purchases cover every offset ``0 … k`` (the reach is
   the end of that run; offset 0 always holds the first purchase). For the last two, the
   customers counted at ``k`` are those whose reach is ≥ ``k``.
R8 *Values.* ``customers``: the count of R7; ``retention``: count / cohort size;
   ``revenue``: sum of the amounts of used orders at ``(i, k)``, refunds included (the kind
   plays no part); ``revenue_per_customer``: cumulative revenue up to ``k`` / cohort size.
R9 *Averages* over observed cells only: weighted by cohort size, and unweighted.
R10 *Segments.* Split by a column (a store), every segment is an order log of its own:
   R1–R9 apply per segment, each with its own ``end`` when ``as_of`` is not given. A blank
   segment value is the segment ``(blank)``.

Engines aggregate R1–R7 to a :class:`~retention_xl.cohorts.CohortCounts` (sizes,
customers and revenue per ``(i, k)``, the counts of R2, R3 and R6); R6's blanks, R8 and
R9 and the labels are the shared numpy step :func:`~retention_xl.cohorts.finish_table`.
"""

from __future__ import annotations

from ..cohorts import CohortSpec

__all__ = ["PERIOD_CODES", "CohortSpec"]

#: Calendar period codes of R4; anything else is a rolling window of N days.
PERIOD_CODES: tuple[str, ...] = ("D", "W", "M", "Q", "Y")
