"""Attach a wirehouse DuckLake: Parquet files under the home plus a SQLite catalog, or a lake shared by several
machines (a PostgreSQL catalog, Parquet in S3-compatible storage: warehouse/shared.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime

import duckdb

from warehouse.extensions import connect_offline
from warehouse.lock import writer_lock
from warehouse.paths import Home
from warehouse.shared import catalog_lock, is_postgres, is_remote, s3_secret_sql

CATALOG_ALIAS = "wh"
#: How long a pipeline's load waits for another writer's commit before giving up with a clear error.
DEFAULT_LOAD_WAIT_S = 600.0
#: The variable that names a shared lake's catalog (read by the settings), for messages that must not show its value.
CATALOG_SETTING = "WIREHOUSE_CATALOG"


class WarehouseMissing(RuntimeError):
    """There is no warehouse at the given home yet."""


def catalog_string(home: Home) -> str:
    return home.shared_catalog or f"sqlite:{home.catalog.as_posix()}"


def data_path(home: Home) -> str:
    return home.data_url or home.data_path.as_posix() + "/"


def is_shared(home: Home) -> bool:
    """Whether other machines may write to this lake: then writers coordinate through the catalog database."""
    return is_postgres(catalog_string(home))


def attach_sql(
    home: Home, read_only: bool, snapshot_time: str | None = None, snapshot_version: int | None = None
) -> str:
    """The ATTACH statement a plain DuckDB session can use too (the README shows it).

    snapshot_time / snapshot_version attach the lake as it was then: what we knew on date X.
    """
    options = [f"DATA_PATH '{_quoted(data_path(home))}'", "DATA_INLINING_ROW_LIMIT 0"]
    if not read_only and not is_postgres(catalog_string(home)):
        # SQLite's default journal lets a reader's open transaction hold off a commit until the catalog's 5 s busy
        # timeout fails it; in WAL mode readers and the writer never wait for each other. The mode is stored in the
        # catalog file, so readers attached after the first writer (plain DuckDB sessions too) use it as well.
        options.append("META_JOURNAL_MODE 'WAL'")
    if read_only:
        options.append("READ_ONLY")
    if snapshot_time:
        datetime.fromisoformat(snapshot_time)  # refuse anything but a timestamp before it reaches SQL
        options.append(f"SNAPSHOT_TIME '{snapshot_time}'")
    if snapshot_version is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot_version)}")
    return f"ATTACH 'ducklake:{_quoted(catalog_string(home))}' AS {CATALOG_ALIAS} ({', '.join(options)})"


def _quoted(text: str) -> str:
    """A value for inside a SQL string literal (ATTACH takes no parameters)."""
    return text.replace("'", "''")


def _needs_extensions(home: Home) -> tuple[str, ...]:
    catalog = ("postgres_scanner",) if is_postgres(catalog_string(home)) else ("sqlite_scanner",)
    storage = ("httpfs",) if is_remote(data_path(home)) else ()
    return (*catalog, *storage, "ducklake")


def connect(
    home: Home, read_only: bool = True, snapshot_time: str | None = None, snapshot_version: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the lake; read-only connections never take the writer lock and never migrate."""
    is_local = not home.shared_catalog
    if read_only and is_local and not home.exists():
        raise WarehouseMissing(
            f"no warehouse at {home.root}; run 'wirehouse ingest ...' or 'wirehouse demo' first, or pass --home"
        )
    if is_local:
        home.root.mkdir(parents=True, exist_ok=True)
        home.data_path.mkdir(parents=True, exist_ok=True)
    con = connect_offline(_needs_extensions(home))
    if is_remote(data_path(home)) and (secret := s3_secret_sql()):
        con.execute(secret)
    try:
        con.execute(attach_sql(home, read_only, snapshot_time, snapshot_version))
    except duckdb.InvalidInputException as exc:
        con.close()
        if read_only and not is_local and "does not exist" in str(exc):
            # the catalog string may carry a password: name the variable, not its value
            raise WarehouseMissing(
                f"no wirehouse lake in the catalog {CATALOG_SETTING} names yet; run 'wirehouse ingest ...' once first"
            ) from None
        raise
    con.execute(f"USE {CATALOG_ALIAS}")
    if not read_only:
        con.execute("SET memory_limit = $limit", {"limit": home.writer_memory})
        con.execute("SET temp_directory = $dir", {"dir": str(home.root / "tmp")})
        # Every load reads back some of the lake's Parquet (dedup and rollups); caching those reads made the writer
        # grow with the warehouse (7 MB per 100 articles) for no measurable gain: the OS caches the files anyway.
        con.execute("SET enable_external_file_cache = false")
    if read_only:
        # Readers touch the lake's own files only: no COPY TO, no reading or attaching other paths.
        con.execute("SET allowed_directories = $dirs", {"dirs": [data_path(home)]})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


@contextmanager
def open_writer(home: Home, wait_s: float = 0.0, hold_lock: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that may write: the schema is brought up to date under the writer lock first.

    hold_lock=True keeps the lock for the whole block (short commands). Pipelines pass False and take the
    lock around each transaction (write_lock), so two runs fetch and parse side by side and only their
    commits queue up.
    """
    home.root.mkdir(parents=True, exist_ok=True)
    con: duckdb.DuckDBPyConnection | None = None
    try:
        from warehouse.migrations import migrate  # only writers migrate; readers skip the import

        with write_lock(home, wait_s=wait_s):
            con = connect(home, read_only=False)
            migrate(con)
            if hold_lock:
                yield con
                return
        yield con
    finally:
        if con is not None:
            con.close()


def write_lock(home: Home, wait_s: float = DEFAULT_LOAD_WAIT_S) -> AbstractContextManager[None]:
    """The lock one write transaction holds; waits for another process's commit to finish.

    A file in the home on one machine; on a shared (PostgreSQL) catalog, a lock in the catalog database, since
    the other writers are on other machines.
    """
    if is_shared(home):
        return catalog_lock(catalog_string(home), wait_s=wait_s)
    return writer_lock(home.lock_file, wait_s=wait_s)
