"""A query's result fetched as plain Python rows, or as Arrow when a Parquet file is wanted.

Plain rows need no pyarrow (half a second of start-up), which keeps `wirehouse sql` and `status` quick; the
values match what Arrow's to_pylist() would give, so every output format prints the same.
"""

from __future__ import annotations

import decimal
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa


def _like_arrow(value: object, type_id: str) -> object:
    """A DuckDB Python value as Arrow's to_pylist() gives it, so both paths print the same."""
    if value is None:
        return None
    if type_id in ("HUGEINT", "UHUGEINT"):
        return decimal.Decimal(value)  # Arrow carries these as decimal128(38, 0)
    if isinstance(value, uuid.UUID):
        return str(value)
    if type_id.startswith("MAP(") and isinstance(value, dict):
        return list(value.items())
    return value


def fetch_rows(cursor: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple]]:
    """Column names and rows of an executed query without importing pyarrow (half a second of start-up)."""
    description = cursor.description
    if description is None:  # a statement without a result set
        return [], []
    columns = [d[0] for d in description]
    types = [str(d[1]) for d in description]
    rows = [tuple(_like_arrow(v, t) for v, t in zip(row, types, strict=True)) for row in cursor.fetchall()]
    return columns, rows


@dataclass(frozen=True)
class Rows:
    """A fetched result as plain Python rows."""

    columns: list[str]
    rows: list[tuple]


def fetch_result(cursor: duckdb.DuckDBPyConnection, arrow: bool = False) -> pa.Table | Rows:
    """Fetch an executed query: Arrow when asked (a Parquet file needs it), plain rows otherwise."""
    if arrow:
        return cursor.to_arrow_table()
    return Rows(*fetch_rows(cursor))
