"""Load DuckDB extensions from the files inside their installed Python packages, never from the network."""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

#: extension name -> the package that ships its signed binary
EXTENSION_PACKAGES = {
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "ducklake": "duckdb_extension_ducklake",
    "fts": "duckdb_extension_fts",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}


class ExtensionMissing(RuntimeError):
    """An extension package is not installed."""


def extension_file(name: str) -> Path:
    """Path of the extension binary matching the running DuckDB version."""
    package = EXTENSION_PACKAGES[name]
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise ExtensionMissing(f"DuckDB extension {name!r} needs the package {package!r}; run 'uv sync'") from exc
    root = Path(module.__path__[0]) / "extensions" / f"v{duckdb.__version__}"
    matches = sorted(root.rglob(f"{name}.duckdb_extension"))
    if not matches:
        raise ExtensionMissing(f"{package} has no {name} extension for DuckDB {duckdb.__version__} under {root}")
    return matches[0]


def connect_offline(names: tuple[str, ...] = ("sqlite_scanner", "ducklake")) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that can never download an extension, with the given ones loaded (signed)."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for name in names:
        con.execute(f"LOAD '{extension_file(name).as_posix()}'")
    return con
