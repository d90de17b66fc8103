"""The backfill ledger: which windows of a backfill are done, so a re-run skips them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb

from warehouse.tables.batches import rows_to_arrow


def window_states(con: duckdb.DuckDBPyConnection, backfill_id: str) -> dict[tuple[date, date], dict]:
    """Latest ledger row per window of one backfill."""
    rows = (
        con.execute(
            """
        SELECT * FROM backfill_windows WHERE backfill_id = $id
        QUALIFY row_number() OVER (PARTITION BY window_start, window_end ORDER BY updated_at DESC) = 1
        """,
            {"id": backfill_id},
        )
        .to_arrow_table()
        .to_pylist()
    )
    return {(r["window_start"], r["window_end"]): r for r in rows}


def record_window(
    con: duckdb.DuckDBPyConnection,
    backfill_id: str,
    window: tuple[date, date],
    status: str,
    attempts: int,
    flow_run_id: str | None = None,
    articles: int | None = None,
    error: str | None = None,
) -> None:
    """Append one state change (a row per change keeps the history of retries)."""
    row = {
        "backfill_id": backfill_id,
        "window_start": window[0],
        "window_end": window[1],
        "status": status,
        "flow_run_id": flow_run_id,
        "attempts": attempts,
        "articles": articles,
        "error": (error or None) and error[:1000],
        "updated_at": datetime.now(UTC),
    }
    con.register("ledger_row", rows_to_arrow("backfill_windows", [row]))
    try:
        con.execute("INSERT INTO backfill_windows BY NAME SELECT * FROM ledger_row")
    finally:
        con.unregister("ledger_row")
