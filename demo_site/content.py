"""Article data for the demo site: small front-matter Markdown files, parsed on demand.

Articles live as text files (not Python strings) so tests and demos can add one by
dropping a file into a directory, and so the prose stays readable for whoever edits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"

_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("title", "author", "published", "outlet", "slug", "summary")


@dataclass(frozen=True)
class DemoArticle:
    """One article as the demo site serves it; `path` is the URL path on the site."""

    outlet: str
    slug: str
    title: str
    author: str
    published: datetime
    summary: str
    paragraphs: tuple[str, ...]
    path: str


def article_path(outlet: str, slug: str, published: datetime) -> str:
    """URL path in the usual news shape, dated by the publication day in its own time zone."""
    return f"/{outlet}/{published:%Y/%m/%d}/{slug}.html"


def _split_front_matter(text: str, source: Path) -> tuple[dict[str, str], str]:
    """Split `---`-delimited `key: value` lines from the body; values may contain colons."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{source}: missing front matter (first line must be '---')")
    meta: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return meta, "\n".join(lines[index + 1 :])
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{source}: front matter line {index + 1} is not 'key: value'")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        meta[key.strip().lower()] = value
    raise ValueError(f"{source}: front matter is not closed with '---'")


def _paragraphs(body: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; wrapped lines inside one paragraph are re-joined."""
    blocks = re.split(r"\n\s*\n", body.strip())
    return tuple(" ".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip())


def parse_article(source: Path) -> DemoArticle:
    """Parse one article file; the slug defaults to the file name, the outlet to its folder."""
    meta, body = _split_front_matter(source.read_text(encoding="utf-8"), source)
    meta.setdefault("slug", source.stem)
    meta.setdefault("outlet", source.parent.name)
    missing = [key for key in _REQUIRED if not meta.get(key)]
    if missing:
        raise ValueError(f"{source}: missing front matter keys {missing}")
    for key in ("outlet", "slug"):
        if not _NAME_RE.match(meta[key]):
            raise ValueError(f"{source}: {key} {meta[key]!r} must be lowercase letters, digits and hyphens")
    published = datetime.fromisoformat(meta["published"])
    if published.tzinfo is None:
        raise ValueError(f"{source}: published {meta['published']!r} needs a UTC offset")
    paragraphs = _paragraphs(body)
    if not paragraphs:
        raise ValueError(f"{source}: article has no body paragraphs")
    return DemoArticle(
        outlet=meta["outlet"],
        slug=meta["slug"],
        title=meta["title"],
        author=meta["author"],
        published=published,
        summary=meta["summary"],
        paragraphs=paragraphs,
        path=article_path(meta["outlet"], meta["slug"], published),
    )


def article_files(extra_dir: Path | None = None) -> list[Path]:
    """Bundled article files first, then extra ones, so extras win on an (outlet, slug) clash."""
    files = sorted(ARTICLES_DIR.glob("*/*.md"))
    if extra_dir is not None:
        files.extend(sorted(Path(extra_dir).glob("**/*.md")))
    return files


def load_articles(extra_dir: Path | None = None) -> list[DemoArticle]:
    """All articles, oldest first; an extra file with a bundled (outlet, slug) replaces that article."""
    by_key: dict[tuple[str, str], DemoArticle] = {}
    for source in article_files(extra_dir):
        article = parse_article(source)
        by_key[(article.outlet, article.slug)] = article
    return sorted(by_key.values(), key=lambda a: (a.published, a.outlet, a.slug))
