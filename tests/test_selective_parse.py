"""The selective parse: parse trees only where claims can be, and the array form of the attribute ruler.

The annotated claim and entity sets (test_claims.py, test_entities.py) score the pipeline with the selective
parse; these tests pin down what it does to a Doc, and that its token rules equal spaCy's AttributeRuler.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

from transforms.nlp import DEFAULT_PIPELINE, add_gazetteer_ruler, load_nlp
from transforms.selective_parse import NAME, verb_forms
from transforms.token_rules import SET, TokenRules

DATA = Path(__file__).resolve().parent / "data"
TEXT = (
    "Officials in Seoul met on Monday. The weather was cold and the roads were icy. "
    "Trains ran late across the region. "
    "Deputy Pentagon Press Secretary Sabrina Singh said that around 10,000 soldiers had arrived. "
    "“We are watching closely,” she added."
)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def full_nlp():
    """The stock pipeline, every sentence parsed: the reference the selective one is compared with."""
    nlp = spacy.load(DEFAULT_PIPELINE)
    add_gazetteer_ruler(nlp)
    return nlp


def _sentence_of(doc, text: str):
    return next(s for s in doc.sents if text in s.text)


def test_pipeline_swaps_the_full_parse(nlp):
    assert NAME in nlp.pipe_names
    assert "senter" in nlp.pipe_names
    assert not {"parser", "attribute_ruler", "lemmatizer"} & set(nlp.pipe_names)


def test_cue_sentences_are_parsed_and_others_are_flat(nlp):
    doc = nlp(TEXT)
    said = _sentence_of(doc, "Sabrina Singh said")
    deps = {t.dep_ for t in said}
    assert {"nsubj", "ROOT"} <= deps and "dep" not in deps
    singh = next(t for t in said if t.text == "Singh")
    assert singh.dep_ == "nsubj" and singh.head.lemma_ == "say"
    quoted = _sentence_of(doc, "she added")
    assert any(t.dep_ == "nsubj" and t.text == "she" for t in quoted)
    trains = _sentence_of(doc, "Trains ran late")
    assert [t.dep_ for t in trains][0] == "ROOT"
    assert {t.dep_ for t in trains[1:]} == {"dep"}
    assert all(t.head.i == trains.start for t in trains)


def test_sentence_before_a_pronoun_cue_is_parsed(nlp):
    doc = nlp("Mary Jones, the company's chief executive, apologised to customers. “We got this wrong,” she said.")
    first = list(doc.sents)[0]
    mary = next(t for t in first if t.text == "Jones")
    assert mary.dep_ == "nsubj"


def test_unparsed_sentences_keep_tags_pos_and_entities(nlp):
    doc = nlp(TEXT)
    seoul = next(t for t in doc if t.text == "Seoul")
    assert seoul.tag_ == "NNP" and seoul.pos_ == "PROPN"
    assert seoul.ent_type_ == "GPE"
    assert {e.text for e in doc.ents} >= {"Seoul", "Sabrina Singh", "Monday"}
    assert seoul.lemma_ == "seoul"  # unparsed sentences: the lower-case form stands in for the lemma


def test_sentences_hold_where_the_parse_is_flat(nlp):
    doc = nlp(TEXT)
    texts = [s.text.strip() for s in doc.sents]
    assert "Trains ran late across the region." in texts
    assert "The weather was cold and the roads were icy." in texts


def test_parsed_sentences_match_the_full_pipeline(nlp, full_nlp):
    """On the annotated claim articles, tokens of parsed sentences carry the full pipeline's parse and tags
    almost everywhere (the parser sees one sentence at a time, so a few arcs may differ)."""
    same = total = 0
    for path in sorted((DATA / "claims").glob("*.txt"))[:8]:
        text = path.read_text(encoding="utf-8")
        selective, full = nlp(text), full_nlp(text)
        assert [t.text for t in selective] == [t.text for t in full]
        for a, b in zip(selective, full, strict=True):
            if a.dep_ == "dep":
                continue
            total += 1
            same += (a.dep_, a.head.i, a.pos_, a.lemma_, a.tag_) == (b.dep_, b.head.i, b.pos_, b.lemma_, b.tag_)
    assert total > 1000
    assert same / total > 0.97, f"{same}/{total}"


def test_verb_forms_cover_irregular_and_regular_inflections():
    forms = verb_forms({"say", "tell", "deny", "admit", "note"}, {"said": ["say"], "told": ["tell"]})
    assert {"say", "says", "said", "told", "denies", "denied", "admitted", "admitting", "noted", "noting"} <= forms


def test_token_rules_equal_the_attribute_ruler(full_nlp):
    """Same input (parsed docs before the attribute ruler), same output as spaCy's AttributeRuler."""
    ruler = full_nlp.get_pipe("attribute_ruler")
    rules = TokenRules(ruler.patterns, full_nlp.vocab)
    texts = [p.read_text(encoding="utf-8") for p in sorted((DATA / "claims").glob("*.txt"))]
    texts.append("Y'all ain't gonna believe it: I'd've gotta say nothin' — let's go, c'mon.\n\n  It's there.")
    checked = 0
    with full_nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner", "gazetteer_ruler"]):
        docs = list(full_nlp.pipe(texts))
    for doc in docs:
        tested = doc.to_array([LOWER, TAG, DEP, IS_SPACE]).astype(np.uint64)
        values = doc.to_array(list(SET)).astype(np.int64)
        rules.apply(tested, values, np.ones(len(doc), dtype=bool), np.zeros(len(doc), dtype=np.int64))
        expected = ruler(doc).to_array([TAG, POS, MORPH, LEMMA, DEP]).astype(np.int64)
        mismatch = np.flatnonzero((values != expected).any(axis=1))
        assert not len(mismatch), [(doc[int(i)].text, values[i], expected[i]) for i in mismatch[:5]]
        checked += len(doc)
    assert checked > 10_000


def test_a_batch_leaves_no_new_word_forms_in_the_vocabulary(nlp):
    """Workers run for days: the words of one batch must not stay in spaCy's string store after it."""
    from datetime import UTC, datetime

    from flows.stages import analyse_articles

    article = {
        "article_id": "a1",
        "url": "http://example.test/a1",
        "language": "en",
        "text": TEXT + " Minister Zorblaxian Quenterwick said the Flimbergast plan was sound.",
        "published_at": datetime(2024, 10, 28, tzinfo=UTC),
        "source_kind": "html_dir",
        "source": "tests",
        "source_ref": None,
        "raw_sha256": "0" * 64,
    }
    out = analyse_articles([article], nlp)
    assert any(c["speaker_text"] == "Zorblaxian Quenterwick" for c in out["claim_rows"])
    assert not {"Zorblaxian", "Quenterwick", "Flimbergast"} & set(nlp.vocab.strings)
