"""Data-quality checks after each load: sql/checks/*.sql count the run's rows that break a rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import duckdb

from warehouse.paths import sql_dir
from warehouse.tables.batches import rows_to_arrow
from warehouse.transaction import transaction

ASSERTS = re.compile(r"^--\s*asserts:\s*(.*)$", re.MULTILINE)


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    """Run every check for one run and record the results in the checks table (one transaction)."""
    results = []
    for path in sorted((sql_dir() / "checks").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        failed = int(con.execute(text.strip().rstrip(";"), {"run_id": run_id}).fetchone()[0])
        detail = ASSERTS.search(text)
        results.append(
            {
                "run_id": run_id,
                "check_name": path.stem,
                "failed_rows": failed,
                "passed": failed == 0,
                "detail": detail.group(1).strip() if detail else path.stem,
                "checked_at": datetime.now(UTC),
            }
        )
    if results:
        with transaction(con):
            con.register("check_results", rows_to_arrow("checks", results))
            con.execute("INSERT INTO checks BY NAME SELECT * FROM check_results")
            con.unregister("check_results")
    return results
