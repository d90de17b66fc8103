"""Rollups and current versions stay exact through new articles, newer versions, re-processing and migration."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pytest

from warehouse.lake import connect, open_writer
from warehouse.load import Replacement, load_batch
from warehouse.migrations import migrate
from warehouse.tables.batches import padded

OUTLETS = ["Harbor Times", "Northern Ledger", None]
ENTITIES = [f"person:p{i}" for i in range(6)]

#: The rollups recounted the slow way, straight from the articles view: what each rollup table must equal.
RECOUNT = {
    "entity_day_counts": """
        SELECT a.published_date, m.entity_id, count(DISTINCT m.article_id) AS articles, count(*) AS mentions
        FROM mentions m JOIN articles a USING (article_id) GROUP BY ALL""",
    "entity_outlet_counts": """
        SELECT m.entity_id, coalesce(a.site_name, a.source) AS outlet, count(DISTINCT m.article_id) AS articles,
               count(*) AS mentions
        FROM mentions m JOIN articles a USING (article_id) GROUP BY ALL""",
    "outlet_day_counts": """
        SELECT a.published_date, coalesce(a.site_name, a.source) AS outlet, count(*) AS articles,
               sum(a.word_count) AS words, coalesce(sum(c.claims), 0) AS claims
        FROM articles a
        LEFT JOIN (SELECT article_id, count(*) AS claims FROM claim_rows GROUP BY article_id) c USING (article_id)
        GROUP BY ALL""",
}


def _rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def assert_rollups_match(con) -> None:
    for table, recount in RECOUNT.items():
        columns = [r[0] for r in con.execute(f"DESCRIBE ({recount})").fetchall()]
        stored = _rows(con, f"SELECT {', '.join(columns)} FROM {table}")
        assert stored == _rows(con, recount), table


def article(article_id: str, doc: str, fetched_hour: int, day: int, outlet: str | None, words: int) -> dict:
    return {
        "article_id": article_id,
        "doc_id": doc,
        "url": f"https://example.org/{doc}",
        "canonical_url": f"https://example.org/{doc}",
        "title": doc,
        "text": "text",
        "published_date": dt.date(2024, 5, day),
        "published_at": dt.datetime(2024, 5, day, 8, tzinfo=dt.UTC),
        "fetched_at": dt.datetime(2024, 6, 1, fetched_hour, tzinfo=dt.UTC),
        "site_name": outlet,
        "source": "https://example.org/feed.xml",
        "word_count": words,
    }


def mentions(article_id: str, entity_ids: list[str]) -> list[dict]:
    return [
        {"article_id": article_id, "entity_id": e, "surface": e, "start_char": i, "end_char": i + 1}
        for i, e in enumerate(entity_ids)
    ]


def claims(article_id: str, n: int) -> list[dict]:
    return [
        {"claim_id": f"{article_id}-c{i}", "article_id": article_id, "speaker_text": "x", "content": "y"}
        for i in range(n)
    ]


def batch(articles: list[dict], mention_rows: list[dict], claim_rows: list[dict]) -> dict[str, pa.Table]:
    tables = {"article_versions": articles, "mentions": mention_rows, "claim_rows": claim_rows}
    return {name: padded(name, pa.Table.from_pylist(rows)) for name, rows in tables.items() if rows}


def lineage(run: str) -> dict[str, str]:
    return {"run_id": run, "code_version": "test", "transform_version": "t"}


def test_a_newer_version_moves_the_counts_and_the_articles_view_shows_only_it(home):
    with open_writer(home) as con:
        load_batch(
            con,
            batch(
                [article("a1", "d1", 1, 3, "Harbor Times", 100), article("a2", "d2", 1, 3, None, 50)],
                mentions("a1", ["person:p0", "person:p0", "person:p1"]) + mentions("a2", ["person:p1"]),
                claims("a1", 2),
            ),
            lineage("r1"),
        )
        assert_rollups_match(con)
        load_batch(
            con,
            batch(
                [article("a1v2", "d1", 5, 4, "Harbor Times", 120)], mentions("a1v2", ["person:p2"]), claims("a1v2", 1)
            ),
            lineage("r2"),
        )
        assert_rollups_match(con)
        assert _rows(con, "SELECT article_id FROM articles") == [("a1v2",), ("a2",)]
        assert _rows(con, "SELECT article_id, doc_id, run_id FROM superseded_versions") == [("a1", "d1", "r2")]
        assert (
            con.execute("SELECT sum(articles) FROM entity_outlet_counts WHERE entity_id = 'person:p0'").fetchone()[0]
            is None
        )
        # an older fetch arriving late does not take the place of the newer one
        load_batch(con, batch([article("a1v0", "d1", 0, 2, "Harbor Times", 90)], [], []), lineage("r3"))
        assert _rows(con, "SELECT article_id FROM articles") == [("a1v2",), ("a2",)]
        assert_rollups_match(con)


def test_reprocessed_mentions_and_claims_swap_their_counts(home):
    with open_writer(home) as con:
        load_batch(
            con,
            batch([article("a1", "d1", 1, 3, "Harbor Times", 100)], mentions("a1", ["person:p0"] * 3), claims("a1", 3)),
            lineage("r1"),
        )
        replacement = Replacement(article_ids=("a1",), stages=("entities", "claims"))
        load_batch(
            con,
            batch([], mentions("a1", ["person:p4"]), claims("a1", 1)),
            lineage("r2"),
            replacement=replacement,
        )
        assert_rollups_match(con)
        assert _rows(con, "SELECT entity_id, articles, mentions, run_id FROM entity_outlet_counts") == [
            ("person:p4", 1, 1, "r2")
        ]


def test_same_batch_twice_leaves_the_rollups_alone(home):
    rows = batch([article("a1", "d1", 1, 3, "Harbor Times", 100)], mentions("a1", ["person:p0"]), claims("a1", 1))
    with open_writer(home) as con:
        load_batch(con, rows, lineage("r1"))
        load_batch(con, rows, lineage("r2"))
        assert _rows(con, "SELECT articles, mentions, run_id FROM entity_day_counts") == [(1, 1, "r1")]


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.slow), pytest.param(3, marks=pytest.mark.slow)])
def test_random_loads_keep_every_rollup_equal_to_a_recount(home, seed):
    rng = random.Random(seed)
    with open_writer(home) as con:
        for run in range(6):
            articles, mention_rows, claim_rows = [], [], []
            for i in range(rng.randint(1, 8)):
                article_id = f"r{run}-a{i}"
                doc = f"d{rng.randint(0, 9)}"
                articles.append(
                    article(
                        article_id, doc, rng.randint(0, 23), rng.randint(1, 5), rng.choice(OUTLETS), rng.randint(1, 500)
                    )
                )
                mention_rows += mentions(article_id, [rng.choice(ENTITIES) for _ in range(rng.randint(0, 4))])
                claim_rows += claims(article_id, rng.randint(0, 2))
            load_batch(con, batch(articles, mention_rows, claim_rows), lineage(f"run{run}"))
            assert_rollups_match(con)
        docs = con.execute("SELECT count(DISTINCT doc_id), count(*) FROM articles").fetchone()
        assert docs[0] == docs[1]
        stray = con.execute(
            "SELECT count(*) FROM claim_rows c JOIN article_versions a USING (article_id) "
            "WHERE c.published_date IS DISTINCT FROM a.published_date"
        ).fetchone()[0]
        assert stray == 0, "claims carry their article's publication day"


def test_a_version_2_warehouse_gets_current_versions_and_rollups_when_migrated(home):
    old = connect(home, read_only=False)
    migrate(old, up_to=2)
    for row in (article("a1", "d1", 1, 3, "Harbor Times", 100), article("a1v2", "d1", 2, 4, "Harbor Times", 80)):
        old.register("row", pa.Table.from_pylist([row]))
        old.execute("INSERT INTO article_versions BY NAME SELECT * FROM row")
        old.unregister("row")
    old.register("m", pa.Table.from_pylist(mentions("a1", ["person:p0"]) + mentions("a1v2", ["person:p1"] * 2)))
    old.execute("INSERT INTO mentions BY NAME SELECT * FROM m")
    old.register("c", pa.Table.from_pylist(claims("a1v2", 2)))
    old.execute("INSERT INTO claim_rows BY NAME SELECT * FROM c")
    old.close()

    with open_writer(home) as con:
        assert _rows(con, "SELECT article_id FROM articles") == [("a1v2",)]
        assert _rows(con, "SELECT entity_id, articles, mentions FROM entity_outlet_counts") == [("person:p1", 1, 2)]
        assert_rollups_match(con)
        assert _rows(con, "SELECT DISTINCT published_date FROM claim_rows") == [(dt.date(2024, 5, 4),)]
