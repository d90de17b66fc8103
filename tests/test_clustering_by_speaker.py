"""Clustering one speaker's claims at a time, streamed from DuckDB, gives the clusters of clustering them all."""

from __future__ import annotations

import random
from collections import Counter

import duckdb

from flows.tasks import cluster_by_speaker
from transforms.dedup import BRUTE_FORCE_MAX, cluster_claims
from warehouse.state import claims_by_speaker, claims_for_clustering

WORDS = ("the", "minister", "said", "prices", "would", "rise", "again", "next", "year", "after", "talks", "with")
WORDS += ("unions", "failed", "in", "the", "capital")


def _claims_warehouse(seed: int = 7) -> duckdb.DuckDBPyConnection:
    """The three tables the clustering query reads, with near-copies of claims across outlets and speakers."""
    rng = random.Random(seed)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE claim_rows (claim_id VARCHAR, article_id VARCHAR, speaker_entity_id VARCHAR, content VARCHAR)"
    )
    con.execute("CREATE TABLE articles (article_id VARCHAR, site_name VARCHAR)")
    con.execute("CREATE TABLE claim_entities (claim_id VARCHAR, entity_id VARCHAR)")
    speakers = [None, "person:ann", "person:bob", "org:council"]
    bases = [" ".join(rng.sample(WORDS, 12)) for _ in range(30)]
    for n in range(3 * BRUTE_FORCE_MAX):  # the unnamed group is past the brute-force size: LSH runs too
        article = f"a{n % 40}"
        speaker = None if n % 3 == 0 else speakers[n % len(speakers)]
        words = bases[n % len(bases)].split()
        if n % 4 == 0:
            words[rng.randrange(len(words))] = "reportedly"
        con.execute("INSERT INTO claim_rows VALUES (?, ?, ?, ?)", [f"c{n:04d}", article, speaker, " ".join(words)])
        if n % 5 == 0:
            con.execute("INSERT INTO claim_entities VALUES (?, ?)", [f"c{n:04d}", f"place:{n % 3}"])
    for a in range(40):
        con.execute("INSERT INTO articles VALUES (?, ?)", [f"a{a}", f"outlet-{a % 4}"])
    return con


def test_clustering_speaker_by_speaker_gives_the_same_clusters():
    con = _claims_warehouse()
    whole = cluster_claims(claims_for_clustering(con))
    sizes = Counter(whole.values())
    shared = {claim: cluster for claim, cluster in whole.items() if sizes[cluster] > 1}
    groups = list(claims_by_speaker(con, fetch_rows=7))  # chunks end inside groups
    assert [g[0]["speaker_entity_id"] for g in groups] == ["org:council", "person:ann", "person:bob", None]
    assert sum(map(len, groups)) == len(whole)
    assert max(len(g) for g in groups) > BRUTE_FORCE_MAX
    assert cluster_by_speaker(iter(groups)) == shared
    unnamed = {g["claim_id"] for g in groups[-1]}
    assert shared and any(claim in unnamed for claim in shared)
