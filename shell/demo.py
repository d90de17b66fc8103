"""The main job on the embedded default: serve the demo site on loopback, ingest it, print answers."""

from __future__ import annotations

from rich.console import Console


def run_demo(home: str | None, console: Console | None = None) -> dict:
    """Run flows.api.demo and print what it gives: where the site runs, the run summary, the answers."""
    from flows.api import demo
    from report.run_summary import print_run_summary
    from shell.output import write_table

    console = console or Console()

    def announce(site) -> None:
        console.print(
            f"demo site on {site.base_url}: {len(site.feed_urls())} feeds, {len(site.sitemap_urls())} sitemaps"
        )

    summary, answers = demo(home, on_site=announce)
    print_run_summary(summary, console)
    for query, result in answers:
        write_table(result, "table", title=f"{query.name}: {query.answers}")
    return summary
