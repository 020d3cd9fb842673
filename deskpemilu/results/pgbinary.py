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

import numpy as np
import pyarrow as pa

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # no flags, no header extension
TRAILER = b"\xff\xff"
_EPOCH = np.datetime64("2000-01-01T00:00:00", "us")
_INT4 = (-(2**31), 2**31 - 1)


class BinaryRows:
    """The binary COPY tuples of n rows, their columns added in the order of the
    COPY's column list."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.count = 0
        self.types: list[str] = []  # of the columns, as PostgreSQL's format_type
        self._blocks: list[np.ndarray] = []  # uint8 (n, width)
        self._masks: list[np.ndarray | None] = []  # bool (n, width); None = all

    def _add(self, block: np.ndarray, mask: np.ndarray | None = None) -> None:
        self._blocks.append(block.view(np.uint8).reshape(self.n, -1))
        self._masks.append(None if mask is None else mask.reshape(self.n, -1))

    def _ints(
        self,
        values: np.ndarray,
        known: np.ndarray | None,
        dtype: str,
        width: int,
        pg_type: str,
    ) -> None:
        """One or more integer columns (values (n,) or (n, k)), NULL where not known."""
        values = values.reshape(self.n, -1)
        k = values.shape[1]
        cells = np.empty((self.n, k), dtype=[("len", ">i4"), ("value", dtype)])
        cells["len"] = width
        cells["value"] = values
        mask = None
        if known is not None and not (known := known.reshape(self.n, k)).all():
            cells["len"][~known] = -1
            mask = np.ones((self.n, k, 4 + width), dtype=bool)
            mask[~known, 4:] = False
        self.count += k
        self.types += [pg_type] * k
        self._add(cells, mask)

    def int4(self, values: np.ndarray, known: np.ndarray | None = None) -> None:
        """integer columns; a value outside its range is refused (a cast would wrap)."""
        if values.size and (values.min() < _INT4[0] or values.max() > _INT4[1]):
            raise ValueError("a value does not fit the integer column")
        self._ints(values, known, ">i4", 4, "integer")

    def int8(self, values: np.ndarray, known: np.ndarray | None = None) -> None:
        self._ints(values, known, ">i8", 8, "bigint")

    def int8_same(self, value: int) -> None:
        self.int8(np.full(self.n, value, dtype=np.int64))

    def boolean(self, values: np.ndarray) -> None:
        cells = np.empty(self.n, dtype=[("len", ">i4"), ("value", "u1")])
        cells["len"], cells["value"] = 1, values
        self.count += 1
        self.types.append("boolean")
        self._add(cells)

    def timestamptz(self, ts: np.ndarray) -> None:
        """datetime64 (naive UTC) -> timestamp with time zone; NaT -> NULL."""
        us = ts.astype("datetime64[us]")
        known = ~np.isnat(us)
        micros = np.where(known, (us - _EPOCH).astype(np.int64), 0)
        self._ints(micros, known, ">i8", 8, "timestamp with time zone")

    def text_same(self, value: str) -> None:
        """A text column with the same value in every row."""
        data = value.encode()
        cell = np.frombuffer(len(data).to_bytes(4, "big", signed=True) + data, "u1")
        self.count += 1
        self.types.append("text")
        self._add(np.broadcast_to(cell, (self.n, cell.size)))

    def text(self, values: pa.Array) -> None:
        """A text column from an Arrow string array without nulls."""
        self._variable(values, b"", "text")

    def jsonb(self, values: pa.Array) -> None:
        """A jsonb column from an Arrow string array of JSON texts (no nulls)."""
        self._variable(values, b"\x01", "jsonb")

    def _variable(self, values: pa.Array, prefix: bytes, pg_type: str) -> None:
        if values.null_count:
            raise ValueError("NULL in a text column")
        if not isinstance(values, pa.StringArray):
            values = values.cast(pa.string())
        _, offsets_buf, data_buf = values.buffers()
        offsets = np.frombuffer(offsets_buf, np.int32)[
            values.offset : values.offset + self.n + 1
        ]
        lengths = np.diff(offsets)
        head = np.empty((self.n, 4 + len(prefix)), dtype=np.uint8)
        head[:, :4] = (
            (lengths + len(prefix)).astype(">i4").view(np.uint8).reshape(self.n, 4)
        )
        head[:, 4:] = np.frombuffer(prefix, np.uint8)
        widest = int(lengths.max(initial=0))
        body = np.zeros((self.n, widest), dtype=np.uint8)
        mask = np.arange(widest) < lengths[:, None]
        if widest:
            data = np.frombuffer(data_buf, np.uint8)
            body[mask] = data[offsets[0] : offsets[-1]]
        self.count += 1
        self.types.append(pg_type)
        self._add(head)
        self._add(body, mask)

    def build(self) -> bytes:
        """The rows as the data of a binary COPY (without signature and trailer)."""
        count = np.full((self.n, 1), self.count, dtype=">i2")
        blocks = [count.view(np.uint8), *self._blocks]
        matrix = np.concatenate(blocks, axis=1)
        if all(m is None for m in self._masks):
            return matrix.tobytes()
        masks = [np.ones((self.n, 2), dtype=bool)] + [
            np.ones(b.shape, dtype=bool) if m is None else m
            for b, m in zip(self._blocks, self._masks, strict=True)
        ]
        return matrix[np.concatenate(masks, axis=1)].tobytes()
