"""The table declarations: the migrated catalog matches them, batches are held to them, the docs follow them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from warehouse.lake import open_writer
from warehouse.load import load_batch
from warehouse.rollups import rollups
from warehouse.tables import TABLES, Field, Table, table
from warehouse.tables.batches import BatchShapeError, arrow_schema, check_batch, padded, rows_to_arrow
from warehouse.tables.ddl import create_sql
from warehouse.tables.doc import COMMAND, render

REPO = Path(__file__).resolve().parents[1]
LINEAGE = {"run_id": "run-1", "code_version": "test", "transform_version": "t-1"}
#: Where DuckLake keeps the partitioning of the attached lake's tables (the catalog alias is wh).
PARTITIONS_SQL = """
SELECT t.table_name, c.column_name, pc.transform
FROM __ducklake_metadata_wh.ducklake_partition_column AS pc
JOIN __ducklake_metadata_wh.ducklake_partition_info AS pi USING (partition_id, table_id)
JOIN __ducklake_metadata_wh.ducklake_table AS t USING (table_id)
JOIN __ducklake_metadata_wh.ducklake_column AS c ON c.table_id = pc.table_id AND c.column_id = pc.column_id
WHERE pi.end_snapshot IS NULL AND t.end_snapshot IS NULL AND c.end_snapshot IS NULL
ORDER BY t.table_name, pc.partition_key_index
"""


def declared_shape(tables: tuple[Table, ...]) -> dict[str, dict]:
    """What a migrated catalog must hold for each table: columns with types and comments in order, partitions."""
    return {
        t.name: {
            "description": t.description,
            "columns": [(f.name, f.duckdb_type, f.description) for f in t.fields],
            "partitioned_by": list(t.partitioned_by),
        }
        for t in tables
    }


def catalog_shape(con, partitions: bool = True) -> dict[str, dict]:
    """The same, read from the lake's catalog."""
    shape = {
        name: {"description": comment, "columns": [], "partitioned_by": []}
        for name, comment in con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = 'wh'"
        ).fetchall()
    }
    for name, column, type_, comment in con.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = 'wh' AND table_name IN (SELECT table_name FROM duckdb_tables()) "
        "ORDER BY table_name, column_index"
    ).fetchall():
        shape[name]["columns"].append((column, type_, comment))
    for name, column, transform in con.execute(PARTITIONS_SQL).fetchall() if partitions else ():
        shape[name]["partitioned_by"].append(f"{transform}({column})")
    return shape


def differences(declared: dict[str, dict], catalog: dict[str, dict]) -> list[str]:
    """Readable mismatches, one per table and aspect, so a failing test says what to fix."""
    found = [f"{name}: declared, but no migration creates it" for name in declared.keys() - catalog.keys()]
    found += [f"{name}: created by the migrations, but not declared" for name in catalog.keys() - declared.keys()]
    for name in sorted(declared.keys() & catalog.keys()):
        for aspect, want in declared[name].items():
            if catalog[name][aspect] != want:
                found.append(f"{name}.{aspect}: declared {want!r}, migrated {catalog[name][aspect]!r}")
    return found


@pytest.fixture(scope="module")
def fresh_lake(tmp_path_factory):
    """A lake built by the migrations alone (creating one costs seconds, so the tests that only read share it)."""
    from warehouse.paths import Home

    home = Home.resolve(tmp_path_factory.mktemp("tables") / "home")
    with open_writer(home) as con:
        yield con


def test_the_migrations_build_exactly_the_declared_tables(fresh_lake):
    assert differences(declared_shape(TABLES), catalog_shape(fresh_lake)) == []


def test_a_column_declared_without_its_migration_is_caught(fresh_lake):
    quarantine = table("quarantine")
    grown = dataclasses.replace(quarantine, fields=(*quarantine.fields, Field("retries", "INTEGER", "Tries.")))
    tables = tuple(grown if t is quarantine else t for t in TABLES)
    found = differences(declared_shape(tables), catalog_shape(fresh_lake))
    assert len(found) == 1 and found[0].startswith("quarantine.columns") and "retries" in found[0]


def test_rollup_keys_are_the_declared_keys():
    assert {r.table: r.keys for r in rollups()} == {r.table: table(r.table).primary_key for r in rollups()}


def test_docs_tables_md_is_current():
    stale = (REPO / "docs" / "tables.md").read_text(encoding="utf-8") != render()
    assert not stale, f"docs/tables.md is stale: run {COMMAND}"


def _mentions(**extra) -> list[dict]:
    row = {
        "article_id": "a1",
        "entity_id": "person:ann",
        "surface": "Ann",
        "start_char": 0,
        "end_char": 3,
        "sentence_index": 0,
        "role": None,
        "label": "PERSON",
        "method": "ner",
    }
    return [{**row, **extra}]


def test_a_batch_without_a_declared_column_fails_naming_table_and_column(home):
    rows = pa.Table.from_pylist(_mentions())
    with open_writer(home) as con:
        with pytest.raises(BatchShapeError, match=r"table mentions: batch is missing column\(s\) role"):
            load_batch(con, {"mentions": rows.drop_columns(["role"])}, LINEAGE)
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
        load_batch(con, {"mentions": rows}, LINEAGE)
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1


def test_a_batch_with_an_undeclared_column_fails_naming_table_and_column(home):
    rows = pa.Table.from_pylist(_mentions(confidence=0.9))
    with open_writer(home) as con, pytest.raises(BatchShapeError, match="table mentions: .*confidence"):
        load_batch(con, {"mentions": rows}, LINEAGE)


def test_lineage_columns_are_required_only_when_the_run_lineage_lacks_them(home):
    rows = pa.Table.from_pylist(_mentions())
    with open_writer(home) as con:
        with pytest.raises(BatchShapeError, match="transform_version"):
            load_batch(con, {"mentions": rows}, {"run_id": "r", "code_version": "c"})
        load_batch(con, {"mentions": rows}, LINEAGE)
        assert con.execute("SELECT run_id, transform_version FROM mentions").fetchall() == [("run-1", "t-1")]


def test_a_null_key_fails():
    entities = padded("entities", pa.Table.from_pylist([{"entity_id": None, "kind": "PERSON", "name": "Ann"}]))
    with pytest.raises(BatchShapeError, match="table entities: column entity_id is NULL"):
        check_batch("entities", entities, LINEAGE)


def test_rows_are_built_with_the_declared_types():
    rows = [{**r, "transform_version": "t"} for r in _mentions()]
    built = rows_to_arrow("mentions", rows)
    assert built.schema == arrow_schema("mentions", set(rows[0]))
    assert built.schema.field("start_char").type == pa.int32()
    quantities = table("claim_quantities")
    assert arrow_schema("claim_quantities").names == list(quantities.columns)


def test_rows_that_disagree_on_their_columns_are_refused():
    rows = _mentions() + [{k: v for k, v in _mentions()[0].items() if k != "label"}]
    with pytest.raises(BatchShapeError, match="table mentions: row 1 differs from row 0 in column.s. label"):
        rows_to_arrow("mentions", rows)
    with pytest.raises(BatchShapeError, match="table mentions: .*speaker"):
        rows_to_arrow("mentions", _mentions(speaker="x"))


def test_padding_fills_what_a_synthetic_batch_leaves_out():
    day = dt.date(2024, 5, 1)
    articles = padded("article_versions", pa.Table.from_pylist([{"article_id": "a", "published_date": day}]))
    batch_columns = [f.name for f in table("article_versions").fields if f.supply == "batch"]
    assert set(batch_columns) <= set(articles.column_names)
    assert "run_id" not in articles.column_names  # lineage fills it at load time


def test_ddl_from_the_declarations_builds_the_declared_tables():
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS wh")
    con.execute("USE wh")
    for declared in TABLES:
        con.execute(create_sql(declared, partitioned=False))
    shape = declared_shape(TABLES)
    for aspect in shape.values():
        aspect["partitioned_by"] = []
    assert differences(shape, catalog_shape(con, partitions=False)) == []
