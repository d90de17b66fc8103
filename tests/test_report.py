"""The HTML report: sections and charts match the data, values are escaped, empty warehouses and a real browser work.

Set WIREHOUSE_UPDATE_SCREENSHOT=1 to copy the browser test's screenshot to docs/report.png.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import browser
import pyarrow as pa
import pytest
from click.testing import CliRunner

from report import svg
from report.data import (
    OTHER_OUTLETS,
    Window,
    fold_outlets,
    load_conflicts,
    load_report,
)
from report.page import render_report, safe_link
from report.queries import report_sql
from shell.cli import main
from warehouse.lake import connect, open_writer
from warehouse.load import load_batch
from warehouse.paths import Home
from warehouse.state import replace_clusters
from warehouse.tables.batches import padded

REPO = Path(__file__).resolve().parents[1]
SVG_NS = "{http://www.w3.org/2000/svg}"
LINEAGE = {"run_id": "r1", "code_version": "test", "transform_version": "test"}
START = dt.date(2024, 3, 1)
DAYS = [START + dt.timedelta(days=i) for i in range(7)]
OUTLETS = ["Harbor Times", "Northern Ledger", "Daily Meridian", "Coastline Wire"]
EVIL_TITLE = "<script>alert('x')</script> & friends"
ENTITIES = [
    ("org:ministry-of-defence", "ORG", "Ministry of Defence"),
    ("person:ana-ruiz", "PERSON", "Ana Ruiz"),
    ("gpe:valdoria", "GPE", "Valdoria"),
    ("person:tomas-berg", "PERSON", "Tomas Berg"),
    ("gpe:port-kell", "GPE", "Port Kell"),
    ("org:harbor-authority", "ORG", "Harbor Authority"),
    ("norp:valdorian", "NORP", "Valdorian"),
]
#: (speaker entity or None, speaker text, polarity, hedged, content, figure) - claims by or about Ana Ruiz.
CLAIMS = [
    ("person:ana-ruiz", "Ana Ruiz", "asserted", False, "the border crossing will reopen on Monday", None),
    ("person:ana-ruiz", "Ana Ruiz", "denied", False, "that troops were moved to Port Kell", None),
    ("person:tomas-berg", "Tomas Berg", "asserted", True, "Ruiz may have approved the deployment", None),
    (None, "a ministry spokesperson", "declined_to_confirm", False, "whether Ruiz met the envoy", None),
    ("person:ana-ruiz", "Ana Ruiz", "asserted", False, "about 10,000 troops are stationed near the border", 10000),
    ("person:tomas-berg", "Tomas Berg", "questioned", False, "whether Ruiz's figures are accurate", None),
    ("person:ana-ruiz", "Ana Ruiz", "asserted", True, "as many as 12,000 troops could be involved", 12000),
    ("person:ana-ruiz", "Ana Ruiz", "asserted", False, "talks will resume after the holiday", None),
]
QUARANTINE = [
    ("fetch", "http_404", 5),
    ("extract", "no_main_text", 3),
    ("fetch", "timeout", 2),
    ("extract", "not_html", 1),
]


def articles_on(day_index: int, outlet_index: int) -> int:
    """Deterministic, uneven coverage: some outlets skip some days."""
    return (day_index + 2 * outlet_index) % 3 + (1 if outlet_index == 0 else 0)


def mentions_of(entity_index: int, article_number: int) -> int:
    """How often entity i is mentioned in the n-th article (0 = not at all); the ORG leads overall."""
    if entity_index == 0:
        return 3
    return 2 if (article_number + entity_index) % (entity_index + 1) == 0 else 0


def synthetic_articles() -> list[dict]:
    rows = []
    for d, day in enumerate(DAYS):
        for o, outlet in enumerate(OUTLETS):
            for k in range(articles_on(d, o)):
                article_id = f"a-{day:%m%d}-{o}-{k}"
                rows.append(
                    {
                        "article_id": article_id,
                        "doc_id": f"doc-{article_id}",
                        "url": f"https://{o}.example/{article_id}",
                        "canonical_url": f"https://{o}.example/{article_id}",
                        "title": f"{outlet} report {k + 1} on {day:%d %b}",
                        "published_at": dt.datetime.combine(day, dt.time(7 + 3 * k + o), tzinfo=dt.UTC),
                        "published_date": day,
                        "source": f"https://{o}.example/feed.xml",
                        "site_name": outlet,
                        "language": "en",
                        "text": "Synthetic text.",
                        "word_count": 400 + 10 * k,
                        "fetched_at": dt.datetime.combine(day, dt.time(23), tzinfo=dt.UTC),
                    }
                )
    rows[5]["title"] = EVIL_TITLE
    return rows


def synthetic_mentions(articles: list[dict]) -> list[dict]:
    rows = []
    for n, article in enumerate(articles):
        for e, (entity_id, _, name) in enumerate(ENTITIES):
            for i in range(mentions_of(e, n)):
                rows.append(
                    {
                        "article_id": article["article_id"],
                        "entity_id": entity_id,
                        "surface": name,
                        "start_char": 10 * i,
                        "end_char": 10 * i + len(name),
                    }
                )
    return rows


def synthetic_claims(articles: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """Claims spread over the week and outlets; the two troop figures come from different outlets."""
    claims, quantities, about = [], [], []
    hosts = [articles[5], *articles[8::4]][: len(CLAIMS)]
    for i, ((speaker_id, speaker, polarity, hedged, content, figure), article) in enumerate(
        zip(CLAIMS, hosts, strict=True)
    ):
        claim_id = f"c{i}"
        claims.append(
            {
                "claim_id": claim_id,
                "article_id": article["article_id"],
                "speaker_entity_id": speaker_id,
                "speaker_text": speaker,
                "speaker_kind": "PERSON" if speaker_id else "UNNAMED",
                "cue": "said",
                "content": content,
                "content_start": 0,
                "content_end": len(content),
                "is_direct": i % 2 == 0,
                "polarity": polarity,
                "hedged": hedged,
                "hedge_cues": ["may"] if hedged else [],
            }
        )
        if speaker_id != "person:ana-ruiz":
            about.append({"claim_id": claim_id, "entity_id": "person:ana-ruiz"})
        if figure:
            surface = f"{figure:,} troops"
            quantities.append({"claim_id": claim_id, "surface": surface, "value": float(figure), "unit": "troops"})
    return claims, quantities, about


def synthetic_clusters(claims: list[dict]) -> dict[str, str]:
    """The two troop figures are one statement reported by two outlets, so figure_conflicts pairs them."""
    troop_claims = [c["claim_id"] for c in claims if "troops are" in c["content"] or "troops could" in c["content"]]
    return {claim_id: min(troop_claims) for claim_id in troop_claims}


def synthetic_quarantine() -> list[dict]:
    rows = []
    for stage, reason, count in QUARANTINE:
        for i in range(count):
            rows.append(
                {
                    "quarantine_id": f"q-{stage}-{reason}-{i}",
                    "stage": stage,
                    "url": f"https://broken.example/{reason}/{i}",
                    "error_class": reason,
                    "message": f"{reason} happened",
                    "created_at": dt.datetime(2024, 3, 3, 12, tzinfo=dt.UTC),
                }
            )
    return rows


def build_warehouse(home: Home) -> dict[str, list[dict]]:
    articles = synthetic_articles()
    claims, quantities, about = synthetic_claims(articles)
    tables = {
        "article_versions": articles,
        "entities": [{"entity_id": i, "kind": k, "name": n} for i, k, n in ENTITIES],
        "mentions": synthetic_mentions(articles),
        "claim_rows": claims,
        "claim_quantities": quantities,
        "claim_entities": about,
        "quarantine": synthetic_quarantine(),
    }
    with open_writer(home) as con:
        load_batch(con, {name: padded(name, pa.Table.from_pylist(rows)) for name, rows in tables.items()}, LINEAGE)
        replace_clusters(con, synthetic_clusters(claims), LINEAGE)
    return tables


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> tuple[Home, dict[str, list[dict]]]:
    home = Home.resolve(tmp_path_factory.mktemp("report") / "home")
    return home, build_warehouse(home)


@pytest.fixture(scope="module")
def page(warehouse) -> str:
    home, _ = warehouse
    con = connect(home, read_only=True)
    try:
        return render_report(load_report(con))
    finally:
        con.close()


def section_of(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">.*?</section>', html, re.S)
    assert match, f"section {anchor} missing"
    return match.group(0)


def svgs(fragment: str) -> list[ET.Element]:
    """Every inline <svg> parsed as XML: also proves each chart is well-formed."""
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", fragment, re.S)]


def count(element: ET.Element, tag: str, css_class: str | None = None) -> int:
    return sum(1 for e in element.iter(f"{SVG_NS}{tag}") if css_class is None or e.get("class") == css_class)


def test_page_has_every_section_and_no_external_resources(page):
    for anchor in ("coverage", "entities", "claims", "conflicts", "quarantine"):
        section_of(page, anchor)
    assert "No data" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.split("<body>")[0])
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_coverage_has_one_segment_per_outlet_day_with_articles(page):
    (chart,) = svgs(section_of(page, "coverage"))
    expected = sum(1 for d in range(len(DAYS)) for o in range(len(OUTLETS)) if articles_on(d, o))
    assert count(chart, "rect", "seg") == expected
    for outlet in OUTLETS:
        assert outlet in section_of(page, "coverage")


def test_top_entities_have_a_point_per_day(page, warehouse):
    charts = svgs(section_of(page, "entities"))
    assert len(charts) == len(ENTITIES)
    for chart in charts:
        (line,) = chart.iter(f"{SVG_NS}polyline")
        assert len(line.get("points").split()) == len(DAYS)
    names = re.findall(r"<td><b>(.*?)</b>", section_of(page, "entities"))
    assert names[0] == "Ministry of Defence"


def test_claim_timeline_defaults_to_top_person_and_marks_polarity(page):
    claims = section_of(page, "claims")
    assert "Claims by or about Ana Ruiz" in claims
    charts = svgs(claims)
    timeline = next(c for c in charts if c.get("class") == "chart")
    events = [g for g in timeline.iter(f"{SVG_NS}g") if g.get("class") == "event"]
    assert len(events) == len(CLAIMS)
    assert sorted(g.get("data-polarity") for g in events) == sorted(c[2] for c in CLAIMS)
    assert sum(g.get("data-hedged") == "true" for g in events) == sum(c[3] for c in CLAIMS)
    assert claims.count("<tr>") == len(CLAIMS) + 1
    assert "declined to confirm" in claims and "hedged (may)" in claims


def test_conflicting_troop_figures_are_listed(page):
    conflicts = section_of(page, "conflicts")
    assert "troops" in conflicts
    assert "10,000" in conflicts and "12,000" in conflicts


def test_every_report_query_file_is_used_and_every_name_has_a_file():
    used = set(re.findall(r'report_sql\("(\w+)"\)', (REPO / "report" / "data.py").read_text(encoding="utf-8")))
    files = {p.stem for p in (REPO / "sql" / "report").glob("*.sql")}
    assert used == files


def test_fallback_conflicts_need_two_outlets_and_two_values(warehouse):
    home, _ = warehouse
    con = connect(home, read_only=True)
    window = Window(DAYS[0], DAYS[-1])
    rows = con.execute(report_sql("fallback_conflicts"), {**window.params(), "limit": 10}).fetchall()
    assert sorted((r[0], r[1]) for r in rows) == [("troops", 10000.0), ("troops", 12000.0)]
    assert len({r[3] for r in rows}) == 2
    con.execute("CREATE TEMP VIEW figure_conflicts AS SELECT 'troops' AS unit, 1 AS outlets")
    assert load_conflicts(con, window).source == "view"
    con.execute("CREATE OR REPLACE TEMP VIEW figure_conflicts AS SELECT CAST('x' AS INTEGER) AS broken")
    fallback = load_conflicts(con, window)
    assert fallback.source == "fallback" and "view failed" in fallback.note and len(fallback.rows) == 2
    con.close()


def test_quarantine_has_one_bar_per_reason(page):
    (chart,) = svgs(section_of(page, "quarantine"))
    assert count(chart, "rect", "bar") == len(QUARANTINE)
    assert "fetch · http_404" in section_of(page, "quarantine")


def test_values_from_the_warehouse_are_escaped(page):
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends" in page
    assert 'http-equiv="Content-Security-Policy"' in page


def test_empty_warehouse_shows_no_data_panels(tmp_path):
    home = Home.resolve(tmp_path / "empty")
    with open_writer(home):
        pass
    con = connect(home, read_only=True)
    html = render_report(load_report(con))
    con.close()
    assert html.count('class="empty"') == 5
    assert not svgs(section_of(html, "coverage"))


def test_cli_writes_the_report_for_a_window_and_entity(warehouse, tmp_path):
    home, _ = warehouse
    out = tmp_path / "report.html"
    args = ["report", "--home", str(home.root), "--from", "2024-03-02", "--to", "2024-03-04"]
    result = CliRunner().invoke(main, [*args, "--entity", "tomas berg", "--output", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "2024-03-02 to 2024-03-04" in html
    assert "Claims by or about Tomas Berg" in html
    (chart,) = svgs(section_of(html, "entities"))[:1]
    assert len(next(chart.iter(f"{SVG_NS}polyline")).get("points").split()) == 3


def test_cli_explains_an_unknown_entity(warehouse, tmp_path):
    home, _ = warehouse
    args = ["report", "--home", str(home.root), "--entity", "Ana Ruis", "--output", str(tmp_path / "r.html")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert "no entity named 'Ana Ruis'" in result.output and "Ana Ruiz" in result.output


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        return browser.ensure_chromium()
    except browser.BrowserUnavailable as exc:
        pytest.skip(f"headless Chromium test skipped: {exc}")


@pytest.mark.slow
def test_chromium_renders_the_report(chromium, page, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    dom = browser.dump_dom(chromium, path)
    assert dom.count("<svg") == page.count("<svg")
    assert dom.count('class="seg"') == page.count('class="seg"') > 0
    assert dom.count("<polyline") == len(ENTITIES)
    assert re.search(r"<svg\b[^>]*>\s*<title>", dom)
    png = browser.screenshot(chromium, path, tmp_path / "report.png", 1280, 2400)
    assert png.stat().st_size > 10_000
    if os.environ.get("WIREHOUSE_UPDATE_SCREENSHOT"):
        shutil.copyfile(png, REPO / "docs" / "report.png")


def test_svg_helpers_format_and_scale_for_people():
    assert svg.fmt_number(12000.0) == "12,000" and svg.fmt_number(2.50) == "2.5" and svg.fmt_number(None) == "–"
    assert svg.nice_ticks(7) == [0, 2, 4, 6, 8] and svg.nice_ticks(0) == [0, 1]
    assert svg.nice_ticks(1_000_000)[-1] >= 1_000_000
    assert 'href="https://a.example/?q=&lt;b&gt;"' in safe_link("https://a.example/?q=<b>", "a")
    assert safe_link("javascript:alert(1)", "<b>") == "&lt;b&gt;"


def test_small_outlets_fold_into_one_layer():
    days = DAYS[:2]
    counts = {f"o{i}": {DAYS[0]: i + 1} for i in range(10)}
    layers = fold_outlets(counts, days, keep=3)
    assert [name for name, _ in layers] == ["o9", "o8", "o7", OTHER_OUTLETS]
    assert layers[-1][1] == [sum(range(1, 8)), 0]
