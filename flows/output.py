"""Printing query results as a table, CSV, JSON or a Parquet file."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json", "parquet")


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_table(result: pa.Table, fmt: str, output: str | None = None, title: str | None = None) -> None:
    """Write the result in fmt to output (a file path) or standard output."""
    if fmt == "parquet":
        if not output:
            raise ValueError("--format parquet needs --output FILE")
        pq.write_table(result, output)
        return
    stream: TextIO = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        rows = result.to_pylist()
        if fmt == "json":
            json.dump([{k: _plain(v) for k, v in row.items()} for row in rows], stream, ensure_ascii=False, default=str)
            stream.write("\n")
        elif fmt == "csv":
            writer = csv.writer(stream)
            writer.writerow(result.column_names)
            writer.writerows([[_plain(v) for v in row.values()] for row in rows])
        else:
            _rich_table(result, rows, stream, title)
    finally:
        if output:
            stream.close()


def _rich_table(result: pa.Table, rows: list[dict], stream: TextIO, title: str | None) -> None:
    table = Table(title=title, show_lines=False, header_style="bold")
    for name in result.column_names:
        table.add_column(name, overflow="fold", max_width=80)
    for row in rows:
        table.add_row(*("" if v is None else str(_plain(v)) for v in row.values()))
    Console(file=stream, width=None if stream.isatty() else 200).print(table)


def output_path_ok(output: str | None) -> None:
    if output and not Path(output).parent.exists():
        raise ValueError(f"cannot write {output}: folder {Path(output).parent} does not exist")
