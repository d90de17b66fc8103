"""Peak memory of clustering claims across outlets, on the claims of a real warehouse, repeated as more outlets.

Reads the claims the clustering task reads from a warehouse home, repeats them --copies times as that many
outlets (ids and outlet names made distinct, so every copy is a syndicated duplicate of the first) in an
in-memory DuckDB capped like the writer (512 MB), and runs one way of clustering them on it:

- `now`: what the cluster task runs, one named speaker at a time, the claims without a speaker through
  DuckDB (LSH band keys joined in SQL, pairs streamed; `flows.tasks.cluster_unnamed`);
- `before`: the earlier task, one speaker at a time in Python, the unnamed group as one in-memory LSH index;
- `whole`: `transforms.dedup.cluster_claims` over every row at once (the rows read before tracing starts,
  as this bench measured it first).

--synthetic N instead clusters N made-up claims without a speaker (random words, every tenth a one-word edit of
the one before, in 50 outlets): mostly distinct claims, as a large warehouse's are, rather than copies that all
pair up.

It prints the peak traced by tracemalloc (Python's allocations) during the clustering, the bytes per claim, the
CPU time and the process's peak RSS (DuckDB included); --unnamed-only leaves out the claims of named speakers
(whose groups the copies multiply too). --save writes the shared clusters (claim_id ->
cluster_id, claims alone left out) so two ways or two revisions can be compared for identical output. Run each
way in its own process for its RSS:

    uv run wirehouse ingest --html-dir ../shared/corpus/extraction/pages --home /tmp/exh
    uv run python bench/bench_dedup_memory.py --home /tmp/exh --copies 10 --way now [--save clusters.json]
    uv run python bench/bench_dedup_memory.py --synthetic 200000 --way now
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.api import run_sql  # noqa: E402
from flows.tasks import cluster_by_speaker, cluster_unnamed  # noqa: E402
from transforms.dedup import cluster_claims  # noqa: E402
from warehouse.state import CLAIMS_FOR_CLUSTERING, claims_by_speaker, claims_for_clustering  # noqa: E402


def claim_rows(home: str) -> list[dict]:
    result = run_sql(home, CLAIMS_FOR_CLUSTERING)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def synthetic_rows(n: int, seed: int = 1) -> list[dict]:
    """n claims without a speaker, of 6-30 random words from 20,000; every tenth one word off the one before."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(20_000)]
    rows: list[dict] = []
    for i in range(n):
        if i % 10 == 9:
            words = rows[-1]["content"].split()
            words[rng.randrange(len(words))] = "again"
        else:
            words = rng.choices(vocabulary, k=rng.randint(6, 30))
        claim_id = f"{rng.getrandbits(100):027x}"
        rows.append(_row(claim_id, " ".join(words), f"outlet-{rng.randrange(50)}"))
    return rows


def _row(claim_id: str, content: str, source: str) -> dict:
    return {
        "claim_id": claim_id,
        "speaker_entity_id": None,
        "content": content,
        "article_source": source,
        "entity_ids": [],
    }


def _connect(scratch: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB capped like the warehouse writer."""
    con = duckdb.connect()
    con.execute("SET memory_limit = '512MB'")
    con.execute("SET temp_directory = $dir", {"dir": scratch})
    return con


def copied_warehouse(rows: list[dict], copies: int, scratch: str) -> duckdb.DuckDBPyConnection:
    """The three tables the clustering reads, each claim its own article, repeated copies times in SQL."""
    con = _connect(scratch)
    base = pa.table(
        {
            "claim_id": [r["claim_id"] for r in rows],
            "speaker_entity_id": pa.array([r["speaker_entity_id"] for r in rows], pa.string()),
            "content": [r["content"] for r in rows],
            "source": pa.array([r["article_source"] for r in rows], pa.string()),
            "entity_ids": pa.array([r["entity_ids"] or [] for r in rows], pa.list_(pa.string())),
        }
    )
    con.register("base", base)
    con.execute(f"CREATE TEMP TABLE k AS SELECT range AS k FROM range({copies})")
    copy_id = "printf('%03d', k) || claim_id"
    con.execute(
        f"CREATE TABLE claim_rows AS SELECT {copy_id} AS claim_id, {copy_id} AS article_id, speaker_entity_id, "
        "content FROM base, k"
    )
    con.execute(
        f"CREATE TABLE articles AS SELECT {copy_id} AS article_id, coalesce(source, 'None') || '#' || k AS site_name "
        "FROM base, k"
    )
    con.execute(
        f"CREATE TABLE claim_entities AS SELECT {copy_id} AS claim_id, unnest(entity_ids) AS entity_id FROM base, k"
    )
    con.unregister("base")
    return con


def shared_only(clusters: dict[str, str]) -> dict[str, str]:
    sizes = Counter(clusters.values())
    return {claim: cluster for claim, cluster in clusters.items() if sizes[cluster] > 1}


def run_way(con: duckdb.DuckDBPyConnection, way: str, unnamed_only: bool) -> tuple[dict[str, str], float, int, int]:
    """Shared clusters, CPU seconds, traced peak bytes, claims (the rows of `whole` read before tracing)."""
    if unnamed_only:
        con.execute("DELETE FROM claim_rows WHERE speaker_entity_id IS NOT NULL")
    rows = claims_for_clustering(con) if way == "whole" else None
    claims = con.execute("SELECT count(*) FROM claim_rows").fetchone()[0]
    import datasketch  # noqa: F401  (its import, over a second and tens of MB, is not the clustering's)

    tracemalloc.start()
    started = time.process_time()
    if way == "whole":
        clusters = shared_only(cluster_claims(rows))
    elif way == "before":
        clusters = cluster_by_speaker(claims_by_speaker(con))
    else:
        clusters = {**cluster_by_speaker(claims_by_speaker(con, unnamed=False)), **cluster_unnamed(con)}
    cpu = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dict(sorted(clusters.items())), cpu, peak, claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--home", help="a warehouse home holding claims")
    source.add_argument("--synthetic", type=int, metavar="N", help="N made-up claims without a speaker instead")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--way", choices=("now", "before", "whole"), default="now")
    parser.add_argument("--unnamed-only", action="store_true", help="cluster only the claims without a speaker")
    parser.add_argument("--save", help="write the shared clusters, claim_id -> cluster_id, as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dedup-") as scratch:
        if args.synthetic:
            con = copied_warehouse(synthetic_rows(args.synthetic), 1, scratch)
        else:
            con = copied_warehouse(claim_rows(args.home), args.copies, scratch)
        unnamed = con.execute("SELECT count(*) FROM claim_rows WHERE speaker_entity_id IS NULL").fetchone()[0]
        clusters, cpu, peak, claims = run_way(con, args.way, args.unnamed_only)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"{args.way}: claims {claims} ({unnamed} without a named speaker): peak {peak / 1e6:.1f} MB traced, "
        f"{peak / max(claims, 1):.0f} bytes per claim, {cpu:.1f} s CPU, process peak RSS {rss / 1e6:.0f} MB; "
        f"{len(clusters)} claims in {len(set(clusters.values()))} shared clusters"
    )
    if args.save:
        Path(args.save).write_text(json.dumps(clusters, sort_keys=True))


if __name__ == "__main__":
    main()
