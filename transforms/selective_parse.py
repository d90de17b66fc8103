"""Dependency parse only for the sentences that can hold a claim.

Only the claims stage reads the parse, and only around reporting verbs, "according to", "in a poll" and
quotations. This component takes the place of the parser, attribute ruler and lemmatizer at the end of the
pipeline:

- every token gets its part of speech and morphology from the tagger's tag through the attribute ruler's tag
  map (the entity stage reads PROPN everywhere) and its lower-case form as lemma;
- sentences that may attribute (a verb-tagged form of a cue verb, "according", a poll or survey, part of a
  quotation, or the sentence before a cue with a pronoun, whose subjects the pronoun resolves to) are parsed on
  their own, reusing the article's tok2vec tensor (Span.as_doc copies it), so the parse sees the words around
  them; the attribute ruler and lemmatizer then run on them as in the full pipeline;
- every other sentence (split by the senter) gets a flat tree (its first token the root, the others attached to
  it with the label "dep") so that sentence boundaries hold and no relation is invented.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import DEP, HEAD, IDX, LEMMA, LOWER, MORPH, ORTH, POS, SENT_START, SPACY, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc
from spacy.util import minibatch

from transforms.claims.finders import cue_other_words, cue_verbs
from transforms.claims.quotes import find_quotes
from transforms.claims.words import THIRD_PERSON
from transforms.token_rules import SET, TESTED, TokenRules

NAME = "selective_parser"
#: Components the selective parser runs itself (disabled in the pipeline).
PARSE_COMPONENTS = ("parser", "attribute_ruler", "lemmatizer")


def verb_forms(lemmas: Iterable[str], exceptions: dict[str, list[str]]) -> set[str]:
    """Every inflected form of the verbs: the lemmatizer's irregular forms plus regular endings (a superset is
    harmless: it only widens what gets parsed)."""
    lemmas = set(lemmas)
    forms = {form for form, bases in exceptions.items() if lemmas.intersection(bases)}
    for lemma in lemmas:
        stems = {lemma, lemma + lemma[-1]}
        if lemma.endswith("e"):
            stems.add(lemma[:-1])
        if lemma.endswith("y"):
            stems.add(lemma[:-1] + "i")
        forms.add(lemma)
        forms.update(stem + ending for stem in stems for ending in ("s", "es", "ed", "d", "ing"))
    return forms


class SelectiveParser:
    def __init__(self, nlp: Language):
        self.parser = nlp.get_pipe("parser")
        self.attribute_ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        strings = nlp.vocab.strings
        self.root_label = strings.add("ROOT")
        self.flat_label = strings.add("dep")
        self.tag_pos, self.tag_morph = self._tag_map(nlp)
        self.token_rules = TokenRules(self.attribute_ruler.patterns, nlp.vocab)
        exceptions = self.lemmatizer.lookups.get_table("lemma_exc").get("verb", {})
        self.cue_forms = np.array(sorted(strings.add(f) for f in verb_forms(cue_verbs(), exceptions)), dtype=np.uint64)
        self.verb_tags = np.array(
            sorted(strings.add(t) for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")), dtype=np.uint64
        )
        self.other_cues = np.array(sorted(strings.add(w) for w in cue_other_words()), dtype=np.uint64)
        self._lemmas: dict[tuple[int, int, int], str] = {}
        self.pronouns = np.array(sorted(strings.add(p) for p in THIRD_PERSON), dtype=np.uint64)

    def _tag_map(self, nlp: Language) -> tuple[dict[int, int], dict[int, int]]:
        """tag hash -> POS id and -> MORPH hash, from the attribute ruler's patterns that test the tag alone."""
        pos: dict[int, int] = {}
        morph: dict[int, int] = {}
        for rule in self.attribute_ruler.patterns:
            pattern, attrs = rule["patterns"][0], rule["attrs"]
            if len(pattern) != 1 or set(pattern[0]) != {"TAG"} or not isinstance(pattern[0]["TAG"], str):
                continue
            tag = nlp.vocab.strings.add(pattern[0]["TAG"])
            if "POS" in attrs:
                pos[tag] = POS_IDS[attrs["POS"]]
            if attrs.get("MORPH"):
                morph[tag] = nlp.vocab.morphology.add(attrs["MORPH"])
        return pos, morph

    def __call__(self, doc: Doc) -> Doc:
        return self._process([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            yield from self._process(list(batch))

    def _process(self, docs: list[Doc]) -> list[Doc]:
        plans = [self._plan(doc) for doc in docs]
        chosen = [(k, start, end) for k, plan in enumerate(plans) for start, end in plan.chosen]
        parsed = self.parser.pipe(self._sentence_doc(docs[k], start, end) for k, start, end in chosen)
        for (k, start, _end), sent_doc in zip(chosen, parsed, strict=True):
            plans[k].parsed.append((start, sent_doc))
        for doc, plan in zip(docs, plans, strict=True):
            self._write(doc, plan)
        return docs

    def _sentence_doc(self, doc: Doc, start: int, end: int) -> Doc:
        """Tokens and tok2vec rows of doc[start:end], nothing else: all the parser reads (faster than as_doc)."""
        strings = doc.vocab.strings
        orth_space = doc.to_array([ORTH, SPACY])[start:end]
        sent_doc = Doc(
            doc.vocab, words=[strings[int(o)] for o in orth_space[:, 0]], spaces=[bool(sp) for sp in orth_space[:, 1]]
        )
        sent_doc.tensor = doc.tensor[start:end]
        return sent_doc

    def _plan(self, doc: Doc) -> _Plan:
        """Sentence starts from the senter, and which sentences to parse."""
        n = len(doc)
        if not n:
            return _Plan(np.zeros(0, dtype=np.int64), [])
        columns = doc.to_array([LOWER, TAG, SENT_START, IDX])
        lower, tag = columns[:, 0], columns[:, 1]
        bounds = np.flatnonzero(columns[:, 2] == 1)
        if not len(bounds) or bounds[0] != 0:
            bounds = np.concatenate([[0], bounds])
        ends = np.append(bounds[1:], n)
        chars = np.append(columns[:, 3].astype(np.int64), len(doc.text))
        cue = (np.isin(lower, self.cue_forms) & np.isin(tag, self.verb_tags)) | np.isin(lower, self.other_cues)
        pronoun = np.isin(lower, self.pronouns)
        quotes = [(q.open_at, q.close_end) for q in find_quotes(doc.text)]
        wanted = []
        for start, end in zip(bounds, ends, strict=True):
            first, last = chars[start], chars[end]
            quoted = any(q_start < last and first < q_end for q_start, q_end in quotes)
            wanted.append(quoted or bool(cue[start:end].any()))
        for i in range(1, len(bounds)):
            # "X, the company's chief executive, apologised. '...,' she said": a pronoun speaker is found among
            # the subjects of the sentences before, so the sentence before such a cue is parsed too.
            if wanted[i] and not wanted[i - 1] and pronoun[bounds[i] : ends[i]].any():
                wanted[i - 1] = True
        sentence_start = np.repeat(bounds, ends - bounds)
        chosen = [(int(b), int(e)) for b, e, want in zip(bounds, ends, wanted, strict=True) if want]
        return _Plan(sentence_start, chosen)

    def _write(self, doc: Doc, plan: _Plan) -> None:
        """Flat trees, tag-map attributes and lower-case lemmas everywhere; over the parsed sentences their trees,
        the attribute ruler's rules and the lemmatizer's lemmas; then one from_array."""
        n = len(doc)
        if not n:
            return
        tested = doc.to_array(list(TESTED)).astype(np.uint64)  # LOWER, TAG, DEP, IS_SPACE
        tags = tested[:, 1]
        values = np.zeros((n, 2 + len(SET)), dtype=np.int64)  # HEAD, DEP, then SET: TAG, POS, MORPH, LEMMA, DEP
        values[:, 2] = tags.view(np.int64)
        for tag in np.unique(tags):
            values[tags == tag, 3] = self.tag_pos.get(int(tag), 0)
            values[tags == tag, 4] = _signed(self.tag_morph.get(int(tag), 0))
        values[:, 5] = tested[:, 0].view(np.int64)
        starts = plan.sentence_start
        values[:, 0] = starts - np.arange(n, dtype=np.int64)
        values[:, 1] = np.where(values[:, 0] == 0, self.root_label, self.flat_label)
        rows = np.zeros(n, dtype=bool)
        for start, sent_doc in plan.parsed:
            end = start + len(sent_doc)
            values[start:end, :2] = sent_doc.to_array([HEAD, DEP]).astype(np.int64)
            values[start:end, 5] = 0
            rows[start:end] = True
        if rows.any():
            tested[:, 2] = values[:, 1].view(np.uint64)
            rule_values = values[:, 2:].copy()
            rule_values[:, 4] = values[:, 1]
            self.token_rules.apply(tested, rule_values, rows, starts)
            values[:, 2:6] = rule_values[:, :4]
            values[:, 1] = rule_values[:, 4]
        doc.from_array([HEAD, DEP, TAG, POS, MORPH, LEMMA], values[:, :6].astype(np.uint64))
        self._lemmatize(doc, np.flatnonzero(values[:, 5] == 0))

    def _lemmatize(self, doc: Doc, missing: np.ndarray) -> None:
        """The lemmatizer's lemma for the given tokens, cached by form, part of speech and morphology."""
        for i in missing:
            token = doc[int(i)]
            key = (token.orth, token.pos, token.morph.key)
            lemma = self._lemmas.get(key)
            if lemma is None:
                lemma = self._lemmas[key] = self.lemmatizer.lemmatize(token)[0]
                if len(self._lemmas) > 200_000:
                    self._lemmas.clear()
            token.lemma_ = lemma


@dataclass
class _Plan:
    sentence_start: np.ndarray  # per token, the index of its sentence's first token
    chosen: list[tuple[int, int]]  # (start, end) token ranges to parse
    parsed: list[tuple[int, Doc]] = field(default_factory=list)


def _signed(value: int) -> np.int64:
    return np.array([value], dtype=np.uint64).view(np.int64)[0]


@Language.factory(NAME)
def make_selective_parser(nlp: Language, name: str) -> SelectiveParser:
    return SelectiveParser(nlp)


def use_selective_parse(nlp: Language) -> None:
    """Swap the full parse for the selective one: senter on, parser/attribute ruler/lemmatizer run by us."""
    if NAME in nlp.pipe_names or not all(name in nlp.component_names for name in (*PARSE_COMPONENTS, "senter")):
        return
    for name in PARSE_COMPONENTS:
        nlp.disable_pipe(name)
    nlp.enable_pipe("senter")
    nlp.add_pipe(NAME, last=True)
