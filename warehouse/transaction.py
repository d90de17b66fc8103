"""One write transaction: all of it commits, or none of it does, and the error that stopped it is the one raised."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN, run the block, COMMIT; on any error roll back and re-raise that error.

    A COMMIT that fails (a catalog that refused the write, say) has already ended the transaction, so the
    ROLLBACK after it finds nothing to undo; that must not hide why the COMMIT failed.
    """
    con.execute("BEGIN")
    try:
        yield
        con.execute("COMMIT")
    except BaseException as exc:
        _roll_back(con, exc)
        raise


def _roll_back(con: duckdb.DuckDBPyConnection, cause: BaseException) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as rollback_error:
        if "no transaction is active" not in str(rollback_error):
            cause.add_note(f"the rollback after it failed too: {rollback_error}")
