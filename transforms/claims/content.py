"""What a reporting verb reports: the clause after it, the clause before it, or its noun object."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from transforms.claims.quotes import QUOTE_CHARS
from transforms.claims.syntax import (
    adverbial,
    clause_range,
    comment_on,
    has_infinitive_to,
    object_of,
    own_subject,
    relativised,
    subtree_range,
    that_clause,
)
from transforms.claims.words import CLAIM_NOUNS, CLAUSE_HOSTS, MODALS, NP_CONTENT_CUES


class ContentFinder:
    """Finds the content token range of a reporting verb, or None."""

    def __init__(self, doc: Doc):
        self.doc = doc

    def after_clause(self, tok: Token) -> Token | None:
        """The first clause after the verb: its ccomp, or a that-clause the parser hung on a noun ('denied
        reports that ...', 'said in a statement that ...', 'put it to her that ...')."""
        candidates = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i and not adverbial(c, tok)]
        for noun in self._nouns_after(tok):
            clause = that_clause(noun)
            if clause is None or clause.i < noun.i:
                continue
            complementizer = any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
            if complementizer or noun.lower_ in CLAUSE_HOSTS or noun.lemma_.lower() in CLAUSE_HOSTS:
                candidates.append(clause)
        if not candidates and tok.lemma_.lower() not in ("tell", "ask"):
            obj = object_of(tok)
            if obj is not None and any(
                c.dep_ in ("acl", "relcl")
                and c.pos_ in ("VERB", "AUX")
                and not has_infinitive_to(c)
                and not relativised(c)
                for c in obj.children
            ):
                candidates.append(obj)  # misparse of "said conditions there were unbearable"
        return min(candidates, key=lambda c: c.left_edge.i) if candidates else None

    @staticmethod
    def _nouns_after(tok: Token) -> list[Token]:
        out = []
        for child in tok.children:
            if child.i < tok.i:
                continue
            if child.dep_ in ("dobj", "obj"):
                out.append(child)
            elif child.dep_ == "prep":
                out.extend(c for c in child.children if c.dep_ == "pobj")
        return out

    def find(self, tok: Token, lemma: str) -> tuple[int, int, bool] | None:
        """(first token, last token, content_before) of what the verb reports."""
        clause = self.after_clause(tok)
        if clause is not None:
            first, last = clause_range(clause)
            for other in tok.children:  # the parser sometimes hangs a relative clause of the content on the verb
                if (
                    other.dep_ == "ccomp"
                    and other.i > last
                    and not adverbial(other, tok)
                    and (other.left_edge.i <= last + 2)
                ):
                    last = max(last, clause_range(other)[1])
            for conj in tok.children:
                if (
                    conj.dep_ == "conj"
                    and conj.i > last
                    and own_subject(conj) is None
                    and any(a.dep_ == "aux" and a.lower_ in MODALS for a in conj.children)
                ):
                    last = conj.right_edge.i  # "told X that A but would not accept B": B is reported too
            for conj in tok.children:
                if (
                    conj.dep_ == "conj"
                    and conj.i > last
                    and own_subject(conj) is None
                    and self._quoted_from(conj, last)
                ):
                    last = conj.right_edge.i  # 'said that A," and "struggled with B."': the quotation goes on
            return max(first, tok.i + 1), last, False
        before = self.before_clause(tok)
        if before is not None:
            return before[0], before[1], True
        if lemma in NP_CONTENT_CUES:
            return self.np_object(tok)
        return None

    def _quoted_from(self, conj: Token, last: int) -> bool:
        """The conjunct opens with a quote mark right after the content (a comma, quote mark or 'and' between)."""
        between = self.doc[last + 1 : conj.left_edge.i + 1]
        return (
            len(between) <= 4
            and any(t.text in QUOTE_CHARS for t in between)
            and all(t.is_punct or t.dep_ == "cc" for t in between)
        )

    def before_clause(self, tok: Token) -> tuple[int, int] | None:
        """'..., the minister said': a clause before the verb, set off by a comma (or a quote and comma)."""
        sent = tok.sent
        comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i < tok.i]
        if comps:
            first, last = subtree_range(comps[-1])
            if self._separated(last, tok):
                return max(first, sent.start), last
        head = tok.head
        if tok.dep_ in ("parataxis", "ccomp", "advcl") and head.i < tok.i and own_subject(tok) is not None:
            left = tok.left_edge.i
            if self._separated(left - 1, tok, exact=True):
                return max(head.left_edge.i, sent.start), left - 1
        return None

    def _separated(self, last: int, tok: Token, exact: bool = False) -> bool:
        """A comma (or quote mark) between the clause end and the attribution."""
        stop = tok.i if not exact else last + 1
        for i in range(last, min(stop, len(self.doc))):
            if self.doc[i].text in (",", "—", "–") or self.doc[i].text in QUOTE_CHARS:
                return True
        return False

    @staticmethod
    def _figure_object(verb: Token, obj: Token) -> bool:
        return any(t.like_num for t in obj.subtree) or any(c.dep_ == "prep" and c.lower_ == "at" for c in verb.children)

    def np_object(self, tok: Token) -> tuple[int, int, bool] | None:
        candidates = [tok] + [c for c in tok.children if c.dep_ == "conj"]
        for verb in candidates:
            obj = object_of(verb) or (comment_on(verb) if verb.lemma_.lower() == "comment" else None)
            if obj is not None and verb.lemma_.lower() == "estimate" and not self._figure_object(verb, obj):
                continue  # "estimated the damage at $3bn" is a claim, "estimated developing countries" a misparse
            if obj is not None and obj.pos_ != "PRON":
                clause = that_clause(obj) if obj.lemma_ in CLAIM_NOUNS or obj.lower_ in CLAIM_NOUNS else None
                target = clause or obj
                first, last = subtree_range(target)
                if clause is not None:
                    first = max(first, obj.i + 1)
                else:  # "dismissed the report as fiction": what it was called is said too
                    role = [
                        c.right_edge.i for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > last
                    ]
                    last = max([last, *role])
                return first, last, False
        return None
