"""Customer ids as small integer codes.

One idea: :func:`factorize` maps any array of customer ids (text or numbers) to codes
0 … n−1 and the distinct ids, fast enough for millions of orders without pandas. Text ids are
grouped by a 64-bit FNV-1a hash of their characters, computed column by column with numpy,
and every group is then checked character for character against its first member; only if
two different ids ever shared a hash does it fall back to sorting the strings. Imports numpy
and :mod:`retention_xl.errors`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["factorize", "ids_array"]

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


def ids_array(customer_ids: Any, *, name: str = "customer_ids") -> np.ndarray:
    """Customer ids as a 1-D numpy array of integers or of text (``<U``).

    Integers (and floats that are whole numbers, as Excel sends them) stay numbers; anything
    else becomes text. In a mix of text and numbers, 7 and 7.0 become ``"7"`` — the same
    customer as the text ``"7"``, as Excel shows them — while ``"007"`` stays different.
    Missing ids (None, NaN, empty text) raise ``InputError`` naming the position.

    Examples
    --------
    >>> ids_array([3.0, 4.0]).tolist(), ids_array(["a", 7]).tolist()
    ([3, 4], ['a', '7'])
    """
    if isinstance(customer_ids, (list, tuple)):
        arr = np.empty(len(customer_ids), dtype=object)  # keep each id's own type
        arr[:] = list(customer_ids)
    else:
        arr = np.asarray(customer_ids)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind in "iub":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr))
        if np.any(bad):
            position = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{name}: element {position} is {arr[position]!r}; ids must be text or whole "
                "numbers (fill in or remove rows without a customer id)."
            )
        if np.any(np.abs(arr) >= 2.0**63):  # an id is an id, whatever its size: as text
            return np.array([str(int(v)) for v in arr.tolist()])
        return arr.astype(np.int64)
    if arr.dtype.kind == "U":
        text = arr
    else:
        items = arr.tolist()
        if not items:
            return np.array([], dtype="<U1")
        if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in items):
            if all(-(2**63) <= x < 2**63 for x in items):
                return np.array(items, dtype=np.int64)
            return np.array([str(x) for x in items])
        if all(isinstance(x, float) for x in items):
            return ids_array(np.array(items, dtype="float64"), name=name)
        text = np.array([_id_text(x, name, i) for i, x in enumerate(items)])
    empty = np.char.str_len(np.char.strip(text)) == 0 if text.size else np.zeros(0, bool)
    if np.any(empty):
        position = int(np.flatnonzero(empty)[0])
        raise InputError(f"{name}: element {position} is empty; every order needs a customer id.")
    return text


def _id_text(value: Any, name: str, position: int) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        raise InputError(f"{name}: element {position} is missing; every order needs a customer id.")
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def factorize(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(codes, uniques)`` with ``uniques[codes] == ids``.

    Codes follow the sort order of the grouping keys (the hashes, for text), not the ids.
    Integer ids in a narrow range (the codes a file reader hands over) are grouped without
    sorting.

    Examples
    --------
    >>> codes, uniques = factorize(np.array(["b", "a", "b"]))
    >>> (uniques[codes] == np.array(["b", "a", "b"])).all(), codes[0] == codes[2] != codes[1]
    (np.True_, np.True_)
    """
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64), ids[:0]
    if ids.dtype.kind in "iu":
        low, high = int(ids.min()), int(ids.max())
        if high - low < 4 * ids.size + 1024:  # dense codes (from a reader): no sort needed
            present = np.zeros(high - low + 1, dtype=bool)
            present[ids - low] = True
            rank = np.cumsum(present) - 1
            return rank[ids - low].astype(np.int64), np.flatnonzero(present) + low
    codes, first = _groups(_fnv1a(ids) if ids.dtype.kind == "U" else ids)
    if ids.dtype.kind == "U" and not np.array_equal(ids, ids[first[codes]]):
        codes, first = _groups(ids)  # two different ids shared a hash: group the text itself
    return codes, ids[first]


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group equal keys with one sort: (group of each key, an index of each group)."""
    order = np.argsort(keys)
    ordered = keys[order]
    boundary = np.empty(keys.size, dtype=bool)
    boundary[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=boundary[1:])
    codes = np.empty(keys.size, dtype=np.int64)
    codes[order] = np.cumsum(boundary) - 1
    return codes, order[boundary]


def _fnv1a(text: np.ndarray) -> np.ndarray:
    width = text.dtype.itemsize // 4
    units = np.ascontiguousarray(text).view(np.uint32).reshape(text.size, width)
    hashes = np.full(text.size, _FNV_OFFSET, dtype=np.uint64)
    for column in range(width):
        hashes ^= units[:, column].astype(np.uint64)
        hashes *= _FNV_PRIME
    return hashes
