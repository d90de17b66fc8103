"""Speakers resolved in document order, because "she", "the spokesman" or "the firm" refer back.

Named mentions win, then appositions ("the minister, Anna Berg, said"), then definite descriptions and pronouns
resolved to the nearest fitting earlier speaker or mention (role words, gender from honorifics, first names and
earlier pronouns); a description stays the speaker text and links to the entity it refers to. Indefinite or plural
sources ("a senior official", "officials") are UNNAMED, documents ("the report", "according to figures published by
the WHO") are DOCUMENT with their author as entity when it is named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from spacy.tokens import Token

from transforms.claims.index import ArticleIndex
from transforms.claims.quotes import QUOTE_CHARS
from transforms.claims.records import NO_SPEAKER, Attribution, Speaker
from transforms.claims.syntax import is_document
from transforms.claims.words import (
    DOCUMENT_NOUNS,
    FEMALE_NAMES,
    FEMALE_TITLES,
    FIRST_SECOND,
    INDEFINITE,
    INSTITUTION_NOUNS,
    MALE_NAMES,
    MALE_TITLES,
    PERSON_ROLE_NOUNS,
    PERSONAL_PRONOUNS,
    QUANTIFIER_HEADS,
    RELATIVE,
    REPLY_CUES,
    TITLE_WORDS,
)

_CONTEXT_CHARS = 60


@dataclass
class _Seen:
    speaker: Speaker
    sentence: int
    char: int
    #: the claim is a question ("asked", or a quotation ending in a question mark)
    asks: bool = False


class SpeakerResolver:
    """Resolves attribution subjects to speakers in document order (earlier speakers feed later pronouns)."""

    def __init__(self, index: ArticleIndex):
        self.ix = index
        self.doc = index.doc
        self.history: list[_Seen] = []
        self.gender: dict[str, str] = {}
        self._collect_gender()

    # gender evidence --------------------------------------------------------------------------------------------
    def _collect_gender(self) -> None:
        text = self.ix.text
        for m in self.ix.mentions:
            if self.ix.kind_of(m) != "PERSON":
                continue
            eid = m["entity_id"]
            before = text[max(0, m["start_char"] - 6) : m["start_char"]].strip().lower().split()
            words = (m.get("surface") or "").lower().split() + (before[-1:] if before else [])
            words += (m.get("role") or "").lower().split()
            if any(w in MALE_TITLES for w in words):
                self.gender.setdefault(eid, "m")
            elif any(w in FEMALE_TITLES for w in words):
                self.gender.setdefault(eid, "f")
        for eid, name in self.ix.names.items():
            if self.ix.kinds.get(eid) != "PERSON" or eid in self.gender or not name:
                continue
            first = name.split()[0].lower().strip(".")
            if first in FEMALE_NAMES:
                self.gender[eid] = "f"
            elif first in MALE_NAMES:
                self.gender[eid] = "m"

    def _learn_gender(self, att: Attribution, speaker: Speaker) -> None:
        """'Thorne said in her opening statement': a possessive pronoun in the attribution tells the gender."""
        if speaker.kind != "PERSON" or speaker.entity_id is None or att.cue_tok is None:
            return
        content = att.segments
        for tok in att.cue_tok.subtree:
            if any(s <= tok.idx < e for s, e in content):
                continue
            if tok.lower_ in ("his", "her") and tok.dep_ == "poss":
                self.gender.setdefault(speaker.entity_id, "m" if tok.lower_ == "his" else "f")
                return

    # resolution -------------------------------------------------------------------------------------------------
    def resolve(self, att: Attribution) -> Speaker | None:
        if att.source == "impersonal":
            att.speaker = NO_SPEAKER
            return att.speaker
        if att.inherit is not None:
            speaker = att.inherit.speaker
        elif att.subject is None:
            speaker = None
        else:
            speaker = self.from_subject(att.subject, att)
        if speaker is not None:
            att.speaker = speaker
            sentence = self.ix.sent_of[att.cue_tok.i] if att.cue_tok is not None else self._sentence_of(att.anchor)
            self.history.append(_Seen(speaker, sentence, att.anchor, self._asks(att)))
            self._learn_gender(att, speaker)
        return speaker

    def _asks(self, att: Attribution) -> bool:
        if att.cue == "ask":
            return True
        start, end = att.segments[-1] if att.segments else (0, 0)
        return self.ix.text[start:end].rstrip().rstrip(QUOTE_CHARS).rstrip().endswith("?")

    def _asker(self, att: Attribution, sentence: int) -> Speaker | None:
        """The speaker of a question just before a reply: not who the reply's he or she is."""
        if att.cue not in REPLY_CUES or not self.history:
            return None
        last = self.history[-1]
        return last.speaker if last.asks and sentence - last.sentence <= 1 else None

    def _sentence_of(self, char: int) -> int:
        tok = self.ix.token_at(char)
        return self.ix.sent_of[tok.i] if tok is not None else 0

    def from_subject(self, subj: Token, att: Attribution) -> Speaker | None:
        if subj.lower_ in RELATIVE and subj.head.dep_ in ("relcl", "acl") and subj.head.head.i != subj.head.i:
            subj = subj.head.head
        low = subj.lower_
        if low in QUANTIFIER_HEADS and any(c.dep_ == "prep" and c.lower_ == "of" for c in subj.children):
            # "some of his rivals", "many of the delegates": the group is the speaker, not the quantifier
            return Speaker(None, self.subject_text(subj), "UNNAMED", noun=low, plural=True)
        if subj.pos_ == "PRON" or low in PERSONAL_PRONOUNS:
            if low in FIRST_SECOND or att.in_quote:
                return Speaker(None, subj.text, "UNNAMED")  # inside a quote, pronouns are the quoted speaker's
            return self.pronoun(subj, att)
        named = self.named(subj)
        if named is not None:
            return named
        return self.description(subj, att)

    def _speaker_from_mention(self, m: Mapping) -> Speaker | None:
        kind = self.ix.kind_of(m)
        if kind == "PERSON":
            return Speaker(m["entity_id"], m["surface"], "PERSON")
        if kind in ("ORG", "GPE"):
            return Speaker(m["entity_id"], m["surface"], "ORG")
        return None

    def named(self, subj: Token) -> Speaker | None:
        """The subject's head is a person/organisation mention, or has one in apposition."""
        m = self.ix.mention_at(subj.idx)
        if m is not None and (speaker := self._speaker_from_mention(m)) is not None:
            return speaker
        for child in sorted(self._appositions(subj), key=lambda t: abs(t.i - subj.i)):
            for tok in [child, *child.subtree]:
                m = self.ix.mention_at(tok.idx)
                if m is not None and (speaker := self._speaker_from_mention(m)) is not None:
                    return speaker
        return None

    def _appositions(self, subj: Token) -> list[Token]:
        """The subject's appositions; one deeper in the phrase only when set off by commas and naming a person
        ('The head of the audit office, Gareth Moss, said' - not 'a director of the firm Redstone Building')."""
        out = [c for c in subj.children if c.dep_ == "appos"]
        for tok in subj.subtree:
            if tok.dep_ != "appos" or tok.head.i == subj.i or tok.i == subj.i:
                continue
            m = self.ix.mention_at(tok.idx)
            if self.doc[tok.left_edge.i - 1].text == "," and m is not None and self.ix.kind_of(m) == "PERSON":
                out.append(tok)
        return out

    def subject_text(self, subj: Token) -> str:
        drop = {"relcl", "acl", "appos", "punct", "advcl", "parataxis"}
        keep = [subj]
        stack = [c for c in subj.children if c.dep_ not in drop]
        while stack:
            tok = stack.pop()
            keep.append(tok)
            stack.extend(c for c in tok.children if c.dep_ not in ("relcl", "acl", "punct", "appos"))
        first = min(t.i for t in keep)
        last = max(t.i for t in keep)
        while last > first and (self.doc[last].is_punct or self.doc[last].text in QUOTE_CHARS):
            last -= 1
        while first < last and self.doc[first].text in QUOTE_CHARS:
            first += 1
        span = self.doc[first : last + 1]
        if len(span) > 12:
            span = self.doc[max(first, subj.i - 6) : subj.i + 1]
        return span.text

    def description(self, subj: Token, att: Attribution) -> Speaker:
        lemma = subj.lemma_.lower()
        low = subj.lower_
        text = self.subject_text(subj)
        plural = subj.tag_ in ("NNS", "NNPS") or low in QUANTIFIER_HEADS
        det = next((c.lower_ for c in subj.children if c.dep_ in ("det", "nummod", "poss")), "")
        indefinite = det in INDEFINITE or low in QUANTIFIER_HEADS
        if is_document(subj):
            return self.document(subj, text, low if low in DOCUMENT_NOUNS else lemma)
        if lemma in INSTITUTION_NOUNS or low in INSTITUTION_NOUNS:
            return self.institution(subj, text, lemma, indefinite, det)
        if subj.pos_ == "PROPN" and not self._capitalised_common(subj):
            return self.unlinked_name(subj)
        if subj.is_title and not det and low in self.ix.surnames:
            return self.unlinked_name(subj)  # "Sanders said" with "Sanders" tagged a plural noun
        if plural or indefinite or det.endswith(("'s", "’s")) or det in ("his", "her", "its", "their"):
            return Speaker(None, text, "UNNAMED", noun=lemma, plural=plural)
        if det in ("the", "this", "that") or not det:
            return self.definite_person(subj, text, lemma, att)
        return Speaker(None, text, "UNNAMED", noun=lemma)

    def _capitalised_common(self, subj: Token) -> bool:
        """'Suppliers said' / 'Officials said' at a sentence start: a common noun the tagger took for a name."""
        low, lemma = subj.lower_, subj.lemma_.lower()
        if low in PERSON_ROLE_NOUNS or lemma in PERSON_ROLE_NOUNS:
            return True
        first = next((t for t in subj.sent if t.is_alpha), None)
        compounds = [t for t in subj.lefts if t.dep_ == "compound"]
        mention = self.ix.mention_at(subj.idx)
        return (
            first is not None
            and first.i == subj.i
            and not compounds
            and low.endswith("s")
            and (mention is None or self.ix.kind_of(mention) == "COMMON")
        )

    def unlinked_name(self, subj: Token) -> Speaker:
        """A proper-noun subject NER did not link: keep it as written."""
        parts = [t for t in subj.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [subj]
        while len(parts) > 1 and parts[0].lower_ in TITLE_WORDS:
            parts = parts[1:]
        text = " ".join(t.text for t in parts)
        person = self.ix.surnames.get(subj.lower_)
        if person is not None:
            return Speaker(person, text, "PERSON")
        kind = "PERSON" if len(parts) >= 2 and all(t.is_title for t in parts) else "ORG"
        return Speaker(None, text, kind)

    def document(self, subj: Token, text: str, lemma: str) -> Speaker:
        author = self._author(subj)
        if author is None and any(c.lower_ in ("the", "this") for c in subj.children if c.dep_ == "det"):
            earlier = self._recent(lambda s: s.kind == "DOCUMENT" and s.noun == lemma, sentences=12)
            if earlier is not None:
                return Speaker(earlier.entity_id, text, "DOCUMENT", noun=lemma)
        return Speaker(author, text, "DOCUMENT", noun=lemma)

    def _author(self, subj: Token) -> str | None:
        for tok in subj.subtree:
            if tok.i == subj.i:
                continue
            is_author = tok.dep_ == "poss" or (tok.dep_ == "pobj" and tok.head.lower_ in ("by", "from", "of", "in"))
            if not is_author:
                continue
            for t in [tok, *tok.subtree]:
                m = self.ix.mention_at(t.idx)
                if m is not None and self.ix.kind_of(m) in ("ORG", "PERSON", "GPE"):
                    return m["entity_id"]
        return None

    def institution(self, subj: Token, text: str, lemma: str, indefinite: bool, det: str) -> Speaker:
        plural = subj.lower_ != lemma and subj.lower_.endswith("s")  # "police" is not plural, "groups" is
        unnamed = indefinite or plural
        if unnamed:
            return Speaker(None, text, "UNNAMED", noun=lemma, plural=True)
        for tok in subj.subtree:
            m = self.ix.mention_at(tok.idx)
            if m is None:
                continue
            kind = self.ix.kind_of(m)
            if kind == "ORG" or (kind == "GPE" and tok.dep_ == "poss"):
                return Speaker(m["entity_id"], text, "ORG", noun=lemma)
        if det in ("the", "this", ""):
            earlier = self._fitting_org(subj, lemma)
            if earlier is not None:
                return Speaker(earlier["entity_id"], text, "ORG", noun=lemma)
        if not det:
            return Speaker(None, text, "UNNAMED", noun=lemma, plural=True)  # "police said", "local media reported"
        return Speaker(None, text, "ORG", noun=lemma)

    def _fitting_org(self, subj: Token, lemma: str) -> dict | None:
        """'the bank' -> the nearest earlier ORG whose name or description (within its sentence) has 'bank'."""
        before = [m for m in self._mentions_before(subj.idx, sentences=8) if self.ix.kind_of(m) == "ORG"]
        for m in reversed(before):
            if lemma in (self.ix.names.get(m["entity_id"]) or m["surface"]).lower() or self._described(m, lemma):
                return m
        if lemma in ("company", "firm", "group", "organisation", "organization", "charity", "regulator", "agency"):
            recent = [m for m in self._mentions_before(subj.idx, sentences=3) if self.ix.kind_of(m) == "ORG"]
            return recent[-1] if recent else None
        return None

    def _described(self, m: Mapping, noun: str) -> bool:
        text = self.ix.text
        window = text[max(0, m["start_char"] - _CONTEXT_CHARS) : m["end_char"] + _CONTEXT_CHARS].lower()
        role = (m.get("role") or "").lower()
        return re.search(rf"\b{re.escape(noun)}\b", window) is not None or noun in role

    def definite_person(self, subj: Token, text: str, lemma: str, att: Attribution) -> Speaker:
        """'the spokesman', 'the official', 'the minister': the nearest earlier speaker or person it fits. The
        description stays the speaker text; the entity says whom it refers to."""
        earlier = self._recent(lambda s: s.noun == lemma or lemma in s.text.lower().split(), sentences=6)
        persons = [m for m in self._mentions_before(subj.idx, sentences=10) if self.ix.kind_of(m) == "PERSON"]
        fitting = next((m for m in reversed(persons) if self._described(m, lemma)), None)
        prefer_earlier = fitting is None or (
            earlier is not None and earlier.entity_id is None and self._closer_seen(earlier, fitting)
        )
        if earlier is not None and prefer_earlier:
            return Speaker(earlier.entity_id, text, earlier.kind, noun=lemma)
        if fitting is not None:
            return Speaker(fitting["entity_id"], text, "PERSON", noun=lemma)
        if lemma in PERSON_ROLE_NOUNS and lemma not in ("athlete", "player", "man", "woman", "person"):
            return Speaker(None, text, "UNNAMED", noun=lemma)
        outer = att.nested_in.speaker.entity_id if att.nested_in and att.nested_in.speaker else None
        candidates = [m for m in reversed(persons) if m["entity_id"] != outer]
        if candidates:
            return Speaker(candidates[0]["entity_id"], text, "PERSON", noun=lemma)
        return Speaker(None, text, "UNNAMED", noun=lemma)

    def _closer_seen(self, seen: Speaker, mention: Mapping) -> bool:
        for item in reversed(self.history):
            if item.speaker is seen:
                return item.char > mention["start_char"]
        return False

    def _mentions_before(self, char: int, sentences: int) -> list[dict]:
        tok = self.ix.token_at(char)
        sent_index = self.ix.sent_of[tok.i] if tok is not None else 0
        first_sent = self.ix.sents[max(0, sent_index - sentences)]
        return self.ix.mentions_between(first_sent.start_char, char)

    def _recent(self, test, sentences: int) -> Speaker | None:
        if not self.history:
            return None
        last_sentence = self.history[-1].sentence
        for item in reversed(self.history):
            if last_sentence - item.sentence > sentences:
                break
            if test(item.speaker):
                return item.speaker
        return None

    def pronoun(self, subj: Token, att: Attribution) -> Speaker:
        low = subj.lower_
        if low in ("he", "she"):
            return self.personal(subj, "m" if low == "he" else "f", att)
        if low == "it":
            earlier = self._recent(lambda s: s.kind in ("ORG", "DOCUMENT"), sentences=3)
            if earlier is not None:
                return Speaker(earlier.entity_id, earlier.text, earlier.kind, noun=earlier.noun)
            orgs = [m for m in self._mentions_before(subj.idx, 3) if self.ix.kind_of(m) in ("ORG", "GPE")]
            if orgs:
                return Speaker(orgs[-1]["entity_id"], orgs[-1]["surface"], "ORG")
            return Speaker(None, subj.text, "UNNAMED")
        earlier = self._recent(lambda s: s.plural or s.kind == "ORG", sentences=3)
        if earlier is not None:
            return Speaker(earlier.entity_id, earlier.text, earlier.kind, noun=earlier.noun, plural=earlier.plural)
        return Speaker(None, subj.text, "UNNAMED", plural=True)

    def personal(self, subj: Token, gender: str, att: Attribution) -> Speaker:
        """he/she: the nearest earlier compatible speaker within three sentences, else the nearest person."""
        compatible = self._compatible(gender)
        outer = att.nested_in.speaker.entity_id if att.nested_in and att.nested_in.speaker else None
        asker = self._asker(att, self.ix.sent_of[subj.i])

        def not_asker(speaker: Speaker) -> bool:
            return asker is None or not (
                speaker is asker or (speaker.entity_id is not None and speaker.entity_id == asker.entity_id)
            )

        if self.history and att.nested_in is None and not_asker(self.history[-1].speaker):
            last = self.history[-1]
            sentence = self.ix.sent_of[subj.i]
            between = [m for m in self.ix.mentions_between(last.char, subj.idx) if self.ix.kind_of(m) == "PERSON"]
            if (
                last.speaker.kind == "UNNAMED"
                and not last.speaker.plural
                and sentence - last.sentence <= 1
                and (last.speaker.noun in PERSON_ROLE_NOUNS)
                and not between
            ):
                return last.speaker  # "A spokesman said ... He declined to confirm ..."
        earlier = self._recent(
            lambda s: s.kind == "PERSON" and self._speaker_fits(s, gender) and not_asker(s), sentences=3
        )
        persons = [
            m
            for m in self._mentions_before(subj.idx, 4)
            if self.ix.kind_of(m) == "PERSON"
            and compatible(m["entity_id"])
            and not self._inside_content(m, att)
            and (asker is None or m["entity_id"] != asker.entity_id)
        ]
        subjects = [m for m in persons if self._is_subject(m)]
        if earlier is not None and (outer is None or earlier.entity_id != outer):
            last_seen = next(i for i in reversed(self.history) if i.speaker is earlier)
            rival = next(
                (
                    m
                    for m in reversed(subjects)
                    if m["start_char"] > last_seen.char
                    and (earlier.entity_id is None or m["entity_id"] != earlier.entity_id)
                ),
                None,
            )
            if rival is None or self.gender.get(rival["entity_id"]) != gender:
                if earlier.entity_id is None:
                    return Speaker(None, earlier.text, "PERSON")
                return self._as_resolved(earlier.entity_id, gender)
        for pool in (subjects, persons):
            for m in reversed(pool):
                if m["entity_id"] != outer:
                    return self._as_resolved(m["entity_id"], gender)
        unnamed = self._recent(lambda s: s.kind == "UNNAMED" and not s.plural and not_asker(s), sentences=2)
        if unnamed is not None:
            return unnamed
        return Speaker(None, subj.text, "UNNAMED")

    def _as_resolved(self, entity_id: str, gender: str) -> Speaker:
        self.gender.setdefault(entity_id, gender)
        return Speaker(entity_id, self.ix.names.get(entity_id) or entity_id, "PERSON")

    def _speaker_fits(self, speaker: Speaker, gender: str) -> bool:
        if speaker.entity_id is not None:
            return self.gender.get(speaker.entity_id, gender) == gender
        first = speaker.text.split()[0].lower() if speaker.text else ""
        known = "f" if first in FEMALE_NAMES else "m" if first in MALE_NAMES else gender
        return known == gender

    def _compatible(self, gender: str):
        return lambda eid: self.gender.get(eid, gender) == gender

    def _inside_content(self, m: Mapping, att: Attribution) -> bool:
        return any(s <= m["start_char"] < e for s, e in att.segments)

    def _is_subject(self, m: Mapping) -> bool:
        tok = self.ix.token_at(m["start_char"])
        if tok is None:
            return False
        span = self.doc.char_span(m["start_char"], m["end_char"], alignment_mode="expand")
        return span is not None and any(
            t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "appos" and t.head.dep_ == "nsubj") for t in span
        )
