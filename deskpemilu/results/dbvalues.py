"""Sheets' arrays as the values a database takes, built column by column (numpy and
Arrow, no Python object per cell, no Django): the votes as JSON list texts, TPS
codes padded to 13 digits, timestamps as text, and rows as CSV for COPY. The
statements that write them are in storage.py.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS


def nullable(values: np.ndarray, known: np.ndarray) -> list[int | None]:
    """The values as a list, None where not known."""
    if known.all():
        return cast(list[int | None], values.tolist())
    out = values.astype(object)
    out[~known] = None
    return cast(list[int | None], out.tolist())


def votes_arrow(sheets: Sheets) -> pa.Array:
    """Each row's votes as a JSON list text (null = unknown), built by Arrow."""
    cols = sheets.vote_cols
    values, known = sheets.values[:, cols], sheets.known[:, cols]
    if values.shape[1] == 0:
        return pa.array(["[]"] * len(sheets), type=pa.string())
    parts = [
        pc.fill_null(
            pa.array(values[:, j], mask=~known[:, j]).cast(pa.string()), "null"
        )
        for j in range(values.shape[1])
    ]
    inner = pc.binary_join_element_wise(*parts, ",")
    return pc.binary_join_element_wise("[", inner, "]", "")


def votes_json(sheets: Sheets) -> list[str]:
    """Each row's votes as a JSON list (null = unknown), built column-wise."""
    return cast(list[str], votes_arrow(sheets).to_pylist())


def codes_arrow(codes: np.ndarray) -> pa.Array:
    """TPS codes (int64) as their 13-digit texts."""
    return pc.utf8_lpad(pa.array(codes).cast(pa.string()), 13, "0")


def timestamp_texts(ts: np.ndarray, suffix: str) -> np.ndarray:
    """datetime64 (naive UTC) -> the text a database takes for a timestamp, to the
    second; None where NaT. Each distinct time is formatted once (a file has a few
    thousand: Sirekap stamps many TPS with the same moment)."""
    seconds = ts.astype("datetime64[s]")
    distinct, index = np.unique(seconds, return_inverse=True)
    text = np.datetime_as_string(distinct, unit="s")
    text = np.char.add(np.char.replace(text, "T", " "), suffix).astype(object)
    text[np.isnat(distinct)] = None
    return text[index.reshape(-1)]


def field_columns(sheets: Sheets) -> list[list[int | None]]:
    """The C.Hasil fields (spec.FIELDS) as one list per field, None where unknown."""
    n = len(FIELDS)
    return [nullable(sheets.values[:, j], sheets.known[:, j]) for j in range(n)]


def csv_buffer(data: pa.Table) -> pa.Buffer:
    """Rows as CSV for COPY, written by Arrow (nulls unquoted and empty, strings
    quoted where needed): the rows never become Python objects."""
    sink = pa.BufferOutputStream()
    pcsv.write_csv(
        data,
        sink,
        write_options=pcsv.WriteOptions(include_header=False, batch_size=16384),
    )
    return sink.getvalue()
