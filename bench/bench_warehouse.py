"""Warehouse benchmark (run by hand, never in CI): synthetic news at scale through the real load path.

Loads synthetic articles, mentions and claims into a fresh warehouse home with warehouse.load.load_batch, one
batch at a time, then times every named query in sql/queries/ through a read-only connection, compacts the
lake and times them again. Optionally repeats all of it for other partitionings of article_versions.

    uv run python bench/bench_warehouse.py --articles 20000
    uv run python bench/bench_warehouse.py --articles 200000 --partitioning month,day,none
    uv run python bench/bench_warehouse.py --json /tmp/bench.json --explain /tmp/bench-explain --keep --home /tmp/wh
    uv run python bench/bench_warehouse.py --existing --home /tmp/wh     # re-time the queries only

Synthetic data is generated vectorised (numpy + pyarrow compute), never one Python object per row. Article text
is built from a pool of pseudo-English sentences (Zipf word frequencies), so it compresses roughly like prose.
Each batch carries what a pipeline batch carries except raw_pages: article_versions, entities, mentions,
claim_rows/quantities/dates/entities, article_processing and run_batches. Publication dates arrive roughly in
order (feeds, date-window backfills) with --late-fraction of any-date stragglers and --revision-fraction of new
versions of recent documents. With several partitionings the query runs are interleaved across the warehouses,
so a noisy machine slows all of them alike. Slow queries get fewer runs (--query-budget) and are interrupted
after --query-timeout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import warehouse.lake  # noqa: E402
from warehouse.lake import CATALOG_ALIAS, connect, open_writer  # noqa: E402
from warehouse.load import load_batch  # noqa: E402
from warehouse.paths import Home  # noqa: E402
from warehouse.queries import NamedQuery, named_queries, run_query  # noqa: E402
from warehouse.state import refresh_figure_conflicts  # noqa: E402
from warehouse.tables.batches import padded  # noqa: E402

TARGET_S = 1.0
START_DATE = dt.date(2023, 1, 1)
KINDS = np.array(["PERSON", "ORG", "GPE", "LOC", "NORP"])
KIND_P = np.array([0.4, 0.25, 0.15, 0.1, 0.1])
PARTITIONINGS = {
    "month": "ALTER TABLE article_versions SET PARTITIONED BY (year(published_date), month(published_date))",
    "day": "ALTER TABLE article_versions SET PARTITIONED BY (published_date)",
    "none": "ALTER TABLE article_versions RESET PARTITIONED BY",
}


# --------------------------------------------------------------------------------------------- synthetic data


def hex_ids(rng: np.random.Generator, n: int, nbytes: int = 16) -> pa.StringArray:
    """n random lowercase hex strings of 2*nbytes characters, built straight from one buffer."""
    data = rng.integers(0, 256, size=n * nbytes, dtype=np.uint8).tobytes().hex().encode()
    offsets = np.arange(n + 1, dtype=np.int32) * (2 * nbytes)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def join_lists(values: pa.Array, counts: np.ndarray, sep: str) -> pa.Array:
    """Concatenate consecutive runs of values (run i has counts[i] items) with sep."""
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), values), sep)


def concat(*parts: pa.Array | str) -> pa.Array:
    return flat(pc.binary_join_element_wise(*parts, ""))


def flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def zipf_cdf(n: int, s: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** s
    return np.cumsum(weights) / weights.sum()


def draw(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(n)), len(cdf) - 1)


def ts_array(micros: np.ndarray) -> pa.Array:
    return pa.array(micros.astype(np.int64), pa.int64()).cast(pa.timestamp("us", tz="UTC"))


@dataclass
class Corpus:
    """Fixed pools the per-batch generator draws from: words, sentences, entities, outlets, authors."""

    sentences: pa.Array
    sentence_len: np.ndarray
    sentence_words: np.ndarray
    entities: pa.Table
    entity_cdf: np.ndarray
    person_idx: np.ndarray
    person_cdf: np.ndarray
    outlets: pa.Table
    outlet_cdf: np.ndarray
    authors: pa.Array

    @classmethod
    def build(cls, rng: np.random.Generator, n_entities: int, zipf_s: float) -> Corpus:
        syllables = pa.array(
            [
                "ka",
                "lo",
                "mi",
                "ne",
                "ra",
                "to",
                "su",
                "vi",
                "an",
                "el",
                "or",
                "in",
                "us",
                "ta",
                "de",
                "ri",
                "po",
                "ma",
                "li",
                "ge",
                "ber",
                "con",
                "str",
                "pre",
                "tion",
                "ment",
                "al",
                "er",
                "ing",
                "ed",
                "ly",
                "ous",
                "ic",
                "ive",
                "ate",
                "ure",
            ]
        )
        n_words = 8000
        word_syl = rng.integers(1, 4, n_words)
        words = join_lists(pc.take(syllables, rng.integers(0, len(syllables), word_syl.sum())), word_syl, "")
        word_cdf = zipf_cdf(n_words, 1.1)
        # sentences: 6-30 words, ". " or ".\n" (a paragraph break every ~4 sentences)
        n_sent = 60_000
        sent_words = rng.integers(6, 31, n_sent)
        body = join_lists(pc.take(words, draw(rng, word_cdf, int(sent_words.sum()))), sent_words, " ")
        ends = pa.array(np.where(rng.random(n_sent) < 0.25, ".\n", ". "))
        sentences = concat(pc.utf8_capitalize(body), ends)
        names = pc.utf8_capitalize(words)

        kind = KINDS[np.searchsorted(np.cumsum(KIND_P), rng.random(n_entities))]
        first = pc.take(names, rng.integers(0, n_words, n_entities))
        last = pc.take(names, rng.integers(0, n_words, n_entities))
        two = pc.binary_join_element_wise(first, last, " ")
        name = pc.if_else(pa.array(np.isin(kind, ["PERSON", "ORG"])), two, first)
        place = np.isin(kind, ["GPE", "LOC"])
        countries = pa.array(["US", "GB", "DE", "FR", "UA", "RU", "KP", "CN", "NL", "IT", "ES", "PL", "JP", "IN", "BR"])
        entities = pa.table(
            {
                "entity_id": concat(pa.array(np.char.lower(kind.astype(str))), ":", hex_ids(rng, n_entities, 8)),
                "kind": pa.array(kind),
                "name": name,
                "country_code": pc.if_else(
                    pa.array(place), pc.take(countries, rng.integers(0, len(countries), n_entities)), None
                ),
                "geonames_id": pa.array(np.where(place, rng.integers(1, 10_000_000, n_entities), 0), mask=~place),
                "wikidata_id": pc.if_else(
                    pa.array(rng.random(n_entities) < 0.5),
                    concat("Q", pc.cast(pa.array(rng.integers(1, 10**8, n_entities)), pa.string())),
                    None,
                ),
                "transform_version": pa.array(["entities-bench"] * n_entities),
            }
        )
        n_outlets = 300
        outlet_name = pc.binary_join_element_wise(
            pc.take(names, rng.integers(0, n_words, n_outlets)),
            pa.array(rng.choice(["Post", "Times", "Herald", "Daily", "Ledger", "Wire", "News"], n_outlets)),
            " ",
        )
        outlet_domain = concat(
            pc.utf8_lower(pc.replace_substring(outlet_name, " ", "")),
            pa.array(np.arange(n_outlets).astype(str)),
            ".example",
        )
        outlets = pa.table(
            {
                "site_name": outlet_name,
                "base": concat("https://", outlet_domain),
                "source": concat("https://", outlet_domain, "/feed.xml"),
            }
        )
        n_authors = 5000
        authors = pc.binary_join_element_wise(
            pc.take(names, rng.integers(0, n_words, n_authors)),
            pc.take(names, rng.integers(0, n_words, n_authors)),
            " ",
        )
        person_idx = np.flatnonzero(kind == "PERSON")
        return cls(
            sentences=sentences,
            sentence_len=pc.binary_length(sentences).to_numpy(),
            sentence_words=sent_words,
            entities=entities,
            entity_cdf=zipf_cdf(n_entities, zipf_s),
            person_idx=person_idx,
            person_cdf=zipf_cdf(len(person_idx), zipf_s),
            outlets=outlets,
            outlet_cdf=zipf_cdf(n_outlets, 0.8),
            authors=authors,
        )


@dataclass
class Generator:
    """Builds one batch of tables at a time; keeps what later batches refer to (doc ids for revisions)."""

    rng: np.random.Generator
    corpus: Corpus
    n_articles: int
    days: int
    mentions_per_article: int
    claims_per_article: int
    text_bytes: int
    late_fraction: float
    revision_fraction: float
    run_id: str
    doc_ids: list[pa.Array] = field(default_factory=list)
    urls: list[pa.Array] = field(default_factory=list)
    pub_us: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Chronological arrival (feeds, date-window backfills) plus a fraction of late, any-date articles.
        day = np.sort(self.rng.integers(0, self.days, self.n_articles))
        late = self.rng.random(self.n_articles) < self.late_fraction
        day[late] = self.rng.integers(0, self.days, int(late.sum()))
        epoch = (START_DATE - dt.date(1970, 1, 1)).days
        self.day = day + epoch
        self.loaded = 0

    def _prior(self, n: int) -> tuple[pa.Array, pa.Array, np.ndarray]:
        """Doc id, URL and publication time of n recent earlier articles (revised versions)."""
        doc_ids = pa.concat_arrays(self.doc_ids[-2:])
        urls = pa.concat_arrays(self.urls[-2:])
        pub = np.concatenate(self.pub_us[-2:])
        pick = self.rng.integers(max(0, len(pub) - 20_000), len(pub), n)
        return pc.take(doc_ids, pick), pc.take(urls, pick), pub[pick]

    def batch(self, index: int, size: int) -> dict[str, pa.Table]:
        rng, c = self.rng, self.corpus
        lo, hi = self.loaded, min(self.loaded + size, self.n_articles)
        n = hi - lo
        day_us = self.day[lo:hi].astype(np.int64) * 86_400_000_000
        pub_us = day_us + rng.integers(0, 86_400_000_000, n)
        outlet = draw(rng, c.outlet_cdf, n)
        doc_ids = hex_ids(rng, n)
        urls = concat(pc.take(c.outlets["base"], outlet), "/news/", doc_ids)
        revised = np.zeros(n, bool)
        if self.doc_ids and self.revision_fraction > 0:
            revised = rng.random(n) < self.revision_fraction
            where = np.flatnonzero(revised)
            old_doc, old_url, old_pub = self._prior(len(where))
            mask = pa.array(revised)
            doc_ids = pc.replace_with_mask(doc_ids, mask, old_doc)
            urls = pc.replace_with_mask(urls, mask, old_url)
            pub_us[where] = old_pub
        day_us = pub_us // 86_400_000_000 * 86_400_000_000
        hour = 3_600_000_000
        fetched_us = pub_us + rng.integers(0, 6 * hour, n) + revised * rng.integers(hour, 72 * hour, n)
        self.doc_ids.append(doc_ids)
        self.urls.append(urls)
        self.pub_us.append(pub_us)

        # text: k sentences per article, k from the wanted size
        mean_len = c.sentence_len.mean()
        target = rng.uniform(0.67 * self.text_bytes, 1.33 * self.text_bytes, n)
        k = np.maximum(1, np.rint(target / mean_len)).astype(np.int64)
        sent = rng.integers(0, len(c.sentence_len), int(k.sum()))
        starts = np.concatenate([[0], np.cumsum(k)[:-1]])
        text = join_lists(pc.take(c.sentences, sent), k, "")
        text_len = np.add.reduceat(c.sentence_len[sent], starts)
        word_count = np.add.reduceat(c.sentence_words[sent], starts)
        article_ids = hex_ids(rng, n)
        lang = rng.choice(["en", "de", "fr"], n, p=[0.95, 0.03, 0.02])
        author = pc.take(c.authors, rng.integers(0, len(c.authors), n))
        articles = pa.table(
            {
                "article_id": article_ids,
                "doc_id": doc_ids,
                "url": urls,
                "canonical_url": urls,
                "title": pc.utf8_slice_codeunits(pc.take(c.sentences, rng.integers(0, len(c.sentence_len), n)), 0, 90),
                "author": pc.if_else(pa.array(rng.random(n) < 0.9), author, None),
                "published_at": ts_array(pub_us),
                "published_date": pa.array(day_us // 86_400_000_000, pa.int32()).cast(pa.date32()),
                "source": pc.take(c.outlets["source"], outlet),
                "source_kind": pa.array(["feed"] * n),
                "source_ref": hex_ids(rng, n, 6),
                "site_name": pc.take(c.outlets["site_name"], outlet),
                "language": pa.array(lang),
                "description": pc.take(c.sentences, rng.integers(0, len(c.sentence_len), n)),
                "text": text,
                "word_count": pa.array(word_count, pa.int32()),
                "text_sha256": hex_ids(rng, n, 32),
                "raw_sha256": hex_ids(rng, n, 32),
                "fetched_at": ts_array(fetched_us),
                "extractor_version": pa.array(["trafilatura-2.3.1+bench"] * n),
            }
        )

        # mentions: Zipf over entities, offsets inside the text
        m = self.mentions_per_article
        owner = np.repeat(np.arange(n), m)
        ent = draw(rng, c.entity_cdf, n * m)
        surface = pc.take(c.entities["name"], ent)
        start = (rng.random(n * m) * np.maximum(text_len[owner] - 40, 1)).astype(np.int32)
        mentions = pa.table(
            {
                "article_id": pc.take(article_ids, owner),
                "entity_id": pc.take(c.entities["entity_id"], ent),
                "surface": surface,
                "start_char": pa.array(start),
                "end_char": pc.add(pa.array(start), pc.cast(pc.binary_length(surface), pa.int32())),
                "sentence_index": pa.array((start // mean_len).astype(np.int32)),
                "role": pc.if_else(pa.array(rng.random(n * m) < 0.05), "Minister", None),
                "label": pc.take(c.entities["kind"], ent),
                "method": pa.array(rng.choice(["gazetteer", "ner", "coref"], n * m, p=[0.3, 0.6, 0.1])),
                "transform_version": pa.array(["entities-bench"] * (n * m)),
            }
        )
        used = np.unique(ent)
        entities = c.entities.take(pa.array(used))

        # claims: speaker (80% a named person), content from the sentence pool
        nc = n * self.claims_per_article
        cowner = np.repeat(np.arange(n), self.claims_per_article)
        claim_ids = hex_ids(rng, nc)
        named = rng.random(nc) < 0.8
        speaker = c.person_idx[draw(rng, c.person_cdf, nc)]
        content = pc.take(c.sentences, rng.integers(0, len(c.sentence_len), nc))
        cstart = (rng.random(nc) * np.maximum(text_len[cowner] - 200, 1)).astype(np.int32)
        hedged = rng.random(nc) < 0.2
        cues = pa.array(["may", "reportedly", "believes", "could"])
        hedge_cues = pa.ListArray.from_arrays(
            pa.array(np.concatenate([[0], np.cumsum(hedged)]).astype(np.int32)),
            pc.take(cues, rng.integers(0, len(cues), int(hedged.sum()))),
        )
        claim_rows = pa.table(
            {
                "claim_id": claim_ids,
                "article_id": pc.take(article_ids, cowner),
                "speaker_entity_id": pc.if_else(pa.array(named), pc.take(c.entities["entity_id"], speaker), None),
                "speaker_text": pc.if_else(pa.array(named), pc.take(c.entities["name"], speaker), "officials"),
                "speaker_kind": pa.array(np.where(named, "PERSON", "UNNAMED")),
                "cue": pa.array(rng.choice(["say", "tell", "announce", "according_to", "warn", "claim"], nc)),
                "content": content,
                "content_start": pa.array(cstart),
                "content_end": pc.add(pa.array(cstart), pc.cast(pc.binary_length(content), pa.int32())),
                "is_direct": pa.array(rng.random(nc) < 0.4),
                "polarity": pa.array(
                    rng.choice(
                        ["asserted", "denied", "declined_to_confirm", "questioned"], nc, p=[0.85, 0.08, 0.04, 0.03]
                    )
                ),
                "hedged": pa.array(hedged),
                "hedge_cues": hedge_cues,
                "sentence_index": pa.array((cstart // mean_len).astype(np.int32)),
                "transform_version": pa.array(["claims-bench"] * nc),
            }
        )

        # quantities: 0, 1 or 2 per claim (mean 0.85)
        qn = rng.choice([0, 1, 2], nc, p=[0.35, 0.45, 0.2])
        qowner = np.repeat(np.arange(nc), qn)
        nq = len(qowner)
        value = np.round(rng.lognormal(7, 2.5, nq))
        comparator = rng.choice(["exact", "about", "over", "up_to", "range"], nq, p=[0.5, 0.25, 0.1, 0.1, 0.05])
        unit = pa.array(rng.choice(["soldiers", "USD", "percent", "people", "ships", "EUR"], nq))
        qstart = pc.take(claim_rows["content_start"], pa.array(qowner))
        surface_q = pc.binary_join_element_wise(
            pa.array(np.where(comparator == "exact", "", comparator)),
            pc.cast(pa.array(value.astype(np.int64)), pa.string()),
            unit,
            " ",
        )
        claim_quantities = pa.table(
            {
                "claim_id": pc.take(claim_ids, pa.array(qowner)),
                "surface": surface_q,
                "value": pa.array(value),
                "unit": unit,
                "approximate": pa.array(comparator == "about"),
                "comparator": pa.array(comparator),
                "low": pa.array(value * 0.9),
                "high": pa.array(value * 1.1),
                "start_char": qstart,
                "end_char": pc.add(qstart, pc.cast(pc.binary_length(surface_q), pa.int32())),
                "transform_version": pa.array(["claims-bench"] * nq),
            }
        )
        claim_entities = pa.table(
            {
                "claim_id": claim_ids,
                "entity_id": pc.take(c.entities["entity_id"], draw(rng, c.entity_cdf, nc)),
                "transform_version": pa.array(["claims-bench"] * nc),
            }
        )
        dated = np.flatnonzero(rng.random(nc) < 0.3)
        d_from = pc.take(articles["published_date"], pa.array(cowner[dated]))
        claim_dates = pa.table(
            {
                "claim_id": pc.take(claim_ids, pa.array(dated)),
                "surface": pa.array(rng.choice(["Monday", "last week", "over the weekend", "Oct. 28"], len(dated))),
                "date_from": d_from,
                "date_to": d_from,
                "granularity": pa.array(["day"] * len(dated)),
                "transform_version": pa.array(["claims-bench"] * len(dated)),
            }
        )
        now = ts_array(np.full(n, time.time_ns() // 1000))
        processing = pa.table(
            {
                "article_id": pa.concat_arrays([article_ids, article_ids]),
                "stage": pa.array(["entities"] * n + ["claims"] * n),
                "transform_version": pa.array(["entities-bench"] * n + ["claims-bench"] * n),
                "processed_at": pa.concat_arrays([now, now]),
            }
        )
        stamp = ts_array(np.array([time.time_ns() // 1000]))
        run_batches = pa.table(
            {
                "run_id": [self.run_id],
                "batch_index": pa.array([index], pa.int32()),
                "flow": ["bench"],
                "started_at": stamp,
                "finished_at": stamp,
                "status": ["completed"],
                "articles": [n],
                "mentions": [n * m],
                "claims": [nc],
            }
        )
        self.loaded = hi
        tables = {
            "article_versions": articles,
            "entities": entities,
            "mentions": mentions,
            "claim_rows": claim_rows,
            "claim_quantities": claim_quantities,
            "claim_dates": claim_dates,
            "claim_entities": claim_entities,
            "article_processing": processing,
            "run_batches": run_batches,
        }
        # the generator leaves some columns empty on purpose (no raw pages behind the articles, no run parameters)
        return {name: padded(name, table) for name, table in tables.items()}


# --------------------------------------------------------------------------------------------- measuring


class TimedConnection:
    """Passes everything to the real connection; records seconds per statement, keyed by table (or verb)."""

    def __init__(self, con):
        self._con = con
        self.seconds: dict[str, float] = {}

    def execute(self, sql: str, *args, **kwargs):
        words = sql.split()
        key = words[2] if len(words) > 2 and words[0].upper() in ("INSERT", "DELETE") else words[0].lower()
        t0 = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t0

    def __getattr__(self, name):
        return getattr(self._con, name)


#: SET statements for every DuckDB connection the lake opens (memory limit, spill dir, --setting).
SESSION_SETTINGS: list[str] = []
_connect_offline = warehouse.lake.connect_offline


def _tuned_connect_offline(*args, **kwargs):
    """Apply SESSION_SETTINGS before connect() attaches (read-only connections lock their configuration)."""
    con = _connect_offline(*args, **kwargs)
    for setting in SESSION_SETTINGS:
        con.execute(f"SET {setting}")
    return con


warehouse.lake.connect_offline = _tuned_connect_offline


def lake_files(con) -> dict[str, tuple[int, int]]:
    """Live data files per table from the catalog: (count, bytes)."""
    meta = f"__ducklake_metadata_{CATALOG_ALIAS}"
    rows = con.execute(
        f"""
        SELECT t.table_name, count(*), sum(f.file_size_bytes)
        FROM {meta}.ducklake_data_file f
        JOIN {meta}.ducklake_table t ON t.table_id = f.table_id AND t.end_snapshot IS NULL
        WHERE f.end_snapshot IS NULL
        GROUP BY ALL ORDER BY 3 DESC
        """
    ).fetchall()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def disk_usage(home: Home) -> tuple[int, int]:
    files = size = 0
    for root, _, names in os.walk(home.data_path):
        for name in names:
            if name.endswith(".parquet"):
                files += 1
                size += os.path.getsize(os.path.join(root, name))
    return files, size


def month_window(days: int) -> tuple[str, str]:
    mid = START_DATE + dt.timedelta(days=days // 2)
    first = mid.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def query_context(corpus: Corpus, days: int) -> dict[str, str]:
    """Parameter values: a one-month window mid-range, popular entity/speaker (Zipf rank >= 5, two-word name)."""
    first, last = month_window(days)
    names = corpus.entities["name"].to_pylist()
    entity = next(i for i in range(4, len(names)) if " " in names[i])
    speaker = next(int(i) for i in corpus.person_idx[4:] if " " in names[i])
    return {
        "from": first,
        "to": last,
        "entity_id": corpus.entities["entity_id"][entity].as_py(),
        "entity_name": names[entity],
        "speaker_name": names[speaker],
        "outlet": corpus.outlets["site_name"][0].as_py(),
    }


def choose_params(query: NamedQuery, ctx: dict[str, str]) -> dict[str, str] | None:
    """Sensible values by parameter name and type; None when a required one can't be guessed."""
    given: dict[str, str] = {}
    for p in query.params:
        name, desc, ptype = p.name.lower(), p.description.lower(), p.type.lower()
        if ptype in ("date", "timestamp", "timestamptz") or name in ("from", "to", "since", "until", "day"):
            if any(w in name for w in ("to", "end", "until", "last")):
                given[p.name] = ctx["to"]
            else:
                given[p.name] = ctx["from"]
        elif any(w in name for w in ("speaker", "person", "who")):
            given[p.name] = ctx["speaker_name"]
        elif any(w in name for w in ("entity", "about", "topic")) or (
            p.default is None and "entity" in desc and "kind" not in name
        ):
            given[p.name] = ctx["entity_id"] if name.endswith("id") else ctx["entity_name"]
        elif name in ("outlet", "site", "site_name", "source"):
            given[p.name] = ctx["outlet"]
        elif p.default is None:
            if ptype.startswith("int"):
                given[p.name] = "10"
            else:
                return None
    return given


@dataclass
class QueryTiming:
    name: str
    params: dict
    times: list[float] = field(default_factory=list)
    rows: int = 0
    error: str | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p90(self) -> float:
        return float(np.percentile(self.times, 90)) if self.times else float("nan")


def timed_fetch(con, timeout_s: float, timing: QueryTiming, query: NamedQuery) -> list:
    """Run once, appending the seconds; interrupted (and recorded as a timeout) after timeout_s."""
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    t0 = time.perf_counter()
    try:
        rows = run_query(con, query, timing.params).fetchall()
    except Exception:
        if time.perf_counter() - t0 >= timeout_s * 0.99:
            timing.times.append(time.perf_counter() - t0)
            raise TimeoutError(f"timed out after {timeout_s:.0f}s") from None
        raise
    finally:
        timer.cancel()
    timing.times.append(time.perf_counter() - t0)
    return rows


def time_queries(
    homes: dict[str, Home], ctxs: dict[str, dict[str, str]], args: argparse.Namespace, label: str
) -> dict[str, list[QueryTiming]]:
    """Every named query, N runs, through one read-only connection per home.

    With several homes (partitionings) the runs are interleaved home by home, so noise on a shared machine
    hits all of them alike.
    """
    cons = {}
    for mode, home in homes.items():
        cons[mode] = connect(home, read_only=True)
    out: dict[str, list[QueryTiming]] = {mode: [] for mode in homes}
    try:
        for query in named_queries().values():
            timings = {mode: QueryTiming(query.name, choose_params(query, ctxs[mode]) or {}) for mode in homes}
            for mode, timing in timings.items():
                if choose_params(query, ctxs[mode]) is None:
                    timing.error = "no parameter values guessed"
            for i in range(args.runs):
                live = {m: t for m, t in timings.items() if t.error is None}
                spent = max((sum(t.times) for t in live.values()), default=0.0)
                if not live or (i >= 3 and spent > args.query_budget) or spent > 3 * args.query_budget:
                    break  # slow query: fewer runs, reported with its run count
                for mode, timing in live.items():
                    try:
                        timing.rows = len(timed_fetch(cons[mode], args.query_timeout, timing, query))
                    except Exception as exc:  # noqa: BLE001 - report the failing query, keep timing the others
                        timing.error = f"{type(exc).__name__}: {exc}"[:200]
            for mode, timing in timings.items():
                if args.explain is not None and timing.error is None:
                    args.explain.mkdir(parents=True, exist_ok=True)
                    sql = query.sql.strip().rstrip(";")
                    timer = threading.Timer(args.query_timeout, cons[mode].interrupt)
                    timer.start()
                    try:
                        plan = cons[mode].execute("EXPLAIN ANALYZE " + sql, query.bind(timing.params)).fetchall()
                    except Exception as exc:  # noqa: BLE001
                        plan = [("", f"EXPLAIN ANALYZE failed: {exc}")]
                    finally:
                        timer.cancel()
                    (args.explain / f"{mode}_{label}_{query.name}.txt").write_text("\n".join(r[1] for r in plan))
                out[mode].append(timing)
                print(
                    f"    [{mode}] {query.name:<28} p50 {timing.p50:7.3f}s  p90 {timing.p90:7.3f}s  "
                    f"runs {len(timing.times)}  rows {timing.rows}"
                    + (f"  ERROR {timing.error}" if timing.error else ""),
                    flush=True,
                )
        # Not a named query, but the clustering task reads it after every run (warehouse.state).
        for mode, con in cons.items():
            t0 = time.perf_counter()
            con.execute(CLUSTERING_SQL).to_arrow_table()
            out[mode].append(QueryTiming("(claims_for_clustering)", {}, [time.perf_counter() - t0]))
    finally:
        for con in cons.values():
            con.close()
    return out


CLUSTERING_SQL = """
SELECT c.claim_id, c.speaker_entity_id, c.content, a.site_name AS article_source,
       list(DISTINCT ce.entity_id) FILTER (WHERE ce.entity_id IS NOT NULL) AS entity_ids
FROM claim_rows c JOIN articles a USING (article_id) LEFT JOIN claim_entities ce USING (claim_id)
GROUP BY ALL ORDER BY c.claim_id
"""


@dataclass
class ModeResult:
    partitioning: str
    articles: int = 0
    mentions: int = 0
    claims: int = 0
    text_bytes_avg: float = 0.0
    gen_s: float = 0.0
    load_s: float = 0.0
    wall_s: float = 0.0
    batches: list[dict] = field(default_factory=list)
    files_before: dict = field(default_factory=dict)
    files_after: dict = field(default_factory=dict)
    disk_before: tuple = (0, 0)
    disk_after: tuple = (0, 0)
    compaction_s: dict = field(default_factory=dict)
    queries_before: list = field(default_factory=list)
    queries_after: list = field(default_factory=list)
    params: dict = field(default_factory=dict)


def load_mode(args: argparse.Namespace, mode: str, home: Home) -> ModeResult:
    res = ModeResult(mode)
    rng = np.random.default_rng(args.seed)
    t_wall = time.perf_counter()
    t0 = time.perf_counter()
    corpus = Corpus.build(rng, args.entities, args.zipf)
    gen = Generator(
        rng,
        corpus,
        args.articles,
        args.days,
        args.mentions_per_article,
        args.claims_per_article,
        args.text_bytes,
        args.late_fraction,
        args.revision_fraction,
        run_id=f"bench-{mode}",
    )
    res.gen_s += time.perf_counter() - t0
    lineage = {"run_id": f"bench-{mode}", "code_version": "wirehouse-bench"}
    text_bytes = 0
    with open_writer(home) as con:
        con.execute(PARTITIONINGS[mode])
        timed = TimedConnection(con)
        index = 0
        while gen.loaded < args.articles:
            t0 = time.perf_counter()
            tables = gen.batch(index, args.batch_size)
            res.gen_s += time.perf_counter() - t0
            text_bytes += pc.sum(pc.binary_length(tables["article_versions"]["text"])).as_py()
            existing = gen.loaded - tables["article_versions"].num_rows
            timed.seconds = {}
            t0 = time.perf_counter()
            inserted = load_batch(timed, tables, lineage)
            seconds = time.perf_counter() - t0
            res.load_s += seconds
            res.articles += inserted["article_versions"]
            res.mentions += inserted["mentions"]
            res.claims += inserted["claim_rows"]
            res.batches.append(
                {"batch": index, "existing_articles": existing, "seconds": seconds, "tables": dict(timed.seconds)}
            )
            if index % 5 == 0 or gen.loaded >= args.articles:
                print(
                    f"  [{mode}] batch {index:4d}: {gen.loaded:>9,} articles, {seconds:6.2f}s "
                    f"(mentions {timed.seconds.get('mentions', 0):.2f}s, "
                    f"articles {timed.seconds.get('article_versions', 0):.2f}s, "
                    f"commit {timed.seconds.get('commit', 0):.2f}s)",
                    flush=True,
                )
            index += 1
        # claim_clusters as the clustering task leaves it (same content = one cluster; only shared clusters are
        # stored), and figure_conflict_rows recomputed in the same transaction, as warehouse.state does.
        t0 = time.perf_counter()
        con.execute("BEGIN")
        con.execute("DELETE FROM claim_clusters")
        con.execute(
            "INSERT INTO claim_clusters SELECT claim_id, cluster_id, 'bench', 'dedup-bench' FROM ("
            "SELECT claim_id, min(claim_id) OVER (PARTITION BY content) AS cluster_id, "
            "count(*) OVER (PARTITION BY content) AS size FROM claim_rows) WHERE size > 1"
        )
        res.compaction_s["clusters_rewrite"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        refresh_figure_conflicts(con, "bench")
        con.execute("COMMIT")
        res.compaction_s["figure_conflicts_refresh"] = time.perf_counter() - t0
        res.files_before = lake_files(con)
    res.text_bytes_avg = text_bytes / max(args.articles, 1)
    res.disk_before = disk_usage(home)
    res.params = query_context(corpus, args.days)
    res.wall_s = time.perf_counter() - t_wall
    print(f"  [{mode}] loaded in {res.load_s:.1f}s (wall {res.wall_s:.0f}s)", flush=True)
    return res


def compact_mode(args: argparse.Namespace, res: ModeResult, home: Home) -> None:
    """merge_adjacent_files, then expire every older snapshot and delete the files nothing references."""
    with open_writer(home) as con:
        t0 = time.perf_counter()
        con.execute("CALL ducklake_merge_adjacent_files($db)", {"db": CATALOG_ALIAS})
        res.compaction_s["merge_adjacent_files"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        con.execute(
            "SELECT count(*) FROM ducklake_expire_snapshots($db, older_than => now())", {"db": CATALOG_ALIAS}
        ).fetchone()
        res.compaction_s["expire_snapshots"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        con.execute(
            "SELECT count(*) FROM ducklake_cleanup_old_files($db, cleanup_all => true)", {"db": CATALOG_ALIAS}
        ).fetchone()
        res.compaction_s["cleanup_old_files"] = time.perf_counter() - t0
        res.files_after = lake_files(con)
    res.disk_after = disk_usage(home)
    print(
        f"  [{res.partitioning}] compacted: {sum(v[0] for v in res.files_before.values())} -> "
        f"{sum(v[0] for v in res.files_after.values())} files in {sum(res.compaction_s.values()):.0f}s",
        flush=True,
    )


# --------------------------------------------------------------------------------------------- report


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def trend(res: ModeResult) -> list[str]:
    b = res.batches
    if len(b) < 4:
        return ["  (too few batches for a trend)"]
    k = max(1, min(3, len(b) // 4))
    head, tail = b[:k], b[-k:]
    lines = [
        f"  per-batch load time, first {k} vs last {k} batches (existing articles "
        f"{head[0]['existing_articles']:,} vs {tail[-1]['existing_articles']:,}):"
    ]
    keys = sorted({t for x in b for t in x["tables"]}, key=lambda t: -sum(x["tables"].get(t, 0) for x in tail))
    avg = lambda xs, key=None: statistics.mean(x["seconds"] if key is None else x["tables"].get(key, 0) for x in xs)  # noqa: E731
    lines.append(f"    {'total':<20} {avg(head):7.2f}s -> {avg(tail):7.2f}s")
    for key in keys[:8]:
        lines.append(f"    {key:<20} {avg(head, key):7.2f}s -> {avg(tail, key):7.2f}s")
    x = np.array([r["existing_articles"] for r in b], float)
    y = np.array([r["seconds"] for r in b])
    slope, icpt = np.polyfit(x, y, 1)
    lines.append(f"    linear fit: {icpt:.2f}s + {slope * 1e6:.2f}s per million existing articles")
    return lines


def report(args: argparse.Namespace, results: list[ModeResult]) -> None:
    print()
    print(
        f"== wirehouse warehouse benchmark: {args.articles:,} articles x {args.mentions_per_article} mentions, "
        f"{args.claims_per_article} claims/article, {args.entities:,} entities, batch {args.batch_size:,}, "
        f"{args.runs} runs/query, target p50 < {TARGET_S:.0f}s"
    )
    for res in results:
        n_files_b = sum(v[0] for v in res.files_before.values())
        print(f"\n-- partitioning: {res.partitioning}  (query params {res.params})")
        print(f"  articles loaded      {res.articles:>14,}   (avg text {res.text_bytes_avg:,.0f} B)")
        print(f"  mentions loaded      {res.mentions:>14,}")
        print(f"  claims loaded        {res.claims:>14,}")
        print(f"  total load time      {res.load_s:>13.1f}s   (generation {res.gen_s:.1f}s, wall {res.wall_s:.1f}s)")
        print(
            f"  load rate            {res.articles / res.load_s:>13,.0f} articles/s, "
            f"{res.mentions / res.load_s:,.0f} mentions/s"
        )
        print(
            f"  parquet on disk      {mb(res.disk_before[1]):>14}   "
            f"({res.disk_before[0]:,} files; catalog {n_files_b:,} live)"
        )
        for table, (count, size) in list(res.files_before.items())[:5]:
            print(f"      {table:<20} {count:>6,} files {mb(size):>10}")
        if res.files_after:
            print(
                f"  after compaction     {mb(res.disk_after[1]):>14}   ({res.disk_after[0]:,} files; catalog "
                f"{sum(v[0] for v in res.files_after.values()):,} live)  "
                + ", ".join(f"{k} {v:.1f}s" for k, v in res.compaction_s.items())
            )
        print(f"\n  {'query':<28} {'p50':>8} {'p90':>8} {'<1s':>4} {'p50 compacted':>14} {'<1s':>4}  runs  rows")
        after = {q.name: q for q in res.queries_after}
        for q in res.queries_before:
            a = after.get(q.name)
            ok = "yes" if q.p50 < TARGET_S else "NO"
            a_p50 = f"{a.p50:13.3f}s" if a and a.times else f"{'-':>14}"
            a_ok = ("yes" if a.p50 < TARGET_S else "NO") if a and a.times else "-"
            err = f"  ERROR {q.error}" if q.error else ""
            print(
                f"  {q.name:<28} {q.p50:7.3f}s {q.p90:7.3f}s {ok:>4} {a_p50} {a_ok:>4}  "
                f"{len(q.times):>4}  {q.rows}{err}"
            )
        print()
        print("\n".join(trend(res)))
    if len(results) > 1:
        print("\n-- partitioning comparison (p50 seconds, loaded / compacted)")
        print(f"  {'query':<28} " + " ".join(f"{r.partitioning:>17}" for r in results))
        for i, q in enumerate(results[0].queries_before):
            cells = []
            for r in results:
                b = r.queries_before[i].p50
                a = r.queries_after[i].p50 if r.queries_after else float("nan")
                cells.append(f"{b:7.3f} / {a:7.3f}")
            print(f"  {q.name:<28} " + " ".join(f"{c:>17}" for c in cells))
        print(f"  {'load time (s)':<28} " + " ".join(f"{r.load_s:>17.1f}" for r in results))
        print(
            f"  {'live files loaded/compacted':<28} "
            + " ".join(
                f"{sum(v[0] for v in r.files_before.values()):>8,} / {sum(v[0] for v in r.files_after.values()):>6,}"
                for r in results
            )
        )
        print(
            f"  {'article_versions files':<28} "
            + " ".join(
                f"{r.files_before.get('article_versions', (0, 0))[0]:>8,} / "
                f"{r.files_after.get('article_versions', (0, 0))[0]:>6,}"
                for r in results
            )
        )


def time_existing(args: argparse.Namespace, home: Home) -> int:
    corpus = Corpus.build(np.random.default_rng(args.seed), args.entities, args.zipf)
    ctx = query_context(corpus, args.days)
    SESSION_SETTINGS[:] = [f"memory_limit = '{args.memory_limit}'", *args.setting]
    print(f"== timing named queries on {home.root} ({args.runs} runs, params {ctx})", flush=True)
    with open_writer(home) as con:  # bring views up to date, as any pipeline run would
        files = lake_files(con)
    timings = time_queries({"existing": home}, {"existing": ctx}, args, "existing")["existing"]
    print(f"\n  live data files {sum(v[0] for v in files.values()):,}; parquet on disk {mb(disk_usage(home)[1])}")
    print(f"  {'query':<28} {'p50':>8} {'p90':>8} {'<1s':>4}  runs  rows")
    for q in timings:
        err = f"  ERROR {q.error}" if q.error else ""
        ok = "yes" if q.p50 < TARGET_S else "NO"
        print(f"  {q.name:<28} {q.p50:7.3f}s {q.p90:7.3f}s {ok:>4}  {len(q.times):>4}  {q.rows}{err}")
    if args.json:
        args.json.write_text(json.dumps([asdict(q) | {"p50": q.p50, "p90": q.p90} for q in timings], indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--mentions-per-article", type=int, default=20)
    parser.add_argument("--claims-per-article", type=int, default=2)
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of entity popularity")
    parser.add_argument("--text-bytes", type=int, default=3000, help="mean article text size (uniform +-33%%)")
    parser.add_argument("--days", type=int, default=1096, help="publication dates spread over this many days")
    parser.add_argument("--late-fraction", type=float, default=0.02, help="articles arriving with any old date")
    parser.add_argument("--revision-fraction", type=float, default=0.03, help="new versions of recent documents")
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--query-budget", type=float, default=90.0, help="stop repeating a query after this many seconds (min 3 runs)"
    )
    parser.add_argument("--query-timeout", type=float, default=600.0, help="interrupt one run after this many s")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="only time the queries on --home, a warehouse this script loaded before (same --seed, --entities)",
    )
    parser.add_argument(
        "--setting", action="append", default=[], help="extra DuckDB setting for every connection, e.g. threads=1"
    )
    parser.add_argument("--partitioning", default="month", help="comma list of month, day, none")
    parser.add_argument("--no-compact", dest="compact", action="store_false")
    parser.add_argument("--memory-limit", default="5GB", help="DuckDB memory_limit per connection")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", type=Path, help="fresh warehouse home (default: a new dir under /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the warehouse home afterwards")
    parser.add_argument("--explain", type=Path, help="write EXPLAIN ANALYZE of every query into this dir")
    parser.add_argument("--json", type=Path, help="write all measurements as JSON")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.partitioning.split(",") if m.strip()]
    if unknown := [m for m in modes if m not in PARTITIONINGS]:
        parser.error(f"unknown partitioning {unknown}; choose from {sorted(PARTITIONINGS)}")

    if args.existing:
        if args.home is None or not Home.resolve(args.home).exists():
            parser.error("--existing needs --home pointing at a loaded warehouse")
        return time_existing(args, Home.resolve(args.home))
    created = args.home is None or not args.home.exists()
    root = args.home or Path(tempfile.mkdtemp(prefix="wirehouse-bench-", dir="/tmp"))
    if not created and any(root.iterdir()):
        parser.error(f"{root} is not empty; the benchmark needs a fresh home")
    SESSION_SETTINGS[:] = [
        f"memory_limit = '{args.memory_limit}'",
        f"temp_directory = '{(root / 'duckdb_tmp').as_posix()}'",
        *args.setting,
    ]
    homes = {mode: Home.resolve(root / mode if len(modes) > 1 else root) for mode in modes}
    results: dict[str, ModeResult] = {}
    try:
        for mode, home in homes.items():
            print(f"== {mode}: loading {args.articles:,} articles into {home.root}", flush=True)
            results[mode] = load_mode(args, mode, home)
        ctxs = {mode: r.params for mode, r in results.items()}
        print(f"== timing named queries ({args.runs} runs, params {next(iter(ctxs.values()))})", flush=True)
        for mode, timings in time_queries(homes, ctxs, args, "loaded").items():
            results[mode].queries_before = timings
        if args.compact:
            for mode, home in homes.items():
                compact_mode(args, results[mode], home)
            print("== timing named queries after compaction", flush=True)
            for mode, timings in time_queries(homes, ctxs, args, "compacted").items():
                results[mode].queries_after = timings
    finally:
        if args.keep:
            print(f"warehouse kept at {root}")
        elif created:
            shutil.rmtree(root, ignore_errors=True)
        else:
            for child in root.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    results = list(results.values())
    report(args, results)
    if args.json:
        payload = [
            asdict(r)
            | {
                "queries_before": [asdict(q) | {"p50": q.p50, "p90": q.p90} for q in r.queries_before],
                "queries_after": [asdict(q) | {"p50": q.p50, "p90": q.p90} for q in r.queries_after],
            }
            for r in results
        ]
        args.json.write_text(
            json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": payload}, indent=1, default=str)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
