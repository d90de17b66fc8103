"""A lake shared by several machines: a PostgreSQL catalog, Parquet in S3-compatible storage, one writer at a time.

A file lock in the local home coordinates nothing between machines, so writers on a PostgreSQL catalog queue on
an advisory lock in the catalog database itself. PostgreSQL drops it when the holder's connection ends, so a
killed writer never wedges the lake.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import socket
import time
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

import duckdb

from warehouse.extensions import connect_offline
from warehouse.lock import WarehouseLocked

#: The DuckLake catalog prefixes that name a PostgreSQL database.
POSTGRES_PREFIXES = ("postgres:", "postgresql:")
#: Data paths that DuckDB reads and writes through the httpfs extension.
REMOTE_SCHEMES = ("s3://", "s3a://", "s3n://", "r2://", "gcs://", "gs://", "http://", "https://")
#: The variables boto3 and the AWS CLI read, so a user's existing S3 setup works unchanged.
AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY"
AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN"
AWS_REGION = ("AWS_REGION", "AWS_DEFAULT_REGION")
AWS_ENDPOINT_URL = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
#: One key per database: a PostgreSQL database holds one wirehouse lake. Derived from a name, not a magic number.
WRITER_LOCK_KEY = int.from_bytes(hashlib.sha256(b"wirehouse writer").digest()[:8], "big", signed=True)
LOCK_POLL_S = 0.2


def is_postgres(catalog: str) -> bool:
    return catalog.startswith(POSTGRES_PREFIXES)


def postgres_dsn(catalog: str) -> str:
    """The libpq connection string inside a DuckLake catalog string ('postgres:dbname=... host=...')."""
    for prefix in POSTGRES_PREFIXES:
        if catalog.startswith(prefix):
            return catalog[len(prefix) :]
    raise ValueError(f"not a PostgreSQL catalog: {catalog!r}")


def is_remote(data_path: str) -> bool:
    return data_path.lower().startswith(REMOTE_SCHEMES)


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((env[name] for name in names if env.get(name)), None)


def s3_secret_sql(env: Mapping[str, str] | None = None) -> str | None:
    """A CREATE SECRET for DuckDB's httpfs from the standard AWS variables; None when none of them is set.

    An http:// endpoint (MinIO, moto, a local gateway) means no TLS and path-style URLs, as boto3 does for it.
    """
    env = os.environ if env is None else env
    options: list[str] = []
    if env.get(AWS_ACCESS_KEY_ID):
        options.append(f"KEY_ID '{_quoted(env[AWS_ACCESS_KEY_ID])}'")
    if env.get(AWS_SECRET_ACCESS_KEY):
        options.append(f"SECRET '{_quoted(env[AWS_SECRET_ACCESS_KEY])}'")
    if env.get(AWS_SESSION_TOKEN):
        options.append(f"SESSION_TOKEN '{_quoted(env[AWS_SESSION_TOKEN])}'")
    if region := _first(env, AWS_REGION):
        options.append(f"REGION '{_quoted(region)}'")
    if endpoint := _first(env, AWS_ENDPOINT_URL):
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"AWS_ENDPOINT_URL must look like http(s)://host[:port], got {endpoint!r}")
        options.append(f"ENDPOINT '{_quoted(parts.netloc + parts.path.rstrip('/'))}'")
        if parts.scheme == "http":
            options += ["USE_SSL false", "URL_STYLE 'path'"]
    if not options:
        return None
    return f"CREATE OR REPLACE SECRET wirehouse_s3 (TYPE s3, {', '.join(options)})"


def _holder_name() -> str:
    return f"wirehouse writer {socket.gethostname()} pid {os.getpid()}"


@functools.lru_cache(maxsize=8)
def _lock_connection(catalog: str) -> duckdb.DuckDBPyConnection:
    """One DuckDB connection per catalog and process for the lock (loading the extension costs ~0.2 s)."""
    dsn = postgres_dsn(catalog)
    if "://" not in dsn:  # key=value form: name the holder, so a waiting writer can say who it waits for
        dsn = f"{dsn} application_name='{_holder_name()}'"
    con = connect_offline(("postgres_scanner",))
    con.execute(f"ATTACH '{_quoted(dsn)}' AS wirehouse_lock (TYPE postgres)")
    return con


@contextlib.contextmanager
def catalog_lock(catalog: str, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the lake's writer lock: a transaction-level advisory lock on a catalog connection of its own.

    The postgres scanner pools its connections and resets them (DISCARD ALL) when handed back, which drops a
    session-level lock; a lock taken inside an open DuckDB transaction stays on one connection until it ends.
    """
    cursor = _lock_connection(catalog).cursor()  # its own transaction, so threads queue like processes
    try:
        cursor.execute("BEGIN")
        deadline = time.monotonic() + wait_s
        while not _try_lock(cursor):
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"another wirehouse writer ({_lock_holder(cursor)}) is loading the shared lake; "
                    "wait for it to finish or pass --wait SECONDS"
                )
            time.sleep(LOCK_POLL_S)
        yield
    finally:
        # ROLLBACK ends the PostgreSQL transaction, and with it the lock; on a broken connection PostgreSQL
        # has dropped the lock already
        with contextlib.suppress(duckdb.Error):
            cursor.execute("ROLLBACK")
        cursor.close()


def _try_lock(cursor: duckdb.DuckDBPyConnection) -> bool:
    sql = f"SELECT pg_try_advisory_xact_lock({WRITER_LOCK_KEY}) AS got"
    row = cursor.execute("SELECT got FROM postgres_query('wirehouse_lock', $sql)", {"sql": sql}).fetchone()
    return bool(row and row[0])


def _lock_holder(con: duckdb.DuckDBPyConnection) -> str:
    key = WRITER_LOCK_KEY & 0xFFFFFFFFFFFFFFFF
    sql = (
        "SELECT coalesce(nullif(a.application_name, ''), 'pid ' || a.pid) || coalesce(' from ' || host(a.client_addr),"
        " '') AS who FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
        f" AND l.granted AND l.classid::bigint = {key >> 32} AND l.objid::bigint = {key & 0xFFFFFFFF}"
    )
    try:
        row = con.execute("SELECT who FROM postgres_query('wirehouse_lock', $sql)", {"sql": sql}).fetchone()
    except duckdb.Error:  # the name is a courtesy; the refusal must still be raised
        return "unknown process"
    return row[0] if row else "unknown process"
