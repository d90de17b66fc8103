"""Shared inputs for the benchmarks and the scale-out test: demo pages, the extraction corpus, replicas.

- demo_pages(): the demo site's 20 article pages, fetched over loopback HTTP from demo_site.DemoSite.
- extraction_corpus(): the 990 annotated pages of ../shared/corpus/extraction (bytes, URL, snippets).
- english_pages(): the demo pages plus the English pages of that corpus (language of the annotated snippets,
  by py3langid), each with an anchor: the start of a paragraph of its main text, found in the raw bytes.
- replicate(): write n copies to a directory; copy k gets its own marker sentence in front of the anchor (so
  the raw bytes, the main text and the article id differ) and its own URL where the page names its URL.

Nothing here writes into the repository; callers pass a directory (usually a temporary one).
"""

from __future__ import annotations

import gzip
import json
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXTRACTION_DIR = SHARED / "corpus" / "extraction"


@dataclass(frozen=True)
class CorpusPage:
    """One annotated page of the extraction corpus."""

    name: str
    url: str
    body: bytes
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    language: str | None = None


@dataclass
class SourcePage:
    """A page to replicate: its bytes, the URL it claims, and where to put the marker."""

    name: str
    url: str
    body: bytes
    anchor: bytes | None = None
    origin: str = "corpus"
    meta: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ demo site


def demo_pages() -> list[SourcePage]:
    """The 20 demo articles as served (over real loopback HTTP), with the URL each page names."""
    import httpx

    from demo_site import DemoSite

    pages = []
    with DemoSite() as site, httpx.Client(timeout=10.0) as client:
        for article in site.articles():
            url = site.base_url + article.path
            response = client.get(url)
            response.raise_for_status()
            body = response.content
            anchor = _find_anchor(body, [para[:40] for para in article.paragraphs] + _text_lines(body, url))
            name = f"demo-{article.outlet}-{article.slug}"
            pages.append(SourcePage(name, url, body, anchor, origin="demo"))
    return pages


def save_demo_pages(directory: Path) -> list[Path]:
    """The 20 demo pages saved as <outlet>-<slug>.html files under directory."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in demo_pages():
        path = directory / f"{page.name}.html"
        path.write_bytes(page.body)
        paths.append(path)
    return paths


# ----------------------------------------------------------------------------------------- extraction corpus


@lru_cache(maxsize=1)
def extraction_corpus(limit: int | None = None) -> tuple[CorpusPage, ...]:
    """The annotated pages, sorted by name; language is that of the must-appear snippets (py3langid)."""
    import py3langid

    expected = json.loads((EXTRACTION_DIR / "expected.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(expected)[:limit]:
        record = expected[name]
        body = gzip.decompress((EXTRACTION_DIR / "pages" / name).read_bytes())
        must = tuple(record.get("with") or ())
        sample = " ".join(must + tuple(record.get("without") or ()))
        language = py3langid.classify(sample)[0] if len(sample) >= 40 else None
        pages.append(
            CorpusPage(name, record.get("url") or "", body, must, tuple(record.get("without") or ()), language)
        )
    return tuple(pages)


def _find_anchor(body: bytes, candidates: list[str]) -> bytes | None:
    """The first candidate text that occurs once in the raw bytes (UTF-8 or Latin-1), as bytes."""
    for text in candidates:
        for encoding in ("utf-8", "latin-1"):
            try:
                needle = text.encode(encoding)
            except UnicodeEncodeError:
                continue
            if len(needle) >= 20 and body.count(needle) == 1:
                return needle
    return None


def _text_lines(body: bytes, url: str) -> list[str]:
    """Starts of the main text's long paragraphs, as extract_article sees them."""
    from transforms.extraction import ExtractionFailed, extract_article

    try:
        text = extract_article(body, url).text
    except ExtractionFailed:
        return []
    return [ln.strip()[:48] for ln in text.split("\n") if len(ln.strip()) >= 60]


def english_corpus_pages() -> list[SourcePage]:
    """English pages of the extraction corpus that extract to an article, each with a marker anchor."""
    from transforms.extraction import ExtractionFailed, extract_article

    pages = []
    for page in extraction_corpus():
        if page.language != "en":
            continue
        try:
            article = extract_article(page.body, page.url or "https://example.org/")
        except ExtractionFailed:
            continue
        if article.language != "en":
            continue
        lines = [ln.strip() for ln in article.text.split("\n") if len(ln.strip()) >= 60]
        anchor = _find_anchor(page.body, [ln[:48] for ln in lines])
        if anchor is None:
            continue
        pages.append(SourcePage(f"corpus-{page.name.removesuffix('.html.gz')}", page.url, page.body, anchor))
    return pages


def english_pages() -> list[SourcePage]:
    """The demo pages, then the English corpus pages: the inputs of the throughput benchmark."""
    return demo_pages() + english_corpus_pages()


# ------------------------------------------------------------------------------------------------ replicas


def _code(index: int) -> str:
    """A short lowercase code for a copy number (letters, so no figure enters the claims stage)."""
    letters = string.ascii_lowercase
    out = ""
    index += 26 * 26  # at least three letters
    while index:
        index, rest = divmod(index, 26)
        out = letters[rest] + out
    return out


def variant(page: SourcePage, copy: int) -> bytes:
    """Copy number copy of page: copy 0 is the page as it is; others get a marker and their own URL."""
    if copy == 0:
        return page.body
    code = _code(copy)
    body = page.body
    if page.anchor:
        body = body.replace(page.anchor, f"Dispatch {code} of the wire. ".encode() + page.anchor, 1)
    else:  # no anchor: at least the raw bytes differ
        body = body + f"<!-- copy {code} -->".encode()
    if page.url.startswith("http"):
        stem, dot, ext = page.url.rpartition(".")
        if dot and "/" not in ext and len(ext) <= 5:
            new_url = f"{stem}-{code}.{ext}"
        else:
            new_url = f"{page.url.rstrip('/')}-{code}"
        body = body.replace(page.url.encode(), new_url.encode())
    return body


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def replicate(pages: list[SourcePage], n: int, directory: Path, start: int = 0) -> list[Path]:
    """Write n pages to directory, cycling over pages; page i is copy i // len(pages) of its source.

    start offsets the copy numbers (a second directory with start=n holds pages the first has not).
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        source = pages[i % len(pages)]
        copy = i // len(pages)
        path = directory / f"{i:06d}-{_SAFE.sub('_', source.name)[:60]}.html"
        path.write_bytes(variant(source, copy))
        paths.append(path)
    return paths


def describe(pages: list[SourcePage]) -> dict:
    demo = sum(1 for p in pages if p.origin == "demo")
    return {"sources": len(pages), "demo": demo, "corpus_en": len(pages) - demo}
