"""The main job on the embedded default: serve the demo site on loopback, ingest it, print answers."""

from __future__ import annotations

from rich.console import Console

from demo_site import DemoSite

DEMO_QUERIES = ("most_mentioned_entities", "latest_claims", "conflicting_figures")


def run_demo(home: str | None, console: Console | None = None) -> dict:
    from flows.ingest import ingest_flow
    from flows.settings import load_settings
    from report.run_summary import print_run_summary
    from shell.output import write_table
    from warehouse.lake import connect
    from warehouse.queries import named_queries, run_query

    console = console or Console()
    with DemoSite() as site:
        console.print(
            f"demo site on {site.base_url}: {len(site.feed_urls())} feeds, {len(site.sitemap_urls())} sitemaps"
        )
        summary = ingest_flow(feeds=site.feed_urls(), sitemaps=site.sitemap_urls(), home=home, allow_private=True)
    print_run_summary(summary, console)
    con = connect(load_settings(home=home).lake_home(), read_only=True)
    queries = named_queries()
    for name in DEMO_QUERIES:
        if name in queries:
            result = run_query(con, queries[name], {}).to_arrow_table()
            write_table(result, "table", title=f"{name}: {queries[name].answers}")
    return summary
