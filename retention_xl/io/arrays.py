"""Moving columns between pyarrow and numpy without pandas.

One idea: pyarrow imports pandas (when it is installed) the first time it converts Python or
numpy values to arrow or arrow to numpy — 0.15–0.3 s in every fresh process, longer than
reading a million orders. These helpers read and build arrow buffers directly, so a read
never pays for that import. Imports numpy and pyarrow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["flat", "from_bools", "from_indices", "to_bools", "to_numbers", "valid"]

_DTYPES: dict[Any, np.dtype[Any]] = {
    pa.int8(): np.dtype(np.int8),
    pa.int16(): np.dtype(np.int16),
    pa.int32(): np.dtype(np.int32),
    pa.int64(): np.dtype(np.int64),
    pa.uint8(): np.dtype(np.uint8),
    pa.uint16(): np.dtype(np.uint16),
    pa.uint32(): np.dtype(np.uint32),
    pa.uint64(): np.dtype(np.uint64),
    pa.float32(): np.dtype(np.float32),
    pa.float64(): np.dtype(np.float64),
    pa.date32(): np.dtype(np.int32),
    pa.date64(): np.dtype(np.int64),
}


def flat(column: Any) -> pa.Array:
    """One contiguous array: a chunked column's chunks combined, dictionaries unified."""
    if isinstance(column, pa.ChunkedArray):
        if pa.types.is_dictionary(column.type) and column.num_chunks > 1:
            column = column.unify_dictionaries()
        column = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def _bits(buffer: Any, offset: int, length: int) -> np.ndarray:
    raw = np.frombuffer(buffer, dtype=np.uint8)
    bits = np.unpackbits(raw, bitorder="little")
    return bits[offset : offset + length].astype(bool)


def valid(array: Any) -> np.ndarray:
    """True where a cell is not null."""
    array = flat(array)
    if array.null_count == 0:
        return np.ones(len(array), dtype=bool)
    if array.type == pa.null():
        return np.zeros(len(array), dtype=bool)
    return _bits(array.buffers()[0], array.offset, len(array))


def to_bools(array: Any, null: bool = False) -> np.ndarray:
    """A boolean arrow array as numpy (nulls read as ``null``)."""
    array = flat(array)
    values = _bits(array.buffers()[1], array.offset, len(array))
    if array.null_count:
        values = np.where(valid(array), values, null)
    return values


def to_numbers(array: Any, null: float | int = 0) -> np.ndarray:
    """A numeric (or date32) arrow array as numpy, nulls read as ``null``."""
    array = flat(array)
    dtype = _DTYPES[array.type]
    values = np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )
    if array.null_count:
        values = np.where(valid(array), values, null)
    return values


def from_indices(index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """An int64 arrow array of ``index`` (for ``take``), null where ``missing``."""
    index = np.ascontiguousarray(index, dtype=np.int64)
    validity = None
    if missing is not None and missing.any():
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
    return pa.Array.from_buffers(pa.int64(), index.size, [validity, pa.py_buffer(index)])


def from_bools(mask: np.ndarray) -> pa.Array:
    """A boolean arrow array of a numpy mask (for ``filter``)."""
    packed = pa.py_buffer(np.packbits(np.ascontiguousarray(mask, dtype=bool), bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), mask.size, [None, packed])
