"""Peak Python memory of clustering claims across outlets, per claim, on the claims of a real warehouse.

Reads the claims the clustering task reads from a warehouse home, repeats them --copies times as that many
outlets (ids and outlet names made distinct, so every copy is a syndicated duplicate of the first), and prints the
peak traced by tracemalloc inside transforms.dedup.cluster_claims, the bytes per claim and the CPU time. --save
writes the clusters, so two revisions can be compared for identical output.

    uv run wirehouse ingest --html-dir ../shared/corpus/extraction/pages --home /tmp/exh
    uv run python bench/bench_dedup_memory.py --home /tmp/exh --copies 10 [--save clusters.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.api import run_sql  # noqa: E402
from transforms.dedup import cluster_claims  # noqa: E402
from warehouse.state import CLAIMS_FOR_CLUSTERING  # noqa: E402


def claim_rows(home: str) -> list[dict]:
    result = run_sql(home, CLAIMS_FOR_CLUSTERING)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def copies(rows: list[dict], n: int) -> list[dict]:
    out = []
    for k in range(n):
        for row in rows:
            copy = dict(row)
            copy["claim_id"] = f"{k:03d}{row['claim_id']}"
            copy["article_source"] = f"{row['article_source']}#{k}"
            out.append(copy)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a warehouse home holding claims")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--save", help="write claim_id -> cluster_id as JSON")
    args = parser.parse_args()
    rows = copies(claim_rows(args.home), args.copies)
    unnamed = sum(1 for row in rows if row["speaker_entity_id"] is None)
    tracemalloc.start()
    started = time.process_time()
    clusters = cluster_claims(rows)
    cpu = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"claims {len(rows)} ({unnamed} without a named speaker): peak {peak / 1e6:.1f} MB, "
        f"{peak / max(len(rows), 1):.0f} bytes per claim, {cpu:.1f} s CPU, {len(set(clusters.values()))} clusters"
    )
    if args.save:
        Path(args.save).write_text(json.dumps(clusters, sort_keys=True))


if __name__ == "__main__":
    main()
