"""Generators of hostile inputs for the ingest flow: HTTP replies, feeds, sitemaps, WARCs and local files.

Every case says what the warehouse must hold for it afterwards: ``article`` (an article_versions row, with
``contains`` in its text when given) or ``stage/error_class`` (a quarantine row). Nothing here talks to the
network; the HTTP cases are routes for tests.http_script_server.ScriptServer on 127.0.0.1.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import random
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.http_script_server import STALL_LIMIT_S, RecordedRequest, Reply

ARTICLE = "article"
HTML = "text/html"
HTML_UTF8 = "text/html; charset=utf-8"

EN_SENTENCES = [
    "The harbour authority said on {day} that container traffic at the {place} terminal fell by a fifth.",
    "Officials blamed the slowdown on a dispute over night shifts that has kept two of five cranes idle.",
    "Dock workers said the authority had ignored repeated warnings about staffing levels for months.",
    "Shipping lines diverted at least {n} vessels to other ports while the talks dragged on.",
    "A spokesman for the union said the dispute could be settled within days if managers returned.",
]
RU_TEXT = (
    "Городской совет Новосибирска в понедельник утвердил бюджет на следующий год. "
    "Депутаты проголосовали за увеличение расходов на ремонт дорог и строительство школ. "
    "Мэр города заявил журналистам, что новые школы откроются уже в сентябре. "
    "Оппозиция раскритиковала решение, назвав его поспешным и непродуманным."
)
#: A phrase the decoded text of every Cyrillic case must contain (mojibake would not).
RU_PHRASE = "Городской совет Новосибирска"
DE_TEXT = (
    "Der Stadtrat von Köln hat am Dienstag den Haushalt für das kommende Jahr beschlossen. "
    "Die Abgeordneten stimmten für höhere Ausgaben für Straßen, Brücken und Schulen. "
    "Die Oberbürgermeisterin sagte, die ersten neuen Schulen würden schon im September öffnen. "
    "Die Opposition kritisierte den Beschluss als übereilt und schlecht durchdacht."
)
DE_PHRASE = "Straßen, Brücken und Schulen"


def english_text(seed: str) -> str:
    """Five sentences, different for every seed so that no two cases share text or raw bytes."""
    rng = random.Random(seed)
    values = {"day": rng.choice(["Monday", "Tuesday", "Friday"]), "place": f"{seed} quay", "n": rng.randint(3, 40)}
    return " ".join(s.format(**values) for s in EN_SENTENCES)


def article_html(title: str, text: str, lang: str = "en", head: str = "", paragraphs: int = 3) -> str:
    """A news page with boilerplate around an article of `paragraphs` copies of text (numbered)."""
    body = "".join(f"<p>{text} ({number})</p>" for number in range(1, paragraphs + 1))
    return (
        f'<!doctype html><html lang="{lang}"><head>{head}<title>{title}</title></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer>Copyright The Hostile Gazette. All rights reserved.</footer></body></html>"
    )


def english_page(seed: str, head: str = "") -> bytes:
    """An English article (it goes through the NLP stage); its text contains f"{seed} quay"."""
    return article_html(f"Port traffic report {seed}", english_text(seed), head=head).encode()


def german_page(seed: str) -> bytes:
    """A German article (loaded without NLP, which keeps the run fast); its text contains f"Liegeplatz {seed}"."""
    rng = random.Random(seed)
    text = (
        f"Der Hafen meldete am {rng.choice(['Montag', 'Dienstag', 'Freitag'])} am Liegeplatz {seed} einen Rückgang "
        f"des Containerverkehrs um ein Fünftel. Die Behörde machte einen Streit über Nachtschichten verantwortlich, "
        f"wegen dem zwei von fünf Kränen stillstehen. Mindestens {rng.randint(3, 40)} Schiffe wurden in andere "
        "Häfen umgeleitet, während die Gespräche andauerten. Ein Sprecher der Gewerkschaft sagte, der Streit "
        "könne binnen Tagen beigelegt werden."
    )
    return article_html(f"Hafenbericht {seed}", text, lang="de").encode()


# --------------------------------------------------------------------------- binary and compressed bodies

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8


def random_binary(seed: str, size: int = 8192) -> bytes:
    return random.Random(seed).randbytes(size)


@cache
def gzip_bomb(total_mb: int) -> bytes:
    """A multi-member gzip stream that inflates to total_mb MiB of zeros (about total_mb KiB on the wire)."""
    member = gzip.compress(bytes(16 << 20), compresslevel=9)
    return member * max(1, total_mb // 16)


@cache
def deflate_bomb(total_mb: int) -> bytes:
    """One zlib stream inflating to total_mb MiB of zeros."""
    packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    return b"".join([packer.compress(chunk) for _ in range(total_mb)] + [packer.flush()])


def long_english_page(chars: int = 1_100_000) -> bytes:
    """An English article with more text than spaCy parses in one go (nlp.max_length is 1,000,000)."""
    rng = random.Random("long")
    words = [
        "harbour",
        "council",
        "bridge",
        "mayor",
        "said",
        "budget",
        "river",
        "port",
        "ship",
        "crane",
        "union",
        "strike",
        "night",
        "shift",
        "week",
        "month",
        "year",
        "city",
        "people",
        "road",
        "school",
        "vote",
    ]
    paragraphs, size = [], 0
    while size < chars:
        text = " ".join(
            " ".join(rng.choice(words) for _ in range(12)).capitalize() + f" {rng.randint(0, 10**6)}." for _ in range(8)
        )
        paragraphs.append(f"<p>{text}</p>")
        size += len(text)
    return article_html("A very long report", "", paragraphs=0).replace("</h1>", "</h1>" + "".join(paragraphs)).encode()


def deep_nesting(depth: int, closed: bool = True) -> bytes:
    inner = "<p>" + english_text(f"deep-{depth}-{closed}") + "</p>"
    return ("<html><body>" + "<div>" * depth + inner + ("</div>" * depth if closed else "") + "</body></html>").encode()


# --------------------------------------------------------------------------- the HTTP cases


@dataclass
class HttpCase:
    """One URL served by the script server and the outcome it must have."""

    name: str
    handler: Reply | list[Reply] | Callable[[RecordedRequest], Reply]
    expect: str
    contains: str | None = None
    path: str = ""
    #: extra routes (redirect targets, loop partners) this case needs
    extra: dict[str, Reply | list[Reply]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.path = self.path or f"/case/{self.name}"


def _stalling(release: threading.Event, reply: Reply) -> Callable[[RecordedRequest], Reply]:
    """Sends nothing, not even headers, until the test releases it (after the run)."""

    def handler(_request: RecordedRequest) -> Reply:
        release.wait(STALL_LIMIT_S)
        return reply

    return handler


class _Trickle:
    """A body that keeps coming, a small chunk every 0.25 s, until the test releases it (after the run).

    Each read sees data well inside any per-read timeout, so only a total deadline ends the fetch,
    whatever the fetch timeout and however busy the machine.
    """

    def __init__(self, release: threading.Event) -> None:
        self._release = release

    def __iter__(self) -> Iterator[bytes | float]:
        while not self._release.is_set():
            yield b"<p>x</p>"
            yield 0.25


def _ok(body: bytes, content_type: str = HTML_UTF8, **headers: str) -> Reply:
    return Reply(200, {"Content-Type": content_type, **headers}, body)


def _lazy(build: Callable[[], Reply]) -> Callable[[RecordedRequest], Reply]:
    """A handler that builds its (expensive) reply on the first request only."""
    built: list[Reply] = []

    def handler(_request: RecordedRequest) -> Reply:
        if not built:
            built.append(build())
        return built[0]

    return handler


def http_cases(release: threading.Event, secret_path: Path) -> list[HttpCase]:
    """The hostile (and a few healthy) pages; the stalling ones stall until release is set after the run."""
    cyrillic = article_html("Бюджет утверждён", RU_TEXT, lang="ru")
    german = article_html("Haushalt beschlossen", DE_TEXT, lang="de")
    fifty_mb = 50 << 20
    chunk = b"<p>" + b"padding " * 8190 + b"</p>"  # 64 KiB, served again and again
    cases = [
        HttpCase("control_english", _ok(english_page("control")), ARTICLE, "container traffic"),
        HttpCase("control_german", _ok(german.encode()), ARTICLE, DE_PHRASE),
        # empty and binary bodies labelled as HTML
        HttpCase("empty_body", _ok(b""), "extract/empty_body"),
        HttpCase("whitespace_body", _ok(b" \r\n\t \n"), "extract/empty_body"),
        HttpCase("no_content_204", Reply(204, {"Content-Type": HTML}), "extract/empty_body"),
        HttpCase("pdf_as_html", _ok(PDF), "extract/not_html"),
        HttpCase("png_as_html", _ok(PNG), "extract/not_html"),
        HttpCase("jpeg_as_html", _ok(JPEG), "extract/not_html"),
        HttpCase("zip_as_html", _ok(ZIP), "extract/not_html"),
        HttpCase("gzip_file_as_html", _ok(gzip.compress(german_page("gzfile"))), "extract/not_html"),
        HttpCase("random_binary", _ok(random_binary("bin")), "extract/not_html"),
        # too big, bombs and broken encodings
        HttpCase(
            "page_50mb_with_length",
            Reply(200, {"Content-Type": HTML, "Content-Length": str(fifty_mb)}, [chunk] * (fifty_mb // len(chunk))),
            "fetch/too_large",
        ),
        HttpCase(
            "page_50mb_streamed",
            Reply(200, {"Content-Type": HTML}, [chunk] * (fifty_mb // len(chunk))),
            "fetch/too_large",
        ),
        HttpCase(
            "gzip_bomb_1gb", _lazy(lambda: _ok(gzip_bomb(1024), **{"Content-Encoding": "gzip"})), "fetch/too_large"
        ),
        HttpCase(
            "deflate_bomb_200mb",
            _lazy(lambda: _ok(deflate_bomb(200), **{"Content-Encoding": "deflate"})),
            "fetch/too_large",
        ),
        HttpCase(
            "corrupt_gzip_encoding",
            _ok(b"\x1f\x8b\x08\x00garbage" * 20, **{"Content-Encoding": "gzip"}),
            "fetch/decode_error",
        ),
        HttpCase("unknown_encoding", _ok(b"xyz", **{"Content-Encoding": "x-wirehouse"}), "fetch/decode_error"),
        HttpCase("text_over_nlp_limit", _lazy(lambda: _ok(long_english_page())), "article+entities/text_too_long"),
        HttpCase(
            "gzip_encoded_ok",
            _ok(gzip.compress(english_page("gzenc")), **{"Content-Encoding": "gzip"}),
            ARTICLE,
            "gzenc quay",
        ),
        # hostile markup
        HttpCase("nested_divs_100k", _ok(deep_nesting(100_000)), "extract/no_main_text"),
        HttpCase("unclosed_divs_100k", _ok(deep_nesting(100_000, closed=False)), "extract/no_main_text"),
        HttpCase("nested_divs_100", _ok(deep_nesting(100)), ARTICLE, "deep-100-True quay"),
        HttpCase("no_article_nav_only", _ok(NAV_ONLY), "extract/no_main_text"),
        HttpCase("paywall_stub", _ok(PAYWALL), "extract/no_main_text"),
        HttpCase("js_app_shell", _ok(JS_SHELL), "extract/no_main_text"),
        HttpCase("section_front_links", _ok(SECTION_FRONT), "extract/no_main_text"),
        HttpCase("json_as_html", _ok(b'{"articles": [1, 2, 3], "next": null}'), "extract/unparsable_html"),
        HttpCase("html_entity_bomb", _ok(html_entity_bomb()), ARTICLE, "entitybomb quay"),
        HttpCase("html_xxe_doctype", _ok(html_xxe_page(secret_path)), ARTICLE, "htmlxxe quay"),
        # charsets: real text must come out decoded, Cyrillic stays Cyrillic
        HttpCase("invalid_utf8_bytes", _ok(invalid_utf8_page()), ARTICLE, "invalid quay"),
        HttpCase(
            "cp1251_labelled_utf8",
            _ok(cyrillic.replace("<head>", '<head><meta charset="utf-8">').encode("cp1251")),
            ARTICLE,
            RU_PHRASE,
        ),
        HttpCase("cp1251_no_label", _ok(cyrillic.encode("cp1251"), "text/html"), ARTICLE, RU_PHRASE),
        HttpCase(
            "koi8r_labelled_koi8r", _ok(cyrillic.encode("koi8_r"), "text/html; charset=koi8-r"), ARTICLE, RU_PHRASE
        ),
        HttpCase(
            "utf16le_bom_labelled_utf8", _ok(codecs.BOM_UTF16_LE + cyrillic.encode("utf-16-le")), ARTICLE, RU_PHRASE
        ),
        HttpCase(
            "utf16be_bom_no_label",
            _ok(codecs.BOM_UTF16_BE + cyrillic.encode("utf-16-be"), "text/html"),
            ARTICLE,
            RU_PHRASE,
        ),
        HttpCase(
            "utf8_bom_cyrillic",
            _ok(codecs.BOM_UTF8 + cyrillic.replace("Бюджет", "Бюджет города").encode()),
            ARTICLE,
            RU_PHRASE,
        ),
        HttpCase("latin1_labelled_utf8", _ok(german.replace("Köln", "Bonn").encode("latin-1")), ARTICLE, DE_PHRASE),
        # redirects
        HttpCase(
            "redirect_chain_ok",
            Reply(301, {"Location": "/case/redirect_chain_ok/2"}),
            ARTICLE,
            "Liegeplatz chain",
            extra={
                "/case/redirect_chain_ok/2": Reply(302, {"Location": "/case/redirect_chain_ok/3"}),
                "/case/redirect_chain_ok/3": _ok(german_page("chain")),
            },
        ),
        HttpCase(
            "redirect_loop",
            Reply(302, {"Location": "/case/redirect_loop/b"}),
            "fetch/too_many_redirects",
            extra={"/case/redirect_loop/b": Reply(302, {"Location": "/case/redirect_loop"})},
        ),
        HttpCase("redirect_to_self", Reply(307, {"Location": "/case/redirect_to_self"}), "fetch/too_many_redirects"),
        HttpCase(
            "redirect_to_404",
            Reply(301, {"Location": "/case/redirect_to_404/gone"}),
            "fetch/http_404",
            extra={"/case/redirect_to_404/gone": Reply(404, body=b"gone")},
        ),
        HttpCase("redirect_to_file_scheme", Reply(302, {"Location": "file:///etc/passwd"}), "fetch/invalid_url"),
        HttpCase("redirect_without_location", Reply(302, {"Content-Type": HTML}), "fetch/http_302"),
        # servers that stall or break
        HttpCase("stall_before_headers", _stalling(release, _ok(german_page("late"))), "fetch/timeout"),
        HttpCase(
            "stall_mid_body",
            Reply(
                200,
                {"Content-Type": HTML, "Content-Length": "100000"},
                [b"<html><body><p>The start of a page", release],
            ),
            "fetch/timeout",
        ),
        HttpCase("trickle_body", Reply(200, {"Content-Type": HTML}, _Trickle(release)), "fetch/timeout"),
        HttpCase(
            "body_shorter_than_length",
            Reply(200, {"Content-Type": HTML, "Content-Length": "5000", "Connection": "close"}, b"<html><body>short"),
            "fetch/network_error",
        ),
        # status codes
        HttpCase("http_404", Reply(404, body=b"not here"), "fetch/http_404"),
        HttpCase("http_410", Reply(410, body=b"gone"), "fetch/http_410"),
        HttpCase("http_403", Reply(403, body=b"no"), "fetch/http_403"),
        HttpCase("http_500_always", Reply(500, body=b"boom"), "fetch/http_500"),
        HttpCase("http_429_always", Reply(429, {"Retry-After": "1"}), "fetch/http_429"),
        HttpCase("http_503_then_ok", [Reply(503), _ok(german_page("retry503"))], ARTICLE, "Liegeplatz retry503"),
        HttpCase(
            "http_429_then_ok",
            [Reply(429, {"Retry-After": "1"}), _ok(german_page("retry429"))],
            ARTICLE,
            "Liegeplatz retry429",
        ),
    ]
    return cases


NAV_ONLY = (
    b"<html><head><title>Sections</title></head><body><nav><ul>"
    + b"".join(b'<li><a href="/s%d">Section %d</a></li>' % (i, i) for i in range(200))
    + b"</ul></nav><footer>All rights reserved.</footer></body></html>"
)
PAYWALL = (
    b"<html><head><title>Exclusive: the port deal</title></head><body><article><h1>Exclusive: the port deal</h1>"
    b"<p>The harbour authority has agreed a deal.</p>"
    b'<div class="paywall">Subscribe to continue reading. Already a subscriber? Log in.</div>'
    b"</article></body></html>"
)
SECTION_FRONT = (
    b"<html><head><title>Front page</title></head><body><header><nav><a href='/'>Home</a></nav></header><main>"
    + b"".join(
        b'<div class="teaser"><h2><a href="/story/%d">Council approves the budget for harbour bridge %d</a></h2></div>'
        % (i, i)
        for i in range(30)
    )
    + b"</main><footer>All rights reserved.</footer></body></html>"
)
JS_SHELL = (
    b'<!doctype html><html><head><title>App</title><script src="/app.js"></script></head>'
    b'<body><div id="root"></div><noscript>Please enable JavaScript.</noscript>'
    b"<script>window.__STATE__ = {};</script></body></html>"
)


def invalid_utf8_page() -> bytes:
    """UTF-8 with stray bytes that are no UTF-8 at all sprinkled between the sentences."""
    page = english_page("invalid")
    return page.replace(b". ", b". \xff\xfe\xc3( ", 6)


def html_entity_bomb() -> bytes:
    """A page whose internal DTD would expand to ~10^9 'lol's in a parser that expands entities."""
    page = article_html("Entity bomb", english_text("entitybomb") + " &lol9;")
    return page.replace("<!doctype html>", _billion_laughs_dtd("html")).encode()


def html_xxe_page(secret_path: Path) -> bytes:
    page = article_html("XXE in HTML", english_text("htmlxxe") + " &xxe;")
    doctype = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
    return page.replace("<!doctype html>", doctype).encode()


# --------------------------------------------------------------------------- feeds and sitemaps


@dataclass
class DocCase:
    """A feed or sitemap document case: where it is served, and the outcome of the document itself.

    expect is "listed" when the document must be read without a quarantine row, else stage/error_class.
    items are (path, outcome) pairs of the pages and nested sitemaps it lists, served by the same server.
    """

    name: str
    kind: str  # feed or sitemap
    path: str
    expect: str
    routes: dict[str, Reply | list[Reply] | Callable[[RecordedRequest], Reply]]
    items: list[tuple[str, str]] = field(default_factory=list)
    #: paths the server must never be asked for (entities, loops beyond what is listed)
    never_requested: tuple[str, ...] = ()
    #: paths that must be requested exactly once (sitemap loops)
    requested_once: tuple[str, ...] = ()


def _rss(base: str, items: list[str], doctype: str = "", title: str = "Hostile feed", guid: str = "") -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><description>{title}</description>"
        f"{guid}<pubDate>Mon, 04 Nov 2024 10:00:00 GMT</pubDate></item>"
        for path in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n<rss version="2.0"><channel><title>{title}</title>'
        f"<link>{base}/</link><description>{title}</description>{entries}</channel></rss>"
    ).encode()


def _billion_laughs_dtd(root: str) -> str:
    lines = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = "lol" if level == 1 else f"lol{level - 1}"
        lines.append(f'<!ENTITY lol{level} "{("&" + previous + ";") * 10}">')
    return f"<!DOCTYPE {root} [{''.join(lines)}]>"


def urlset(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>2024-11-04</lastmod></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def sitemap_index(base: str, paths: list[str]) -> bytes:
    maps = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'
    ).encode()


XML = "application/xml"
RSS = "application/rss+xml"


def doc_cases(base: str, secret_path: Path, secret_feed_path: Path, leak_path: str) -> list[DocCase]:
    """Feeds and sitemaps; item pages are English articles named after the case."""

    def page(path: str) -> Reply:
        seed = path.strip("/").replace("/", "-")
        return _ok(english_page(seed) if "xxe" in seed else german_page(seed))

    def items(*paths: str) -> dict[str, Reply]:
        return {p: page(p) for p in paths}

    xxe_doctype = (
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_path}">'
        f'<!ENTITY remote SYSTEM "{base}/probe/xxe-general">]>'
    )
    pe_doctype = f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{base}/probe/xxe-parameter.dtd"> %p;]>'
    sitemap_xxe = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/sm/xxe-&xxe;</loc></url>'
        "</urlset>"
    ).encode()
    sitemap_lol = _billion_laughs_dtd("urlset").encode() + urlset(base, ["/sm/lol-&lol9;"]).split(b"?>", 1)[1]
    return [
        DocCase(
            "feed_xxe_general_entity",
            "feed",
            "/feeds/xxe.xml",
            "listed",
            {
                "/feeds/xxe.xml": _ok(
                    _rss(base, ["/items/feed-xxe"], xxe_doctype, "&xxe; &remote;", "<guid>&xxe;</guid>"), RSS
                ),
                **items("/items/feed-xxe"),
            },
            [("/items/feed-xxe", ARTICLE)],
            never_requested=("/probe/xxe-general",),
        ),
        DocCase(
            "feed_xxe_parameter_entity",
            "feed",
            "/feeds/xxe-pe.xml",
            "listed",
            {
                "/feeds/xxe-pe.xml": _ok(_rss(base, ["/items/feed-xxe-pe"], pe_doctype), RSS),
                **items("/items/feed-xxe-pe"),
            },
            [("/items/feed-xxe-pe", ARTICLE)],
            never_requested=("/probe/xxe-parameter.dtd",),
        ),
        DocCase(
            "feed_billion_laughs",
            "feed",
            "/feeds/lol.xml",
            "listed",
            {
                "/feeds/lol.xml": _ok(
                    _rss(base, ["/items/feed-lol"], _billion_laughs_dtd("rss"), "&lol9;", "<guid>&lol9;</guid>"), RSS
                ),
                **items("/items/feed-lol"),
            },
            [("/items/feed-lol", ARTICLE)],
        ),
        DocCase(
            "feed_body_is_a_local_path",
            "feed",
            "/feeds/path.xml",
            "discover/bad_feed",
            {"/feeds/path.xml": _ok(os.fsencode(secret_feed_path), "text/plain")},
            never_requested=(leak_path,),
        ),
        DocCase(
            "feed_garbage",
            "feed",
            "/feeds/garbage.xml",
            "discover/bad_feed",
            {"/feeds/garbage.xml": _ok(random_binary("feed") + b"<rss", RSS)},
        ),
        DocCase("feed_http_404", "feed", "/feeds/missing.xml", "discover/http_404", {}),
        DocCase(
            "feed_too_large",
            "feed",
            "/feeds/huge.xml",
            "discover/too_large",
            {"/feeds/huge.xml": _lazy(lambda: _ok(gzip_bomb(64), RSS, **{"Content-Encoding": "gzip"}))},
        ),
        DocCase(
            "feed_hostile_links",
            "feed",
            "/feeds/links.xml",
            "listed",
            {"/feeds/links.xml": _ok(_rss_links(base), RSS), **items("/items/feed-links-ok")},
            # feedparser turns file:///etc/passwd into file://etc/passwd
            [
                ("/items/feed-links-ok", ARTICLE),
                ("file://etc/passwd", "fetch/invalid_url"),
                ("javascript:alert(1)", "fetch/invalid_url"),
                ("ftp://127.0.0.1/x", "fetch/invalid_url"),
            ],
        ),
        DocCase(
            "sitemap_self_loop",
            "sitemap",
            "/sm/self.xml",
            "listed",
            {
                "/sm/self.xml": _ok(sitemap_index(base, ["/sm/self.xml", "/sm/self-urls.xml"]), XML),
                "/sm/self-urls.xml": _ok(urlset(base, ["/items/sm-self"]), XML),
                **items("/items/sm-self"),
            },
            [("/items/sm-self", ARTICLE)],
            requested_once=("/sm/self.xml", "/sm/self-urls.xml"),
        ),
        DocCase(
            "sitemap_mutual_loop",
            "sitemap",
            "/sm/a.xml",
            "listed",
            {
                "/sm/a.xml": _ok(sitemap_index(base, ["/sm/b.xml"]), XML),
                "/sm/b.xml": _ok(sitemap_index(base, ["/sm/a.xml", "/sm/b-urls.xml", "/sm/b.xml"]), XML),
                "/sm/b-urls.xml": _ok(urlset(base, ["/items/sm-mutual"]), XML),
                **items("/items/sm-mutual"),
            },
            [("/items/sm-mutual", ARTICLE)],
            requested_once=("/sm/a.xml", "/sm/b.xml", "/sm/b-urls.xml"),
        ),
        DocCase(
            "sitemap_deep_chain",
            "sitemap",
            "/sm/chain-0.xml",
            "listed",
            {
                **{f"/sm/chain-{i}.xml": _ok(sitemap_index(base, [f"/sm/chain-{i + 1}.xml"]), XML) for i in range(3)},
                "/sm/chain-3.xml": _ok(sitemap_index(base, ["/sm/chain-4.xml", "/sm/chain-3-urls.xml"]), XML),
                "/sm/chain-3-urls.xml": _ok(urlset(base, ["/items/sm-chain"]), XML),
                **items("/items/sm-chain"),
            },
            never_requested=("/sm/chain-4.xml", "/sm/chain-3-urls.xml"),
        ),
        DocCase(
            "sitemap_index_with_a_missing_child",
            "sitemap",
            "/sm/partial.xml",
            "listed",
            {
                "/sm/partial.xml": _ok(sitemap_index(base, ["/sm/partial-urls.xml", "/sm/partial-missing.xml"]), XML),
                "/sm/partial-urls.xml": _ok(urlset(base, ["/items/sm-partial"]), XML),
                **items("/items/sm-partial"),
            },
            # the unreadable child is quarantined on its own; the readable child's items still load
            [("/items/sm-partial", ARTICLE), ("/sm/partial-missing.xml", "discover/http_404")],
            requested_once=("/sm/partial.xml", "/sm/partial-urls.xml", "/sm/partial-missing.xml"),
        ),
        DocCase(
            "sitemap_malformed",
            "sitemap",
            "/sm/malformed.xml",
            "discover/bad_sitemap",
            {"/sm/malformed.xml": _ok(urlset(base, ["/items/never"])[:-30], XML)},
            never_requested=("/items/never",),
        ),
        DocCase(
            "sitemap_xxe", "sitemap", "/sm/xxe.xml", "discover/bad_sitemap", {"/sm/xxe.xml": _ok(sitemap_xxe, XML)}
        ),
        DocCase(
            "sitemap_billion_laughs",
            "sitemap",
            "/sm/lol.xml",
            "discover/bad_sitemap",
            {"/sm/lol.xml": _ok(sitemap_lol, XML)},
        ),
        DocCase(
            "sitemap_gz_bomb_2gb",
            "sitemap",
            "/sm/bomb.xml.gz",
            "discover/too_large",
            {"/sm/bomb.xml.gz": _lazy(lambda: _ok(gzip_bomb(2048), "application/x-gzip"))},
        ),
        DocCase(
            "sitemap_gz_truncated",
            "sitemap",
            "/sm/truncated.xml.gz",
            "discover/bad_sitemap",
            {"/sm/truncated.xml.gz": _ok(gzip.compress(urlset(base, ["/items/never"]))[:60], "application/x-gzip")},
        ),
        DocCase("sitemap_http_500", "sitemap", "/sm/broken.xml", "discover/http_500", {"/sm/broken.xml": Reply(500)}),
    ]


def _rss_links(base: str) -> bytes:
    entries = "".join(
        f"<item><title>link {i}</title><link>{link}</link></item>"
        for i, link in enumerate(
            [f"{base}/items/feed-links-ok", "file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x"]
        )
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>links</title>{entries}</channel></rss>'.encode()


def secret_feed(base: str, leak_path: str, token: str) -> bytes:
    """A local file that is a valid feed: reading it would make the run fetch leak_path and store the token."""
    return _rss(base, [leak_path], title=token, guid=f"<guid>{token}</guid>")


# --------------------------------------------------------------------------- WARC files


@dataclass
class WarcCase:
    """A WARC file written by the tests; records maps a record's target URI to its outcome.

    expect_file is the outcome of the damaged byte range named by the file (a corrupt_warc row), if any.
    """

    name: str
    path: Path
    records: dict[str, str]
    expect_file: str | None = None
    contains: dict[str, str] = field(default_factory=dict)


def _record(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK", content_type: str = HTML_UTF8):
    headers = StatusAndHeaders(
        status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-11-04T10:00:00Z"},
    )
    writer.write_record(record)


def _warc_bytes(records: list[tuple[str, bytes]], gzipped: bool = True) -> list[bytes]:
    """Each record serialised separately, so tests can damage one of them."""
    out = []
    for url, body in records:
        buffer = io.BytesIO()
        _record(WARCWriter(buffer, gzip=gzipped), url, body)
        out.append(buffer.getvalue())
    return out


def warc_cases(root: Path) -> list[WarcCase]:
    root.mkdir(parents=True, exist_ok=True)

    def url(case: str, n: int) -> str:
        return f"https://warc.example/{case}/{n}.html"

    def pages(case: str, count: int) -> list[tuple[str, bytes]]:
        return [(url(case, n), german_page(f"{case}-{n}")) for n in range(count)]

    cases: list[WarcCase] = []

    # a gzip member cut near its end (an interrupted download): the last record is kept, flagged truncated
    name = "truncated-gzip-member"
    parts = _warc_bytes(pages(name, 3))
    path = root / f"{name}.warc.gz"
    path.write_bytes(parts[0] + parts[1] + parts[2][: len(parts[2]) - 40])
    cases.append(WarcCase(name, path, {url(name, 0): ARTICLE, url(name, 1): ARTICLE, url(name, 2): ARTICLE}))

    # garbage bytes between two records: one corrupt_warc row for the garbage, every record loads
    name = "garbage-in-the-middle"
    parts = _warc_bytes(pages(name, 3))
    path = root / f"{name}.warc.gz"
    path.write_bytes(parts[0] + random_binary("warc-garbage", 3000) + parts[1] + parts[2])
    cases.append(
        WarcCase(
            name,
            path,
            {url(name, 0): ARTICLE, url(name, 1): ARTICLE, url(name, 2): ARTICLE},
            expect_file="fetch/corrupt_warc",
        )
    )

    # an uncompressed WARC whose second record declares more bytes than it has: that record only is lost
    name = "wrong-content-length"
    parts = _warc_bytes(pages(name, 3), gzipped=False)
    head, _, block = parts[1].partition(b"\r\n\r\n")
    declared = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    head = head.replace(b"Content-Length: %d" % declared, b"Content-Length: %d" % (declared + 400))
    path = root / f"{name}.warc"
    path.write_bytes(parts[0] + head + b"\r\n\r\n" + block + parts[2])
    cases.append(
        WarcCase(name, path, {url(name, 0): ARTICLE, url(name, 1): "fetch/corrupt_warc", url(name, 2): ARTICLE})
    )

    # a payload digest that does not match (no truncation declared: corruption), then a healthy record
    name = "bad-digest"
    parts = _warc_bytes(pages(name, 2), gzipped=False)
    digest = parts[0].split(b"WARC-Payload-Digest: ")[1].split(b"\r\n")[0]
    path = root / f"{name}.warc"
    path.write_bytes(parts[0].replace(digest, b"sha1:" + b"A" * 32) + parts[1])
    cases.append(WarcCase(name, path, {url(name, 0): "fetch/digest_mismatch", url(name, 1): ARTICLE}))

    # mixed payloads: an archived 404, a PDF, a record over the size limit, cp1251 labelled UTF-8
    name = "mixed-payloads"
    cyrillic = article_html("Бюджет утверждён", RU_TEXT + " Архив.", lang="ru").encode("cp1251")
    big = b"<html><body>" + b"<p>big record</p>" * ((21 << 20) // 17) + b"</body></html>"
    path = root / f"{name}.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        _record(writer, url(name, 0), b"<html>not found</html>", status="404 Not Found")
        _record(writer, url(name, 1), PDF + b"% archived copy\n", content_type="application/pdf")
        _record(writer, url(name, 2), big)
        _record(writer, url(name, 3), cyrillic)
        _record(writer, url(name, 4), english_page("mixed-4"))
    cases.append(
        WarcCase(
            name,
            path,
            {
                url(name, 0): "fetch/http_404",
                url(name, 1): "extract/not_html",
                url(name, 2): "fetch/too_large",
                url(name, 3): ARTICLE,
                url(name, 4): ARTICLE,
            },
            contains={url(name, 3): RU_PHRASE},
        )
    )

    # not a WARC at all
    name = "not-a-warc"
    path = root / f"{name}.warc.gz"
    path.write_bytes(random_binary("not-a-warc", 5000))
    cases.append(WarcCase(name, path, {}, expect_file="fetch/corrupt_warc"))
    return cases


# --------------------------------------------------------------------------- local HTML files


@dataclass
class FileCase:
    name: str
    filename: str
    expect: str
    contains: str | None = None


def write_html_dir(root: Path) -> list[FileCase]:
    root.mkdir(parents=True, exist_ok=True)
    cases = [
        FileCase("file_ok", "ok.html", ARTICLE, "localfile quay"),
        FileCase("file_gz_ok", "ok.html.gz", ARTICLE, "Liegeplatz localgz"),
        FileCase("file_gz_bomb_2gb", "bomb.html.gz", "fetch/too_large"),
        FileCase("file_gz_truncated", "truncated.html.gz", "fetch/unreadable_file"),
        FileCase("file_png", "image.html", "extract/not_html"),
        FileCase("file_empty", "empty.htm", "extract/empty_body"),
        FileCase("file_cp1251", "cp1251.html", ARTICLE, RU_PHRASE),
    ]
    (root / "ok.html").write_bytes(english_page("localfile"))
    (root / "ok.html.gz").write_bytes(gzip.compress(german_page("localgz")))
    (root / "bomb.html.gz").write_bytes(gzip_bomb(2048))
    (root / "truncated.html.gz").write_bytes(gzip.compress(german_page("localtrunc"))[:-40])
    (root / "image.html").write_bytes(PNG + b"local copy")  # other bytes than the served PNG
    (root / "empty.htm").write_bytes(b"")
    (root / "cp1251.html").write_bytes(article_html("Бюджет", RU_TEXT + " Файл.", lang="ru").encode("cp1251"))
    return cases


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
