"""Kill the ingest process with SIGKILL at many points; the warehouse must open, keep what was committed,
and a re-run must reach exactly what an uninterrupted run produces."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest
from test_rollups import assert_rollups_match

from demo_site import DemoSite
from warehouse.lake import connect
from warehouse.paths import Home

#: Kills CLI ingest subprocesses that report to a Prefect server.
pytestmark = pytest.mark.slow

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: What each table's content is, independent of which run wrote it and when.
CONTENT = {
    "raw_pages": "raw_sha256",
    "article_versions": "article_id, doc_id, title, text_sha256, published_at, source_ref",
    "entities": "entity_id, kind, name",
    "mentions": "article_id, entity_id, start_char, end_char",
    "claim_rows": "claim_id, speaker_entity_id, content",
    "claim_quantities": "claim_id, value, unit",
    "claim_clusters": "claim_id, cluster_id",
    "quarantine": "quarantine_id",
    "article_processing": "article_id, stage, transform_version",
    "superseded_versions": "article_id, doc_id",
    "entity_day_counts": "published_date, entity_id, articles, mentions",
    "entity_outlet_counts": "entity_id, outlet, articles, mentions",
    "outlet_day_counts": "published_date, outlet, articles, words, claims",
    "figure_conflict_rows": "basis, unit, value_min, value_max, claims",
}
#: Tables of totals or of whole-warehouse results: a partial warehouse has other values, checked by recounting.
RECOMPUTED = {
    "claim_clusters",
    "entity_day_counts",
    "entity_outlet_counts",
    "outlet_day_counts",
    "figure_conflict_rows",
}
CRASH_POINTS = [
    "fetch:done:1",
    "extract:done:2",
    "transform:done:1",
    "load:begin:1",
    "load:raw_pages:2",
    "load:article_versions:2:5",
    "load:mentions:1",
    "load:commit:2",
    "load:committed:1",
    "load:claim_rows:2",
    "load:rollups:2",
    "cluster:deleted:1",
    "merge:merged:1",
    "compact:merged:1",
]


def contents(home: Home) -> dict[str, list[tuple]]:
    con = connect(home, read_only=True)
    return {
        t: sorted(con.execute(f"SELECT DISTINCT {cols} FROM {t}").fetchall(), key=repr) for t, cols in CONTENT.items()
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Four demo articles served over HTTP (a URL list) and four more saved as local files."""
    root = tmp_path_factory.mktemp("crash-inputs")
    site = DemoSite().start()
    urls = site.article_urls()
    (root / "urls.txt").write_text("\n".join(urls[:4]) + "\n")
    pages = root / "pages"
    pages.mkdir()
    for index, url in enumerate(urls[4:8]):
        (pages / f"page-{index:02d}.html").write_bytes(httpx.get(url).content)
    yield root
    site.stop()


def ingest(home: Home, inputs, crash_at: str | None = None) -> subprocess.CompletedProcess:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or "", "WIREHOUSE_AUTO_COMPACT_FILES": "1"}
    env.pop("WIREHOUSE_CRASH_AT", None)
    if crash_at:
        env["WIREHOUSE_CRASH_AT"] = crash_at
    command = [
        sys.executable,
        "-m",
        "shell.cli",
        "ingest",
        "--urls",
        str(inputs / "urls.txt"),
        "--html-dir",
        str(inputs / "pages"),
        "--allow-private",
        "--batch-size",
        "4",
        "--home",
        str(home.root),
    ]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def baseline(prefect_server, inputs, tmp_path_factory):
    home = Home.resolve(tmp_path_factory.mktemp("baseline") / "home")
    done = ingest(home, inputs)
    assert done.returncode == 0, done.stderr[-2000:]
    expected = contents(home)
    assert len(expected["article_versions"]) == 8 and expected["mentions"] and expected["claim_rows"]
    return expected


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_killed_ingest_leaves_a_consistent_warehouse_and_a_rerun_completes_it(crash_at, baseline, inputs, tmp_path):
    home = Home.resolve(tmp_path / "home")
    killed = ingest(home, inputs, crash_at)
    assert killed.returncode == -signal.SIGKILL, f"{crash_at} was never reached: {killed.stderr[-1500:]}"
    if home.exists():
        partial = contents(home)  # opens, reads every table
        for table, rows in partial.items():
            if table not in RECOMPUTED:
                assert set(rows) <= set(baseline[table]), f"{table} has rows an uninterrupted run never writes"
        kept = {r[0] for r in partial["article_versions"]}
        with_mentions = {r[0] for r in partial["mentions"]}
        assert with_mentions <= kept, "mentions committed without their article"
        con = connect(home, read_only=True)
        try:
            assert_rollups_match(con)
        finally:
            con.close()
    rerun = ingest(home, inputs)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert contents(home) == baseline
