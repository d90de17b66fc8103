"""Attributions read from a phrase rather than a cue verb: labelled lines ("Graham: Trump's rhetoric ..."),
"according to X", and findings ("In a new CNN poll, 60 percent ...")."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from transforms.claims.index import ArticleIndex
from transforms.claims.quotes import QUOTE_CHARS
from transforms.claims.records import Attribution
from transforms.claims.syntax import trim
from transforms.claims.words import FINDING_NOUNS, LABEL_WORDS, RELATIVE

#: A line opening with a label of at most six words and a colon: its source (after any 'EXCLUSIVE –' tag) and
#: the rest of the line.
_MIN_LABELLED_TOKENS = 3
_MAX_LABELLED_COMMAS = 4
_LABEL_LINE = re.compile(r"^(?:[^\n:]*?[–—-]\s+)?([^\n:–—]{2,60}?):[ \t]+(\S[^\n]*)$", re.M)


class PhraseFinders:
    """The finders of AttributionFinder that start from a phrase; it mixes them in and holds the state they read."""

    ix: ArticleIndex
    doc: Doc
    according: list[Token]
    ins: list[Token]

    def _tokens_from(self, char: int, stop: int) -> list[Token]:  # defined by AttributionFinder
        raise NotImplementedError

    # "Name: what they said" -----------------------------------------------------------------------------------
    def colon_labels(self) -> list[Attribution]:
        """A line that opens with a short name and a colon: a headline ('Graham: Trump's rhetoric is destroying the
        party') or a transcript turn ('PENCE: Well, ...'). The rest of the line is what the named source said."""
        out = []
        for match in _LABEL_LINE.finditer(self.ix.text):
            label_start, colon = match.start(1), match.end(1)
            tokens = [t for t in self._tokens_from(label_start, colon) if not t.is_space]
            names = [t for t in tokens if self._speaker_name(t)]
            if not names or any(t.pos_ in ("VERB", "AUX") and not t.is_upper for t in tokens):
                continue
            if match.group(2).count(",") >= _MAX_LABELLED_COMMAS:
                continue  # "Iowa: Tim Albrecht, Brad Anderson, ...": a list, not a statement
            if self.ix.in_quote(colon):
                continue
            first, last = self.ix.token_at(match.start(2)), self.ix.token_at(match.end(2) - 1)
            if first is None or last is None:
                continue
            span = trim(self.doc, first.i, last.i)
            if span is None or self.doc[first.i].idx < colon or last.i - first.i < _MIN_LABELLED_TOKENS:
                continue
            out.append(
                Attribution("colon", ":", None, names[-1], [span], False, colon - 1, self.ix.paragraph_of(colon - 1))
            )
        return out

    def _speaker_name(self, tok: Token) -> bool:
        """A person or organisation mention, or a transcript's upper-case surname ('PENCE')."""
        mention = self.ix.mention_at(tok.idx)
        if mention is not None:
            return self.ix.kind_of(mention) in ("PERSON", "ORG")
        return tok.is_upper and tok.is_alpha and len(tok) > 2 and tok.lower_ not in LABEL_WORDS

    # according to -----------------------------------------------------------------------------------------------
    def according_to(self) -> list[Attribution]:
        out = []
        doc = self.doc
        for tok in self.according:
            if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
                continue
            att = self.according_one(tok)
            if att is not None:
                out.append(att)
        return out

    def according_one(self, tok: Token) -> Attribution | None:
        doc = self.doc
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((t for t in doc[to.i + 1 : to.i + 6] if t.pos_ in ("NOUN", "PROPN", "PRON")), None)
            if pobj is None:
                return None
        phrase_end = max(pobj.right_edge.i, to.i)
        sent = tok.sent
        first_real = next((t.i for t in sent if not (t.is_punct or t.is_space or t.text in QUOTE_CHARS)), sent.start)
        segments = []
        if tok.i <= first_real:
            span = trim(doc, phrase_end + 1, sent.end - 1)
            if span:
                segments.append(span)
        else:
            span = trim(doc, sent.start, tok.i - 1)
            if span:
                segments.append(span)
            after = trim(doc, phrase_end + 1, sent.end - 1)
            if after and doc[phrase_end + 1].text == "," and self._continues_clause(phrase_end + 1, sent):
                segments.append(after)
        if not segments:
            return None
        return Attribution(
            "according",
            "according_to",
            tok,
            pobj,
            segments,
            False,
            tok.idx,
            self.ix.paragraph_of(tok.idx),
            content_before=True,
        )

    # "In a CNN poll, ..." ---------------------------------------------------------------------------------------
    def in_findings(self) -> list[Attribution]:
        """'In a new Washington Post-ABC News poll, 67 percent of Americans said ...': the poll is the source of the
        clause the phrase opens, the clause without the phrase its content."""
        out = []
        for tok in self.ins:
            finding = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if finding is None or finding.lower_ not in FINDING_NOUNS or tok.dep_ != "prep":
                continue
            verb = next((t for t in tok.ancestors if t.pos_ in ("VERB", "AUX")), None)
            if verb is None or self.ix.in_quote(tok.idx) or not self._finding_clause(verb):
                continue
            ranges = [(verb.left_edge.i, tok.left_edge.i - 1), (tok.right_edge.i + 1, verb.right_edge.i)]
            spans = [span for span in (trim(self.doc, a, b) for a, b in ranges if b >= a) if span is not None]
            if spans:
                paragraph = self.ix.paragraph_of(tok.idx)
                out.append(Attribution("according", "in", tok, finding, spans, False, tok.idx, paragraph))
        return out

    @staticmethod
    def _finding_clause(verb: Token) -> bool:
        """A finding states something about a subject: 'Trump has a slight lead in the polls', not the fragment
        'who leads in the polls' or 'plummeted in the polls'."""
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        return subject is not None and subject.lower_ not in RELATIVE

    def _continues_clause(self, comma: int, sent: Span) -> bool:
        """After 'The troops, according to officials, were moved' the clause goes on after the phrase."""
        nxt = comma + 1
        return nxt < sent.end and self.doc[nxt].pos_ in ("VERB", "AUX") and self.doc[nxt].lower_ not in RELATIVE
