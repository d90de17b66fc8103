"""Titles around a name ("Deputy Pentagon Press Secretary Sabrina Singh") become the mention's role, not its name."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from transforms.entities.mentions import is_possessive, word_of
from transforms.entities.words import CONNECTORS, COURTESY_TITLES, DETERMINERS, HEAD_WORDS, ROLE_ENT_TYPES, ROLE_WORDS


def is_role_token(tok: Token) -> bool:
    word = word_of(tok)
    return word in ROLE_WORDS or (tok.ent_type_ in ROLE_ENT_TYPES and tok.ent_type_ != "PERSON")


def role_text(doc: Doc, start: int, end: int) -> str | None:
    """Role text for tokens [start, end) when they contain a head word and are not just 'Mr'."""
    start, end = trim_connectors(doc, start, end)
    if start >= end:
        return None
    words = [word_of(tok) for tok in doc[start:end]]
    if not any(w in HEAD_WORDS for w in words) or all(w in COURTESY_TITLES for w in words):
        return None
    return doc[start:end].text


def trim_connectors(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].lower_ in CONNECTORS | DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in CONNECTORS or doc[end - 1].is_punct):
        end -= 1
    return start, end


def role_before(doc: Doc, name_start: int, sent_start: int) -> tuple[int, str | None]:
    """Walk left from a name over title words and organisation/place tokens: 'NATO Secretary-General'."""
    i = name_start - 1
    while i >= sent_start and continues_role(doc, i, sent_start):
        i -= 1
    return i + 1, role_text(doc, i + 1, name_start)


def continues_role(doc: Doc, i: int, sent_start: int) -> bool:
    """Token i belongs to a role read right to left: a title word, an organisation token, or a
    hyphen/'of'/possessive joining two such tokens ('Secretary-General', 'Minister of Defence', "NATO's")."""
    tok = doc[i]
    if is_role_token(tok):
        return True
    if i <= sent_start:
        return False
    prev = doc[i - 1]
    if tok.text == "-":
        return not prev.whitespace_ and is_role_token(prev)
    if tok.lower_ in ("of", "for"):
        return word_of(prev) in ROLE_WORDS
    return is_possessive(tok) and prev.ent_type_ in ROLE_ENT_TYPES


def role_after(doc: Doc, name_end: int, sent_end: int) -> str | None:
    """An appositive role: 'Mark Rutte, NATO's secretary-general, said'."""
    if name_end >= sent_end or doc[name_end].text != ",":
        return None
    j = name_end + 1
    while j < sent_end and doc[j].lower_ in DETERMINERS:
        j += 1
    start = j
    while (
        j < sent_end and j - start < 10 and (is_role_token(doc[j]) or doc[j].lower_ in CONNECTORS or doc[j].text == "-")
    ):
        j += 1
    if j < sent_end and doc[j].text not in (",", ".", ";", ":", ")", "\u2014"):
        return None
    return role_text(doc, start, j)
