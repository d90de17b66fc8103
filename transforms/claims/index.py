"""Look-ups over one parsed article that every step of the claims stage shares."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc, Span, Token

from transforms.claims.quotes import Quote


class ArticleIndex:
    """Look-ups over one Doc: sentences, paragraphs, quote spans and entity mentions by character offset."""

    def __init__(self, doc: Doc, mentions: Sequence[Mapping], entities: Sequence[Mapping], quotes: list[Quote]):
        self.doc = doc
        self.text = doc.text
        self.sents: list[Span] = list(doc.sents)
        self.sent_of = [0] * len(doc)
        for index, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = index
        # Blank lines between paragraphs are no paragraphs of their own: the next paragraph is still the neighbour.
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*", self.text)]
        self.kinds = {e["entity_id"]: e.get("kind") for e in entities}
        self.names = {e["entity_id"]: e.get("name") for e in entities}
        self.mentions = sorted((dict(m) for m in mentions), key=lambda m: (m["start_char"], -m["end_char"]))
        self.surnames = self._person_surnames()
        self._relabel_people(doc)
        self.mention_starts = [m["start_char"] for m in self.mentions]
        self.quotes = quotes
        self.quote_spans = [(q.start, q.end) for q in quotes]
        #: Quotes placed like direct speech (sentence-initial or after "X said:"), filled by the finder.
        self.speech_quotes: list[tuple[int, int]] = []
        self.mark_spans = sorted(span for q in quotes for span in q.marks)
        self.token_starts = [t.idx for t in doc]

    def _person_surnames(self) -> dict[str, str]:
        """Last word of each person's name -> entity, when only one person in the article has it."""
        found: dict[str, set[str]] = {}
        for m in self.mentions:
            if self.kinds.get(m["entity_id"]) == "PERSON":
                name = self.names.get(m["entity_id"]) or m["surface"]
                found.setdefault(name.split()[-1].lower(), set()).add(m["entity_id"])
        return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}

    def _relabel_people(self, doc: Doc) -> None:
        """Small NER models label the same person ORG in one sentence and PERSON in the next, or take a plural
        common noun at a sentence start for a person: repair both for speaker look-ups (not the mentions table)."""
        for m in self.mentions:
            kind = self.kinds.get(m["entity_id"])
            surface = m["surface"]
            if kind in ("ORG", "GPE") and " " not in surface and surface.lower() in self.surnames:
                m["entity_id"] = self.surnames[surface.lower()]
            elif kind == "PERSON" and " " not in surface and surface.lower().endswith("s") and not self._surname(m):
                span = doc.char_span(m["start_char"], m["end_char"])
                if (
                    span is not None
                    and span[0].tag_ in ("NNS", "NNPS")
                    and (span[0].i == 0 or not doc[span[0].i - 1].is_alpha)
                ):
                    m["entity_id"] = "common:" + surface.lower()
                    self.kinds[m["entity_id"]] = "COMMON"

    def _surname(self, mention: Mapping) -> bool:
        """'"...," Sanders said': the mention is the last word of its person's full name, not a plural noun."""
        name = (self.names.get(mention["entity_id"]) or "").split()
        return len(name) >= 2 and name[-1].lower() == mention["surface"].lower()

    def paragraph_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def mention_at(self, char: int) -> dict | None:
        k = bisect.bisect_right(self.mention_starts, char) - 1
        while k >= 0 and self.mentions[k]["start_char"] > char - 200:
            m = self.mentions[k]
            if m["start_char"] <= char < m["end_char"]:
                return m
            k -= 1
        return None

    def mentions_between(self, start: int, end: int) -> list[dict]:
        lo = bisect.bisect_left(self.mention_starts, start)
        out = []
        for m in self.mentions[lo:]:
            if m["start_char"] >= end:
                break
            if m["end_char"] <= end:
                out.append(m)
        return out

    def kind_of(self, mention: Mapping) -> str | None:
        return self.kinds.get(mention["entity_id"]) or mention.get("label")

    def in_quote(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.quote_spans)

    def token_at(self, char: int) -> Token | None:
        """The token containing `char`, or the next token when `char` is whitespace."""
        k = bisect.bisect_right(self.token_starts, char) - 1
        if k >= 0 and char < self.doc[k].idx + len(self.doc[k].text):
            return self.doc[k]
        return self.doc[k + 1] if k + 1 < len(self.doc) else None


# --- content spans ----------------------------------------------------------------------------------------------
