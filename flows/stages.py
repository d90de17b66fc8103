"""The work of each stage on one batch, as plain functions from records to table rows (no Prefect here)."""

from __future__ import annotations

import gzip
import hashlib
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import lru_cache

import pyarrow as pa

from acquisition.records import Page
from flows.memory import release_freed_memory
from flows.settings import NlpOptions
from transforms.extraction import EXTRACTOR_VERSION, ExtractionFailed, extract_article
from warehouse.tables import LOAD_ORDER, stage_tables
from warehouse.tables.batches import rows_to_arrow

#: Which NLP stage produces each derived table, for stamping its version on the rows.
STAGE_OF_TABLE = {table: stage for stage in ("entities", "claims") for table in stage_tables(stage)}
#: Every table a batch can carry, in the order the warehouse loads them.
TABLES = LOAD_ORDER


def quarantine_row(
    stage: str,
    url: str | None,
    error_class: str,
    message: str,
    *,
    source_kind: str | None = None,
    source: str | None = None,
    source_ref: str | None = None,
    raw_sha256: str | None = None,
) -> dict:
    """One quarantine row; its id makes the same failure of the same input land once."""
    key = "\n".join(str(part) for part in (stage, url, source_ref, error_class, raw_sha256))
    return {
        "quarantine_id": hashlib.sha256(key.encode()).hexdigest()[:32],
        "stage": stage,
        "url": url,
        "source_kind": source_kind,
        "source": source,
        "source_ref": source_ref,
        "error_class": error_class,
        "message": message[:1000],
        "raw_sha256": raw_sha256,
        "created_at": datetime.now(UTC),
    }


def page_quarantine(page: Page, stage: str, error_class: str, message: str, raw_sha256: str | None = None) -> dict:
    return quarantine_row(
        stage,
        page.url,
        error_class,
        message,
        source_kind=page.source.kind,
        source=page.source.location,
        source_ref=page.source_ref,
        raw_sha256=raw_sha256,
    )


def raw_row(page: Page, raw_sha256: str) -> dict:
    return {
        "raw_sha256": raw_sha256,
        "url": page.url,
        "final_url": page.final_url or page.url,
        "source_kind": page.source.kind,
        "source": page.source.location,
        "source_ref": page.source_ref,
        "fetched_at": page.fetched_at,
        "http_status": page.http_status,
        "content_type": page.content_type,
        "etag": page.etag,
        "last_modified": page.last_modified,
        "body_gzip": gzip.compress(page.body, compresslevel=6),
        "body_bytes": len(page.body),
        "truncated": page.truncated,
    }


def article_row(page: Page, raw_sha256: str, body: bytes) -> dict:
    """Extract one page into an article_versions row (raises ExtractionFailed)."""
    article = extract_article(body, page.final_url or page.url)
    published = article.published_at
    return {
        "article_id": article.article_id,
        "doc_id": article.doc_id,
        "url": page.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "author": article.author,
        "published_at": published,
        "published_date": published.date() if published else None,
        "source": page.source.location,
        "source_kind": page.source.kind,
        "source_ref": page.source_ref,
        "site_name": article.site_name,
        "language": article.language,
        "description": article.description,
        "text": article.text,
        "word_count": len(article.text.split()),
        "text_sha256": article.text_sha256,
        "raw_sha256": raw_sha256,
        "fetched_at": page.fetched_at,
        "extractor_version": EXTRACTOR_VERSION,
        "truncated": page.truncated,
    }


def extract_pages(pages: Iterable[Page], known_raw: frozenset[str] = frozenset()) -> dict[str, list[dict]]:
    """Fetch results to raw_pages, article_versions and quarantine rows; known raw bytes are skipped."""
    rows: dict[str, list[dict]] = {"raw_pages": [], "article_versions": [], "quarantine": [], "unchanged": []}
    for page in pages:
        if page.not_modified:
            rows["unchanged"].append({"url": page.url, "source": page.source.location})
            continue
        if page.failed:
            rows["quarantine"].append(
                page_quarantine(page, "fetch", page.error_class or "error", page.error_message or "")
            )
            continue
        raw_sha256 = page.body_sha256
        if raw_sha256 in known_raw:
            rows["unchanged"].append({"url": page.url, "source": page.source.location})
            continue
        rows["raw_pages"].append(raw_row(page, raw_sha256))
        try:
            rows["article_versions"].append(article_row(page, raw_sha256, page.body))
        except ExtractionFailed as exc:
            rows["quarantine"].append(page_quarantine(page, "extract", exc.error_class, str(exc), raw_sha256))
        except Exception as exc:  # noqa: BLE001 - one bad page must never stop the batch
            rows["quarantine"].append(
                page_quarantine(page, "extract", type(exc).__name__, f"extractor crashed: {exc}", raw_sha256)
            )
    return rows


def analyse_articles(
    articles: list[dict],
    nlp,
    aliases: Mapping[str, str] | None = None,
    batch_size: int = 4,
    options: NlpOptions | None = None,
) -> dict[str, list[dict]]:
    """Entities and claims for the articles in a language the pipeline reads (options.languages), one parse
    per article.

    Small NLP batches: spaCy pads a batch to its longest article, so one very long page in a batch of 16 costs
    hundreds of MB per worker, for no measurable gain in speed over 4.
    """
    from flows.versions import claims_version, entities_stage_version

    options = options or NlpOptions()
    out: dict[str, list[dict]] = {table: [] for table in (*STAGE_OF_TABLE, "quarantine", "article_processing")}
    versions = {"entities": entities_stage_version(aliases or {}), "claims": claims_version()}
    readable = []
    limit = getattr(nlp, "max_length", None)
    for article in articles:
        if not options.reads(article):
            continue
        if limit and len(article["text"]) > limit:  # nlp.pipe would raise for it and sink the whole batch
            out["quarantine"].append(
                quarantine_row(
                    "entities",
                    article["url"],
                    "text_too_long",
                    f"{len(article['text'])} characters of text, over the NLP limit of {limit}",
                    source_kind=article["source_kind"],
                    source=article["source"],
                    source_ref=article["source_ref"],
                    raw_sha256=article["raw_sha256"],
                )
            )
            continue
        readable.append(article)
    # The memory zone frees the strings and lexemes spaCy adds for this batch's words once its rows are out,
    # so a long-lived worker stays flat as the corpus grows instead of keeping every word form it ever saw.
    with nlp.memory_zone():
        docs = PARSES.docs(nlp, [a["text"] for a in readable], versions, batch_size, options.reuse_parses)
        _analyse_docs(docs, readable, aliases, versions, out)
    out["nlp_reused"] = [{"articles": PARSES.take_reused()}]
    for table, stage_name in STAGE_OF_TABLE.items():
        for row in out[table]:
            row["transform_version"] = versions[stage_name]
    return out


class ParseCache:
    """Parses of texts this process has seen, so a syndicated copy (same text, another URL) is not parsed again.

    Keyed by the text's SHA-256, the pipeline and the transform versions. What is kept is the parsed Doc as
    bytes (tags, heads, dependencies, entities, lemmas, sentence starts; no tensor); every copy still gets its
    own entity and claim rows from it, for its own article id and publication date, so the rows are exactly
    those a fresh parse gives. Reusing rows instead would mean rewriting the ids the claim code derives from the
    article id, and dates resolved against another publication date. The cache is bounded by bytes, oldest out.
    """

    def __init__(self, max_bytes: int = 64_000_000) -> None:
        self.max_bytes = max_bytes
        self._docs: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._reused = 0
        self._pipelines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def key(self, nlp, text: str, versions: Mapping[str, str]) -> str:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{digest}/{self._pipeline_name(nlp)}/{versions.get('entities')}/{versions.get('claims')}"

    def _pipeline_name(self, nlp) -> str:
        """Model name, version and components, read once per pipeline: nlp.meta rebuilds every component's label
        list on each access, which cost a sixth of the NLP stage when it was read per article."""
        name = self._pipelines.get(nlp)
        if name is None:
            name = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}:{','.join(nlp.pipe_names)}"
            self._pipelines[nlp] = name
        return name

    def docs(self, nlp, texts: list[str], versions: Mapping[str, str], batch_size: int, reuse: bool = True) -> Iterator:
        """Docs for texts in order: parsed once per distinct text, the copies rebuilt from the stored parse.

        reuse=False (the reuse_parses setting) parses every copy again.
        """
        from spacy.tokens import Doc

        if not reuse:
            yield from nlp.pipe(texts, batch_size=batch_size)
            return
        keys = [self.key(nlp, t, versions) for t in texts]
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key in self._docs:
                self._docs.move_to_end(key)  # newest, so this batch's own parses do not push it out
            else:
                first.setdefault(key, index)
        parsed = iter(nlp.pipe((texts[i] for i in first.values()), batch_size=batch_size))
        for index, key in enumerate(keys):
            if first.get(key) == index:
                doc = next(parsed)
                self._store(key, doc.to_bytes(exclude=["tensor"]))
                yield doc
            elif key in self._docs:
                self._reused += 1
                yield Doc(nlp.vocab).from_bytes(self._docs[key])
            else:  # pushed out within this very batch (a batch bigger than the cache): parse it again
                yield nlp(texts[index])

    def _store(self, key: str, data: bytes) -> None:
        self._docs[key] = data
        self._bytes += len(data)
        while self._bytes > self.max_bytes and len(self._docs) > 1:
            _, dropped = self._docs.popitem(last=False)
            self._bytes -= len(dropped)

    def clear(self) -> None:
        """Forget every stored parse (benchmarks that must parse every page)."""
        self._docs.clear()
        self._bytes = 0

    def take_reused(self) -> int:
        """Articles served from a stored parse since the last call."""
        reused, self._reused = self._reused, 0
        return reused


#: One per process (worker processes have their own).
PARSES = ParseCache()


def _analyse_docs(docs, readable: list[dict], aliases, versions: dict[str, str], out: dict[str, list[dict]]) -> None:
    """Entity and claim rows per parsed article into out; an article whose analysis fails is quarantined."""
    from transforms.claims import extract_claims
    from transforms.entities import link_entities

    now = datetime.now(UTC)
    for article, doc in zip(readable, docs, strict=True):
        stage = "entities"
        try:
            linked = link_entities(doc, article["article_id"], aliases)
            stage = "claims"
            found = extract_claims(
                doc, linked.mentions, linked.entities, article["article_id"], article["published_at"]
            )
        except Exception as exc:  # noqa: BLE001 - quarantine the article, keep the batch
            out["quarantine"].append(
                quarantine_row(
                    stage,
                    article["url"],
                    type(exc).__name__,
                    f"{stage} stage failed: {exc}",
                    source_kind=article["source_kind"],
                    source=article["source"],
                    source_ref=article["source_ref"],
                    raw_sha256=article["raw_sha256"],
                )
            )
            continue
        out["entities"].extend(linked.entities)
        out["mentions"].extend(linked.mentions)
        out["claim_rows"].extend(found.claims)
        out["claim_quantities"].extend(found.quantities)
        out["claim_dates"].extend(found.dates)
        out["claim_entities"].extend(found.claim_entities)
        for stage_name, version in versions.items():
            out["article_processing"].append(
                {
                    "article_id": article["article_id"],
                    "stage": stage_name,
                    "transform_version": version,
                    "processed_at": now,
                }
            )


@lru_cache(maxsize=2)
def shared_nlp(name: str | None, use_blis: bool = False):
    """One spaCy pipeline per process (worker processes load their own once), on first use."""
    from transforms.nlp import load_nlp

    return load_nlp(name, use_blis)


def drop_articles(rows: dict[str, list[dict]], keep: Callable[[dict], bool]) -> None:
    """Drop articles keep rejects, with their raw bytes, so that another backfill window can take them."""
    dropped = {a["raw_sha256"] for a in rows["article_versions"] if not keep(a)}
    rows["article_versions"] = [a for a in rows["article_versions"] if a["raw_sha256"] not in dropped]
    rows["raw_pages"] = [r for r in rows["raw_pages"] if r["raw_sha256"] not in dropped]
    rows["out_of_window"] = [{"raw_sha256": h} for h in dropped]


def process_pages(
    pages: list[Page],
    known_raw: frozenset[str],
    aliases: Mapping[str, str],
    options: NlpOptions,
    keep_article: Callable[[dict], bool] | None = None,
) -> dict[str, list[dict]]:
    """Extract and transform one batch: the CPU-bound part, run in this or a worker process."""
    started = time.perf_counter()
    rows = extract_pages(pages, known_raw)
    if keep_article is not None:
        drop_articles(rows, keep_article)
    extracted = time.perf_counter()
    if any(options.reads(a) for a in rows["article_versions"]):
        nlp = shared_nlp(options.model, options.use_blis)
        for name, values in analyse_articles(rows["article_versions"], nlp, aliases, options=options).items():
            rows.setdefault(name, []).extend(values)
    rows["stage_seconds"] = [{"extract": extracted - started, "transform": time.perf_counter() - extracted}]
    release_freed_memory()
    return rows


def to_arrow(rows: dict[str, list[dict]]) -> dict[str, pa.Table]:
    """Row lists to Arrow tables of the declared types; a row with a column too many or too few is refused."""
    return {name: rows_to_arrow(name, rows[name]) for name in TABLES if rows.get(name)}
