"""Entity linking: gazetteer ids, coreference, roles, aliases, and a scored annotated set.

The annotated set (tests/data/entities/*.txt, written for this project, with expected.json) is
scored for entity precision/recall, alias-merge accuracy and role accuracy; floors sit just under
the measured values so regressions fail loudly. Run with -s to see the numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from transforms.entities import TRANSFORM_VERSION, LinkedEntities, link_entities
from transforms.gazetteers import entity_id_for
from transforms.names import normalise_name
from transforms.nlp import ModelNotFound, load_nlp
from warehouse.tables import table

DATA = Path(__file__).resolve().parent / "data" / "entities"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
ARTICLES = sorted(name for name in EXPECTED if not name.startswith("_"))
#: Floors just under what the default pipeline measures (see the printed scores).
MIN_PRECISION = 0.95
MIN_RECALL = 0.95
MIN_MERGE_ACCURACY = 0.95
MIN_ROLE_ACCURACY = 0.9


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def linked(nlp) -> dict[str, tuple[str, LinkedEntities]]:
    out = {}
    for name in ARTICLES:
        text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
        out[name] = (text, link_entities(nlp(text), article_id=name))
    return out


def mentions_of(result: LinkedEntities, surface: str) -> list[dict]:
    return [m for m in result.mentions if m["surface"] == surface]


def entity(result: LinkedEntities, entity_id: str) -> dict:
    return next(e for e in result.entities if e["entity_id"] == entity_id)


# --------------------------------------------------------------------------- the acceptance cases


def test_dprk_names_are_one_entity(linked):
    _, result = linked["pentagon_dprk"]
    for surface in ("Democratic People's Republic of Korea", "North Korea", "DPRK", "North Korean"):
        found = mentions_of(result, surface)
        assert found, surface
        assert {m["entity_id"] for m in found} == {"iso:KP"}, surface
    korea = [e for e in result.entities if e["country_code"] == "KP"]
    assert len(korea) == 1
    assert korea[0]["entity_id"] == "iso:KP" and korea[0]["kind"] == "GPE" and korea[0]["name"] == "North Korea"
    assert korea[0]["geonames_id"] == 1873107
    assert {m["label"] for m in mentions_of(result, "North Korean")} == {"NORP"}


def test_surname_resolves_to_full_name(linked):
    _, result = linked["pentagon_dprk"]
    singh = mentions_of(result, "Singh")
    assert singh and all(m["entity_id"] == "person:sabrina-singh" and m["method"] == "coref" for m in singh)
    assert entity(result, "person:sabrina-singh")["name"] == "Sabrina Singh"


def test_pentagon_is_the_department_of_defense(linked):
    _, result = linked["pentagon_dprk"]
    assert {m["entity_id"] for m in mentions_of(result, "Pentagon")} == {"wd:Q11209"}
    dod = entity(result, "wd:Q11209")
    assert dod["wikidata_id"] == "Q11209" and dod["kind"] == "ORG" and dod["country_code"] == "US"


def test_kursk_region_has_geonames_id(linked):
    _, result = linked["pentagon_dprk"]
    assert {m["entity_id"] for m in mentions_of(result, "Kursk region")} == {"gn:538555"}
    kursk = entity(result, "gn:538555")
    assert kursk["geonames_id"] == 538555 and kursk["country_code"] == "RU"


def test_roles_are_captured_and_stripped_from_names(linked):
    _, result = linked["pentagon_dprk"]
    (singh,) = mentions_of(result, "Sabrina Singh")
    assert singh["role"] == "Deputy Pentagon Press Secretary"
    (rutte,) = mentions_of(result, "Mark Rutte")
    assert rutte["role"] == "NATO Secretary-General"
    _, nato = linked["nato_meeting"]
    assert mentions_of(nato, "Mark Rutte")[0]["role"] == "Secretary-General"


def test_output_columns_offsets_and_sentences(linked):
    for text, result in linked.values():
        for record in result.entities:
            assert tuple(record) == table("entities").supplied("batch")
            assert record["kind"] in {"PERSON", "ORG", "GPE", "LOC", "NORP"}
        ids = {e["entity_id"] for e in result.entities}
        assert len(ids) == len(result.entities)
        for m in result.mentions:
            assert tuple(m) == table("mentions").supplied("batch")
            assert text[m["start_char"] : m["end_char"]] == m["surface"]
            assert m["entity_id"] in ids and m["method"] in {"gazetteer", "ner", "coref", "alias"}
            assert m["sentence_index"] >= 0
    assert TRANSFORM_VERSION.startswith("entities-")


def test_junk_is_dropped(nlp):
    result = link_entities(nlp("In 2024, about 15,000 soldiers and 300 tanks arrived. the government said so."), "j")
    assert all(any(ch.isalpha() for ch in m["surface"]) for m in result.mentions)
    assert all(m["surface"][:1].isupper() for m in result.mentions)


def test_same_name_same_id_across_articles(nlp):
    a = link_entities(nlp("Sabrina Singh spoke to reporters in Paris."), "a")
    b = link_entities(nlp("Dr. Sabrina Singh's briefing was short, Singh said."), "b")
    id_a = {m["entity_id"] for m in a.mentions if m["label"] == "PERSON"}
    id_b = {m["entity_id"] for m in b.mentions if m["label"] == "PERSON"}
    assert id_a == id_b == {"person:sabrina-singh"}


def test_ambiguous_surname_goes_to_nearest_earlier_person(linked):
    text, result = linked["two_carters"]
    by_offset = {m["start_char"]: m for m in result.mentions}
    assert by_offset[text.index("Carter said she")]["entity_id"] == "person:emily-carter"
    assert by_offset[text.index("Carter, who runs")]["entity_id"] == "person:john-carter"


# --------------------------------------------------------------------------- user aliases


def test_user_alias_overrides_everything(nlp):
    doc = nlp("The Kremlin said Rocket Man would visit. Deputy Pentagon Press Secretary Sabrina Singh was silent.")
    aliases = {normalise_name("Rocket Man"): "person:kim-jong-un", normalise_name("the Kremlin"): "org:kremlin-custom"}
    result = link_entities(doc, "x", aliases=aliases)
    (rocket,) = mentions_of(result, "Rocket Man")
    assert rocket["entity_id"] == "person:kim-jong-un" and rocket["method"] == "alias"
    assert entity(result, "person:kim-jong-un") == {
        "entity_id": "person:kim-jong-un",
        "kind": "PERSON",
        "name": "Kim Jong Un",
        "country_code": None,
        "geonames_id": None,
        "wikidata_id": None,
    }
    (kremlin,) = mentions_of(result, "Kremlin")
    assert kremlin["entity_id"] == "org:kremlin-custom" and kremlin["method"] == "alias"


def test_user_alias_for_a_full_name_carries_to_the_surname(nlp):
    doc = nlp("Sabrina Singh briefed reporters. Singh said the talks would continue.")
    result = link_entities(doc, "x", aliases={"sabrina singh": "wd:Q999999"})
    assert {m["entity_id"] for m in result.mentions if m["label"] == "PERSON"} == {"wd:Q999999"}
    assert entity(result, "wd:Q999999")["kind"] == "PERSON"


# --------------------------------------------------------------------------- names and ids


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("Sabrina Singh", "sabrina singh"),
        ("  SABRINA   singh ", "sabrina singh"),
        ("Mr. Singh's", "singh"),
        ("Dr Sabrina Singh", "sabrina singh"),
        ("President Joe Biden", "joe biden"),
        ("the Pentagon", "pentagon"),
        ("The Pentagon’s", "pentagon"),
        ("Türkiye", "turkiye"),
        ("Élysée", "elysee"),
        ("Selin Aydın", "selin aydin"),
        ("U.S.", "us"),
        ("Lee Min-jun", "lee min jun"),
        ("President", "president"),
    ],
)
def test_normalise_name(surface, expected):
    assert normalise_name(surface) == expected


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("PERSON", "Sabrina Singh", "person:sabrina-singh"),
        ("PERSON", "Ms. Sabrina Singh's", "person:sabrina-singh"),
        ("PERSON", "Selin Aydın", "person:selin-aydin"),
        ("GPE", "North Korea", "iso:KP"),
        ("GPE", "Democratic People's Republic of Korea", "iso:KP"),
        ("NORP", "North Korean", "iso:KP"),
        ("GPE", "Kursk Oblast", "gn:538555"),
        ("ORG", "the Pentagon", "wd:Q11209"),
        ("ORG", "Department of Defense", "wd:Q11209"),
        ("ORG", "Kremlin", "org:presidential-administration-of-russia"),
        ("ORG", "Acme Widgets Ltd", "org:acme-widgets-ltd"),
        ("NORP", "Democrats", "norp:democrats"),
        ("ORG", "wd:Q7184", "wd:Q7184"),
    ],
)
def test_entity_id_for(kind, name, expected):
    assert entity_id_for(kind, name) == expected


def test_missing_pipeline_is_a_clear_error():
    with pytest.raises(ModelNotFound, match="no_such_pipeline"):
        load_nlp("no_such_pipeline_for_wirehouse_tests")


# --------------------------------------------------------------------------- the scored set


@dataclass
class Scores:
    predicted: int = 0
    predicted_correct: int = 0
    expected: int = 0
    expected_found: int = 0
    groups: int = 0
    groups_merged: int = 0
    roles: int = 0
    roles_correct: int = 0

    def ratio(self, num: int, den: int) -> float:
        return num / den if den else 1.0

    @property
    def precision(self) -> float:
        return self.ratio(self.predicted_correct, self.predicted)

    @property
    def recall(self) -> float:
        return self.ratio(self.expected_found, self.expected)

    @property
    def merge_accuracy(self) -> float:
        return self.ratio(self.groups_merged, self.groups)

    @property
    def role_accuracy(self) -> float:
        return self.ratio(self.roles_correct, self.roles)


def _matches(gold: dict, record: dict) -> bool:
    if record["kind"] != gold["kind"]:
        return False
    if "id" in gold:
        return record["entity_id"] == gold["id"]
    return normalise_name(record["name"]) == normalise_name(gold["name"])


def _mentions_for(surface: str | dict, text: str, result: LinkedEntities) -> list[dict]:
    if isinstance(surface, str):
        return mentions_of(result, surface)
    start = text.index(surface["text"], text.index(surface["context"]))
    return [m for m in result.mentions if m["start_char"] == start and m["surface"] == surface["text"]]


def _merged(gold: dict, target: str | None, text: str, result: LinkedEntities) -> bool:
    """Every surface of the group was found and links to the gold entity."""
    for surface in gold["surfaces"]:
        found = _mentions_for(surface, text, result)
        if not found or target is None or any(m["entity_id"] != target for m in found):
            return False
    return True


def score_article(name: str, text: str, result: LinkedEntities, scores: Scores, misses: list[str]) -> None:
    gold_entities = EXPECTED[name]["entities"]
    matched_ids: set[str] = set()
    for gold in gold_entities:
        hit = next((r for r in result.entities if _matches(gold, r)), None)
        scores.expected += 1
        if hit is None:
            misses.append(f"{name}: missed {gold.get('id') or gold['name']} ({gold['kind']})")
        else:
            scores.expected_found += 1
            matched_ids.add(hit["entity_id"])
        if len(gold["surfaces"]) > 1:
            scores.groups += 1
            ok = _merged(gold, hit["entity_id"] if hit else None, text, result)
            scores.groups_merged += ok
            if not ok:
                misses.append(f"{name}: alias group not merged {gold['surfaces']}")
    for record in result.entities:
        scores.predicted += 1
        if record["entity_id"] in matched_ids:
            scores.predicted_correct += 1
        else:
            misses.append(f"{name}: spurious {record['entity_id']} {record['name']!r} ({record['kind']})")
    for person, role in EXPECTED[name].get("roles", {}).items():
        scores.roles += 1
        got = [m["role"] for m in mentions_of(result, person)]
        scores.roles_correct += bool(got) and got[0] == role
        if not got or got[0] != role:
            misses.append(f"{name}: role of {person} {got[:1]} != {role!r}")


def _report(label: str, scores: Scores) -> str:
    return (
        f"{label}: precision {scores.precision:.3f} ({scores.predicted_correct}/{scores.predicted}), "
        f"recall {scores.recall:.3f} ({scores.expected_found}/{scores.expected}), "
        f"alias-merge accuracy {scores.merge_accuracy:.3f} ({scores.groups_merged}/{scores.groups}), "
        f"role accuracy {scores.role_accuracy:.3f} ({scores.roles_correct}/{scores.roles})"
    )


def test_annotated_set_scores(linked):
    """All articles; the heldout_* ones were annotated after the linker was tuned on the others."""
    scores, heldout, misses = Scores(), Scores(), []
    for name in ARTICLES:
        text, result = linked[name]
        score_article(name, text, result, scores, misses)
        if name.startswith("heldout_"):
            score_article(name, text, result, heldout, [])
    print("\n" + _report(f"all {len(ARTICLES)} articles", scores))
    print(_report("held-out articles", heldout))
    print("\n".join(misses))
    assert scores.precision >= MIN_PRECISION
    assert scores.recall >= MIN_RECALL
    assert scores.merge_accuracy >= MIN_MERGE_ACCURACY
    assert scores.role_accuracy >= MIN_ROLE_ACCURACY


# --------------------------------------------------------------------------- coreference across labels and spellings


def ids_of(result: LinkedEntities, surface: str) -> set[str]:
    return {m["entity_id"] for m in mentions_of(result, surface)}


def test_bare_surname_joins_the_person_whatever_its_ner_label(nlp):
    text = (
        "Former envoy Kurt Volker testified on Tuesday. Volker told the committee he had warned the embassy. "
        "Lawmakers later asked Volker about the call, and Volker declined to answer."
    )
    result = link_entities(nlp(text), "v")
    assert ids_of(result, "Volker") == {"person:kurt-volker"}
    assert entity(result, "person:kurt-volker")["kind"] == "PERSON"
    assert not any(e["entity_id"].endswith(":volker") for e in result.entities)


def test_two_people_with_one_surname_never_merge(nlp):
    text = (
        "Joe Biden spoke in Ohio on Monday. Biden said jobs were coming back. Biden praised the workers. "
        "His son Hunter Biden was not there. Reporters asked about the economy. "
        "Later Biden said the plant would reopen."
    )
    result = link_entities(nlp(text), "b")
    people = {e["entity_id"] for e in result.entities if e["kind"] == "PERSON"}
    assert {"person:joe-biden", "person:hunter-biden"} <= people
    last = max((m for m in result.mentions if m["surface"] == "Biden"), key=lambda m: m["start_char"])
    # Hunter Biden was named last, two sentences earlier; the bare name goes to the most mentioned Biden.
    assert last["entity_id"] == "person:joe-biden"


def test_transliteration_variants_are_one_person(nlp):
    text = (
        "Ukrainian President Volodymyr Zelensky met European leaders in Brussels. "
        "Volodymyr Zelenskyy asked for more air defence, and Zelenskiy thanked the hosts."
    )
    result = link_entities(nlp(text), "z")
    person = {m["entity_id"] for m in result.mentions if m["label"] == "PERSON"}
    assert person == {"person:volodymyr-zelensky"}


def test_similar_surnames_with_other_first_names_stay_apart(nlp):
    text = "Boris Johnson met Ron Johnston in London. Johnson said the talks went well."
    result = link_entities(nlp(text), "j")
    assert ids_of(result, "Johnson") == {"person:boris-johnson"}
    assert "person:ron-johnston" in {e["entity_id"] for e in result.entities}


def test_acronym_defined_in_the_article_is_its_long_form(nlp):
    text = (
        "Agents of the Office of Rural Water Safety (ORWS) inspected the plant on Friday. "
        "The ORWS said it found no faults, and ORWS inspectors will return in June."
    )
    result = link_entities(nlp(text), "a")
    long_ids = ids_of(result, "Office of Rural Water Safety")
    assert long_ids == {"org:office-of-rural-water-safety"}
    assert ids_of(result, "ORWS") == long_ids
    assert entity(result, "org:office-of-rural-water-safety")["kind"] == "ORG"


def test_curated_acronyms_and_parties(nlp):
    text = (
        "The CDC and the Drug Enforcement Administration issued a warning. The DEA said PG&E was not involved. "
        "Republicans in the Senate and the GOP leadership disagreed, while Democrats said the Democratic Party "
        "would vote no. One Republican senator abstained."
    )
    result = link_entities(nlp(text), "p")
    assert ids_of(result, "CDC") == {"wd:Q583725"}
    assert (
        ids_of(result, "DEA")
        == ids_of(result, "Drug Enforcement Administration")
        == {"org:drug-enforcement-administration"}
    )
    assert ids_of(result, "PG&E") == {"org:pacific-gas-and-electric-company"}
    for surface in ("Republicans", "GOP", "Republican"):
        assert ids_of(result, surface) == {"wd:Q29468"}, surface
    for surface in ("Democrats", "Democratic Party"):
        assert ids_of(result, surface) == {"wd:Q29552"}, surface
    assert entity(result, "wd:Q29468")["name"] == "Republican Party"


def test_platforms_and_newspapers_are_organisations(nlp):
    text = (
        "Twitter suspended the account on Sunday, The New York Times reported. "
        "Reuters and the Associated Press could not confirm it."
    )
    result = link_entities(nlp(text), "t")
    kinds = {m["surface"]: entity(result, m["entity_id"])["kind"] for m in result.mentions}
    for surface in ("Twitter", "New York Times", "Reuters", "Associated Press"):
        assert kinds.get(surface) == "ORG", (surface, kinds)
    assert not any(e["kind"] == "PERSON" for e in result.entities)


def test_months_and_quantifiers_are_not_people(nlp):
    text = "March said nothing. All agreed, and May was quiet, officials said in Geneva."
    result = link_entities(nlp(text), "m")
    people = {e["name"].lower() for e in result.entities if e["kind"] == "PERSON"}
    assert not people & {"march", "may", "all"}


def test_middle_initials_and_suffixes_do_not_split_a_person(nlp):
    text = (
        "Senator Lindsey O. Graham spoke first. Later Lindsey Graham said the bill would pass, "
        "and Robert Brady Jr. agreed. Brady said he would vote for it."
    )
    result = link_entities(nlp(text), "g")
    assert ids_of(result, "Lindsey O. Graham") == ids_of(result, "Lindsey Graham")
    assert ids_of(result, "Brady") == ids_of(result, "Robert Brady Jr.")


def test_surname_in_a_headline_goes_to_the_person_named_next(nlp):
    text = (
        "Carter wins the vote\n\nMaria Carter won the council seat on Sunday. Her cousin, Paul Carter, "
        "congratulated her. Carter said she would start work at once."
    )
    result = link_entities(nlp(text), "h")
    first = min((m for m in result.mentions if m["surface"] == "Carter"), key=lambda m: m["start_char"])
    assert first["entity_id"] == "person:maria-carter"


def test_well_known_surname_alone_gets_the_full_name(nlp):
    result = link_entities(nlp("Putin told reporters in Moscow that the talks had failed."), "k")
    assert ids_of(result, "Putin") == {"person:vladimir-putin"}
    assert entity(result, "person:vladimir-putin")["name"] == "Vladimir Putin"
    local = link_entities(nlp("Anna Putin, a teacher in Ohio, said the school would reopen. Putin smiled."), "l")
    assert ids_of(local, "Putin") == {"person:anna-putin"}


def test_town_named_surname_after_a_tagged_first_name_is_the_person(nlp):
    """NER tags "Maggie" PERSON and the place gazetteer finds "Hassan" (a town in India): one person."""
    result = link_entities(nlp("Gov. Maggie Hassan said the state would appeal. Hassan spoke on Monday."), "a")
    assert ids_of(result, "Maggie Hassan") == {"person:maggie-hassan"}
    assert ids_of(result, "Hassan") == {"person:maggie-hassan"}
    assert all(e["kind"] != "GPE" for e in result.entities)


def test_first_name_that_is_also_a_city_stays_with_the_person(nlp):
    result = link_entities(nlp("Russian President Vladimir Putin said talks would go on. Putin spoke in Moscow."), "a")
    assert ids_of(result, "Vladimir Putin") == {"person:vladimir-putin"}
    assert ids_of(result, "Putin") == {"person:vladimir-putin"}
    assert not any(e["name"] == "Vladimir" for e in result.entities)


def test_state_abbreviation_after_a_town_is_the_us_state(nlp):
    result = link_entities(nlp("Protesters in Harrisburg, Pa., marched on Monday."), "a")
    (state,) = mentions_of(result, "Pa.")
    assert entity(result, state["entity_id"])["name"] == "Pennsylvania"


def test_well_known_surname_beats_a_small_town_of_that_name(nlp):
    """NER calls "Obama" a place and a town in Japan has the name: the well-known person wins."""
    result = link_entities(nlp("Ben Carson criticized Obama’s decision to take in refugees."), "a")
    assert ids_of(result, "Obama") == {"person:barack-obama"}


def test_capitalised_acronyms_are_not_country_codes(nlp):
    """ISO alpha-3 codes other than USA are other acronyms in real news."""
    result = link_entities(nlp("Supporters of BLM marched in Chicago. The NLD won most seats. The USA agreed."), "a")
    assert ids_of(result, "BLM") == {"org:black-lives-matter"}
    assert ids_of(result, "NLD") == {"org:national-league-for-democracy"}
    assert ids_of(result, "USA") == {"iso:US"}
