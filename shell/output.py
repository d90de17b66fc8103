"""Printing query results as a table, CSV, JSON or a Parquet file."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from warehouse.results import Rows

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("table", "csv", "json", "parquet")


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_result(result: pa.Table | Rows, fmt: str, output: str | None = None, title: str | None = None) -> None:
    """Write what fetch_result returned."""
    if isinstance(result, Rows):
        write_rows(result.columns, result.rows, fmt, output, title)
    else:
        write_table(result, fmt, output, title)


def write_table(result: pa.Table, fmt: str, output: str | None = None, title: str | None = None) -> None:
    """Write the result in fmt to output (a file path) or standard output."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        if not output:
            raise ValueError("--format parquet needs --output FILE")
        pq.write_table(result, output)
        return
    write_rows(result.column_names, [tuple(row.values()) for row in result.to_pylist()], fmt, output, title)


def write_rows(
    columns: Sequence[str], rows: list[tuple], fmt: str, output: str | None = None, title: str | None = None
) -> None:
    """Write rows in fmt (table, csv or json) to output (a file path) or standard output."""
    if fmt == "parquet":
        raise ValueError("--format parquet needs an Arrow table")
    stream: TextIO = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        if fmt == "json":
            records = [dict(zip(columns, row, strict=True)) for row in rows]
            json.dump([{k: _plain(v) for k, v in r.items()} for r in records], stream, ensure_ascii=False, default=str)
            stream.write("\n")
        elif fmt == "csv":
            writer = csv.writer(stream)
            writer.writerow(columns)
            writer.writerows([[_plain(v) for v in row] for row in rows])
        else:
            _rich_table(columns, rows, stream, title)
    finally:
        if output:
            stream.close()


def _rich_table(columns: Sequence[str], rows: list[tuple], stream: TextIO, title: str | None) -> None:
    # Imported here: rich takes a tenth of a second to import, which --format csv and json never need.
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold", max_width=80)
    for row in rows:
        table.add_row(*("" if v is None else str(_plain(v)) for v in row))
    Console(file=stream, width=None if stream.isatty() else 200).print(table)


def output_path_ok(output: str | None) -> None:
    if output and not Path(output).parent.exists():
        raise ValueError(f"cannot write {output}: folder {Path(output).parent} does not exist")
