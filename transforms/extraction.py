"""Main text and metadata from raw HTML with trafilatura, or a reason why there is none."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import courlan
import py3langid
import trafilatura
from lxml import html as lxml_html

EXTRACTOR_VERSION = f"extract-3/trafilatura-{trafilatura.__version__}"
MIN_TEXT_CHARS = 200
#: Main text made mostly of link labels is a section front or a list of links, not an article.
MAX_LINK_TEXT_SHARE = 0.5
#: Leading bytes of formats that are never an HTML page, whatever the Content-Type says.
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"BZh")
#: A description shorter than this is a slogan or a stub, not a standfirst.
MIN_STANDFIRST_CHARS = 40
#: Lines at least this long are body text whatever words they contain.
MAX_BOILERPLATE_LINE_CHARS = 250
#: "Read also: <other article>" teasers inside the body, in the languages the pipeline sees most.
READ_MORE_LINE = re.compile(
    r"^\W{0,3}(read (more|also|next)|see also|related( articles?| stories| content)?|more on this"
    r"|lesen sie (auch|hier|mehr)|mehr zum thema|auch interessant|das könnte sie auch interessieren"
    r"|weitere artikel|czytaj (też|także|również|więcej)|zobacz (też|także|również)|(à )?lire aussi"
    r"|à voir aussi|le puede interesar|lea también|le(er|a) más|vea también|te puede interesar"
    r"|contenido relacionado|leggi anche|ler também|veja também)\b",
    re.IGNORECASE,
)
#: Calls to action that end a page below the article (newsletter, subscription, copyright, login prompts).
TRAILING_PROMPT = re.compile(
    r"newsletter|subscribe|sign up|follow us|all rights reserved|©|copyright|(accept|use|using) cookies"
    r"|cookie (settings|policy|consent)|abonnieren|abonnez"
    r"|suscr[ií]b|unterstütze|support (our|us)|download (the|our) .*app|eingeloggt|logged in",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\"”“»«)]$")
_VISIBLE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


class ExtractionFailed(Exception):
    """A page has no extractable article; error_class names the reason for the quarantine table."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


@dataclass(frozen=True)
class ExtractedArticle:
    url: str
    canonical_url: str
    title: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None
    language: str | None
    description: str | None
    text: str

    @property
    def text_sha256(self) -> str:
        return sha256_text(self.text)

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.canonical_url.encode()).hexdigest()[:32]

    @property
    def article_id(self) -> str:
        return hashlib.sha256(f"{self.canonical_url}\n{self.text_sha256}".encode()).hexdigest()[:32]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_html_bytes(body: bytes) -> None:
    """Refuse bodies that cannot be a web page before handing them to a parser."""
    if not body or not body.strip():
        raise ExtractionFailed("empty_body", "the response body is empty")
    head = body[:16].lstrip()
    if any(head.startswith(sig) for sig in BINARY_SIGNATURES):
        raise ExtractionFailed("not_html", f"binary content (starts with {body[:8]!r}), not an HTML page")
    sample = body[:4096]
    if sample.count(b"\x00") > 16 and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionFailed("not_html", "binary content (NUL bytes), not an HTML page")


def canonical_url(url: str) -> str:
    """Normalised URL so that trivially different spellings of one page share an identity."""
    try:
        return courlan.normalize_url(url, strict=False) or url
    except Exception:  # noqa: BLE001 - courlan raises many types on odd URLs; keep the original
        return url


def detect_language(text: str, declared: str | None) -> str | None:
    """Language of the main text; the page's own declaration only when the text is too short to tell."""
    if len(text) >= 40:
        code, _score = py3langid.classify(text[:2000])
        return code
    if declared:
        return declared.split("-")[0].lower()[:2] or None
    return None


def _declared_language(tree: lxml_html.HtmlElement | None) -> str | None:
    if tree is None:
        return None
    lang = tree.get("lang") or tree.get("xml:lang")
    return lang.strip() if lang else None


def _published_at(day: str | None, tree: lxml_html.HtmlElement | None) -> datetime | None:
    """Publication time: the exact meta timestamp when it agrees with trafilatura's date, else that day."""
    if not day:
        return None
    try:
        found = date.fromisoformat(day[:10])
    except ValueError:
        return None
    if tree is not None:
        stamps = tree.xpath(
            "//meta[@property='article:published_time' or @name='article:published_time' or "
            "@itemprop='datePublished']/@content | //time[@datetime]/@datetime"
        )
        for stamp in stamps[:5]:
            try:
                exact = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
            if exact.tzinfo is not None and exact.date() == found:
                return exact.astimezone(UTC)
    return datetime(found.year, found.month, found.day, tzinfo=UTC)


def _parse_tree(body: bytes) -> lxml_html.HtmlElement | None:
    try:
        return trafilatura.utils.load_html(body)
    except Exception:  # noqa: BLE001 - unparsable markup: trafilatura will say so too
        return None


def _anchor_texts(tree: lxml_html.HtmlElement) -> set[str]:
    texts = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    texts.discard("")
    return texts


def link_text_share(text: str, anchors: set[str]) -> float:
    """Share of the text's characters on lines that are nothing but the label of a link on the page."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    return sum(len(line) for line in lines if line in anchors) / total if total else 0.0


def visible_text(tree: lxml_html.HtmlElement) -> str:
    """The page's rendered body text (no script, style, noscript or template), whitespace collapsed."""
    return " ".join(" ".join(tree.xpath(_VISIBLE_TEXT)).split())


def standfirst_candidate(text: str, description: str | None) -> str | None:
    """The description, whitespace collapsed, when it is long enough to be a standfirst and the text lacks it."""
    lead = " ".join((description or "").split())
    if len(lead) < MIN_STANDFIRST_CHARS or lead in " ".join(text.split()):
        return None
    return lead


def add_standfirst(text: str, description: str | None, page_text: str) -> str:
    """Put the page's description in front of the text when the page shows it and the text lacks it.

    The standfirst (lead, teaser, intro under the headline) is part of the article, but trafilatura drops most
    of them because they sit outside the body container. The meta description is usually that standfirst;
    it is only taken when it is visible on the page, so a description written for search engines alone stays out.
    """
    lead = standfirst_candidate(text, description)
    if lead is None or lead not in page_text:
        return text
    return f"{lead}\n{text}"


def drop_read_more_lines(text: str) -> str:
    """Remove "Read also: <headline>" lines: teasers for other articles placed inside the body."""
    kept = [
        line
        for line in text.splitlines()
        if not (READ_MORE_LINE.match(" ".join(line.split())) and len(line) < MAX_BOILERPLATE_LINE_CHARS)
    ]
    return "\n".join(kept)


def trim_trailing_boilerplate(text: str, anchors: set[str]) -> str:
    """Cut what follows the article at the end of the text: link labels (related or most-read lists), calls to
    subscribe or follow, copyright lines, and the short heading ("More on this topic:") that introduced them."""
    lines = text.rstrip().splitlines()
    dropped = False
    while len(lines) > 1:
        line = " ".join(lines[-1].split())
        if not line:
            lines.pop()
        elif len(line) < MAX_BOILERPLATE_LINE_CHARS and (line in anchors or TRAILING_PROMPT.search(line)):
            lines.pop()
            dropped = True
        elif dropped and len(line) < 80 and (line.endswith(":") or not _SENTENCE_END.search(line)):
            lines.pop()
            dropped = False
        else:
            break
    return "\n".join(lines)


def clean_main_text(text: str, description: str | None, page_text: str, anchors: set[str]) -> str:
    """trafilatura's main text with the standfirst added and in-body and trailing boilerplate removed."""
    text = add_standfirst(text.strip(), description, page_text)
    return trim_trailing_boilerplate(drop_read_more_lines(text), anchors).strip()


def extract_article(body: bytes, url: str) -> ExtractedArticle:
    """Extract one page; raises ExtractionFailed with a reason class instead of returning junk."""
    check_html_bytes(body)
    tree = _parse_tree(body)
    if tree is None:
        raise ExtractionFailed("unparsable_html", "the page could not be parsed as HTML")
    anchors = _anchor_texts(tree)
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    text = (document.text or "").strip() if document is not None else ""
    if text:
        # The page's visible text is only needed to check a standfirst; bare_extraction works on copies of the
        # tree, so it is the same after extraction as before.
        page_text = visible_text(tree) if standfirst_candidate(text, document.description) else ""
        text = clean_main_text(text, document.description, page_text, anchors)
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionFailed(
            "no_main_text", f"no article text found ({len(text)} characters of main text, need {MIN_TEXT_CHARS})"
        )
    share = link_text_share(text, anchors)
    if share > MAX_LINK_TEXT_SHARE:
        raise ExtractionFailed(
            "no_main_text", f"no article text found: {share:.0%} of the main text is link labels (a list of links)"
        )
    page_url = document.url if document.url and document.url.startswith("http") else url
    return ExtractedArticle(
        url=url,
        canonical_url=canonical_url(page_url),
        title=document.title,
        author=document.author,
        published_at=_published_at(document.date, tree),
        site_name=document.sitename,
        language=detect_language(text, _declared_language(tree)),
        description=document.description,
        text=text,
    )
