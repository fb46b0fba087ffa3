"""Calendar days as numbers: Excel serial numbers, Python dates and numpy datetime64.

One idea: every date the package handles becomes a whole **Excel serial day** (1900 date
system, as Excel for Windows and LibreOffice use it), a float64 so that arrays can carry NaN
for "missing". Imports only numpy and :mod:`retention_xl.errors`.

Excel's serial 1 is 1900-01-01 and serial 60 is the non-existent 1900-02-29 that Excel keeps
for compatibility with Lotus 1-2-3; from serial 61 (1900-03-01) on, serial = days since
1899-12-30. Times of day are dropped (a datetime counts for its calendar day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["EXCEL_EPOCH", "date_to_serial", "serial_to_date", "to_serial_days"]

#: Day 0 of Excel serial numbers from 1900-03-01 on (serial 61).
EXCEL_EPOCH = dt.date(1899, 12, 30)
_EPOCH64 = np.datetime64("1899-12-30", "D")
_MAX_SERIAL = 2958465.0  # 9999-12-31, the last date Excel shows


def date_to_serial(value: dt.date) -> float:
    """Return the Excel serial day of a date or datetime (the time of day is dropped).

    Examples
    --------
    >>> import datetime as dt
    >>> date_to_serial(dt.date(2024, 1, 31))
    45322.0
    >>> date_to_serial(dt.datetime(1900, 1, 1, 18, 30))
    1.0
    """
    day = value.date() if isinstance(value, dt.datetime) else value
    serial = float((day - EXCEL_EPOCH).days)
    # Excel counts a fictitious 1900-02-29 (serial 60): days before March 1900 are one lower.
    return serial - 1.0 if serial < 61 else serial


def serial_to_date(serial: float) -> dt.date:
    """Return the calendar date of an Excel serial day (fractions, i.e. times, are dropped).

    Serial 60, Excel's fictitious 1900-02-29, has no calendar date and raises ``InputError``.

    Examples
    --------
    >>> serial_to_date(45322)
    datetime.date(2024, 1, 31)
    """
    whole = int(np.floor(serial))
    if whole < 1 or whole > _MAX_SERIAL:
        raise InputError(f"serial day {serial!r} is outside Excel's dates (1 … 2958465).")
    if whole == 60:
        raise InputError("serial day 60 is Excel's fictitious 1900-02-29; use a real date.")
    offset = whole + 1 if whole < 60 else whole
    return EXCEL_EPOCH + dt.timedelta(days=offset)


def to_serial_days(values: Any, *, name: str) -> np.ndarray:
    """Convert dates to whole Excel serial days as a float64 array of the input's shape.

    Accepts numpy ``datetime64`` arrays, Python ``date``/``datetime`` objects (or nested
    lists of them) and numbers, which are taken as Excel serial numbers and floored to the
    day. ``None``, NaN and ``NaT`` become NaN. Anything else raises ``InputError`` naming
    ``name``.

    Examples
    --------
    >>> import numpy as np
    >>> to_serial_days(np.array(["2024-01-31", "2024-03-01"], dtype="datetime64[D]"), name="d")
    array([45322., 45352.])
    >>> to_serial_days([45322.75, None], name="d")
    array([45322.,    nan])
    """
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        days = arr.astype("datetime64[D]")
        out = np.atleast_1d((days - _EPOCH64).astype("float64"))
        out[np.atleast_1d(np.isnat(days))] = np.nan
        out[out < 61] -= 1.0
        _check_serial_range(out, name)
        return out.reshape(arr.shape)
    if np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating):
        floored: np.ndarray = np.floor(arr.astype("float64"))
        _check_serial_range(floored, name)
        return floored
    flat = arr.ravel() if arr.dtype == object else arr.astype(object).ravel()
    result = np.empty(flat.shape, dtype="float64")
    for i, item in enumerate(flat):
        result[i] = _one_serial(item, name=name, position=i)
    _check_serial_range(result, name)
    return result.reshape(arr.shape)


def _one_serial(item: Any, *, name: str, position: int) -> float:
    if item is None:
        return np.nan
    if isinstance(item, (dt.date, dt.datetime)):
        return date_to_serial(item)
    if isinstance(item, np.datetime64):
        return float(to_serial_days(np.asarray(item), name=name))
    if isinstance(item, (int, float, np.integer, np.floating)) and not isinstance(item, bool):
        return float(np.floor(float(item)))
    raise InputError(
        f"{name}: element {position} is {item!r}, which is not a date; give dates, datetimes, "
        "numpy datetime64 values or Excel serial numbers."
    )


def _check_serial_range(serials: np.ndarray, name: str) -> None:
    bad = np.atleast_1d(np.isinf(serials) | (serials < 1) | (serials > _MAX_SERIAL))
    if np.any(bad):
        position = int(np.flatnonzero(bad.ravel())[0])
        value = np.atleast_1d(serials).ravel()[position]
        raise InputError(
            f"{name}: element {position} is {value!r}, outside Excel's dates "
            "(serial 1 = 1900-01-01 … 2958465 = 9999-12-31)."
        )
