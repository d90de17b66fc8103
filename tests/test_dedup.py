"""The same claim across outlets: clustering is by speaker and near-identical content, and deterministic."""

from __future__ import annotations

import random

import transforms.dedup as dedup
from transforms.dedup import DEDUP_VERSION, cluster_claims


def claim(claim_id, speaker, content, entity_ids=(), source=None):
    return {
        "claim_id": claim_id,
        "speaker_entity_id": speaker,
        "content": content,
        "entity_ids": list(entity_ids),
        "article_source": source,
    }


QUOTE = "We are watching every movement on the other side of the line, and we will respond"
CLAIMS = [
    claim("c3", "person:berg", QUOTE, ["gpe:valdoria"], "Wire"),
    claim("c1", "person:berg", "We are watching every movement on the other side of the line", [], "Ledger"),
    claim("c7", "person:berg", "Valdoria has moved as many as 12,000 troops to the border", ["gpe:valdoria"], "Ledger"),
    claim("c5", "person:ostrov", QUOTE, [], "Daily"),
    claim("c9", None, "the death toll could rise further in the coming days", [], "Wire"),
    claim("c8", None, "the death toll could rise further in the coming days", [], "Ledger"),
    claim("c6", None, "the death toll could rise further in the coming days", [], "Ledger"),
]


def test_same_speaker_and_content_cluster_under_the_smallest_id():
    out = cluster_claims(CLAIMS)
    assert out["c1"] == out["c3"] == "c1"
    assert out["c7"] == "c7"
    assert out["c5"] == "c5"  # same words, another speaker


def test_unnamed_claims_cluster_only_across_outlets():
    out = cluster_claims(CLAIMS)
    assert out["c9"] == "c6" and out["c8"] == "c6"  # both join c9 (Wire), c6 and c8 share an outlet
    alone = cluster_claims([c for c in CLAIMS if c["claim_id"] != "c9"])
    assert alone["c6"] == "c6" and alone["c8"] == "c8"


def test_tiebreak_on_shared_figures_or_entities():
    a = claim("a", "org:un", "At least 23 people died when the boat capsized off Sarnos on Sunday, it said")
    b = claim("b", "org:un", "At least 23 people died when a migrant boat capsized near Sarnos over the weekend")
    c = claim("c", "org:un", "At least a dozen people died when the boat capsized off Lesbos late on Sunday")
    out = cluster_claims([a, b, c])
    assert out["a"] == out["b"] == "a"  # a paraphrase sharing the figure 23
    assert out["c"] == "c"  # as many shared words, but no shared figure or entity


def test_same_statement_with_another_figure_stays_one_cluster():
    """An outlet misquoting a figure is still the same statement: figure_conflicts shows the disagreement."""
    b = claim("b", "org:un", "At least 23 people died when a migrant boat capsized near Sarnos over the weekend")
    c = claim("c", "org:un", "At least 40 people died when a migrant boat capsized near Sarnos over the weekend")
    assert cluster_claims([b, c]) == {"b": "b", "c": "b"}


def test_every_claim_gets_a_cluster_and_input_order_does_not_matter():
    shuffled = CLAIMS[:]
    random.Random(3).shuffle(shuffled)
    assert cluster_claims(shuffled) == cluster_claims(CLAIMS)
    assert set(cluster_claims(CLAIMS)) == {c["claim_id"] for c in CLAIMS}
    assert cluster_claims([]) == {}


def test_lsh_path_for_large_groups(monkeypatch):
    monkeypatch.setattr(dedup, "BRUTE_FORCE_MAX", 2)
    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
        "mike",
        "november",
        "oscar",
    ]
    rng = random.Random(11)
    rows = [claim(f"x{i:03d}", "person:p", " ".join(rng.sample(words, 8))) for i in range(30)]
    rows.append(claim("y000", "person:p", QUOTE))
    rows.append(claim("y001", "person:p", QUOTE + " now"))
    out = cluster_claims(rows)
    assert out["y001"] == "y000"
    assert sum(1 for k, v in out.items() if k == v) == 31
    assert DEDUP_VERSION


def test_lsh_path_gives_the_clusters_of_comparing_every_pair(monkeypatch):
    """Claims are looked up in the index before they join it: every pair that compares equal still clusters (a
    named speaker's claims, whose candidate threshold sits well below the decision's)."""
    speaker = "person:p"
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(60)]
    rows = []
    for i in range(80):
        text = " ".join(rng.sample(vocabulary, 12))
        rows.append(claim(f"a{i:03d}", speaker, text, source="one"))
        if i % 4 == 0:  # the same claim in another outlet, lightly edited
            rows.append(claim(f"b{i:03d}", speaker, text + " today", source="two"))
    exhaustive = cluster_claims(rows)  # 100 claims: compared pair by pair
    monkeypatch.setattr(dedup, "BRUTE_FORCE_MAX", 2)
    assert cluster_claims(rows) == exhaustive
    assert sum(1 for k, v in exhaustive.items() if k != v) == 20
