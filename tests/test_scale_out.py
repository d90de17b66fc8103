"""Scale-out: worker processes and a Dask cluster give exactly the rows a single process gives.

The demo site's 20 articles are saved as HTML files once; the same files are ingested with workers=1 (inline),
workers=2 (spawned process pool) and on a two-process distributed.LocalCluster through ingest_flow's
dask_address, each into its own warehouse home, under the real temporary Prefect server.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from demo_site import DemoSite
from flows.ingest import ingest_flow
from warehouse.lake import connect
from warehouse.paths import Home

pytestmark = pytest.mark.slow

#: Small batches so that several are in flight and every worker gets some.
BATCH_SIZE = 10
ID_QUERIES = {
    "articles": "SELECT article_id, doc_id, text_sha256, language FROM article_versions",
    "raw_pages": "SELECT raw_sha256 FROM raw_pages",
    "entities": "SELECT entity_id, kind, name FROM entities",
    "mentions": "SELECT article_id, entity_id, start_char, end_char FROM mentions",
    "claims": "SELECT claim_id, article_id, speaker_entity_id FROM claim_rows",
    "claim_quantities": "SELECT claim_id, surface, value FROM claim_quantities",
    "claim_dates": "SELECT claim_id, surface, date_from, date_to FROM claim_dates",
    "claim_entities": "SELECT claim_id, entity_id FROM claim_entities",
    "claim_clusters": "SELECT claim_id, cluster_id FROM claim_clusters",
    "quarantine": "SELECT quarantine_id FROM quarantine",
    "article_processing": "SELECT article_id, stage, transform_version FROM article_processing",
}


@pytest.fixture(scope="module")
def demo_pages_dir(tmp_path_factory) -> Path:
    """The demo site's 20 article pages, fetched over loopback HTTP and saved as files."""
    directory = tmp_path_factory.mktemp("demo-pages")
    with DemoSite() as site, httpx.Client(timeout=10.0) as client:
        for article in site.articles():
            response = client.get(site.base_url + article.path)
            response.raise_for_status()
            (directory / f"{article.outlet}-{article.slug}.html").write_bytes(response.content)
    assert len(list(directory.glob("*.html"))) == 20
    return directory


def _ingest(pages: Path, home: Path, **options) -> dict:
    return ingest_flow(html_dirs=[str(pages)], home=str(home), batch_size=BATCH_SIZE, **options)


def _rows(home: Path) -> dict[str, list[tuple]]:
    con = connect(Home.resolve(home), read_only=True)
    try:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in ID_QUERIES.items()}
    finally:
        con.close()


def _summary_counts(summary: dict) -> dict:
    return {k: summary[k] for k in ("extracted", "quarantined", "articles", "entities", "mentions", "claims")}


@pytest.fixture(scope="module")
def single_process(prefect_server, demo_pages_dir, tmp_path_factory) -> tuple[dict, dict]:
    home = tmp_path_factory.mktemp("w1") / "home"
    summary = _ingest(demo_pages_dir, home, workers=1)
    assert summary["articles"] == 20
    assert summary["quarantined"] == 0
    rows = _rows(home)
    assert rows["mentions"] and rows["claims"], "the demo articles have mentions and claims to compare"
    return summary, rows


def _assert_same(single: tuple[dict, dict], summary: dict, rows: dict) -> None:
    expected_summary, expected_rows = single
    assert _summary_counts(summary) == _summary_counts(expected_summary)
    for name, expected in expected_rows.items():
        assert rows[name] == expected, f"{name} differ from the single-process run"


def test_two_worker_processes_give_the_rows_of_one(single_process, demo_pages_dir, tmp_path):
    summary = _ingest(demo_pages_dir, tmp_path / "home", workers=2)
    _assert_same(single_process, summary, _rows(tmp_path / "home"))


def test_a_dask_cluster_gives_the_rows_of_one_process(single_process, demo_pages_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        summary = _ingest(demo_pages_dir, tmp_path / "home", dask_address=cluster.scheduler_address)
        with distributed.Client(cluster.scheduler_address) as client:
            loaded = client.run(_models_loaded)
    assert len(loaded) == 2
    assert all(loaded.values()), f"every Dask worker parsed a batch with its own model: {loaded}"
    _assert_same(single_process, summary, _rows(tmp_path / "home"))


def _models_loaded() -> int:
    """On a worker: how many spaCy pipelines this process has loaded (one once it has parsed a batch)."""
    from flows.stages import shared_nlp

    return shared_nlp.cache_info().currsize
