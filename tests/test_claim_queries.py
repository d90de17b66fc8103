"""The claim view and named queries against a plain in-memory DuckDB built from the real DDL and views.

The tables come from sql/migrations/*.sql (minus the DuckLake-only partitioning statement) and the views from
sql/views/*.sql; the rows come from running the real entity and claims stages over the annotated articles, and the
clustering from transforms.dedup through the warehouse's own clustering queries.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from warehouse.load import load_batch
from warehouse.tables.batches import padded

REPO = Path(__file__).resolve().parents[1]
SQL = REPO / "sql"
DATA = Path(__file__).parent / "data" / "claims"
ARTICLES = ("d01_border_wire.txt", "d02_border_ledger.txt", "d03_border_meridian.txt", "d10_migrants.txt")
LINEAGE = {"run_id": "test", "code_version": "test", "transform_version": "test"}
QUERIES = ("what_did_x_say_about_y", "hedged_or_denied_claims", "conflicting_figures", "claim_timeline")


def _schema(con: duckdb.DuckDBPyConnection) -> None:
    for path in sorted((SQL / "migrations").glob("*.sql")):
        ddl = re.sub(r"ALTER TABLE \w+ SET PARTITIONED BY[^;]*;", "", path.read_text(encoding="utf-8"))
        con.execute(ddl)
    for path in sorted((SQL / "views").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def _load_articles(con: duckdb.DuckDBPyConnection) -> None:
    from transforms.claims import extract_claims
    from transforms.entities import link_entities
    from transforms.nlp import load_nlp

    nlp = load_nlp()
    meta = {a["file"]: a for a in json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["articles"]}
    for name in ARTICLES:
        text = (DATA / name).read_text(encoding="utf-8")
        published = datetime.fromisoformat(meta[name]["published_at"])
        article_id = name.removesuffix(".txt")
        article = {
            "article_id": article_id,
            "doc_id": article_id,
            "url": f"https://example.org/{article_id}",
            "canonical_url": f"https://example.org/{article_id}",
            "title": article_id,
            "published_at": published,
            "published_date": published.date(),
            "source": "test",
            "site_name": meta[name]["outlet"],
            "language": "en",
            "text": text,
            "fetched_at": published,
        }
        doc = nlp(text)
        linked = link_entities(doc, article_id)
        found = extract_claims(doc, linked.mentions, linked.entities, article_id, published)
        rows = {
            "article_versions": [article],
            "entities": linked.entities,
            "mentions": linked.mentions,
            "claim_rows": found.claims,
            "claim_quantities": found.quantities,
            "claim_dates": found.dates,
            "claim_entities": found.claim_entities,
        }
        load_batch(con, {table: padded(table, pa.Table.from_pylist(r)) for table, r in rows.items() if r}, LINEAGE)


@pytest.fixture(scope="module")
def con():
    from transforms.dedup import DEDUP_VERSION, cluster_claims
    from warehouse.state import claims_for_clustering, replace_clusters

    con = duckdb.connect()
    _schema(con)
    _load_articles(con)
    assignments = cluster_claims(claims_for_clustering(con))
    replace_clusters(con, assignments, {"run_id": "test", "transform_version": DEDUP_VERSION})
    yield con
    con.close()


def _run(con, name: str, **params) -> list[dict]:
    from warehouse.queries import parse_query, run_query

    query = parse_query(SQL / "queries" / f"{name}.sql")
    rel = run_query(con, query, {k: str(v) for k, v in params.items()})
    columns = [d[0] for d in rel.description]
    return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]


def test_query_headers_parse():
    from warehouse.queries import parse_query

    for name in QUERIES:
        query = parse_query(SQL / "queries" / f"{name}.sql")
        assert query.name == name and query.answers
        for param in query.params:
            assert f"${param.name}" in query.sql


def test_same_quote_in_two_outlets_is_one_cluster(con):
    rows = con.execute(
        "SELECT count(DISTINCT article_id) FROM claims WHERE content LIKE 'We are watching every movement%' "
        "GROUP BY cluster_id"
    ).fetchall()
    assert rows == [(2,)]


def test_figure_conflicts_finds_troop_numbers(con):
    rows = con.execute("SELECT * FROM figure_conflicts WHERE unit = 'troops'").fetchall()
    columns = [d[0] for d in con.description]
    conflicts = [dict(zip(columns, r, strict=True)) for r in rows]
    assert conflicts, "10,000 vs 12,000 troops about Valdoria should conflict"
    valdoria = [c for c in conflicts if c["basis"] == "entity" and "Valdoria" in c["cluster_or_topic"]]
    assert valdoria and valdoria[0]["value_min"] <= 10000 and valdoria[0]["value_max"] >= 12000
    assert len(valdoria[0]["outlets"]) >= 2 and valdoria[0]["claims"] >= 2


def test_conflicting_figures_filters_by_unit(con):
    every = _run(con, "conflicting_figures")
    troops = _run(con, "conflicting_figures", unit="Troops")
    assert troops and all(r["unit"] == "troops" for r in troops)
    assert len(every) >= len(troops)


def test_what_did_x_say_about_y(con):
    rows = _run(con, "what_did_x_say_about_y", speaker="berg", about="Valdoria")
    assert rows and all("Berg" in r["speaker"] for r in rows)
    assert any("12,000" in (r["figures"] or "") for r in rows)
    assert any(r["dates"] and "2024-10-28" in r["dates"] for r in rows)
    assert not _run(con, "what_did_x_say_about_y", speaker="berg", about="Valdoria", to="2024-01-01")


def test_hedged_or_denied_claims(con):
    rows = _run(con, "hedged_or_denied_claims", entity="valdoria")
    assert rows and all(r["hedged"] or r["polarity"] != "asserted" for r in rows)
    assert {"denied"} <= {r["polarity"] for r in rows}


def test_claim_timeline_is_ordered(con):
    rows = _run(con, "claim_timeline", entity="Berg")
    assert len(rows) >= 5
    assert [r["event_from"] for r in rows] == sorted(r["event_from"] for r in rows)
