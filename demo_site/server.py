"""Loopback HTTP server for the demo site, so ingestion is exercised over real HTTP.

Pages, feeds and sitemaps are rendered per request from the article files, which lets a
test drop a new file into `extra_dir` and see it in the feeds on the next fetch.
"""

from __future__ import annotations

import hashlib
import socketserver
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from .content import DemoArticle, article_files, load_articles
from .feeds import render_feed, render_news_sitemap, render_robots, render_sitemap_index
from .templates import (
    OUTLETS,
    Outlet,
    PageContext,
    outlet_for,
    render_article,
    render_index,
    render_outlet_home,
)

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Response:
    """A rendered resource; ETag is derived from the body, Last-Modified is given."""

    body: bytes
    content_type: str
    last_modified: datetime
    status: int = HTTPStatus.OK

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:24] + '"'


def _outlets(articles: Sequence[DemoArticle]) -> list[Outlet]:
    """The four bundled outlets, then any outlet that only extra articles introduce."""
    slugs = list(OUTLETS)
    slugs += sorted({a.outlet for a in articles} - set(slugs))
    return [outlet_for(s) for s in slugs]


def _most_read(article: DemoArticle, same_outlet: Sequence[DemoArticle]) -> list[DemoArticle]:
    """Other stories of the outlet in a stable but not date-ordered mix, like a popularity list."""
    others = [a for a in same_outlet if a.path != article.path]
    return sorted(others, key=lambda a: hashlib.md5(a.slug.encode()).hexdigest())[:5]


def _related(article: DemoArticle, same_outlet: Sequence[DemoArticle]) -> list[DemoArticle]:
    """The outlet's stories closest in time to this one."""
    others = [a for a in same_outlet if a.path != article.path]
    return sorted(others, key=lambda a: abs((a.published - article.published).total_seconds()))[:3]


class DemoSite:
    """The demo news site served from a background thread on loopback; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, extra_dir: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.extra_dir = Path(extra_dir) if extra_dir is not None else None
        self._server: ThreadingHTTPServer | None = None
        self._base_url: str | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def _bind(self) -> ThreadingHTTPServer:
        """Bind on first need so `base_url` (and a port-0 pick) is known before `start()`."""
        with self._lock:
            if self._server is None:
                server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
                server.daemon_threads = True
                self._server = server
                self._base_url = _url_for(server)
            return self._server

    @property
    def base_url(self) -> str:
        """`http://host:port` of the bound socket; still answers (no rebind) after `stop()`."""
        if self._base_url is None:
            self._bind()
        assert self._base_url is not None
        return self._base_url

    def start(self) -> DemoSite:
        server = self._bind()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-site", daemon=True
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            if thread is not None:
                server.shutdown()
                thread.join(timeout=5)
            server.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- discovery -------------------------------------------------------------------------

    def articles(self) -> list[DemoArticle]:
        """Freshly loaded articles, including any in `extra_dir`."""
        return load_articles(self.extra_dir)

    def feed_urls(self) -> list[str]:
        return [self.base_url + o.feed_path for o in _outlets(self.articles())]

    def sitemap_urls(self) -> list[str]:
        return [self.base_url + o.sitemap_path for o in _outlets(self.articles())]

    def article_urls(self) -> list[str]:
        return [self.base_url + a.path for a in self.articles()]

    # -- rendering -------------------------------------------------------------------------

    def _files_mtime(self) -> datetime:
        """Newest article-file mtime, so a feed's Last-Modified moves when a file is added."""
        stamps = [f.stat().st_mtime for f in article_files(self.extra_dir)]
        return datetime.fromtimestamp(max(stamps, default=0), UTC)

    def resolve(self, raw_path: str, base_url: str | None = None) -> Response | None:
        """Render the resource at a URL path, or None for a 404; the query string is ignored."""
        path = unquote(urlsplit(raw_path).path)
        articles = self.articles()
        base = base_url or self.base_url
        outlets = _outlets(articles)
        listing_modified = max(
            max((a.published for a in articles), default=datetime(2024, 10, 1, tzinfo=UTC)),
            self._files_mtime(),
        )

        if path in ("/", "/index.html"):
            return Response(render_index(outlets, articles, base).encode(), HTML, listing_modified)
        if path == "/robots.txt":
            robots = render_robots(outlets, base).encode()
            return Response(robots, "text/plain; charset=utf-8", listing_modified)
        if path == "/sitemap.xml":
            return Response(render_sitemap_index(outlets, articles, base).encode(), XML, listing_modified)

        by_slug = {o.slug: o for o in outlets}
        parts = path.strip("/").split("/")
        outlet = by_slug.get(parts[0])
        if outlet is None:
            return None
        own = [a for a in articles if a.outlet == outlet.slug]
        if path == outlet.home_path:
            return Response(render_outlet_home(outlet, own, base).encode(), HTML, listing_modified)
        if path == outlet.feed_path:
            body = render_feed(outlet, own, base).encode()
            return Response(body, f"{outlet.feed_type}; charset=utf-8", listing_modified)
        if path == outlet.sitemap_path:
            return Response(render_news_sitemap(outlet, own, base).encode(), XML, listing_modified)
        for article in own:
            if article.path == path:
                ctx = PageContext(outlet, article, base, _most_read(article, own), _related(article, own))
                return Response(render_article(ctx).encode(), HTML, article.published)
        return None


def _url_for(server: socketserver.BaseServer) -> str:
    """Absolute base URL for a bound server; a wildcard bind is reached via loopback."""
    host, port = server.server_address[:2]  # type: ignore[misc]
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _not_modified(headers: object, response: Response) -> bool:
    """RFC 9110 order: If-None-Match wins; If-Modified-Since only when it is absent."""
    get = headers.get  # type: ignore[attr-defined]
    if_none_match = get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or response.etag in tags
    if_modified_since = get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return response.last_modified.replace(microsecond=0) <= since
    return False


def _make_handler(site: DemoSite) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to one site (http.server instantiates it per request)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "WirehouseDemo/1.0"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._serve(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
            self._serve(send_body=False)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
            """Silent: request logs would drown pipeline output and test reports."""

        def _serve(self, send_body: bool) -> None:
            try:
                response = site.resolve(self.path, _url_for(self.server))
            except Exception as exc:  # a broken extra article should not kill the server
                self._plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"demo site error: {exc}\n", send_body)
                return
            if response is None:
                self._plain(HTTPStatus.NOT_FOUND, f"not found: {self.path}\n", send_body)
                return
            headers = {
                "ETag": response.etag,
                "Last-Modified": format_datetime(response.last_modified.astimezone(UTC), usegmt=True),
                "Cache-Control": "no-cache",
            }
            if _not_modified(self.headers, response):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def _plain(self, status: HTTPStatus, text: str, send_body: bool) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


def serve_forever(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the demo site in the foreground, printing feed and sitemap URLs; Ctrl-C stops."""
    site = DemoSite(host, port).start()
    try:
        print(f"Demo news site at {site.base_url}/")
        print("Feeds:")
        for url in site.feed_urls():
            print(f"  {url}")
        print("News sitemaps:")
        for url in site.sitemap_urls():
            print(f"  {url}")
        print(f"Sitemap index: {site.base_url}/sitemap.xml  (Ctrl-C to stop)", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
