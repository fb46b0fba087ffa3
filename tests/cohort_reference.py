"""An independent, deliberately plain cohort-table implementation for the tests.

Written from kpi-spec §2 with Python dates, sets and loops only — no numpy, no code shared
with retention_xl.cohorts — so that agreement between the two means something.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DAY = dt.timedelta(days=1)


def period_start(day: dt.date, code: str) -> dt.date:
    if code == "D":
        return day
    if code == "W":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if code == "M":
        return day.replace(day=1)
    if code == "Q":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def next_start(start: dt.date, code: str) -> dt.date:
    if code == "D":
        return start + DAY
    if code == "W":
        return start + 7 * DAY
    if code == "Y":
        return dt.date(start.year + 1, 1, 1)
    months = 1 if code == "M" else 3
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def label(start: dt.date, code: str) -> str:
    if code == "M":
        return start.strftime("%Y-%m")
    if code == "Q":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if code == "Y":
        return str(start.year)
    if code == "W":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()


def reference_table(
    ids: list[Any],
    dates: list[dt.date],
    amounts: list[float] | None,
    *,
    period: str,
    kind: str,
    value: str,
    as_of: dt.date | None,
    include_incomplete: bool,
) -> dict[str, Any]:
    """Return {"labels", "sizes", "values" (None = blank)} as the spec defines them."""
    end = as_of or max(dates)
    rows = [
        (c, d, None if amounts is None else amounts[i])
        for i, (c, d) in enumerate(zip(ids, dates, strict=True))
        if d <= end
    ]
    first: dict[Any, dt.date] = {}
    for c, d, a in rows:
        if a is None or a >= 0:
            first[c] = min(first.get(c, d), d)

    rolling = period.endswith("D") and period != "D"
    if rolling:
        n = int(period[:-1])
        origin = min(first.values()) if first else end

        def cohort_key(day: dt.date) -> int:
            return (day - origin).days // n

        def offset(c: Any, day: dt.date) -> int:
            return (day - first[c]).days // n

        def observed(cohort: int, k: int) -> bool:
            window_end = origin + ((cohort + 1) * n - 1) * DAY
            if include_incomplete:
                return window_end + k * n * DAY <= end
            return window_end + ((k + 1) * n - 1) * DAY <= end

        cohorts = []
        while first and observed(len(cohorts), 0):
            cohorts.append(len(cohorts))
        labels = [(origin + c * n * DAY).isoformat() for c in cohorts]
    else:

        def complete(start: dt.date) -> bool:
            if include_incomplete:
                return start <= end
            return next_start(start, period) - DAY <= end

        def nth(start: dt.date, k: int) -> dt.date:
            for _ in range(k):
                start = next_start(start, period)
            return start

        def cohort_key(day: dt.date) -> dt.date:  # type: ignore[misc]
            return period_start(day, period)

        def offset(c: Any, day: dt.date) -> int:  # type: ignore[misc]
            start, target, k = period_start(first[c], period), period_start(day, period), 0
            while start < target:
                start, k = next_start(start, period), k + 1
            return k

        def observed(cohort: dt.date, k: int) -> bool:  # type: ignore[misc]
            return complete(nth(cohort, k))

        cohorts = []
        if first:
            start = period_start(min(first.values()), period)
            while complete(start):
                cohorts.append(start)
                start = next_start(start, period)
        labels = [label(c, period) for c in cohorts]

    members: dict[Any, list[Any]] = {c: [] for c in cohorts}
    for c, day in first.items():
        if cohort_key(day) in members:
            members[cohort_key(day)].append(c)
    width = 0
    while cohorts and observed(cohorts[0], width):
        width += 1
    active: dict[Any, set[int]] = {c: set() for c in first}
    revenue: dict[tuple[Any, int], float] = {}
    for c, d, a in rows:
        if c not in first or d < first[c] or cohort_key(first[c]) not in members:
            continue
        k = offset(c, d)
        if not observed(cohort_key(first[c]), k):
            continue
        if a is None or a >= 0:
            active[c].add(k)
        if a is not None:
            revenue[(cohort_key(first[c]), k)] = revenue.get((cohort_key(first[c]), k), 0.0) + a

    def counted(c: Any, k: int) -> bool:
        if kind == "on":
            return k in active[c]
        if kind == "on_or_after":
            return any(j >= k for j in active[c])
        return all(j in active[c] for j in range(1, k + 1))

    values = []
    for cohort in cohorts:
        size = len(members[cohort])
        row: list[float | None] = []
        total = 0.0
        for k in range(width):
            total += revenue.get((cohort, k), 0.0)
            if size == 0 or not observed(cohort, k):
                row.append(None)
            elif value == "customers":
                row.append(float(sum(counted(c, k) for c in members[cohort])))
            elif value == "retention":
                row.append(sum(counted(c, k) for c in members[cohort]) / size)
            elif value == "revenue":
                row.append(revenue.get((cohort, k), 0.0))
            else:
                row.append(total / size)
        values.append(row)
    return {"labels": labels, "sizes": [len(members[c]) for c in cohorts], "values": values}
