"""The report's SELECTs, read by name from sql/report/ like the named queries in sql/queries/.

Kept as .sql files so they can be read, run and reviewed in any SQL tool; they ship in the wheel with the rest of
sql/ (under warehouse/sql) and take their values as DuckDB $name parameters, never as SQL text.
"""

from __future__ import annotations

from functools import cache

from warehouse.paths import sql_dir


@cache
def report_sql(name: str) -> str:
    """The text of sql/report/<name>.sql; a missing file is a bug, so it raises FileNotFoundError."""
    return (sql_dir() / "report" / f"{name}.sql").read_text(encoding="utf-8")
