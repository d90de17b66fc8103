"""The library API called from Python, as a user would, on a small real warehouse: what the CLI prints, as data."""

from __future__ import annotations

import gzip

import pyarrow as pa
import pytest

from flows import api
from flows.api import NoSource, WirehouseError
from flows.settings import load_settings
from warehouse.lake import open_writer
from warehouse.load import load_batch
from warehouse.paths import Home
from warehouse.results import Rows
from warehouse.tables.batches import padded

LINEAGE = {"run_id": "run-1", "code_version": "test", "transform_version": "t-1"}


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Home:
    """One warehouse with two entities (creating one costs seconds); the tests that write come last."""
    home = Home.resolve(tmp_path_factory.mktemp("api") / "home")
    people = [{"entity_id": f"person:{n}", "kind": "PERSON", "name": n} for n in ("Ann Lee", "Bob Ray")]
    with open_writer(home) as con:
        load_batch(con, {"entities": padded("entities", pa.Table.from_pylist(people))}, LINEAGE)
    return home


def test_run_sql_returns_plain_rows_or_arrow(lake):
    result = api.run_sql(lake, "SELECT name FROM entities ORDER BY name")
    assert result == Rows(["name"], [("Ann Lee",), ("Bob Ray",)])
    table = api.run_sql(lake, "SELECT count(*) AS n FROM entities", arrow=True)
    assert table.to_pylist() == [{"n": 2}]


def test_run_sql_takes_a_directory_too(lake):
    assert api.run_sql(str(lake.root), "SELECT count(*) FROM entities").rows == [(2,)]


def test_run_sql_refuses_a_write_unless_asked(lake):
    with pytest.raises(WirehouseError, match="not allowed read-only"):
        api.run_sql(lake, "DELETE FROM entities")
    assert api.run_sql(lake, "SELECT count(*) FROM entities").rows == [(2,)]


def test_named_queries_are_listed_and_run_with_text_parameters(lake):
    names = {q.name for q in api.list_named_queries()}
    assert "most_mentioned_entities" in names
    named, result = api.run_named_query(lake, "most_mentioned_entities", {"limit": "5"})
    assert named.name == "most_mentioned_entities"
    assert "entity_id" in result.columns and result.rows == []  # no mentions yet
    with pytest.raises(WirehouseError):
        api.run_named_query(lake, "no_such_query")


def test_status_and_quarantine_as_data(lake):
    status = api.status_data(lake)
    assert status.counts["entities"] == 2 and status.counts["articles"] == 0
    assert [s.title for s in status.sections][:2] == ["latest runs", "latest snapshots"]
    assert status.size_bytes > 0
    rows = api.quarantine_rows(lake, include_resolved=True)
    assert rows.rows == [] and rows.columns[-2:] == ["resolved_at", "resolved_by_run"]


def test_aliases_are_added_listed_and_merged(lake):
    assert api.add_alias(lake, "A. Lee", "Ann Lee") == "person:Ann Lee"
    listed = api.list_aliases(lake).to_pylist()
    assert [(r["alias"], r["entity_id"], r["origin"]) for r in listed] == [("A. Lee", "person:Ann Lee", "user")]
    with pytest.raises(WirehouseError, match="already the same entity"):
        api.merge_entities(lake, "Ann Lee", "person:Ann Lee")
    assert api.merge_entities(lake, "Ann Lee", "Bob Ray") == ("person:Bob Ray", "person:Ann Lee", 1)


def test_compact_reports_what_it_did(lake):
    result = api.compact(lake)
    assert result.files_after <= result.files_before


def test_an_ingest_with_nothing_new_returns_its_summary_without_prefect(lake, tmp_path):
    warc = tmp_path / "empty.warc.gz"
    with gzip.open(warc, "wb"):
        pass
    summary, started = api.ingest(load_settings(home=str(lake.root)), warcs=[str(warc)], wait_s=10.0)
    assert not started and summary["discovered"] == 0
    assert summary["run_id"] and api.status_data(lake).counts["articles"] == 0


def test_a_backfill_without_a_source_says_so(lake):
    with pytest.raises(NoSource, match="give a source"):
        api.backfill(load_settings(home=str(lake.root)), "2024-01-01", "2024-01-02")
