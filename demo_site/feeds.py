"""RSS 2.0, Atom, Google News sitemaps, the sitemap index and robots.txt for the demo site.

All URLs are absolute on the host:port the server is actually bound to, because the
pipeline discovers articles from these documents and then fetches them over HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from .content import DemoArticle
from .templates import Outlet


def _x(text: str) -> str:
    """XML-escape text and attribute values (html.escape's entities are all valid XML)."""
    return escape(text, quote=True)


def _newest(articles: Sequence[DemoArticle]) -> Sequence[DemoArticle]:
    return sorted(articles, key=lambda a: (a.published, a.slug), reverse=True)


def _latest(articles: Sequence[DemoArticle]) -> datetime:
    return max((a.published for a in articles), default=datetime(2024, 10, 1, tzinfo=UTC))


def render_rss(outlet: Outlet, articles: Sequence[DemoArticle], base_url: str) -> str:
    """An RSS 2.0 channel, newest item first, with dc:creator and an atom:link self reference."""
    items = []
    for a in _newest(articles):
        url = base_url + a.path
        items.append(
            f"""  <item>
    <title>{_x(a.title)}</title>
    <link>{_x(url)}</link>
    <guid isPermaLink="true">{_x(url)}</guid>
    <pubDate>{format_datetime(a.published)}</pubDate>
    <dc:creator>{_x(a.author)}</dc:creator>
    <description>{_x(a.summary)}</description>
  </item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{_x(outlet.name)}</title>
  <link>{_x(base_url + outlet.home_path)}</link>
  <description>{_x(outlet.tagline)}</description>
  <language>en</language>
  <lastBuildDate>{format_datetime(_latest(articles).astimezone(UTC), usegmt=True)}</lastBuildDate>
  <atom:link href="{_x(base_url + outlet.feed_path)}" rel="self" type="application/rss+xml"/>
{chr(10).join(items)}
</channel>
</rss>
"""


def render_atom(outlet: Outlet, articles: Sequence[DemoArticle], base_url: str) -> str:
    """An Atom 1.0 feed; entry ids are the article URLs."""
    entries = []
    for a in _newest(articles):
        url = base_url + a.path
        entries.append(
            f"""  <entry>
    <title>{_x(a.title)}</title>
    <link rel="alternate" type="text/html" href="{_x(url)}"/>
    <id>{_x(url)}</id>
    <published>{a.published.isoformat()}</published>
    <updated>{a.published.isoformat()}</updated>
    <author><name>{_x(a.author)}</name></author>
    <summary>{_x(a.summary)}</summary>
  </entry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{_x(outlet.name)}</title>
  <subtitle>{_x(outlet.tagline)}</subtitle>
  <id>{_x(base_url + outlet.home_path)}</id>
  <link rel="alternate" type="text/html" href="{_x(base_url + outlet.home_path)}"/>
  <link rel="self" type="application/atom+xml" href="{_x(base_url + outlet.feed_path)}"/>
  <updated>{_latest(articles).isoformat()}</updated>
{chr(10).join(entries)}
</feed>
"""


def render_feed(outlet: Outlet, articles: Sequence[DemoArticle], base_url: str) -> str:
    """The outlet's feed in whichever flavour it publishes."""
    if outlet.feed_kind == "atom":
        return render_atom(outlet, articles, base_url)
    return render_rss(outlet, articles, base_url)


def render_news_sitemap(outlet: Outlet, articles: Sequence[DemoArticle], base_url: str) -> str:
    """A Google News sitemap: <loc>, <lastmod> and the news:news block for every article."""
    urls = []
    for a in _newest(articles):
        urls.append(
            f"""  <url>
    <loc>{_x(base_url + a.path)}</loc>
    <lastmod>{a.published.isoformat()}</lastmod>
    <news:news>
      <news:publication>
        <news:name>{_x(outlet.name)}</news:name>
        <news:language>en</news:language>
      </news:publication>
      <news:publication_date>{a.published.isoformat()}</news:publication_date>
      <news:title>{_x(a.title)}</news:title>
    </news:news>
  </url>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{chr(10).join(urls)}
</urlset>
"""


def render_sitemap_index(outlets: Sequence[Outlet], articles: Sequence[DemoArticle], base_url: str) -> str:
    """The root sitemap index pointing at every outlet's news sitemap."""
    entries = []
    for o in outlets:
        own = [a for a in articles if a.outlet == o.slug]
        entries.append(
            f"""  <sitemap>
    <loc>{_x(base_url + o.sitemap_path)}</loc>
    <lastmod>{_latest(own).isoformat()}</lastmod>
  </sitemap>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{chr(10).join(entries)}
</sitemapindex>
"""


def render_robots(outlets: Sequence[Outlet], base_url: str) -> str:
    """Allow everything and advertise the sitemap index plus each news sitemap."""
    lines = ["User-agent: *", "Allow: /", "", f"Sitemap: {base_url}/sitemap.xml"]
    lines += [f"Sitemap: {base_url}{o.sitemap_path}" for o in outlets]
    return "\n".join(lines) + "\n"
