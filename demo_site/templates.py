"""HTML page templates for the demo outlets.

Every outlet gets its own markup and its own page chrome (menus, cookie banner, most-read
list, newsletter box, share buttons, footer) so the extraction step is tested against the
kind of boilerplate real news sites wrap around an article, not one friendly layout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from html import escape

from .content import DemoArticle


@dataclass(frozen=True)
class Outlet:
    """A fictional publication: its names, feed flavour, layout and boilerplate wording."""

    slug: str
    name: str
    tagline: str
    feed_kind: str  # "rss" or "atom"
    layout: str
    sections: tuple[str, ...]
    cookie_text: str
    newsletter_title: str
    newsletter_text: str
    most_read_label: str
    related_label: str
    share_label: str
    copyright_line: str
    legal_links: tuple[str, ...]

    @property
    def home_path(self) -> str:
        return f"/{self.slug}/"

    @property
    def feed_path(self) -> str:
        return f"/{self.slug}/{'atom' if self.feed_kind == 'atom' else 'rss'}.xml"

    @property
    def feed_type(self) -> str:
        return "application/atom+xml" if self.feed_kind == "atom" else "application/rss+xml"

    @property
    def sitemap_path(self) -> str:
        return f"/{self.slug}/news-sitemap.xml"

    def boilerplate(self) -> tuple[str, ...]:
        """Strings that appear on every page of the outlet and must never reach article text."""
        return (
            self.cookie_text,
            self.newsletter_title,
            self.newsletter_text,
            self.most_read_label,
            self.related_label,
            self.share_label,
            self.copyright_line,
            *self.legal_links,
        )


OUTLETS: dict[str, Outlet] = {
    outlet.slug: outlet
    for outlet in (
        Outlet(
            slug="harbour-ledger",
            name="The Harbour Ledger",
            tagline="News from every quay, since 1887",
            feed_kind="rss",
            layout="ledger",
            sections=("UK", "World", "Business", "Shipping", "Climate", "Opinion"),
            cookie_text=(
                "We and our 143 partners use cookies to keep the Ledger afloat and to measure our readership."
            ),
            newsletter_title="The Tide Table",
            newsletter_text=("The morning briefing from the Ledger newsroom, delivered before the first ferry leaves."),
            most_read_label="Most read on the Ledger",
            related_label="More on this story",
            share_label="Share this article",
            copyright_line="© 2024 Harbour Ledger Media Ltd. Registered in England and Wales No. 0418873.",
            legal_links=(
                "Terms and conditions",
                "Privacy notice",
                "Cookie settings",
                "Complaints and corrections",
            ),
        ),
        Outlet(
            slug="meridian-daily",
            name="Meridian Daily",
            tagline="The world at noon",
            feed_kind="atom",
            layout="meridian",
            sections=("U.S.", "World", "Markets", "Energy", "Science", "Video"),
            cookie_text=("Meridian Daily values your privacy. Click Accept to allow personalized advertising cookies."),
            newsletter_title="Noon Brief",
            newsletter_text=("Sign up for Noon Brief: five stories you need, every weekday at 12 p.m. Eastern."),
            most_read_label="Most Popular at Meridian",
            related_label="Read next",
            share_label="Share on social",
            copyright_line="Copyright © 2024 Meridian Daily Publishing Company, LLC. All Rights Reserved.",
            legal_links=(
                "Terms of Service",
                "Privacy Policy",
                "Do Not Sell My Personal Information",
                "Site Map",
            ),
        ),
        Outlet(
            slug="northgate-post",
            name="Northgate Post",
            tagline="Independent reporting from Europe's crossroads",
            feed_kind="rss",
            layout="northgate",
            sections=("Europe", "Germany", "Netherlands", "Africa", "Economy", "Culture"),
            cookie_text=(
                "This site stores small files on your device. By continuing to read the Post you agree to this."
            ),
            newsletter_title="The Northgate Weekender",
            newsletter_text=(
                "Our editors' pick of the week, every Saturday morning. Free, no spam, unsubscribe anytime."
            ),
            most_read_label="Most Read",
            related_label="Related stories",
            share_label="Send this story",
            copyright_line="© Northgate Post Verlag GmbH 2024 – all rights reserved",
            legal_links=("Imprint", "Data protection", "Terms of use", "Contact the newsroom"),
        ),
        Outlet(
            slug="capital-wire",
            name="Capital Wire",
            tagline="Fast, factual, first",
            feed_kind="rss",
            layout="wire",
            sections=("Top News", "Politics", "Defense", "Business", "Africa", "Europe"),
            cookie_text=("Capital Wire uses cookies and similar technologies. Manage your choices at any time."),
            newsletter_title="The Wire at Six",
            newsletter_text=("Get the Wire at Six: the evening digest of what moved markets and capitals today."),
            most_read_label="Trending on Capital Wire",
            related_label="Related Coverage",
            share_label="Share via email",
            copyright_line=("© 2024 Capital Wire Service Inc. Republication without written consent is prohibited."),
            legal_links=(
                "Licensing",
                "Accessibility statement",
                "Your privacy choices",
                "Standards & ethics",
            ),
        ),
    )
}


def outlet_for(slug: str) -> Outlet:
    """The outlet for a slug; unknown slugs (extra test articles) get a plain generic outlet."""
    if slug in OUTLETS:
        return OUTLETS[slug]
    name = slug.replace("-", " ").title()
    return Outlet(
        slug=slug,
        name=name,
        tagline="A demo outlet",
        feed_kind="rss",
        layout="ledger",
        sections=("News", "Business", "World"),
        cookie_text=f"{name} uses cookies to remember your preferences.",
        newsletter_title=f"{name} Daily Digest",
        newsletter_text=f"Get the {name} Daily Digest in your inbox every morning.",
        most_read_label="Most read",
        related_label="Related",
        share_label="Share",
        copyright_line=f"© 2024 {name}. All rights reserved.",
        legal_links=("Terms", "Privacy"),
    )


@dataclass(frozen=True)
class PageContext:
    """Everything an article layout needs; URLs are absolute on the bound host."""

    outlet: Outlet
    article: DemoArticle
    base_url: str
    most_read: Sequence[DemoArticle]
    related: Sequence[DemoArticle]

    @property
    def url(self) -> str:
        return self.base_url + self.article.path

    def link(self, article: DemoArticle) -> str:
        return self.base_url + article.path


def _e(text: str) -> str:
    return escape(text, quote=True)


def _head(ctx: PageContext, json_ld: bool, extra: str = "") -> str:
    """The <head>: canonical, Open Graph and article metadata the pipeline reads."""
    a, o = ctx.article, ctx.outlet
    ld = ""
    if json_ld:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "description": a.summary,
            "datePublished": a.published.isoformat(),
            "author": {"@type": "Person", "name": a.author},
            "publisher": {"@type": "Organization", "name": o.name},
            "mainEntityOfPage": ctx.url,
        }
        payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        ld = f'\n<script type="application/ld+json">{payload}</script>'
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(a.title)} | {_e(o.name)}</title>
<meta name="description" content="{_e(a.summary)}">
<meta name="author" content="{_e(a.author)}">
<link rel="canonical" href="{_e(ctx.url)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{_e(a.title)}">
<meta property="og:description" content="{_e(a.summary)}">
<meta property="og:url" content="{_e(ctx.url)}">
<meta property="og:site_name" content="{_e(o.name)}">
<meta property="article:published_time" content="{_e(a.published.isoformat())}">
<meta property="article:author" content="{_e(a.author)}">
<link rel="alternate" type="{o.feed_type}" title="{_e(o.name)}" href="{_e(ctx.base_url + o.feed_path)}">{ld}
{extra}</head>"""


def _paras(article: DemoArticle, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{_e(p)}</p>" for p in article.paragraphs)


def _list_items(ctx: PageContext, articles: Sequence[DemoArticle], li_class: str = "") -> str:
    attr = f' class="{li_class}"' if li_class else ""
    return "\n".join(f'<li{attr}><a href="{_e(ctx.link(x))}">{_e(x.title)}</a></li>' for x in articles)


def _nav_links(ctx: PageContext) -> str:
    base = ctx.base_url + ctx.outlet.home_path
    return "\n".join(
        f'<li><a href="{_e(base)}#{_e(s.lower().replace(".", ""))}">{_e(s)}</a></li>' for s in ctx.outlet.sections
    )


def _legal(ctx: PageContext, sep: str = "", wrap: str = "") -> str:
    base = ctx.base_url + ctx.outlet.home_path
    links = [
        f'<a href="{_e(base)}#{_e(label.lower().replace(" ", "-"))}">{_e(label)}</a>'
        for label in ctx.outlet.legal_links
    ]
    if wrap:
        links = [f"<{wrap}>{link}</{wrap}>" for link in links]
    return sep.join(links)


_LEDGER_CSS = '<link rel="stylesheet" href="/static/ledger.css">\n'


def _ledger(ctx: PageContext) -> str:
    """The Harbour Ledger: British broadsheet; <article> with header, dek and a share bar."""
    a, o = ctx.article, ctx.outlet
    when = a.published.astimezone(UTC)
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(ctx, json_ld=False, extra=_LEDGER_CSS)}
<body class="hl-page">
<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>{_e(o.cookie_text)}</p>
<button type="button">Accept all</button> <button type="button">Manage preferences</button>
</div>
<header class="masthead">
<a class="masthead__logo" href="{_e(ctx.base_url + o.home_path)}">{_e(o.name)}</a>
<p class="masthead__tagline">{_e(o.tagline)}</p>
<nav class="primary-nav" aria-label="Sections"><ul>
{_nav_links(ctx)}
</ul></nav>
</header>
<main class="hl-layout">
<article class="hl-story">
<header class="hl-story__header">
<p class="hl-kicker">{_e(o.sections[1])}</p>
<h1>{_e(a.title)}</h1>
<p class="hl-standfirst">{_e(a.summary)}</p>
<p class="byline">By <a rel="author" href="#">{_e(a.author)}</a> &middot;
<time datetime="{_e(a.published.isoformat())}">{when:%a %d %b %Y %H.%M} GMT</time></p>
</header>
<div class="share-bar" aria-label="{_e(o.share_label)}">
<span>{_e(o.share_label)}</span>
<a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Email</a>
</div>
<div class="article-body">
{_paras(a)}
</div>
</article>
<aside class="related-links" aria-label="Related">
<h2>{_e(o.related_label)}</h2>
<ul>
{_list_items(ctx, ctx.related)}
</ul>
</aside>
<aside class="hl-rail">
<section class="most-read">
<h2>{_e(o.most_read_label)}</h2>
<ol>
{_list_items(ctx, ctx.most_read)}
</ol>
</section>
<section class="newsletter">
<h2>{_e(o.newsletter_title)}</h2>
<p>{_e(o.newsletter_text)}</p>
<form action="#" method="post"><input type="email" name="email" placeholder="Your email">
<button type="submit">Sign me up</button></form>
</section>
</aside>
</main>
<footer class="site-footer">
<nav aria-label="Legal">{_legal(ctx, " | ")}</nav>
<p>{_e(o.copyright_line)}</p>
</footer>
</body>
</html>
"""


def _meridian(ctx: PageContext) -> str:
    """Meridian Daily: US daily; schema.org microdata, JSON-LD, sidebar and a consent modal."""
    a, o = ctx.article, ctx.outlet
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(ctx, json_ld=True)}
<body class="md">
<header id="top" class="md-header">
<div class="md-brand"><a href="{_e(ctx.base_url + o.home_path)}">{_e(o.name)}</a>
<span class="md-tagline">{_e(o.tagline)}</span></div>
<nav class="md-nav"><ul>
{_nav_links(ctx)}
</ul></nav>
</header>
<div class="md-grid">
<main id="main-content">
<article class="md-article" itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">{_e(a.title)}</h1>
<div class="md-meta">
<span class="author" itemprop="author">{_e(a.author)}</span>
<time itemprop="datePublished" datetime="{_e(a.published.isoformat())}">{a.published:%B %d, %Y}</time>
</div>
<div class="md-tools share-tools">
<button type="button">{_e(o.share_label)}</button> <button type="button">Copy link</button>
</div>
<section class="md-body" itemprop="articleBody">
{_paras(a, "md-p")}
</section>
</article>
<section class="more-on">
<h2>{_e(o.related_label)}</h2>
<ul>
{_list_items(ctx, ctx.related)}
</ul>
</section>
</main>
<aside class="md-sidebar">
<div class="most-popular">
<h3>{_e(o.most_read_label)}</h3>
<ol>
{_list_items(ctx, ctx.most_read, "md-popular-item")}
</ol>
</div>
</aside>
</div>
<section class="newsletter-signup">
<h2>{_e(o.newsletter_title)}</h2>
<p>{_e(o.newsletter_text)}</p>
<form action="#"><input type="email" name="email" aria-label="Email address"><button>Subscribe</button></form>
</section>
<footer class="md-footer">
<ul class="md-legal">{_legal(ctx, "", "li")}</ul>
<p>{_e(o.copyright_line)}</p>
</footer>
<div class="consent-modal" id="gdpr-consent" role="dialog">
<p>{_e(o.cookie_text)}</p>
<button type="button">Accept</button> <button type="button">Reject</button>
</div>
</body>
</html>
"""


def _northgate(ctx: PageContext) -> str:
    """Northgate Post: older CMS with no <article> element; the text sits in div.story-body."""
    a, o = ctx.article, ctx.outlet
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(ctx, json_ld=False)}
<body>
<div id="page">
<div class="topbar">
<a class="logo" href="{_e(ctx.base_url + o.home_path)}">{_e(o.name)}</a>
<ul class="menu">
{_nav_links(ctx)}
</ul>
</div>
<div class="container">
<div class="story">
<h1 class="story-headline">{_e(a.title)}</h1>
<div class="story-byline">By <span class="byline-name">{_e(a.author)}</span>,
<time datetime="{_e(a.published.isoformat())}">{a.published:%d.%m.%Y, %H:%M}</time></div>
<div class="story-body">
{_paras(a)}
</div>
<div class="story-tools share-buttons">
<span>{_e(o.share_label)}</span> <a href="#">WhatsApp</a> <a href="#">Telegram</a> <a href="#">Email</a>
</div>
</div>
<div class="sidebar">
<div class="block trending">
<h4>{_e(o.most_read_label)}</h4>
<ol>
{_list_items(ctx, ctx.most_read)}
</ol>
</div>
</div>
<div class="signup-box newsletter">
<h4>{_e(o.newsletter_title)}</h4>
<p>{_e(o.newsletter_text)}</p>
</div>
<div class="related-stories">
<h4>{_e(o.related_label)}</h4>
<ul>
{_list_items(ctx, ctx.related)}
</ul>
</div>
</div>
<div class="footer">
<p>{_legal(ctx, " · ")}</p>
<p>{_e(o.copyright_line)}</p>
</div>
<div class="cookie-notice" id="cookie-notice">
<p>{_e(o.cookie_text)}</p>
<a href="#" class="cookie-ok">OK</a>
</div>
</div>
</body>
</html>
"""


def _wire(ctx: PageContext) -> str:
    """Capital Wire: compact wire layout; related links and share tools sit inside <article>."""
    a, o = ctx.article, ctx.outlet
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(ctx, json_ld=True)}
<body class="cw">
<div class="cookie-consent-bar" role="region">
<p>{_e(o.cookie_text)}</p><button type="button">Got it</button>
</div>
<nav class="navbar">
<a class="cw-logo" href="{_e(ctx.base_url + o.home_path)}">{_e(o.name)}</a>
<ul>
{_nav_links(ctx)}
</ul>
</nav>
<div class="cw-wrap">
<article class="cw-article" id="story">
<div class="cw-head">
<h1>{_e(a.title)}</h1>
<div class="cw-byline">By {_e(a.author)}</div>
<time class="cw-time" datetime="{_e(a.published.isoformat())}">{a.published:%B %d, %Y %H:%M}</time>
</div>
<div class="cw-text">
{_paras(a)}
</div>
<div class="cw-share share-links">
<a href="#">{_e(o.share_label)}</a> <a href="#">Print</a>
</div>
<div class="cw-related related-links">
<h2>{_e(o.related_label)}</h2>
<ul>
{_list_items(ctx, ctx.related)}
</ul>
</div>
</article>
<section class="cw-popular most-popular">
<h2>{_e(o.most_read_label)}</h2>
<ol>
{_list_items(ctx, ctx.most_read)}
</ol>
</section>
<div class="newsletter-cta">
<strong>{_e(o.newsletter_title)}</strong>
<p>{_e(o.newsletter_text)}</p>
</div>
</div>
<footer class="cw-footer">
<div>{_legal(ctx, " ")}</div>
<p>{_e(o.copyright_line)}</p>
</footer>
</body>
</html>
"""


LAYOUTS: dict[str, Callable[[PageContext], str]] = {
    "ledger": _ledger,
    "meridian": _meridian,
    "northgate": _northgate,
    "wire": _wire,
}


def render_article(ctx: PageContext) -> str:
    """A full article page in the outlet's own layout."""
    return LAYOUTS[ctx.outlet.layout](ctx)


def render_outlet_home(outlet: Outlet, articles: Sequence[DemoArticle], base_url: str) -> str:
    """An outlet front page: newest first, with the feed advertised for autodiscovery."""
    items = "\n".join(
        f'<li><a href="{_e(base_url + a.path)}">{_e(a.title)}</a> '
        f'<time datetime="{_e(a.published.isoformat())}">{a.published:%d %b %Y}</time></li>'
        for a in sorted(articles, key=lambda x: x.published, reverse=True)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_e(outlet.name)} – {_e(outlet.tagline)}</title>
<link rel="alternate" type="{outlet.feed_type}" title="{_e(outlet.name)}"
 href="{_e(base_url + outlet.feed_path)}">
</head>
<body>
<h1>{_e(outlet.name)}</h1>
<p>{_e(outlet.tagline)}</p>
<ul>
{items}
</ul>
<p><a href="{_e(base_url + outlet.feed_path)}">Feed</a> ·
<a href="{_e(base_url + outlet.sitemap_path)}">News sitemap</a></p>
</body>
</html>
"""


def render_index(outlets: Sequence[Outlet], articles: Sequence[DemoArticle], base_url: str) -> str:
    """The site root: every outlet, its feed (linked for autodiscovery) and its sitemap."""
    links = "\n".join(
        f'<link rel="alternate" type="{o.feed_type}" title="{_e(o.name)}" href="{_e(base_url + o.feed_path)}">'
        for o in outlets
    )
    sections = []
    for o in outlets:
        own = [a for a in articles if a.outlet == o.slug]
        sections.append(
            f"""<section>
<h2><a href="{_e(base_url + o.home_path)}">{_e(o.name)}</a></h2>
<p>{_e(o.tagline)} – {len(own)} articles.
<a href="{_e(base_url + o.feed_path)}">{"Atom" if o.feed_kind == "atom" else "RSS"} feed</a> ·
<a href="{_e(base_url + o.sitemap_path)}">News sitemap</a></p>
</section>"""
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Wirehouse demo news site</title>
{links}
</head>
<body>
<h1>Wirehouse demo news site</h1>
<p>Fictional outlets and articles for exercising the ingestion pipeline.
See <a href="{_e(base_url)}/sitemap.xml">the sitemap index</a>
and <a href="{_e(base_url)}/robots.txt">robots.txt</a>.</p>
{chr(10).join(sections)}
</body>
</html>
"""
