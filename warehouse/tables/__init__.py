"""Every warehouse table, declared once: columns, types, keys, load rule, partitioning and meaning.

The Arrow schemas batches are built with, the load's SQL, the stage-to-table maps, docs/tables.md and the DDL
to start a new table's migration from are all derived from these declarations, and a test holds the migrated
catalog to them. Adding a column is one Field in the table's declaration plus one numbered migration in
sql/migrations/.
"""

from __future__ import annotations

from warehouse.tables import derived, nlp, pages, runs
from warehouse.tables.model import BATCH_WRITER, Field, LoadRule, Table

#: Every table; those loaded batch by batch come first, in load order (owners before the rows pointing at them).
TABLES: tuple[Table, ...] = (
    pages.RAW_PAGES,
    pages.ARTICLE_VERSIONS,
    nlp.ENTITIES,
    nlp.MENTIONS,
    nlp.CLAIM_ROWS,
    nlp.CLAIM_QUANTITIES,
    nlp.CLAIM_DATES,
    nlp.CLAIM_ENTITIES,
    runs.ARTICLE_PROCESSING,
    runs.QUARANTINE,
    runs.WATERMARKS,
    runs.RUN_BATCHES,
    nlp.ENTITY_ALIASES,
    nlp.CLAIM_CLUSTERS,
    runs.CHECKS,
    runs.BACKFILL_WINDOWS,
    runs.SCHEMA_MIGRATIONS,
    *derived.TABLES,
)
#: The tables grouped as the docs present them: (heading, what the group holds, its tables).
GROUPS: tuple[tuple[str, str, tuple[Table, ...]], ...] = tuple(
    (title, (module.__doc__ or "").strip(), module.TABLES)
    for title, module in (("Pages", pages), ("Entities and claims", nlp), ("Runs", runs), ("Derived", derived))
)
BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
#: The tables a load batch may carry, in the order they are loaded.
LOAD_ORDER: tuple[str, ...] = tuple(t.name for t in TABLES if t.batch_loaded)


def table(name: str) -> Table:
    """The declaration of a table; an unknown name is an error that says so."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no table {name!r} is declared in warehouse/tables") from None


def stage_tables(stage: str) -> tuple[str, ...]:
    """Tables whose rows a pipeline stage produces, in load order."""
    return tuple(t.name for t in TABLES if t.stage == stage)


__all__ = [
    "BATCH_WRITER",
    "BY_NAME",
    "GROUPS",
    "LOAD_ORDER",
    "TABLES",
    "Field",
    "LoadRule",
    "Table",
    "stage_tables",
    "table",
]
