"""End to end: the demo site over real HTTP, a real Prefect flow run, a real DuckLake on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from demo_site import DemoSite
from demo_site.content import load_articles
from demo_site.templates import OUTLETS
from flows.ingest import ingest_flow
from shell.cli import main
from warehouse.lake import connect
from warehouse.paths import Home

#: Every test reads the warehouse a Prefect ingest flow built from the demo site.
pytestmark = pytest.mark.slow

FAST_FETCH = {"per_host_delay_s": 0.0, "timeout_s": 10.0}
COUNTED_TABLES = (
    "article_versions",
    "raw_pages",
    "entities",
    "mentions",
    "claim_rows",
    "claim_quantities",
    "claim_dates",
    "claim_entities",
    "quarantine",
    "watermarks",
)
NEW_ARTICLE = """---
title: Harbour pilots return to work after a two-day stoppage
author: Test Writer
published: 2024-11-20T09:00:00+00:00
outlet: harbour-ledger
slug: harbour-pilots-return
summary: The pilots' union accepted a revised rota.
---

Harbour pilots in Rotterdam returned to work on Wednesday after a two-day stoppage, the port authority said,
ending a dispute that had left about 15 ships waiting at the mouth of the Maas.

"We have a rota that people can live with," union negotiator Marloes Verhoeven told reporters.
Verhoeven said the agreement would be reviewed in the spring.

Port spokesman Pieter Drost said traffic would be back to normal within two days, although he warned
that some berths could stay crowded until the weekend.
"""


def _counts(home: Home) -> dict[str, int]:
    con = connect(home, read_only=True)
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}


@pytest.fixture(scope="module")
def extra_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("extra-articles")


@pytest.fixture(scope="module")
def demo_site(extra_dir):
    with DemoSite(extra_dir=extra_dir) as site:
        yield site


@pytest.fixture(scope="module")
def demo_home(prefect_server, demo_site, tmp_path_factory) -> Home:
    home = Home.resolve(tmp_path_factory.mktemp("demo") / "home")
    summary = ingest_flow(
        feeds=demo_site.feed_urls(),
        sitemaps=demo_site.sitemap_urls(),
        home=str(home.root),
        allow_private=True,
        fetch_options=FAST_FETCH,
    )
    assert summary["articles"] == len(demo_site.article_urls()) == 20
    assert summary["quarantined"] == 0
    return home


def _sql(home: Home, query: str, params: dict | None = None) -> list[tuple]:
    return connect(home, read_only=True).execute(query, params or {}).fetchall()


def test_articles_keep_paragraphs_and_drop_every_piece_of_boilerplate(demo_home):
    rows = _sql(demo_home, "SELECT url, text, site_name, published_at FROM articles")
    assert len(rows) == 20
    boilerplate = {s for outlet in OUTLETS.values() for s in outlet.boilerplate() if len(s) > 12}
    for url, text, site_name, published_at in rows:
        leaked = [s for s in boilerplate if s in text]
        assert leaked == [], f"{url} kept boilerplate: {leaked}"
        assert site_name and published_at
    text = dict((u.rsplit("/", 1)[-1], t) for u, t, *_ in rows)["pentagon-north-korean-troops-russia.html"]
    article = next(a for a in load_articles() if a.slug == "pentagon-north-korean-troops-russia")
    standfirst, lead = text.split("\n")[:2]
    assert standfirst == article.summary
    assert lead.startswith("The Pentagon said on Monday that around 10,000 North Korean troops")


def test_country_aliases_merge_into_one_entity(demo_home):
    surfaces = {
        r[0]
        for r in _sql(
            demo_home,
            "SELECT DISTINCT m.surface FROM mentions m JOIN entities e USING (entity_id) WHERE e.country_code = 'KP' "
            "AND e.kind = 'GPE'",
        )
    }
    assert {"North Korea", "DPRK"} <= surfaces or {"North Korea", "Democratic People's Republic of Korea"} <= surfaces
    ids = _sql(
        demo_home,
        "SELECT DISTINCT entity_id FROM mentions WHERE surface IN ('North Korea', 'DPRK', "
        "'Democratic People''s Republic of Korea', 'North Korean')",
    )
    assert ids == [("iso:KP",)]


def test_claims_have_speakers_and_quantities(demo_home):
    rows = _sql(
        demo_home,
        """
        SELECT e.name, c.content, q.value, q.approximate, q.unit
        FROM claims c JOIN entities e ON e.entity_id = c.speaker_entity_id
        JOIN claim_quantities q USING (claim_id)
        WHERE e.name = 'Sabrina Singh'
        """,
    )
    assert rows, "no claim by Sabrina Singh with a quantity"
    assert any(value == 10000 and approximate for _, _, value, approximate, _ in rows), rows


def test_every_row_says_which_run_and_code_produced_it(demo_home):
    for table in ("article_versions", "raw_pages", "mentions", "claim_rows", "entities"):
        missing = _sql(demo_home, f"SELECT count(*) FROM {table} WHERE run_id IS NULL")[0][0]
        assert missing == 0, table
    assert _sql(demo_home, "SELECT count(*) FROM article_versions WHERE extractor_version IS NULL")[0][0] == 0
    runs = _sql(demo_home, "SELECT flow, status, articles FROM runs")
    assert runs[0][:2] == ("ingest", "completed") and runs[0][2] == 20
    checks = _sql(demo_home, "SELECT check_name, passed FROM checks")
    assert checks and all(passed for _, passed in checks), checks


def test_same_input_twice_adds_no_rows(demo_home, demo_site):
    before = _counts(demo_home)
    summary = ingest_flow(
        feeds=demo_site.feed_urls(),
        sitemaps=demo_site.sitemap_urls(),
        home=str(demo_home.root),
        allow_private=True,
        fetch_options=FAST_FETCH,
        incremental=False,
    )
    assert _counts(demo_home) == {**before, "watermarks": _counts(demo_home)["watermarks"]}
    assert summary["articles"] == 0 and summary["unchanged"] == 20


def test_a_scheduled_rerun_after_one_new_article_adds_exactly_one(demo_home, demo_site, extra_dir):
    before = _sql(demo_home, "SELECT count(*) FROM articles")[0][0]
    (extra_dir / "harbour-pilots-return.md").write_text(NEW_ARTICLE, encoding="utf-8")
    summary = ingest_flow(
        feeds=demo_site.feed_urls(),
        sitemaps=demo_site.sitemap_urls(),
        home=str(demo_home.root),
        allow_private=True,
        fetch_options=FAST_FETCH,
    )
    assert summary["articles"] == 1
    assert summary["fetched"] == 1, "incremental run fetched pages it had already seen"
    assert _sql(demo_home, "SELECT count(*) FROM articles")[0][0] == before + 1


def test_cli_sql_json_and_errors(demo_home):
    runner = CliRunner()
    result = runner.invoke(
        main, ["sql", "SELECT count(*) AS n FROM articles", "--format", "json", "--home", str(demo_home.root)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["n"] >= 20
    bad = runner.invoke(main, ["sql", "SELEC nonsense", "--home", str(demo_home.root)])
    assert bad.exit_code != 0
    assert len(bad.output.strip().splitlines()) == 1 and "error" in bad.output.lower()
    write = runner.invoke(main, ["sql", "DELETE FROM articles", "--home", str(demo_home.root)])
    assert write.exit_code != 0 and "read-only" in write.output.lower()
    assert _sql(demo_home, "SELECT count(*) FROM article_versions")[0][0] >= 20


def test_named_queries_answer_on_the_demo(demo_home):
    runner = CliRunner()
    listed = runner.invoke(main, ["query", "--list", "--home", str(demo_home.root)])
    assert "most_mentioned_entities" in listed.output
    result = runner.invoke(
        main, ["query", "most_mentioned_entities", "--format", "json", "--home", str(demo_home.root)]
    )
    assert result.exit_code == 0, result.output
    top = json.loads(result.output)
    assert top and top[0]["articles"] >= 5
