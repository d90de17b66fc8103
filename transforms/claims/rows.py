"""Claims: who said what, how sure, with which figures and dates, from the Doc the entity stage parsed.

One claim per attribution (a quote, a reported clause, an "according to"), with the speaker resolved to an entity
where possible, the content as written (quote marks and attribution removed), polarity and hedging, and the figures,
dates and entities inside it. Pure: Doc and records in, plain row dicts out (see ExtractedClaims).

Content of a claim whose quote is interrupted by the attribution ("A," she said, "B.") or continues over several
sentences or paragraphs is the quoted pieces joined by a space; content_start/content_end span the first to the
last piece in doc.text, so doc.text[content_start:content_end] may contain the attribution in between.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from spacy.tokens import Doc, Token

from transforms.claims.finders import AttributionFinder
from transforms.claims.index import ArticleIndex
from transforms.claims.quotes import find_quotes, strip_marks
from transforms.claims.records import Attribution, Speaker
from transforms.claims.speakers import SpeakerResolver
from transforms.claims.syntax import own_subject
from transforms.claims.words import REPORTING_VERBS
from transforms.dates import ResolvedDate, resolve_dates
from transforms.hedging import hedge_cues, polarity_of
from transforms.quantities import Quantity, find_quantities

TRANSFORM_VERSION = "claims-9"


@dataclass
class ExtractedClaims:
    claims: list[dict] = field(default_factory=list)
    quantities: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    claim_entities: list[dict] = field(default_factory=list)


def claim_id(article_id: str, speaker: Speaker, start: int, end: int) -> str:
    """Deterministic: the same article version, speaker and content span always give the same id."""
    key = speaker.entity_id or "text:" + speaker.text.lower()
    return hashlib.sha1(f"{article_id}\x1f{key}\x1f{start}\x1f{end}".encode()).hexdigest()[:24]


def _inside(char: int, segments: Sequence[tuple[int, int]]) -> bool:
    return any(s <= char < e for s, e in segments)


def _overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


# --- assembling attributions ------------------------------------------------------------------------------------


def _mark_reported_attributions(atts: list[Attribution]) -> None:
    """'"...," he said, according to the transcript' / '... told Dagbladet that X, Dagbladet reported': an outer
    attribution whose content holds another attribution reports that attribution, its speaker, cue and content
    ('John Smith said, according to the newspaper, that ...': "John Smith said that ..."), as annotators of news
    attribution mark it. The inner one stays a claim of its own rather than a nested one."""
    for att in atts:
        if not att.content_before:
            continue
        reported = [
            other
            for other in atts
            if other is not att
            and other.cue_tok is not None
            and _inside(other.cue_tok.idx, att.segments)
            and other.source in ("quote", "reported", "continuation")
            and not other.extra.get("lexicon")
        ]
        for other in reported:
            other.extra["reported_by"] = att
            att.segments = _union(att.segments, other.segments)


def _union(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character ranges covering both lists, overlapping ranges merged, in text order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted([*a, *b]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _close_open_quotes(atts: list[Attribution], index: ArticleIndex) -> None:
    """'said that Clinton "didn't have a video in mind, but he is being used."': reported content that opens a
    quotation runs to where the quotation closes, in the same paragraph, not to the end of its clause."""
    for att in atts:
        if att.is_direct or not att.segments:
            continue
        start, end = att.segments[-1]
        paragraph = index.paragraph_of(end - 1)
        for quote in index.quotes:
            if start <= quote.open_at < end < quote.end and quote.closed and index.paragraph_of(quote.end) == paragraph:
                att.segments[-1] = (start, quote.close_end)
                break


#: Words that join a second, parallel attribution to a reported clause ("A said X, while B said Y").
_PARALLEL_JOINS = frozenset({"and", "but", "while", "whereas", "yet", ",", ";"})


def _second_verb(inner: Attribution, outer: Attribution) -> bool:
    """inner's cue hangs on outer's cue as a second verb of the same sentence ('insisted that A and refused to
    answer B', 'said A, adding B')."""
    cue = inner.cue_tok
    return outer.cue_tok is not None and cue.head == outer.cue_tok and cue.dep_ in ("advcl", "conj")


def _parallel_start(inner: Attribution, outer: Attribution) -> Token | None:
    """The first token of the clause that joins inner's attribution to outer's content as a parallel one ('74
    percent said A, while 22 percent said B'), or None when inner reports something outer's speaker says."""
    cue, subject = inner.cue_tok, inner.subject
    if cue is None or any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in cue.children):
        return None  # "said A and that he would vote against B": B is reported too
    if _second_verb(inner, outer):
        if subject is None or not outer.cue_tok.i < subject.i < cue.i:
            subject = cue  # the subject both verbs share comes before the first one
    elif cue.lemma_.lower() not in REPORTING_VERBS or cue.dep_ not in ("advcl", "ccomp") or own_subject(cue) is None:
        return None
    start = cue.doc[min(cue.left_edge.i, subject.left_edge.i)]
    if start.lower_ in _PARALLEL_JOINS:
        return start
    before = cue.doc[start.i - 1] if start.i > 0 else None
    if before is not None and before.lower_ in _PARALLEL_JOINS and _inside(before.idx, outer.segments):
        return before
    return None


def _split_parallel_attributions(atts: list[Attribution]) -> None:
    """'74 percent said they would vote for her, while 22 percent said they might change their mind', 'insisted
    that he would fight on and refused to answer questions': the parser hangs the second attribution inside the
    first one's content, but it is a claim of its own, not part of what the first one says. The first content
    ends before it."""
    for inner in atts:
        if inner.source != "reported" or inner.cue_tok is None:
            continue
        for outer in atts:
            if outer is inner or outer.is_direct or not _inside(inner.cue_tok.idx, outer.segments[-1:]):
                continue
            join = _parallel_start(inner, outer)
            if join is None or join.idx <= outer.segments[-1][0]:
                continue
            start, _ = outer.segments[-1]
            outer.segments[-1] = (start, join.idx)


def _mark_nesting(atts: list[Attribution]) -> None:
    for att in atts:
        if att.cue_tok is None:
            continue
        reporter = att.extra.get("reported_by")
        outers = [o for o in atts if o is not att and o is not reporter and _inside(att.cue_tok.idx, o.segments)]
        if outers:
            att.nested_in = min(outers, key=lambda o: o.end - o.start)


def _drop_quote_echoes(atts: list[Attribution], index: ArticleIndex) -> list[Attribution]:
    """A reported clause that is really a direct quote the quote finder already attributed is dropped;
    one it did not attribute becomes the direct claim."""
    direct = [a for a in atts if a.is_direct]
    keep = []
    for att in atts:
        if att.source != "reported" or att.in_quote:
            keep.append(att)
            continue
        length = sum(e - s for s, e in att.segments) or 1
        quoted = _overlap(att.segments, index.speech_quotes)
        if quoted / length < 0.5:
            keep.append(att)
            continue
        if any(_overlap(att.segments, d.segments) > 0 for d in direct):
            continue
        att.is_direct = True
        att.segments = [q for q in index.speech_quotes if _overlap([q], att.segments) > 0]
        keep.append(att)
    return keep


def _keep(att: Attribution) -> bool:
    """A claim needs a speaker, and stands on its own: one reported inside a quotation or inside another claim's
    content ("'I saw that Trump said X,' Adelson said", "Kowal said he believed ...") is part of that claim, as
    annotators of news attribution treat it."""
    speaker = att.speaker
    if speaker is None or not (speaker.text.strip() or speaker.kind == "NONE"):
        return False
    return not att.in_quote and att.nested_in is None


def _only_a_time(att: Attribution, doc: Doc) -> bool:
    """'testified on Thursday' / 'responded Friday': a content that is only a date or time says nothing."""
    if att.is_direct:
        return False
    words = []
    for start, end in att.segments:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        words.extend(t for t in span if not (t.is_punct or t.is_space))
    return (
        bool(words)
        and all(t.ent_type_ in ("DATE", "TIME") or t.lower_ in ("on", "at") for t in words)
        and not any(t.like_num for t in words)  # "supported it in 2007": a year may be what was said
    )


def _covers(outer: Attribution, inner: Attribution) -> bool:
    """Every piece of inner's content lies inside one piece of outer's content."""
    return all(any(s2 <= s and e <= e2 for s2, e2 in outer.segments) for s, e in inner.segments)


#: Words two speaker phrases may share without naming the same speaker ("a report in ...", "the ministry in ...").
_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "in", "for", "to", "and", "on", "at", "by", "with", "from"})


def _speaker_words(att: Attribution) -> set[str]:
    return set(att.speaker.text.lower().split()) - _FUNCTION_WORDS if att.speaker is not None else set()


def _same_speaker(a: Attribution, b: Attribution) -> bool:
    """The two speakers are the same entity, or share a word other than a function word ("the city council",
    "city"): two claims with the same content by different speakers (a figure one gives and the other denies)
    both stay."""
    if a.speaker is None or b.speaker is None:
        return False
    if a.speaker.entity_id is not None and a.speaker.entity_id == b.speaker.entity_id:
        return True
    return bool(_speaker_words(a) & _speaker_words(b))


def _drop_contained(atts: list[Attribution]) -> list[Attribution]:
    """A claim whose content lies wholly inside another claim's content repeats that content ('According to the
    council, "The bridge will close."' found both as a quote and as an "according to"; a quote sentence inside a
    reported clause that quotes it): annotators of news attribution mark it once, so the larger claim stays, and
    the first of two the same size by the same speaker. A claim another one reports ("Smith said, according to
    the paper, ...") keeps its own row: it has its own source."""

    def size(att: Attribution) -> int:
        return sum(e - s for s, e in att.segments)

    def repeats(k: int, att: Attribution) -> bool:
        return any(
            other is not att
            and _covers(other, att)
            and (size(other) > size(att) or (size(other) == size(att) and m < k and _same_speaker(other, att)))
            for m, other in enumerate(atts)
        )

    return [att for k, att in enumerate(atts) if "reported_by" in att.extra or not repeats(k, att)]


def _resolve(atts: list[Attribution], index: ArticleIndex) -> list[Attribution]:
    resolver = SpeakerResolver(index)
    for att in sorted(atts, key=lambda a: a.anchor):
        resolver.resolve(att)
    return [a for a in atts if _keep(a)]


# --- rows -------------------------------------------------------------------------------------------------------


class _RowBuilder:
    def __init__(self, doc: Doc, index: ArticleIndex, article_id: str, published_at: datetime | None):
        self.doc = doc
        self.ix = index
        self.article_id = article_id
        self.quantities: list[Quantity] = find_quantities(doc.text)
        self.dates: list[ResolvedDate] = resolve_dates(doc.text, published_at)
        self.out = ExtractedClaims()
        self.seen: set[str] = set()

    def content_text(self, att: Attribution) -> str:
        pieces = [strip_marks(self.ix.text, s, e, self.ix.mark_spans).strip() for s, e in att.segments]
        text = re.sub(r"\s+", " ", " ".join(p for p in pieces if p)).strip()
        return text.rstrip(",;:—– ").strip()

    def content_tokens(self, att: Attribution) -> list[Token]:
        tokens: list[Token] = []
        for s, e in att.segments:
            span = self.doc.char_span(s, e, alignment_mode="expand")
            if span is not None:
                tokens.extend(span)
        if att.cue_tok is not None:
            tokens.extend(c for c in att.cue_tok.children if c.dep_ == "advmod")
        return tokens

    def sentence_index(self, att: Attribution) -> int:
        tok = att.cue_tok or self.ix.token_at(att.anchor)
        return self.ix.sent_of[tok.i] if tok is not None else 0

    def add(self, att: Attribution, others: list[Attribution]) -> None:
        speaker = att.speaker
        start, end = att.start, att.end
        cid = claim_id(self.article_id, speaker, start, end)
        if cid in self.seen:
            return
        self.seen.add(cid)
        content = self.content_text(att)
        cues = hedge_cues(self.content_tokens(att), att.cue)
        self.out.claims.append(
            {
                "claim_id": cid,
                "article_id": self.article_id,
                "speaker_entity_id": speaker.entity_id,
                "speaker_text": speaker.text or None,
                "speaker_kind": speaker.kind,
                "cue": att.cue,
                "content": content,
                "content_start": start,
                "content_end": end,
                "is_direct": att.is_direct,
                "polarity": polarity_of(att.cue_tok, att.cue, content, att.is_direct),
                "hedged": bool(cues),
                "hedge_cues": cues,
                "sentence_index": self.sentence_index(att),
            }
        )
        self.add_quantities(cid, att)
        self.add_dates(cid, att, others)
        self.add_entities(cid, att)

    def add_quantities(self, cid: str, att: Attribution) -> None:
        for q in self.quantities:
            if any(s <= q.start_char and q.end_char <= e for s, e in att.segments):
                self.out.quantities.append(
                    {
                        "claim_id": cid,
                        "surface": q.surface,
                        "value": q.value,
                        "unit": q.unit,
                        "approximate": q.approximate,
                        "comparator": q.comparator,
                        "low": q.low,
                        "high": q.high,
                        "start_char": q.start_char,
                        "end_char": q.end_char,
                    }
                )

    def add_dates(self, cid: str, att: Attribution, others: list[Attribution]) -> None:
        """Dates inside the content, or in the attribution's sentence outside other claims' content."""
        tok = att.cue_tok or self.ix.token_at(att.anchor)
        sent = tok.sent if tok is not None else None
        other_segments = [seg for o in others if o is not att for seg in o.segments]
        for d in self.dates:
            in_content = any(s <= d.start_char and d.end_char <= e for s, e in att.segments)
            in_attribution = (
                sent is not None
                and sent.start_char <= d.start_char < sent.end_char
                and not _inside(d.start_char, other_segments)
            )
            if in_content or in_attribution:
                self.out.dates.append(
                    {
                        "claim_id": cid,
                        "surface": d.surface,
                        "date_from": d.date_from,
                        "date_to": d.date_to,
                        "granularity": d.granularity,
                    }
                )

    def add_entities(self, cid: str, att: Attribution) -> None:
        seen: set[str] = set()
        for s, e in att.segments:
            for m in self.ix.mentions_between(s, e):
                if m["entity_id"] not in seen:
                    seen.add(m["entity_id"])
                    self.out.claim_entities.append({"claim_id": cid, "entity_id": m["entity_id"]})


def extract_claims(
    doc: Doc,
    mentions: Sequence[Mapping],
    entities: Sequence[Mapping],
    article_id: str,
    published_at: datetime | None,
) -> ExtractedClaims:
    """Every attributed claim in the article, with its figures, resolved dates and the entities it is about."""
    quotes = find_quotes(doc.text)
    index = ArticleIndex(doc, mentions, entities, quotes)
    atts = AttributionFinder(index).find()
    atts = _drop_quote_echoes(atts, index)
    _close_open_quotes(atts, index)
    _mark_reported_attributions(atts)
    _split_parallel_attributions(atts)
    _mark_nesting(atts)
    atts = _drop_contained([a for a in _resolve(atts, index) if not _only_a_time(a, doc)])
    builder = _RowBuilder(doc, index, article_id, published_at)
    for att in sorted(atts, key=lambda a: (a.start, a.anchor)):
        builder.add(att, atts)
    return builder.out
