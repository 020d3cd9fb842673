"""Rows for PostgreSQL's binary COPY, built column by column with numpy: no Python
object per row or cell, and nothing for the server to parse (a text COPY makes it
read every integer, timestamp and JSON list back from text).

The format (PostgreSQL docs, "COPY", "Binary Format"): a signature and a header,
then per row the number of fields (int16) and per field its length in bytes
(int32; -1 for NULL) and its value in the type's binary form (big-endian
integers; a timestamp as microseconds since 2000-01-01 UTC; jsonb as a version
byte 1 and the JSON text), then a trailer.

A `BinaryRows` gathers the columns of n rows as blocks of an (n, width) byte
matrix; a block whose rows differ in length (texts, NULLs) keeps a mask of the
bytes that are real; `build()` joins the blocks and keeps the masked bytes, row
by row. The statements that send the rows are in storage.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from typing_extensions import Buffer

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # no flags, no header extension
TRAILER = b"\xff\xff"
_EPOCH = np.datetime64("2000-01-01T00:00:00", "us")
_INT4 = (-(2**31), 2**31 - 1)


class BinaryRows:
    """The binary COPY tuples of n rows, their columns added in the order of the
    COPY's column list.

    Each column is kept as parts (its length, its value) of a row-wide numpy
    record; `build()` writes every part into one (n,) record array, part by part
    (a strided copy of n values each), and takes its bytes. Where the rows differ
    in length (a NULL, texts of different lengths) a mask of the bytes to keep
    goes with the part, and the masked bytes are dropped row by row.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.types: list[str] = []  # of the columns, as PostgreSQL's format_type
        # (dtype of the part in the record, its values, its mask of bytes or None)
        self._parts: list[tuple[Any, Any, np.ndarray | None]] = [
            (">i2", 0, None)  # the number of fields, set by build()
        ]

    def _int(
        self,
        values: Any,
        known: np.ndarray | None,
        dtype: str,
        width: int,
        pg_type: str,
    ) -> None:
        """An integer column (values (n,) or a scalar), NULL where not known."""
        self.types.append(pg_type)
        if known is None or known.all():
            self._parts += [(">i4", width, None), (dtype, values, None)]
            return
        mask = np.ones((self.n, width), dtype=bool)
        mask[~known] = False
        lengths = np.where(known, width, -1)
        self._parts += [(">i4", lengths, None), (dtype, values, mask)]

    def int4(self, values: np.ndarray, known: np.ndarray | None = None) -> None:
        """integer; a value outside its range is refused (a cast would wrap)."""
        if values.size and (values.min() < _INT4[0] or values.max() > _INT4[1]):
            raise ValueError("a value does not fit the integer column")
        self._int(values, known, ">i4", 4, "integer")

    def int8(self, values: np.ndarray, known: np.ndarray | None = None) -> None:
        self._int(values, known, ">i8", 8, "bigint")

    def int8_same(self, value: int) -> None:
        self._int(value, None, ">i8", 8, "bigint")

    def boolean(self, values: np.ndarray) -> None:
        self.types.append("boolean")
        self._parts += [(">i4", 1, None), ("u1", values, None)]

    def timestamptz(self, ts: np.ndarray) -> None:
        """datetime64 (naive UTC) -> timestamp with time zone; NaT -> NULL."""
        us = ts.astype("datetime64[us]")
        known = ~np.isnat(us)
        micros = np.where(known, (us - _EPOCH).astype(np.int64), 0)
        self._int(micros, known, ">i8", 8, "timestamp with time zone")

    def text_same(self, value: str) -> None:
        """A text column with the same value in every row."""
        data = value.encode()
        self.types.append("text")
        self._parts.append((">i4", len(data), None))
        if data:
            self._parts.append((f"S{len(data)}", data, None))

    def text(self, values: pa.Array) -> None:
        """A text column from an Arrow string array without nulls."""
        self._variable(values, b"", None, "text")

    def jsonb(self, values: pa.Array) -> None:
        """A jsonb column from an Arrow string array of JSON texts (no nulls).

        Each text is padded with spaces to the longest of the block, so that the
        column has one width (no mask): whitespace after a JSON value is allowed
        and jsonb does not keep it, so the stored value is the same."""
        self._variable(values, b"\x01", ord(" "), "jsonb")

    def _variable(
        self, values: pa.Array, prefix: bytes, pad: int | None, pg_type: str
    ) -> None:
        if values.null_count:
            raise ValueError("NULL in a text column")
        if not isinstance(values, pa.StringArray):
            values = values.cast(pa.string())
        _, offsets_buf, data_buf = values.buffers()
        offsets = np.frombuffer(offsets_buf, np.int32)[
            values.offset : values.offset + self.n + 1
        ]
        lengths = np.diff(offsets)
        widest = int(lengths.max(initial=0))
        one_width = bool((lengths == widest).all())
        self.types.append(pg_type)
        if one_width or pad is not None:
            self._parts.append((">i4", widest + len(prefix), None))
        else:
            self._parts.append((">i4", lengths + len(prefix), None))
        if prefix:
            self._parts.append((f"S{len(prefix)}", prefix, None))
        if not widest:
            return
        data = np.frombuffer(data_buf, np.uint8)[offsets[0] : offsets[-1]]
        if one_width:
            self._parts.append(((np.uint8, widest), data.reshape(self.n, widest), None))
            return
        body = np.full((self.n, widest), pad or 0, dtype=np.uint8)
        mask = np.arange(widest) < lengths[:, None]
        body[mask] = data
        self._parts.append(
            ((np.uint8, widest), body, None if pad is not None else mask)
        )

    def build(self) -> memoryview:
        """The rows as the data of a binary COPY (without signature and trailer):
        one record per row, without the bytes masked out."""
        self._parts[0] = (">i2", len(self.types), None)
        dtype = np.dtype([(f"f{i}", d) for i, (d, _, _) in enumerate(self._parts)])
        rows = np.empty(self.n, dtype=dtype)
        for i, (_, values, _) in enumerate(self._parts):
            rows[f"f{i}"] = values
        data = rows.view(np.uint8).reshape(self.n, dtype.itemsize)
        if all(m is None for _, _, m in self._parts):
            return memoryview(cast("Buffer", data.reshape(-1)))
        keep = np.ones((self.n, dtype.itemsize), dtype=bool)
        offsets = cast(Mapping[str, tuple[Any, int]], dtype.fields)
        for i, (_, _, mask) in enumerate(self._parts):
            if mask is not None:
                start = offsets[f"f{i}"][1]
                keep[:, start : start + mask.shape[1]] = mask
        return memoryview(cast("Buffer", data[keep]))
