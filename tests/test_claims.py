"""Claims extraction: unit cases for each construction, and the score on the annotated set in tests/data/claims/.

Scoring (see tests/data/claims/README.md): a predicted claim matches an expected one when their content tokens
overlap by at least 60 % of the LONGER of the two (so a whole-paragraph prediction cannot match a short expected
claim, nor a fragment a long one); an attribution match also needs the right speaker. Matching is one-to-one,
best overlap first. Run `uv run python tests/test_claims.py [--split dev|heldout|all] [--details]` to print the
scores and every miss.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest

from warehouse.tables import table

DATA = Path(__file__).parent / "data" / "claims"
MIN_OVERLAP = 0.6
_TOKEN = re.compile(r"\w+")
#: Floors just below the scores measured on the full set (all 20 articles; see README for the blind runs):
#: a regression fails the test. This set was annotated with a narrower convention than news attribution corpora
#: (no "accused X of", "called for", "urged", "is expected to", "declined to comment", "hoped to"): since the cue
#: lexicon learned from PolNeAR train finds those too, its precision here is lower than its recall by design.
FLOORS = {
    "detection_f1": 0.92,
    "attribution_f1": 0.91,
    "detection_p": 0.87,
    "attribution_r": 0.96,
    "polarity_acc": 0.97,
    "is_direct_acc": 0.97,
    "hedged_acc": 0.95,
    "quantity_recall": 0.95,
    "date_recall": 0.95,
}


# --- scoring ----------------------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def overlap_ratio(expected: str, predicted: str) -> float:
    """Token overlap (multiset) over the longer of the two contents."""
    a, b = Counter(tokens(expected)), Counter(tokens(predicted))
    common = sum((a & b).values())
    longest = max(sum(a.values()), sum(b.values()), 1)
    return common / longest


def speaker_matches(expected: dict, predicted: dict, entity_names: dict[str, str]) -> bool:
    """UNNAMED must be unnamed; a name matches by entity name or speaker text containing one of its keys."""
    if expected["speaker"] == "UNNAMED":
        return predicted["speaker_kind"] == "UNNAMED" and predicted["speaker_entity_id"] is None
    keys = expected.get("speaker_match") or [expected["speaker"].split()[-1]]
    haystack = " ".join(
        filter(None, [entity_names.get(predicted["speaker_entity_id"] or ""), predicted["speaker_text"]])
    ).lower()
    return any(re.search(rf"\b{re.escape(k.lower())}\b", haystack) for k in keys)


def match(expected: list[dict], predicted: list[dict], names: dict[str, str], with_speaker: bool) -> list[tuple]:
    """One-to-one pairs (expected index, predicted index), greedy by overlap."""
    pairs = []
    for i, exp in enumerate(expected):
        for j, pred in enumerate(predicted):
            ratio = overlap_ratio(exp["content"], pred["content"])
            if ratio >= MIN_OVERLAP and (not with_speaker or speaker_matches(exp, pred, names)):
                pairs.append((ratio, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_e, used_p, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_e and j not in used_p:
            used_e.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


def prf(tp: int, n_pred: int, n_exp: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_exp if n_exp else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@cache
def _nlp():
    from transforms.nlp import load_nlp

    return load_nlp()


def annotated(split: str = "all") -> list[dict]:
    articles = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["articles"]
    return [a for a in articles if split == "all" or a["split"] == split]


def predict(article: dict):
    from transforms.claims import extract_claims
    from transforms.entities import link_entities

    text = (DATA / article["file"]).read_text(encoding="utf-8")
    doc = _nlp()(text)
    linked = link_entities(doc, article["file"])
    found = extract_claims(
        doc, linked.mentions, linked.entities, article["file"], datetime.fromisoformat(article["published_at"])
    )
    names = {e["entity_id"]: e["name"] for e in linked.entities}
    return found, names


def score(split: str = "all", details: bool = False, cache: dict | None = None) -> dict[str, float]:
    totals = Counter()
    for article in annotated(split):
        if cache is not None and article["file"] in cache:
            found, names = cache[article["file"]]
        else:
            found, names = predict(article)
            if cache is not None:
                cache[article["file"]] = (found, names)
        expected, predicted = article["claims"], found.claims
        detect = match(expected, predicted, names, with_speaker=False)
        attrib = match(expected, predicted, names, with_speaker=True)
        totals.update(n_exp=len(expected), n_pred=len(predicted), det=len(detect), att=len(attrib))
        _score_fields(expected, predicted, attrib, found, totals)
        if details:
            _print_details(article, expected, predicted, detect, attrib, names)
    det = prf(totals["det"], totals["n_pred"], totals["n_exp"])
    att = prf(totals["att"], totals["n_pred"], totals["n_exp"])
    out = {
        "expected": totals["n_exp"],
        "predicted": totals["n_pred"],
        "detection_p": det[0],
        "detection_r": det[1],
        "detection_f1": det[2],
        "attribution_p": att[0],
        "attribution_r": att[1],
        "attribution_f1": att[2],
    }
    for name in ("is_direct", "polarity", "hedged"):
        out[f"{name}_acc"] = totals[f"{name}_ok"] / max(totals["att"], 1)
    out["quantity_recall"] = totals["q_ok"] / max(totals["q_n"], 1)
    out["date_recall"] = totals["d_ok"] / max(totals["d_n"], 1)
    return out


def _score_fields(expected, predicted, pairs, found, totals: Counter) -> None:
    """Field accuracy on attribution matches; figure and date recall on them."""
    for i, j in pairs:
        exp, pred = expected[i], predicted[j]
        for name in ("is_direct", "polarity", "hedged"):
            totals[f"{name}_ok"] += exp[name] == pred[name]
        quantities = [q for q in found.quantities if q["claim_id"] == pred["claim_id"]]
        for q in exp.get("quantities", []):
            totals["q_n"] += 1
            totals["q_ok"] += any(
                abs(p["value"] - q["value"]) < 1e-6 * max(1, q["value"]) and ("unit" not in q or p["unit"] == q["unit"])
                for p in quantities
            )
        dates = [d for d in found.dates if d["claim_id"] == pred["claim_id"]]
        for d in exp.get("dates", []):
            totals["d_n"] += 1
            want = (date.fromisoformat(d["date_from"]), date.fromisoformat(d["date_to"]))
            totals["d_ok"] += any((p["date_from"], p["date_to"]) == want for p in dates)


def _print_details(article, expected, predicted, detect, attrib, names) -> None:
    print(f"\n=== {article['file']} ({len(expected)} expected, {len(predicted)} predicted)")
    got_e = {i for i, _ in attrib}
    got_p = {j for _, j in attrib}
    det_e = dict(detect)
    for i, exp in enumerate(expected):
        if i in got_e:
            continue
        j = det_e.get(i)
        hint = f" [content ok, predicted speaker {predicted[j]['speaker_text']!r}]" if j is not None else ""
        print(f"  MISS  {exp['speaker']}: {exp['content'][:90]}{hint}")
    for j, pred in enumerate(predicted):
        if j not in got_p:
            print(f"  EXTRA {pred['speaker_text']} ({pred['speaker_kind']}, {pred['cue']}): {pred['content'][:90]}")


def _report(split: str, result: dict[str, float]) -> str:
    return (
        f"[{split}] expected={result['expected']} predicted={result['predicted']} "
        f"detection P/R/F1={result['detection_p']:.3f}/{result['detection_r']:.3f}/{result['detection_f1']:.3f} "
        f"attribution P/R/F1={result['attribution_p']:.3f}/{result['attribution_r']:.3f}/"
        f"{result['attribution_f1']:.3f} direct={result['is_direct_acc']:.2f} "
        f"polarity={result['polarity_acc']:.2f} hedged={result['hedged_acc']:.2f} "
        f"quantities={result['quantity_recall']:.2f} dates={result['date_recall']:.2f}"
    )


# --- tests: constructions ---------------------------------------------------------------------------------------

PUBLISHED = datetime(2024, 10, 29, 12, 0)  # a Tuesday


def batch_keys(name: str) -> set[str]:
    """The columns a batch of the table must carry, from its declaration."""
    return set(table(name).supplied("batch"))


def extract(text: str, published: datetime | None = PUBLISHED):
    from transforms.claims import extract_claims
    from transforms.entities import link_entities

    doc = _nlp()(text)
    linked = link_entities(doc, "art")
    return extract_claims(doc, linked.mentions, linked.entities, "art", published)


def found_entities(text: str) -> list[dict]:
    from transforms.entities import link_entities

    return link_entities(_nlp()(text), "art").entities


def single_direct(text: str) -> dict:
    direct = [c for c in claims_of(text) if c["is_direct"]]
    assert len(direct) == 1, direct
    return direct[0]


def claims_of(text: str) -> list[dict]:
    return extract(text).claims


def single(text: str) -> dict:
    found = claims_of(text)
    assert len(found) == 1, [(c["speaker_text"], c["content"]) for c in found]
    return found[0]


def test_row_keys_are_exactly_the_columns():
    found = extract('"We are ready," said Mayor John Smith on Monday, adding that about 300 police were on duty.')
    assert found.claims and all(set(c) == batch_keys("claim_rows") for c in found.claims)
    assert found.quantities and all(set(q) == batch_keys("claim_quantities") for q in found.quantities)
    assert found.dates and all(set(d) == batch_keys("claim_dates") for d in found.dates)
    assert all(set(e) == batch_keys("claim_entities") for e in found.claim_entities)


def test_claim_ids_are_deterministic():
    text = '"We will win," said John Smith. Officials said the vote would be close.'
    assert [c["claim_id"] for c in claims_of(text)] == [c["claim_id"] for c in claims_of(text)]


@pytest.mark.parametrize(
    "text",
    [
        '"We will not back down," said Mayor John Smith.',
        "“We will not back down,” said Mayor John Smith.",
        "‘We will not back down,’ said Mayor John Smith.",
        "'We will not back down,' said Mayor John Smith.",
        "''We will not back down,'' said Mayor John Smith.",
        "«We will not back down», said Mayor John Smith.",
        'Mayor John Smith said: "We will not back down."',
    ],
)
def test_direct_quotes_in_every_style(text):
    c = single(text)
    assert c["content"].rstrip(".,") == "We will not back down"
    assert c["is_direct"] and c["speaker_kind"] == "PERSON" and "Smith" in c["speaker_text"]
    assert c["cue"] == "say" and c["polarity"] == "asserted"
    assert text[c["content_start"] : c["content_end"]].startswith("We will")


def test_interrupted_quote_is_one_claim_and_added_quote_another():
    found = claims_of(
        '"We are watching," she said, "and we will respond." Maria Lopez spoke in Rome. '
        '"A," said Maria Lopez. "We have done nothing wrong," she added.'
    )
    assert found[0]["content"] == "We are watching, and we will respond."
    assert [c["cue"] for c in found[1:]] == ["say", "add"]
    assert found[2]["speaker_text"] == "Maria Lopez"


def test_multi_paragraph_quote_and_a_following_quote_paragraph():
    text = (
        'Maria Lopez, the head of the agency, said: "This is the biggest crisis we have faced.\n'
        '"We need help, and we need it now."\n"Nobody is listening."'
    )
    found = claims_of(text)
    assert found[0]["content"] == "This is the biggest crisis we have faced. We need help, and we need it now."
    assert found[1]["content"] == "Nobody is listening." and found[1]["speaker_text"] == "Maria Lopez"
    assert all(c["is_direct"] for c in found)


def test_a_quote_paragraph_after_a_blank_line_continues_the_speaker():
    """Paragraphs separated by blank lines are still neighbours: the quote paragraph is the speaker's too."""
    text = (
        '"We like a lot of the candidates," Maria Lopez said during the interview in Rome.\n\n'
        '"It is changing every day. Nobody knows who will win."'
    )
    found = claims_of(text)
    contents = [c["content"] for c in found]
    assert contents == ["We like a lot of the candidates", "It is changing every day. Nobody knows who will win."]
    assert found[1]["speaker_text"] == "Maria Lopez"


def test_quote_resumed_after_a_long_speaker_description_is_one_claim():
    text = (
        '"This used to be Russia\'s back yard," said Raffaello Pantucci, director of International Security Studies '
        'at the Royal United Services Institute in London, "but it is increasingly coming into China\'s thrall."'
    )
    quote = single_direct(text)
    assert quote["content"].startswith("This used to be") and quote["content"].endswith("China's thrall.")


def test_quote_ending_in_a_nested_question_continues_the_quote_before():
    text = (
        '"Of course it is not appropriate," Cruz said in response to a question from a reporter. "What a bizarre '
        "world we are in, where reporters are forced to ask, 'Should staffers assault reporters?'\""
    )
    quote = single_direct(text)
    assert quote["content"].endswith("assault reporters?'"), quote["content"]


def test_apostrophes_are_not_quote_marks():
    c = single("The company’s chief said the governments' figures were 'probably wrong', and that James' car was red.")
    assert c["content"].startswith("the governments' figures were probably wrong")
    assert not c["is_direct"]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            "Foreign Minister Jane Doe told Reuters on Friday that the talks had collapsed.",
            "Jane Doe",
            "the talks had collapsed",
        ),
        ("The talks had collapsed, Foreign Minister Jane Doe said.", "Jane Doe", "The talks had collapsed"),
        ("The plan is dead, said John Smith, the finance minister.", "John Smith", "The plan is dead"),
        ("Prosecutors allege that Brown stole nearly $1.2 million.", "Prosecutors", "Brown stole nearly $1.2 million"),
    ],
)
def test_reported_speech_in_either_order(text, speaker, content):
    c = single(text)
    assert (c["speaker_text"], c["content"], c["is_direct"]) == (speaker, content, False)


def test_mixed_quote_keeps_reported_content_without_marks():
    c = single('The minister said the figures were "grossly exaggerated" and that only 14 soldiers had died.')
    assert c["content"] == "the figures were grossly exaggerated and that only 14 soldiers had died"
    assert not c["is_direct"]


def test_according_to_and_nested_attribution():
    c = single("According to the police, three people were arrested on Sunday.")
    assert (c["cue"], c["content"]) == ("according_to", "three people were arrested on Sunday")
    nested = claims_of("John Smith said, according to the newspaper, that the plan was dead.")
    assert {(c["speaker_text"], c["cue"], c["content"]) for c in nested} == {
        ("John Smith", "say", "the plan was dead"),
        ("the newspaper", "according_to", "John Smith said the plan was dead"),
    }
    # what the transcript reports is who said what: the quote and its speaker, each claim with its own source
    quoted = claims_of('"We will not back down," Smith said, according to the transcript.')
    assert {(c["speaker_text"], c["content"]) for c in quoted} == {
        ("Smith", "We will not back down"),
        ("the transcript", "We will not back down, Smith said"),
    }


def test_content_found_twice_is_one_claim():
    found = claims_of("According to the city council, \u201cThe bridge will close for repairs in May.\u201d")
    assert [c["content"] for c in found] == ["The bridge will close for repairs in May."]
    found = claims_of("According to the ministry: \u201cTwo schools will stay shut until the spring.\u201d")
    assert [(c["speaker_text"], c["content"]) for c in found] == [
        ("the ministry", "Two schools will stay shut until the spring.")
    ]
    # the same content from two different speakers is two claims
    found = claims_of("According to the ministry, about 500 workers lost their jobs, a figure the union disputed.")
    assert {(c["speaker_text"], c["content"]) for c in found} == {
        ("the ministry", "about 500 workers lost their jobs"),
        ("the union", "about 500 workers lost their jobs"),
    }


def test_a_second_attribution_joined_to_reported_content_is_its_own_claim():
    found = claims_of(
        "Asked about the vote, 74 percent said they would back the mayor, while 22 percent said they might not."
    )
    assert {(c["speaker_text"], c["content"]) for c in found} >= {
        ("74 percent", "they would back the mayor"),
        ("22 percent", "they might not"),
    }
    found = claims_of("Six in 10 voters said the senator is honest, and three-quarters said the same of her rival.")
    assert {(c["speaker_text"], c["content"]) for c in found} == {
        ("Six in 10 voters", "the senator is honest"),
        ("three-quarters", "the same of her rival"),
    }
    found = claims_of("The mayor insisted that he would fight on and refused to answer questions about his health.")
    assert {(c["cue"], c["content"]) for c in found} == {
        ("insist", "he would fight on"),
        ("refuse", "to answer questions about his health"),
    }
    # what the same speaker goes on to report stays one claim
    (claim,) = claims_of("Smith said the plan was dead and that he would vote against it.")
    assert claim["content"] == "the plan was dead and that he would vote against it"


def test_a_passive_cue_without_agent_is_a_claim_about_its_subject_without_a_source():
    c = single("On Thursday, the dissolution of the club was announced.")
    assert (c["cue"], c["content"], c["speaker_kind"]) == ("announce", "the dissolution of the club", "NONE")
    assert claims_of("It was announced on Thursday.") == []
    assert claims_of("The method should not be called statically.") == []


def test_a_question_put_to_someone_is_a_claim_without_a_named_asker():
    found = claims_of('"We will win," she said when asked whether the party could hold the seat.')
    assert {(c["cue"], c["content"], c["speaker_text"]) for c in found} == {
        ("say", "We will win", "she"),
        ("ask", "whether the party could hold the seat", None),
    }
    c = single("Blumenthal was asked whether he knew about the server.")
    assert (c["cue"], c["content"], c["speaker_kind"]) == ("ask", "whether he knew about the server", "NONE")
    # "Asked" tagged a past tense opening the sentence: still the question put to the speaker
    found = claims_of("Asked what that might look like, Jane Sanders said she did not know.")
    assert {(c["cue"], c["content"], c["speaker_text"]) for c in found} == {
        ("ask", "what that might look like", None),
        ("say", "she did not know", "Jane Sanders"),
    }


def test_a_poll_is_the_source_of_the_clause_it_opens_or_closes():
    c = single("In a new CNN poll, 60 percent of voters backed the senator.")
    assert (c["cue"], c["content"]) == ("in", "60 percent of voters backed the senator")
    assert "poll" in c["speaker_text"]
    c = single("The governor holds a 12-point lead in the latest Quinnipiac survey.")
    assert (c["cue"], c["content"]) == ("in", "The governor holds a 12-point lead")
    assert claims_of("The senator spoke in a crowded hall.") == []
    # a relative clause or a verb without a subject is no finding of the poll
    found = claims_of("Voters rallied behind Maria Lopez, who leads in the polls.")
    assert [c for c in found if c["cue"] == "in"] == []


@pytest.mark.parametrize(
    ("text", "polarity", "content"),
    [
        ("The company denied the allegations on Monday.", "denied", "the allegations"),
        ("Smith denied that he had met the envoy.", "denied", "he had met the envoy"),
        ("Lind denied reports that she had held secret talks.", "denied", "she had held secret talks"),
        ("The White House would not confirm the report.", "declined_to_confirm", "the report"),
        (
            "Police could not confirm whether the suspect was armed.",
            "declined_to_confirm",
            "whether the suspect was armed",
        ),
        (
            "Asked whether troops had crossed, Berg declined to confirm any specific exchange.",
            "declined_to_confirm",
            "whether troops had crossed",
        ),
        ("Brightwell would neither confirm nor deny the reports.", "declined_to_confirm", "the reports"),
        (
            "Stone asked whether Kimura had kept any written record.",
            "questioned",
            "whether Kimura had kept any written record",
        ),
        ('"Why would we leave now?" Smith asked.', "questioned", "Why would we leave now?"),
        # Refusals and intentions are attributions in news annotation (PolNeAR): kept, with their polarity.
        ("Smith declined to comment.", "declined_to_confirm", "to comment"),
        ("Vuk has not commented publicly on the exercises.", "declined_to_confirm", "publicly on the exercises"),
        ("Faso did not immediately respond to a request for comment.", "declined_to_confirm", "a request for comment"),
        ("Arland has not said how much it would contribute.", "declined_to_confirm", "how much it would contribute"),
        ("He hoped to publish the findings before Christmas.", "asserted", "to publish the findings before Christmas"),
    ],
)
def test_polarity(text, polarity, content):
    c = single(text)
    assert (c["polarity"], c["content"]) == (polarity, content)


@pytest.mark.parametrize(
    "text",
    [
        "If the sample confirms the finding, he faces a ban.",
        "A firefighter was reported missing on Sunday.",
    ],
)
def test_no_claim(text):
    assert claims_of(text) == []


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("Officials said the death toll could rise.", ["could"]),
        ("Analysts said the army reportedly lost 300 tanks.", ["reportedly"]),
        ("The bank estimates that growth will slow.", ["estimate"]),
        ("Officials said an estimated 28,000 vehicles crossed daily.", ["estimated"]),
        ("Analysts said the imagery could not show an attack.", []),
        ("He said it made an attack less likely.", []),
    ],
)
def test_hedging(text, cues):
    c = single(text)
    assert c["hedge_cues"] == cues and c["hedged"] == bool(cues)


def test_a_quoted_conjunct_after_quoted_content_continues_it():
    claim = single(
        'Clinton said that her family "came out of the White House dead broke," and "struggled to pay for houses."'
    )
    assert claim["content"].endswith("struggled to pay for houses."), claim["content"]


def test_what_a_thing_is_dismissed_as_belongs_to_the_content():
    claim = single("Maria Lopez dismissed the report as fiction.")
    assert (claim["cue"], claim["content"]) == ("dismiss", "the report as fiction")


@pytest.mark.parametrize(
    ("text", "replier", "entity"),
    [
        ('"So he\'s doing it?" the senator asked. "He is," she replied.', "she", None),
        (
            'Senator Jane Collins met Maria Lopez on Monday. "So the minister is doing it?" Collins asked. '
            '"He is," she replied.',
            "Maria Lopez",
            "person:maria-lopez",
        ),
    ],
)
def test_the_one_who_replies_is_not_the_one_who_asked(text, replier, entity):
    """Question and answer: a pronoun replying right after a question is someone other than the asker."""
    asked, reply = claims_of(text)
    assert asked["cue"] == "ask" and reply["cue"] == "reply"
    assert (reply["speaker_text"], reply["speaker_entity_id"]) == (replier, entity)


def test_speakers_pronouns_descriptions_and_unnamed_sources():
    text = (
        "Defence Minister Anna Berg said on Monday that the border was calm. Pavel Ostrov was in Oslo. "
        "She added that talks would continue. A senior official said the buildup was large. "
        "The official said it could grow. The report, published on Tuesday, found that 40 percent of "
        "schools were underfunded. It said funding had fallen."
    )
    found = claims_of(text)
    kinds = [(c["speaker_kind"], c["speaker_entity_id"] is not None) for c in found]
    assert kinds == [
        ("PERSON", True),
        ("PERSON", True),
        ("UNNAMED", False),
        ("UNNAMED", False),
        ("DOCUMENT", False),
        ("DOCUMENT", False),
    ]
    assert found[1]["speaker_entity_id"] == found[0]["speaker_entity_id"]
    assert found[1]["speaker_text"] == "Anna Berg"
    assert found[3]["speaker_text"] == "The official"  # a description stays as written


def test_figures_dates_and_entities_are_attached_to_the_claim():
    found = extract(
        "Defence Minister Anna Berg said on Monday that around 10,000 soldiers from Valdoria had "
        "massed near the border and would stay until next week."
    )
    (claim,) = found.claims
    (quantity,) = found.quantities
    assert (quantity["value"], quantity["unit"], quantity["comparator"], quantity["approximate"]) == (
        10000,
        "troops",
        "about",
        True,
    )
    assert {(d["surface"], d["date_from"]) for d in found.dates} == {
        ("Monday", date(2024, 10, 28)),
        ("next week", date(2024, 11, 4)),
    }
    assert all(d["claim_id"] == claim["claim_id"] for d in found.dates + found.quantities)
    assert [e["entity_id"].split(":")[-1] for e in found.claim_entities] == ["valdoria"]


def test_without_publication_date_relative_dates_are_skipped():
    found = extract("Berg said on Monday that troops arrived on October 28, 2024.", published=None)
    assert [d["surface"] for d in found.dates] == ["October 28, 2024"]


# --- tests: scores ----------------------------------------------------------------------------------------------


def test_overlap_rule_is_symmetric_on_the_longer_side():
    assert overlap_ratio("a b c d e", "a b c d e f g h i j") == 0.5
    assert overlap_ratio("a b c", "a b c") == 1.0


def test_scores_on_annotated_set():
    cache: dict = {}
    result = score("all", cache=cache)
    for split in ("dev", "heldout", "heldout2"):
        print(_report(split, score(split, cache=cache)))
    print(_report("all", result))
    for key, floor in FLOORS.items():
        assert result[key] >= floor, f"{key} {result[key]:.3f} fell below {floor}"


if __name__ == "__main__":
    chosen = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "dev"
    print(_report(chosen, score(chosen, details="--details" in sys.argv)))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        '"',
        '""""',
        "“”‘’«»",
        '"Unclosed quote at the end',
        "He said",
        'said "',
        "According to",
        "'" * 50,
        "Smith said: '" + "word " * 400,
        "\n".join(['"A long quote paragraph.'] * 30),
    ],
)
def test_odd_inputs_do_not_crash(text):
    found = extract(text)
    for c in found.claims:
        assert 0 <= c["content_start"] <= c["content_end"] <= len(text)
        assert c["speaker_text"].strip()


# --- constructions learned from news attribution (PolNeAR train): cue lexicon, labels, no-source claims -------


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        (
            "Senator Maria Okafor accused the governor of hiding the audit.",
            "Maria Okafor",
            "accuse",
            "the governor of hiding the audit",
        ),
        ("Mayor Tom Reddy called the budget a disgrace.", "Tom Reddy", "call", "the budget a disgrace"),
        ("Tom Reddy urged voters to stay home.", "Tom Reddy", "urge", "voters to stay home"),
        ('"We will win this one," Tom Reddy joked.', "Tom Reddy", "joke", "We will win this one,"),
    ],
)
def test_cues_from_the_lexicon(text, speaker, cue, content):
    c = single(text)
    assert (c["speaker_text"], c["cue"], c["content"].rstrip(",")) == (speaker, cue, content.rstrip(","))


def test_headline_line_never_joins_the_lead_sentence():
    found = claims_of(
        "Harbour tunnel wins $2 billion loan\nThe transport minister, Ada Brook, said on Monday that work would "
        "start in March."
    )
    assert [c["content"] for c in found] == ["work would start in March"]


@pytest.mark.parametrize("dateline", ["HARBOURTON, June 3 (Wire) — ", "HARBOURTON — ", "NEW HARBOUR, Ore. -- "])
def test_dateline_is_never_the_speaker_of_the_lead(dateline):
    c = single(
        f"Tunnel loan approved\n{dateline}Transport minister Ada Brook told reporters the work would start in March."
    )
    assert (c["speaker_text"], c["content"]) == ("Ada Brook", "the work would start in March")


def test_quantified_group_is_the_speaker_not_the_quantifier():
    c = single("Some of the port's workers criticized the minister for the delays.")
    assert c["speaker_text"] == "Some of the port's workers"


def test_seem_gives_an_impression_without_a_speaker():
    c = single("Ada Brook seemed to rule out a second vote.")
    assert (c["speaker_kind"], c["speaker_text"]) == ("NONE", None)


def test_looking_to_do_something_is_the_subjects_own_aim():
    c = single("The mayor was looking to boost turnout in the north.")
    assert (c["speaker_text"], c["cue"], c["content"]) == ("The mayor", "look", "to boost turnout in the north")
    c = single("The mayor looked tired after the long debate.")
    assert (c["speaker_kind"], c["speaker_text"]) == ("NONE", None)


def test_the_following_statement_before_a_quote_is_its_cue():
    text = "The governor released the following statement:\n\n\u201cWe thank her. The city is better.\u201d"
    c = single(text)
    assert (c["speaker_text"], c["cue"], c["content"], c["is_direct"]) == (
        "The governor",
        "release",
        "We thank her. The city is better.",
        True,
    )


def test_whom_someone_thanks_is_what_the_thanks_say():
    c = single("The mayor thanked the volunteers for their hard work during the flood.")
    assert (c["speaker_text"], c["cue"], c["content"]) == ("The mayor", "thank", "the volunteers for their hard work")
    assert claims_of("Ada Brook told CNN on Tuesday.") == []


def test_a_stance_adjective_after_be_is_a_claim_of_the_subject():
    found = claims_of("Party leaders are worried that the mayor will lose the seat.")
    assert [(c["speaker_text"], c["cue"], c["content"]) for c in found] == [
        ("Party leaders", "worried", "the mayor will lose the seat")
    ]
    c = single("Many voters were worried about the cost of the bridge.")
    assert (c["speaker_text"], c["content"]) == ("Many voters", "the cost of the bridge")
    c = single("The mayor was eager to help the families.")
    assert (c["speaker_text"], c["content"]) == ("The mayor", "to help the families")
    assert claims_of("The bridge was old and the river was wide.") == []


def test_name_and_colon_line_is_the_claim_of_that_name():
    found = claims_of("Ada Brook: The tunnel will open on time and under budget\nThe work starts in March.")
    assert [(c["speaker_text"], c["cue"], c["content"]) for c in found] == [
        ("Ada Brook", ":", "The tunnel will open on time and under budget")
    ]


def test_expectation_without_a_source_has_no_speaker():
    c = single("Ada Brook is expected to resign on Friday.")
    assert (c["speaker_text"], c["speaker_kind"], c["speaker_entity_id"]) == (None, "NONE", None)
    assert c["content"] == "Ada Brook is expected to resign on Friday"


def test_parenthetical_cue_takes_the_sentence_around_it():
    c = single("Most of the closures, Ada Brook said, involved small rural courses.")
    assert c["speaker_text"] == "Ada Brook"
    assert c["content"] == "Most of the closures involved small rural courses"


def test_cue_rate_shrinks_rare_frames_and_ignores_unseen_phrasal_verbs():
    from transforms.claims.lexicon import ALL_FRAMES, cue_rate, load_lexicon

    lexicon = load_lexicon()
    say = cue_rate("say", "VERB", ALL_FRAMES)
    assert say > 0.8 and lexicon[("say", "VERB", ALL_FRAMES)].occurrences > 1000
    assert cue_rate("call", "VERB", "prt:up") == 0.0  # "called up reservists" is another verb
    assert cue_rate("say", "VERB", "no-such-frame") == pytest.approx(say)  # no evidence: the word's own rate
    assert cue_rate("table", "NOUN") == 0.0


def test_surname_after_a_quote_is_the_named_person():
    """The tagger reads "Sanders" after a closing quote or at a sentence start as a plural noun."""
    text = (
        "Bernie Sanders offered advice to Hillary Clinton on Friday.\n\n"
        '"I think what she has got to do is contrast," Sanders said.\n\n'
        "Sanders said the campaign would go on."
    )
    found = extract(text)
    names = {e["entity_id"]: e["name"] for e in found_entities(text)}
    quoted = [c for c in found.claims if c["content"].startswith(("I think", "the campaign"))]
    assert len(quoted) == 2
    assert all(names.get(c["speaker_entity_id"]) == "Bernie Sanders" for c in quoted), quoted


def test_name_with_a_no_break_space_anchors_its_surname():
    text = 'FBI Director James\xa0Comey testified on Thursday.\n\n"We did not find evidence," Comey said.'
    names = {e["entity_id"]: e["name"] for e in found_entities(text)}
    quote = single_direct(text)
    assert names[quote["speaker_entity_id"]] == "James Comey"


def test_a_date_alone_is_no_claim():
    assert not any(c["content"] == "Thursday" for c in claims_of("Senator Mary Lopez testified on Thursday."))
    assert [c["content"] for c in claims_of("Senator Mary Lopez testified on Thursday that the dam was safe.")] == [
        "the dam was safe"
    ]


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            'Aides said donors gave.\n\n"This campaign is changing politics," Jeff Weaver, Sanders\' campaign manager, '
            'said in a statement. "What we are showing is that we can win without a super PAC."',
            "Jeff Weaver",
        ),
        (
            "Roffman told a newspaper that the casino would not last long: "
            '"Once the cold winds blow, it won\'t make it," Roffman predicted. "The market just isn\'t there."',
            "Roffman",
        ),
        (
            'Harry Reid blasted Rubio in an interview. "What Rubio has done is one of the worst," the Senate minority '
            'leader said. "It shows a lack of character in my opinion." Reid said both are "non-entities."',
            "the Senate minority leader",
        ),
    ],
)
def test_quote_after_its_cue_sentence_joins_the_quote_before(text, speaker):
    """'"A," X said. "B."': B belongs to A's claim, also after a plural possessive in the speaker, after a colon,
    and when the next sentence's verb reports a clause of its own."""
    quote = single_direct(text)
    assert quote["speaker_text"] == speaker
    assert quote["content"].endswith(("isn't there.", "super PAC.", "my opinion.")), quote["content"]


def test_reported_content_runs_to_the_close_of_a_quotation_it_opens():
    text = (
        'Senator Mary Lopez said that the plan "will not survive the winter. Nobody in this building believes it '
        'will." The vote is on Monday.'
    )
    claim = single(text)
    assert claim["content"].endswith("believes it will."), claim["content"]
