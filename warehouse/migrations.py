"""Bring a warehouse up to the schema in sql/: numbered migrations first, then views."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.paths import sql_dir
from warehouse.transaction import transaction

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def _fill_current_versions_and_rollups(con: duckdb.DuckDBPyConnection) -> None:
    # Imported here: rollups and state pull in pyarrow, which read-only commands never need.
    from warehouse import rollups
    from warehouse.state import refresh_figure_conflicts

    rollups.rebuild(con, run_id="migration-003")
    refresh_figure_conflicts(con, run_id="migration-003")


#: Migrations whose new tables are filled from existing rows, by the code that keeps them up to date later.
FILL_AFTER: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {3: _fill_current_versions_and_rollups}


@dataclass(frozen=True)
class SqlFile:
    version: int
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def migration_files(root: Path | None = None) -> list[SqlFile]:
    root = (root or sql_dir()) / "migrations"
    files = [SqlFile(int(m.group(1)), p) for p in root.iterdir() if (m := MIGRATION_NAME.match(p.name))]
    return sorted(files, key=lambda f: f.version)


def view_files(root: Path | None = None) -> list[SqlFile]:
    return [SqlFile(0, p) for p in sorted(((root or sql_dir()) / "views").glob("*.sql"))]


def latest_version() -> int:
    return migration_files()[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has every migration and every view as shipped, in one query.

    Every writer opens through migrate(); the schema statements it would otherwise run first are one catalog
    transaction each (half a second on a DuckLake), for a warehouse that is almost always up to date.
    """
    try:
        rows = con.execute("SELECT version, name, checksum FROM schema_migrations").fetchall()
    except duckdb.CatalogException:  # a new warehouse: no schema_migrations table yet
        return False
    views = {name: checksum for version, name, checksum in rows if version == 0}
    have = max((version for version, _, _ in rows), default=0)
    return have >= latest_version() and all(views.get(v.path.name) == v.checksum for v in view_files())


def migrate(con: duckdb.DuckDBPyConnection, up_to: int | None = None) -> list[str]:
    """Apply missing migrations and changed views, each in its own transaction; returns what was applied.

    up_to stops at an older version (to build a warehouse as an earlier release left it, in tests).
    """
    if up_to is None and is_current(con):
        return []
    con.execute((sql_dir() / "schema_migrations.sql").read_text(encoding="utf-8"))
    applied: list[str] = []
    have = current_version(con)
    for migration in migration_files():
        if migration.version > have and (up_to is None or migration.version <= up_to):
            _apply(con, migration)
            applied.append(migration.path.name)
    if up_to is not None:
        return applied
    view_checksums = dict(con.execute("SELECT name, checksum FROM schema_migrations WHERE version = 0").fetchall())
    for view in view_files():
        if view_checksums.get(view.path.name) != view.checksum:
            _apply(con, view)
            applied.append(view.path.name)
    return applied


def _apply(con: duckdb.DuckDBPyConnection, sql_file: SqlFile) -> None:
    with transaction(con):
        con.execute(sql_file.text)
        if sql_file.version in FILL_AFTER:
            FILL_AFTER[sql_file.version](con)
        con.execute("DELETE FROM schema_migrations WHERE name = ?", [sql_file.path.name])
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?, now())",
            [sql_file.version, sql_file.path.name, sql_file.checksum],
        )
