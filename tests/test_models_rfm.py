"""RFM summary and segments: the published CDNOW summary, conventions, scores, segments."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from retention_xl.errors import InputError
from retention_xl.models import (
    SEGMENT_GRID,
    SEGMENTS,
    rfm_segments,
    rfm_summary,
)
from retention_xl.models.segments import score

DATA = Path(__file__).parent / "data"


def cdnow_orders() -> tuple[list[int], list[str], list[float]]:
    """CDNOW_sample.txt: customer index (the summaries' ID), ISO date, dollar value."""
    ids, dates, amounts = [], [], []
    for line in (DATA / "CDNOW_sample.txt").read_text().splitlines():
        _, index, day, _, dollars = line.split()
        ids.append(int(index))
        dates.append(f"{day[:4]}-{day[4:6]}-{day[6:]}")
        amounts.append(float(dollars))
    return ids, dates, amounts


def test_summary_of_cdnow_sample_reproduces_the_published_summary_and_zbar() -> None:
    # issue 9 / FHL 2005: weeks = days / 7, as_of 1997-09-30, only orders up to then
    summary = rfm_summary(*cdnow_orders(), as_of="1997-09-30", unit="W")
    with (DATA / "cdnow_customers_summary_with_transactions.csv").open() as handle:
        published = list(csv.DictReader(handle))
    assert summary.customer_ids.tolist() == [int(r["ID"]) for r in published]
    assert summary.frequency.tolist() == [float(r["x"]) for r in published]
    # the published file rounds to 2 decimals (half up): at most 0.005 apart
    for ours, column in (
        (summary.recency, "t_x"),
        (summary.age, "T"),
        (summary.monetary, "zbar"),
    ):
        theirs = np.array([float(r[column]) for r in published])
        assert ours is not None
        assert np.max(np.abs(ours - theirs)) <= 0.005 + 1e-9, column
    with (DATA / "cdnow_customers_summary.csv").open() as handle:
        frequency = [float(r["frequency"]) for r in csv.DictReader(handle)]
    assert summary.frequency.tolist() == frequency
    # 6,919 orders: 4,960 up to 1997-09-30 used, 1,959 after (counted from the file)
    assert (summary.orders_used, summary.orders_after_as_of) == (4960, 1959)
    assert summary.as_of == dt.date(1997, 9, 30)


def test_same_day_orders_are_one_transaction_and_units_scale_time() -> None:
    ids = ["a", "a", "a", "a"]
    dates = ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-15"]
    amounts = [10.0, 5.0, 20.0, 40.0]
    weeks = rfm_summary(ids, dates, amounts, as_of="2024-01-29", unit="W")
    # hand: transactions 2024-01-01 (15) and 2024-01-15 (60): x = 1, t_x = 14 d, T = 28 d
    assert weeks.frequency.tolist() == [1.0]
    assert (weeks.recency[0], weeks.age[0]) == (2.0, 4.0)
    assert weeks.monetary is not None and weeks.monetary.tolist() == [60.0]
    assert weeks.revenue is not None and weeks.revenue.tolist() == [75.0]
    days = rfm_summary(ids, dates, amounts, as_of="2024-01-29", unit="D")
    assert (days.recency[0], days.age[0]) == (14.0, 28.0)
    months = rfm_summary(ids, dates, amounts, as_of="2024-01-29", unit="M")
    assert months.age[0] == pytest.approx(28 / (365.25 / 12))  # the mean month: 30.4375 d


def test_refunds_are_not_purchases_and_reduce_the_latest_transaction() -> None:
    ids = ["a", "a", "a", "b", "c"]
    dates = ["2024-01-01", "2024-01-10", "2024-01-20", "2024-01-05", "2024-01-02"]
    amounts = [10.0, 30.0, -5.0, 8.0, -3.0]  # a: refund after its 2nd purchase; c: only a refund
    s = rfm_summary(ids, dates, amounts, as_of="2024-01-31", unit="D")
    assert s.customer_ids.tolist() == ["a", "b"]  # c never bought: not a customer
    assert s.frequency.tolist() == [1.0, 0.0]
    assert s.recency.tolist() == [9.0, 0.0]  # the refund on the 20th does not make a active
    assert s.monetary is not None and s.monetary.tolist() == [25.0, 0.0]  # 30 − 5
    assert s.unplaced_refunds == 1


def test_orders_after_as_of_are_left_out() -> None:
    s = rfm_summary(
        ["a", "a", "b"], ["2024-01-01", "2024-03-01", "2024-02-20"], as_of="2024-01-31", unit="D"
    )
    assert s.customer_ids.tolist() == ["a"] and s.frequency.tolist() == [0.0]
    assert s.orders_after_as_of == 2 and s.monetary is None


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"unit": "Y"}, "unit"),
        ({"as_of": "not a date"}, "as_of"),
        ({"as_of": "2020-01-01"}, "no purchase"),
    ],
)
def test_bad_options_are_named(kwargs: dict[str, str], named: str) -> None:
    with pytest.raises(InputError, match=named):
        rfm_summary(["a"], ["2024-01-01"], **kwargs)


def test_mismatched_and_missing_input_is_named() -> None:
    with pytest.raises(InputError, match="customer_ids has 2 values but order_dates has 1"):
        rfm_summary(["a", "b"], ["2024-01-01"])
    with pytest.raises(InputError, match="amounts: element 0"):
        rfm_summary(["a"], ["2024-01-01"], [float("nan")])
    with pytest.raises(InputError, match="order_dates"):
        rfm_summary(["a"], ["31/01/2024"])


def test_scores_by_quintile_cut_points_keep_ties_together() -> None:
    # cut points of 1..10 (inverted CDF): 2, 4, 6, 8 → scores 1,1,2,2,3,3,4,4,5,5
    assert score(np.arange(1, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert score(np.arange(1, 11), reverse=True).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    tied = score([0] * 60 + [1] * 20 + [2] * 20)  # 60 % one-time buyers: all score 1
    assert set(tied[:60].tolist()) == {1} and set(tied[60:80].tolist()) == {4}


def test_segment_grid_names_every_score_pair_once() -> None:
    assert len(SEGMENTS) == 11  # issue 9: the eleven usual segments
    used = {key for row in SEGMENT_GRID for key in row}
    assert used == set(SEGMENTS)
    assert all(len(row) == 5 for row in SEGMENT_GRID) and len(SEGMENT_GRID) == 5
    assert SEGMENT_GRID[4][4] == "champions" and SEGMENT_GRID[0][0] == "lost"
    assert SEGMENT_GRID[0][4] == "cant_lose" and SEGMENT_GRID[4][0] == "new"


def test_segments_of_cdnow() -> None:
    result = rfm_segments(*cdnow_orders(), as_of="1997-09-30", unit="W")
    counts = result.counts()
    assert sum(counts.values()) == 2357
    # every customer's segment is the grid's cell of its own R and F
    for r, f, key in zip(
        result.r.tolist(), result.f.tolist(), result.segments.tolist(), strict=True
    ):
        assert SEGMENT_GRID[r - 1][f - 1] == key
    # F: 1,411 customers never bought again (the summary's x = 0) and all share score 1
    assert int(np.sum(result.summary.frequency == 0)) == 1411
    assert set(result.f[result.summary.frequency == 0].tolist()) == {1}
    rows = result.rows("de")
    assert rows[0] == ["Kunde", "R", "F", "M", "RFM", "Segment"]
    assert rows[1][5] in {name for _, name in SEGMENTS.values()}


def test_a_refund_that_cancels_repeat_purchases_leaves_exactly_zero() -> None:
    """Hand: a buys 0.01 on day 1, then 0.1 and 0.2 on day 8, refunded (−0.3) on day 9.
    The repeat transaction's value is 0.1 + 0.2 − 0.3 = 0 — in floating point 5.6e-17,
    which the Gamma-Gamma fit would take for a real, tiny spend; the summary keeps money to
    the millionth, so it is exactly 0 whatever the order of addition (on every engine)."""
    summary = rfm_summary(
        ["a", "a", "a", "a"],
        ["2024-01-01", "2024-01-08", "2024-01-08", "2024-01-09"],
        [0.01, 0.1, 0.2, -0.3],
        unit="D",
    )
    assert summary.frequency.tolist() == [1.0]
    assert summary.monetary is not None and summary.monetary.tolist() == [0.0]
    assert summary.revenue is not None and summary.revenue.tolist() == [0.01]
