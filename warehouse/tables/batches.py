"""Batches against their declarations: Arrow schemas from the declared types, and the checks every load runs.

The load writes with INSERT ... BY NAME, which would turn a column a transform forgot into NULLs and would drop a
misspelt one into an error far from its cause; checking the column names here first makes both fail at once,
naming the table and the column.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import pyarrow as pa

from warehouse.tables import table
from warehouse.tables.model import Field

#: DuckDB types as Arrow builds them; the load casts to the catalog's types by column name.
_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "BLOB": pa.binary(),
}


class BatchShapeError(ValueError):
    """A batch's columns do not match its table's declaration."""


def arrow_type(duckdb_type: str) -> pa.DataType:
    """The Arrow type of a declared DuckDB type (lists as X[])."""
    if duckdb_type.endswith("[]"):
        return pa.list_(arrow_type(duckdb_type[:-2]))
    return _ARROW_TYPES[duckdb_type]


def arrow_field(field: Field) -> pa.Field:
    return pa.field(field.name, arrow_type(field.type), nullable=field.nullable)


def arrow_schema(name: str, columns: Collection[str] | None = None) -> pa.Schema:
    """The Arrow schema of a table, or of the given columns of it, in declaration order."""
    fields = table(name).fields
    return pa.schema([arrow_field(f) for f in fields if columns is None or f.name in columns])


def check_columns(name: str, columns: Iterable[str], lineage: Collection[str] | None = None) -> None:
    """Refuse a batch with a column the table does not declare, or without one it must carry.

    lineage names what the load adds from the run's lineage; None checks a batch before it meets a load
    (lineage columns are then not required).
    """
    declared = table(name)
    given = set(columns)
    unknown = given - set(declared.columns)
    if unknown:
        raise BatchShapeError(
            f"table {name}: batch has column(s) {', '.join(sorted(unknown))} that the table does not declare"
        )
    required = [f.name for f in declared.fields if f.supply == "batch"]
    if lineage is not None:
        required += [c for c in declared.supplied("lineage") if c not in lineage]
    missing = [c for c in required if c not in given]
    if missing:
        raise BatchShapeError(f"table {name}: batch is missing column(s) {', '.join(missing)}")


def check_batch(name: str, batch: pa.Table, lineage: Mapping[str, str]) -> None:
    """The check a load runs on each table of a batch: declared columns only, every required one, keys set."""
    check_columns(name, batch.column_names, lineage)
    for field in table(name).fields:
        if not field.nullable and field.name in batch.column_names and batch.column(field.name).null_count:
            raise BatchShapeError(f"table {name}: column {field.name} is NULL in some rows but may not be")


def rows_to_arrow(name: str, rows: list[dict]) -> pa.Table:
    """Row dicts to an Arrow table of the declared types; every row must carry the same, declared columns."""
    columns = rows[0].keys() if rows else {}
    for index, row in enumerate(rows):
        if row.keys() != columns:
            differ = sorted(set(row) ^ set(columns))
            raise BatchShapeError(f"table {name}: row {index} differs from row 0 in column(s) {', '.join(differ)}")
    check_columns(name, columns)
    return pa.Table.from_pylist(rows, schema=arrow_schema(name, columns))


def padded(name: str, batch: pa.Table) -> pa.Table:
    """A batch with NULL columns added for every column it may carry but lacks.

    For synthetic batches (tests, benchmarks) that leave columns empty on purpose; the pipeline never pads, so a
    column a transform forgets still fails its load.
    """
    for field in table(name).fields:
        if field.supply in ("batch", "optional") and field.name not in batch.column_names:
            empty = pa.nulls(batch.num_rows, arrow_type(field.type))
            batch = batch.append_column(arrow_field(field).with_nullable(True), empty)
    return batch
