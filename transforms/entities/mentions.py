"""A mention as the linker resolves it, the records it returns, and the token tests every step uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from transforms.entities.words import DETERMINERS, MAX_NAME_TOKENS
from transforms.gazetteers import (
    Entry,
)


@dataclass
class LinkedEntities:
    entities: list[dict] = field(default_factory=list)  # one per distinct entity (warehouse table entities)
    mentions: list[dict] = field(default_factory=list)  # in text order (warehouse table mentions)


@dataclass
class Mention:
    """A mention being resolved: token span, label, entity id and how it was linked."""

    start: int
    end: int
    label: str
    entity_id: str = ""
    method: str = "ner"
    role: str | None = None
    name: str = ""  # display name proposed for a new entity
    candidates: list[tuple[Entry, str]] = field(default_factory=list)  # gazetteer alternatives, best first


def word_of(tok: Token) -> str:
    """Lower-case token text without a trailing abbreviation dot ('Gen.' -> 'gen')."""
    return tok.lower_.rstrip(".") if len(tok.text) > 1 else tok.lower_


def is_possessive(tok: Token) -> bool:
    return tok.lower_ in ("'s", "\u2019s", "'", "\u2019")


def trim_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading determiners/punctuation and trailing possessives/punctuation from a token range."""
    while start < end and (doc[start].lower_ in DETERMINERS or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (
        is_possessive(doc[end - 1])
        or doc[end - 1].is_punct
        or doc[end - 1].is_space
        or doc[end - 1].lower_ in ("of", "and", "for")
    ):
        end -= 1
    return start, end


def is_junk(span: Span) -> bool:
    """Pure numbers, lower-case words, over-long or multi-line spans are not names."""
    text = span.text
    if len(text) < 2 or not any(ch.isalpha() for ch in text) or len(span) > MAX_NAME_TOKENS or "\n" in text:
        return True
    return not any(tok.text[:1].isupper() for tok in span)  # "soldiers", "the government"


def sentence_starts(doc: Doc) -> list[int]:
    return [sent.start for sent in doc.sents]
