"""Claims without a speaker, clustered in chunks through DuckDB: the clusters of cluster_claims over all of them."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from contextlib import nullcontext
from itertools import combinations

import duckdb
import pyarrow as pa

import transforms.dedup as dedup
from flows.tasks import cluster_by_speaker, cluster_task, cluster_unnamed
from transforms.dedup import BRUTE_FORCE_MAX, UNNAMED_THRESHOLD, cluster_claims, unnamed_signatures
from warehouse.lake import open_writer
from warehouse.load import load_batch
from warehouse.state import claims_by_speaker, claims_for_clustering
from warehouse.tables.batches import padded

SENTENCE = "the officials said talks over the port would resume next week after unions and owners failed to agree"
WORDS = SENTENCE.split()
OUTLETS = ["Wire", "Ledger", "Daily", "Herald", None]


def _rows(n: int, seed: int = 3) -> list[dict]:
    """n claims, most without a speaker: variants of a few sentences, one to four words changed, so pairs fall on
    both sides of 0.8 (and some near-copies are not LSH candidates)."""
    rng = random.Random(seed)
    bases = [rng.sample(WORDS, len(WORDS)) for _ in range(12)]
    rows = []
    for i in range(n):
        words = list(bases[rng.randrange(len(bases))])
        for _ in range(rng.choice((0, 1, 1, 2, 4))):
            words[rng.randrange(len(words))] = rng.choice(("reportedly", "possibly", "again", "Monday", "quietly"))
        speaker = "person:ann" if i % 10 == 0 else None
        rows.append(_claim(f"c{i:04d}", speaker, " ".join(words), OUTLETS[rng.randrange(len(OUTLETS))]))
    return rows


def _claim(claim_id: str, speaker: str | None, content: str, source: str | None) -> dict:
    return {
        "claim_id": claim_id,
        "speaker_entity_id": speaker,
        "content": content,
        "article_source": source,
        "entity_ids": [],
    }


def _warehouse(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """The three tables the clustering query reads, one article per claim."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE claim_rows (claim_id VARCHAR, article_id VARCHAR, speaker_entity_id VARCHAR, content VARCHAR)"
    )
    con.execute("CREATE TABLE articles (article_id VARCHAR, site_name VARCHAR)")
    con.execute("CREATE TABLE claim_entities (claim_id VARCHAR, entity_id VARCHAR)")
    for r in rows:
        con.execute(
            "INSERT INTO claim_rows VALUES (?, ?, ?, ?)",
            [r["claim_id"], "a" + r["claim_id"], r["speaker_entity_id"], r["content"]],
        )
        con.execute("INSERT INTO articles VALUES (?, ?)", ["a" + r["claim_id"], r["article_source"]])
    return con


def _shared(clusters: dict[str, str]) -> dict[str, str]:
    sizes = Counter(clusters.values())
    return {claim: cluster for claim, cluster in clusters.items() if sizes[cluster] > 1}


def _unnamed_shared(rows: list[dict]) -> dict[str, str]:
    unnamed = {r["claim_id"] for r in rows if r["speaker_entity_id"] is None}
    return {k: v for k, v in _shared(cluster_claims(rows)).items() if k in unnamed}


def test_band_keys_give_the_candidates_of_the_in_memory_index():
    """Pairs sharing a band key are exactly the LSH candidates cluster_claims compares, misses included."""
    rows = [r for r in _rows(500) if r["speaker_entity_id"] is None]
    group = sorted((dedup._Claim(r) for r in rows), key=lambda c: c.claim_id)
    assert len(group) > BRUTE_FORCE_MAX
    lsh = {(a.claim_id, b.claim_id) for a, b in dedup._candidate_pairs(group, UNNAMED_THRESHOLD)}
    signatures = unnamed_signatures([c.content for c in group])
    keys = {c.claim_id: set(enumerate(s.bands)) for c, s in zip(group, signatures, strict=True)}
    banded = {(a.claim_id, b.claim_id) for a, b in combinations(group, 2) if keys[a.claim_id] & keys[b.claim_id]}
    assert banded == lsh
    close = {(a.claim_id, b.claim_id) for a, b in combinations(group, 2) if dedup._same_claim(a, b, named=False)}
    assert close - lsh, "some qualifying pairs are not LSH candidates: the two ways must miss the same ones"


def test_unnamed_claims_in_chunks_give_the_clusters_of_cluster_claims():
    rows = _rows(600)
    con = _warehouse(rows)
    expected = _unnamed_shared(rows)
    got = cluster_unnamed(con, fetch_rows=7)
    assert got == expected
    chunk = {claim: n // 7 for n, claim in enumerate(sorted(r["claim_id"] for r in rows if not r["speaker_entity_id"]))}
    members: dict[str, set[int]] = {}
    for claim, cluster in got.items():
        members.setdefault(cluster, set()).add(chunk[claim])
    assert any(len(chunks) > 1 for chunks in members.values()), "a cluster must span chunks"
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE temporary").fetchall()


def test_a_pair_far_apart_in_claim_order_clusters():
    """The first and the last unnamed claim, in different chunks and outlets, are the same claim."""
    quote = "the ferry operator said all crossings would stay suspended until the storm had passed the island"
    rows = _rows(400)
    rows[0] = _claim("a0000", None, quote, "Wire")
    rows.append(_claim("z9999", None, quote.replace("island", "islands"), "Ledger"))
    rows.append(_claim("z9998", None, quote, "Wire"))  # same outlet as a0000: not the same claim by itself
    got = cluster_unnamed(_warehouse(rows), fetch_rows=50)
    assert got["a0000"] == got["z9999"] == got["z9998"] == "a0000"
    assert got == _unnamed_shared(rows)


def test_named_speakers_then_unnamed_give_the_whole_clustering():
    rows = _rows(600)
    con = _warehouse(rows)
    named = list(claims_by_speaker(con, fetch_rows=7, unnamed=False))
    assert named and all(g[0]["speaker_entity_id"] for g in named)
    assert {**cluster_by_speaker(iter(named)), **cluster_unnamed(con, fetch_rows=7)} == _shared(cluster_claims(rows))


def test_a_small_unnamed_group_is_still_compared_pair_by_pair():
    rows = _rows(BRUTE_FORCE_MAX)  # 180 unnamed: no LSH, every qualifying pair found
    got = cluster_unnamed(_warehouse(rows))
    assert got and got == _unnamed_shared(rows)


def test_the_cluster_task_on_a_lake_stores_the_clusters_of_cluster_claims(home):
    rows = _rows(400)
    day = dt.datetime(2024, 10, 1, 9, tzinfo=dt.UTC)
    articles = [
        {
            "article_id": "a" + r["claim_id"],
            "doc_id": "a" + r["claim_id"],
            "url": f"https://example.org/{r['claim_id']}",
            "site_name": r["article_source"],
            "fetched_at": day,
        }
        for r in rows
    ]
    claims = [
        {k: r[k] for k in ("claim_id", "speaker_entity_id", "content")} | {"article_id": "a" + r["claim_id"]}
        for r in rows
    ]
    lineage = {"run_id": "r1", "code_version": "test", "transform_version": "t"}
    tables = {"article_versions": articles, "claim_rows": claims}
    with open_writer(home) as con:
        load_batch(con, {k: padded(k, pa.Table.from_pylist(v)) for k, v in tables.items()}, lineage)
        expected = _shared(cluster_claims(claims_for_clustering(con)))
        assert cluster_task.fn(con, "r2", nullcontext) == len(expected)
        stored = dict(con.execute("SELECT claim_id, cluster_id FROM claim_clusters").fetchall())
        assert not con.execute("SELECT * FROM duckdb_tables() WHERE temporary").fetchall()
    assert stored == expected and any(c not in {r["claim_id"] for r in rows if r["speaker_entity_id"]} for c in stored)
