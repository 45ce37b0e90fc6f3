"""pyarrow arrays from numpy and Python values, and back, without pyarrow's pandas shim.

``pyarrow.array()`` and ``Array.to_numpy()`` import pandas on first use (to recognise its
types), which costs an import 40 MB of resident memory. The importer only ever converts plain
numbers, booleans and strings, so it builds arrays from their buffers instead and reads
buffers back with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc


def ints(values: npt.ArrayLike) -> pa.Array:
    """An int64 array (no nulls)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def floats(values: npt.ArrayLike) -> pa.Array:
    """A float64 array (no nulls; NaN stays NaN)."""
    data = np.ascontiguousarray(values, dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), len(data), [None, pa.py_buffer(data)])


def bools(values: npt.ArrayLike) -> pa.Array:
    """A boolean array (no nulls)."""
    data = np.asarray(values, dtype=bool)
    bits = np.packbits(data, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(data), [None, pa.py_buffer(bits)])


def strings(values: Sequence[str]) -> pa.Array:
    """A string array (no nulls) of Python ``str``."""
    joined = "".join(values)
    data = joined.encode("utf-8")
    if len(data) == len(joined):  # ASCII: a character is a byte
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    else:
        encoded = [v.encode("utf-8") for v in values]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def to_numpy(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.generic]:
    """The values of a numeric or boolean array without nulls, as numpy (a copy for booleans,
    a view otherwise)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count:
        raise ValueError("to_numpy: the array has nulls")
    n, offset = len(array), array.offset
    buffer = array.buffers()[1]
    if pa.types.is_boolean(array.type):
        if buffer is None:
            return np.zeros(0, dtype=bool)
        bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little")
        return bits[offset : offset + n].astype(bool)
    dtype = np.dtype(array.type.to_pandas_dtype())
    if buffer is None:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(buffer, dtype=dtype)[offset : offset + n]


@cache
def text(value: str) -> pa.Scalar:
    """A string scalar, for the compute functions (``pyarrow.scalar`` also loads pandas)."""
    return strings([value])[0]


def string_buffers(array: pa.Array) -> tuple[memoryview, npt.NDArray[np.int64]]:
    """The UTF-8 bytes of a string array without nulls, and where each value starts and ends in
    them (``len(array) + 1`` offsets)."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    _, offsets, data = array.buffers()
    start = array.offset
    bounds = np.frombuffer(offsets, dtype=width)[start : start + len(array) + 1]
    return memoryview(data if data is not None else b""), bounds.astype(np.int64)


def joined_texts(
    parts: Sequence[pa.Array], sep: str, end: str = ""
) -> tuple[memoryview, npt.NDArray[np.int64]]:
    """Each row's ``parts`` joined by ``sep`` (and ``end`` appended): the UTF-8 bytes of all rows
    one after another, and the offsets of each row in them."""
    columns = list(parts)
    if end:
        columns[-1] = pc.binary_join_element_wise(columns[-1], text(end), text(""))
    return string_buffers(pc.binary_join_element_wise(*columns, text(sep)))
