"""Shared-lake benchmark (run by hand, never in CI): what a PostgreSQL catalog and two writers cost or gain.

Starts a throwaway PostgreSQL cluster and a moto S3 server on loopback (tests/lake_servers.py), then

- queries: loads the same synthetic warehouse (bench_warehouse's generator, through warehouse.load.load_batch)
  into a SQLite-catalog lake, a PostgreSQL-catalog lake with local Parquet, and a PostgreSQL + S3 lake; times
  every named query on all three, runs interleaved so a noisy machine slows them alike, and prints each one's
  median over SQLite's. PostgreSQL with local files isolates the catalog's cost; the S3 column measures moto on
  this machine, not a real object store.
- writers: ingests the same English pages (bench/corpus.py replicas) into a fresh shared lake once with one
  `wirehouse ingest` over all of them, once with two at the same time (different homes: two machines), half
  the pages each, and prints articles per second of wall-clock time for both.
- conflicts: why writers take the catalog's lock rather than rely on DuckLake's conflict retry. Two DuckLake
  connections on one PostgreSQL catalog, no lock: both check that an article is new and insert it (how many
  rows land), then both add to one rollup row in --rounds transactions each (how many commits fail).

    uv run python bench/bench_shared_lake.py                      # both, default sizes
    uv run python bench/bench_shared_lake.py --only queries --articles 20000
    uv run python bench/bench_shared_lake.py --only writers --pages 120
    uv run python bench/bench_shared_lake.py --only conflicts
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from bench_warehouse import Corpus, Generator, QueryTiming, choose_params, query_context, timed_fetch  # noqa: E402
from lake_servers import environment, moto_s3, postgres_cluster, shared_lake_env  # noqa: E402

from flows.settings import load_settings  # noqa: E402
from warehouse.lake import connect, open_writer  # noqa: E402
from warehouse.load import load_batch  # noqa: E402
from warehouse.paths import Home  # noqa: E402
from warehouse.queries import named_queries  # noqa: E402

LAKES = ("sqlite", "postgres", "postgres+s3")


def _load(home: Home, args: argparse.Namespace) -> tuple[float, dict[str, str]]:
    """The synthetic warehouse, batch by batch; returns load seconds and the query parameters."""
    rng = np.random.default_rng(args.seed)
    corpus = Corpus.build(rng, args.entities, 1.0)
    gen = Generator(rng, corpus, args.articles, 365, 20, 2, 3000, 0.02, 0.03, run_id="bench-shared")
    lineage = {"run_id": "bench-shared", "code_version": "wirehouse-bench"}
    seconds = 0.0
    with open_writer(home) as con:
        index = 0
        while gen.loaded < args.articles:
            tables = gen.batch(index, args.batch_size)
            started = time.perf_counter()
            load_batch(con, tables, lineage)
            seconds += time.perf_counter() - started
            index += 1
    return seconds, query_context(corpus, 365)


def bench_queries(args: argparse.Namespace, lake_envs: dict[str, dict[str, str]], root: Path) -> dict:
    load_s, params, cons = {}, {}, {}
    for lake in LAKES:
        with environment(lake_envs[lake]):
            home = load_settings(home=str(root / lake.replace("+", "-"))).lake_home()
            load_s[lake], params[lake] = _load(home, args)
            cons[lake] = connect(home, read_only=True)
        print(f"  loaded {args.articles:,} articles into {lake} in {load_s[lake]:.1f}s", flush=True)
    rows = []
    for query in named_queries().values():
        values = choose_params(query, params["sqlite"])
        if values is None:
            continue
        timings = {lake: QueryTiming(query.name, values) for lake in LAKES}
        for _ in range(args.runs):
            for lake in LAKES:
                timed_fetch(cons[lake], 600, timings[lake], query)
        p50 = {lake: timings[lake].p50 for lake in LAKES}
        rows.append({"query": query.name, **{f"{lake}_s": p50[lake] for lake in LAKES}})
        base = p50["sqlite"]
        print(
            f"  {query.name:<28} sqlite {base * 1000:8.1f} ms   postgres {p50['postgres'] / base:5.2f}x"
            f"   postgres+s3 {p50['postgres+s3'] / base:5.2f}x",
            flush=True,
        )
    for con in cons.values():
        con.close()

    def geomean(lake: str) -> float:
        return math.exp(statistics.fmean(math.log(r[f"{lake}_s"] / r["sqlite_s"]) for r in rows))

    summary = {
        "articles": args.articles,
        "queries": rows,
        "geomean_postgres_over_sqlite": geomean("postgres"),
        "geomean_postgres_s3_over_sqlite": geomean("postgres+s3"),
        "load_s": load_s,
    }
    print(
        f"named queries, median over {args.runs} runs, geometric mean over {len(rows)} queries: "
        f"PostgreSQL catalog {summary['geomean_postgres_over_sqlite']:.2f}x SQLite, "
        f"PostgreSQL + S3 (moto) {summary['geomean_postgres_s3_over_sqlite']:.2f}x SQLite; "
        f"loading: PostgreSQL {load_s['postgres'] / load_s['sqlite']:.2f}x, "
        f"PostgreSQL + S3 {load_s['postgres+s3'] / load_s['sqlite']:.2f}x SQLite"
    )
    return summary


def _ingest(home: Path, dirs: list[Path], env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "shell.cli", "ingest", "--json", "--batch-size", "20", "--home", str(home)]
    for directory in dirs:
        command += ["--html-dir", str(directory)]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_writers(groups: list[list[Path]], env: dict[str, str], root: Path) -> tuple[int, float]:
    """Start one ingest per group at once; (articles loaded, seconds until the last one finished)."""
    started = time.perf_counter()
    runs = [_ingest(root / f"machine-{i}", group, env) for i, group in enumerate(groups)]
    articles = 0
    for run in runs:
        out, err = run.communicate()
        if run.returncode != 0:
            raise RuntimeError(err[-3000:])
        articles += json.loads(next(line for line in reversed(out.splitlines()) if line.startswith("{")))["articles"]
    return articles, time.perf_counter() - started


def bench_writers(args: argparse.Namespace, postgres, s3, root: Path) -> dict:
    from corpus import english_pages, replicate

    pages = english_pages()
    half = args.pages // 2
    dirs = [root / "pages-a", root / "pages-b"]
    for index, directory in enumerate(dirs):
        directory.mkdir()
        replicate(pages, half, directory, start=index * half)
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    result = {}
    for label, groups in (("one writer", [dirs]), ("two writers", [[dirs[0]], [dirs[1]]])):
        lake_env = shared_lake_env(postgres, s3)
        with environment(lake_env), open_writer(load_settings(home=str(root / "setup")).lake_home()):
            pass  # the schema exists before the clock starts, as on a lake in use
        articles, seconds = _run_writers(groups, {**env, **lake_env}, root / label.replace(" ", "-"))
        result[label] = {"articles": articles, "seconds": seconds, "articles_per_s": articles / seconds}
        print(f"  {label}: {articles} articles in {seconds:.1f}s = {articles / seconds:.2f} articles/s", flush=True)
    ratio = result["two writers"]["articles_per_s"] / result["one writer"]["articles_per_s"]
    result["two_over_one"] = ratio
    print(f"shared lake (PostgreSQL + S3): two writers {ratio:.2f}x one writer")
    return result


def bench_conflicts(args: argparse.Namespace, postgres, root: Path) -> dict:
    from warehouse.extensions import connect_offline

    catalog = postgres.catalog(postgres.createdb())

    def lake():
        con = connect_offline(("postgres_scanner", "ducklake"))
        con.execute(f"ATTACH 'ducklake:{catalog}' AS wh (DATA_PATH '{root / 'conflicts'}/', DATA_INLINING_ROW_LIMIT 0)")
        con.execute("USE wh")
        return con

    setup = lake()
    setup.execute("CREATE TABLE articles (article_id VARCHAR)")
    setup.execute("CREATE TABLE day_counts (day INTEGER, articles INTEGER)")
    setup.execute("INSERT INTO day_counts VALUES (1, 0)")
    first, second = lake(), lake()
    for con in (first, second):
        con.execute("BEGIN")
        assert con.execute("SELECT count(*) FROM articles WHERE article_id = 'a1'").fetchone()[0] == 0
        con.execute("INSERT INTO articles VALUES ('a1')")
    for con in (first, second):
        con.execute("COMMIT")
    same_article_rows = setup.execute("SELECT count(*) FROM articles WHERE article_id = 'a1'").fetchone()[0]

    failures: list[str] = []

    def add_to_rollup() -> None:
        con = lake()
        for _ in range(args.rounds):
            try:
                con.execute("BEGIN")
                con.execute("UPDATE day_counts SET articles = articles + 1 WHERE day = 1")
                con.execute("COMMIT")
            except duckdb.Error as exc:
                failures.append(str(exc).splitlines()[-1])
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")

    threads = [threading.Thread(target=add_to_rollup) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = {
        "same_article_rows": same_article_rows,
        "rollup_commits": 2 * args.rounds,
        "rollup_failed": len(failures),
        "first_error": failures[0] if failures else None,
    }
    print(
        f"without the lock: an article both writers found new landed {same_article_rows} times; "
        f"{len(failures)} of {2 * args.rounds} rollup commits failed" + (f" ({failures[0]})" if failures else "")
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("queries", "writers", "conflicts"))
    parser.add_argument("--rounds", type=int, default=20, help="rollup transactions per writer (conflicts)")
    parser.add_argument("--articles", type=int, default=10_000, help="synthetic articles per lake (queries)")
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--entities", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=80, help="English pages ingested in total (writers)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="write all measurements as JSON")
    args = parser.parse_args(argv)
    print(f"bench_shared_lake {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores", flush=True)
    out: dict = {}
    temporary = tempfile.TemporaryDirectory(prefix="wirehouse-bench-shared-")
    with temporary as tmp, postgres_cluster() as pg, moto_s3() as s3:
        root = Path(tmp)
        if args.only in (None, "queries"):
            local = {"WIREHOUSE_CATALOG": "", "WIREHOUSE_DATA_PATH": ""}
            pg_local = {"WIREHOUSE_CATALOG": pg.catalog(pg.createdb()), "WIREHOUSE_DATA_PATH": ""}
            envs = {"sqlite": local, "postgres": pg_local, "postgres+s3": shared_lake_env(pg, s3)}
            out["queries"] = bench_queries(args, envs, root)
        if args.only in (None, "conflicts"):
            out["conflicts"] = bench_conflicts(args, pg, root)
        if args.only in (None, "writers"):
            out["writers"] = bench_writers(args, pg, s3, root)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
