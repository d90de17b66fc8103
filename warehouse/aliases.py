"""The user-editable alias table: surfaces that must resolve to a given entity."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from warehouse.tables.batches import rows_to_arrow
from warehouse.transaction import transaction


class AliasError(ValueError):
    """An alias names an entity the warehouse does not know."""


def resolve_entity(con: duckdb.DuckDBPyConnection, ref: str, ref_norm: str) -> str:
    """An entity id from an id or a (normalised) canonical name; the most-mentioned one wins a tie."""
    row = con.execute(
        """
        SELECT e.entity_id FROM entities AS e
        LEFT JOIN (SELECT entity_id, count(*) AS n FROM mentions GROUP BY 1) AS m USING (entity_id)
        WHERE e.entity_id = $ref OR lower(e.name) = lower($ref) OR lower(e.name) = $norm
        ORDER BY e.entity_id = $ref DESC, coalesce(m.n, 0) DESC, e.entity_id
        LIMIT 1
        """,
        {"ref": ref, "norm": ref_norm},
    ).fetchone()
    if row is None:
        raise AliasError(
            f'no entity {ref!r}; find one with: wirehouse sql "SELECT entity_id, name FROM entities '
            f"WHERE name ILIKE '%{ref[:30]}%'\""
        )
    return row[0]


def add_aliases(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]], entity_id: str, origin: str) -> int:
    """Record (surface, normalised surface) -> entity_id in one transaction; the latest alias wins."""
    now = datetime.now(UTC)
    rows = rows_to_arrow(
        "entity_aliases",
        [{"alias": s, "alias_norm": n, "entity_id": entity_id, "origin": origin, "created_at": now} for s, n in pairs],
    )
    with transaction(con):
        con.register("new_aliases", rows)
        con.execute("DELETE FROM entity_aliases WHERE alias_norm IN (SELECT alias_norm FROM new_aliases)")
        con.execute("INSERT INTO entity_aliases BY NAME SELECT * FROM new_aliases")
        con.unregister("new_aliases")
    return rows.num_rows


def surfaces_of(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[str]:
    """Every way an entity has been written: its name and its mention surfaces."""
    rows = con.execute(
        "SELECT name FROM entities WHERE entity_id = $id UNION SELECT DISTINCT surface FROM mentions "
        "WHERE entity_id = $id",
        {"id": entity_id},
    ).fetchall()
    return sorted({r[0] for r in rows if r[0]})


def list_aliases(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return con.execute(
        "SELECT a.alias, a.alias_norm, a.entity_id, e.name, a.origin, a.created_at FROM entity_aliases AS a "
        "LEFT JOIN entities AS e USING (entity_id) ORDER BY a.created_at, a.alias"
    ).to_arrow_table()
