"""Attach a wirehouse DuckLake: Parquet files under the home plus a SQLite (or PostgreSQL) catalog."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.extensions import connect_offline
from warehouse.lock import writer_lock
from warehouse.migrations import migrate
from warehouse.paths import Home

CATALOG_ALIAS = "wh"
#: Set to a DuckLake catalog string ("postgres:dbname=wirehouse host=...") to share one lake between machines.
CATALOG_ENV = "WIREHOUSE_CATALOG"
DATA_PATH_ENV = "WIREHOUSE_DATA_PATH"


class WarehouseMissing(RuntimeError):
    """There is no warehouse at the given home yet."""


def catalog_string(home: Home) -> str:
    return os.environ.get(CATALOG_ENV) or f"sqlite:{home.catalog.as_posix()}"


def data_path(home: Home) -> str:
    return os.environ.get(DATA_PATH_ENV) or home.data_path.as_posix() + "/"


def attach_sql(home: Home, read_only: bool, snapshot_time: str | None = None) -> str:
    """The ATTACH statement a plain DuckDB session can use too (the README shows it)."""
    options = [f"DATA_PATH '{data_path(home)}'", "DATA_INLINING_ROW_LIMIT 0"]
    if read_only:
        options.append("READ_ONLY")
    if snapshot_time:
        options.append(f"SNAPSHOT_TIME '{snapshot_time}'")
    return f"ATTACH 'ducklake:{catalog_string(home)}' AS {CATALOG_ALIAS} ({', '.join(options)})"


def _needs_extensions(home: Home) -> tuple[str, ...]:
    if catalog_string(home).startswith("postgres"):
        return ("postgres_scanner", "ducklake")
    return ("sqlite_scanner", "ducklake")


def connect(home: Home, read_only: bool = True, snapshot_time: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the lake; read-only connections never take the writer lock and never migrate."""
    is_local = not os.environ.get(CATALOG_ENV)
    if read_only and is_local and not home.exists():
        raise WarehouseMissing(
            f"no warehouse at {home.root}; run 'wirehouse ingest ...' or 'wirehouse demo' first, or pass --home"
        )
    if is_local:
        home.root.mkdir(parents=True, exist_ok=True)
        home.data_path.mkdir(parents=True, exist_ok=True)
    con = connect_offline(_needs_extensions(home))
    con.execute(attach_sql(home, read_only, snapshot_time))
    con.execute(f"USE {CATALOG_ALIAS}")
    return con


@contextmanager
def open_writer(home: Home, wait_s: float = 0.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """The single writer: hold the lock, bring the schema up to date, hand out the connection."""
    home.root.mkdir(parents=True, exist_ok=True)
    with writer_lock(home.lock_file, wait_s=wait_s):
        con = connect(home, read_only=False)
        try:
            migrate(con)
            yield con
        finally:
            con.close()
