"""Re-running stages from stored bytes, user aliases applied to old rows, quarantined inputs retried."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from http_script_server import Reply, ScriptServer

from demo_site import DemoSite
from flows.ingest import ingest_flow
from flows.reprocess import reprocess_flow, retry_quarantined_flow
from shell.cli import main
from transforms.extraction import EXTRACTOR_VERSION
from warehouse.lake import connect, open_writer
from warehouse.paths import Home

#: Prefect ingest, reprocess and retry flows.
pytestmark = pytest.mark.slow


def _sql(home: Home, query: str, params: dict | None = None) -> list[tuple]:
    return connect(home, read_only=True).execute(query, params or {}).fetchall()


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    with DemoSite() as site:
        for url in site.article_urls()[:6]:
            (root / url.rsplit("/", 1)[-1]).write_bytes(httpx.get(url).content)
    return root


@pytest.fixture
def loaded_home(prefect_server, pages_dir, tmp_path_factory) -> Home:
    home = Home.resolve(tmp_path_factory.mktemp("reprocess") / "home")
    ingest_flow(html_dirs=[str(pages_dir)], home=str(home.root))
    return home


def test_alias_add_then_reprocess_moves_old_mentions(loaded_home):
    surface, old_id = _sql(
        loaded_home,
        "SELECT surface, entity_id FROM mentions m JOIN entities e USING (entity_id) WHERE e.kind = 'ORG' "
        "GROUP BY ALL ORDER BY count(*) DESC, surface LIMIT 1",
    )[0]
    target = _sql(
        loaded_home,
        "SELECT entity_id, name FROM entities WHERE kind = 'PERSON' AND entity_id <> $old ORDER BY entity_id LIMIT 1",
        {"old": old_id},
    )[0]
    articles_before = _sql(loaded_home, "SELECT count(*) FROM articles")[0][0]
    runner = CliRunner()
    added = runner.invoke(main, ["alias", "add", surface, target[0], "--home", str(loaded_home.root)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["alias", "list", "--format", "json", "--home", str(loaded_home.root)])
    assert surface in listed.output

    summary = reprocess_flow(home=str(loaded_home.root), stage="entities")
    assert summary["batches"] >= 1
    moved = _sql(loaded_home, "SELECT DISTINCT entity_id FROM mentions WHERE surface = $s", {"s": surface})
    assert moved == [(target[0],)]
    assert _sql(loaded_home, "SELECT count(*) FROM articles")[0][0] == articles_before
    assert _sql(loaded_home, "SELECT count(*) FROM claims")[0][0] > 0
    versions = _sql(loaded_home, "SELECT DISTINCT transform_version FROM mentions")
    assert len(versions) == 1 and "+aliases." in versions[0][0]
    again = reprocess_flow(home=str(loaded_home.root), stage="entities")
    assert again["batches"] == 0, "nothing is stale after a reprocess"


def test_reextract_swaps_articles_from_stored_bytes(loaded_home):
    before = _sql(loaded_home, "SELECT count(*), count(DISTINCT article_id) FROM articles")[0]
    mentions_before = _sql(loaded_home, "SELECT count(*) FROM mentions")[0][0]
    with open_writer(loaded_home) as con:
        con.execute("UPDATE article_versions SET extractor_version = 'extract-0/old'")
    summary = reprocess_flow(home=str(loaded_home.root), stage="extract")
    assert summary["extracted"] == before[0]
    assert _sql(loaded_home, "SELECT count(*), count(DISTINCT article_id) FROM articles")[0] == before
    assert _sql(loaded_home, "SELECT DISTINCT extractor_version FROM article_versions") == [(EXTRACTOR_VERSION,)]
    assert _sql(loaded_home, "SELECT count(*) FROM mentions")[0][0] == mentions_before
    assert _sql(loaded_home, "SELECT count(*) FROM raw_pages")[0][0] == before[0]


def test_retry_quarantined_loads_what_now_works(prefect_server, pages_dir, tmp_path):
    page = sorted(pages_dir.iterdir())[0].read_bytes()
    with ScriptServer() as server:
        server.route("/robots.txt", [Reply(404)])
        server.route("/late.html", [Reply(404), Reply(200, {"Content-Type": "text/html"}, page)])
        urls = tmp_path / "urls.txt"
        urls.write_text(server.url("/late.html") + "\n")
        home = Home.resolve(tmp_path / "home")
        options = {"per_host_delay_s": 0.0, "retries": 0}
        ingest_flow(url_files=[str(urls)], home=str(home.root), allow_private=True, fetch_options=options)
        assert _sql(home, "SELECT stage, error_class FROM quarantine") == [("fetch", "http_404")]
        assert _sql(home, "SELECT count(*) FROM articles")[0][0] == 0
        summary = retry_quarantined_flow(home=str(home.root), allow_private=True)
    assert summary["articles"] == 1
    assert _sql(home, "SELECT count(*) FROM quarantine")[0][0] == 0
    assert _sql(home, "SELECT count(*) FROM articles")[0][0] == 1
