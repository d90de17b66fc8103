"""figure_conflicts: which figures disagree, on the cluster and the entity basis, as recomputed with the clusters."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from warehouse.lake import open_writer
from warehouse.load import load_batch
from warehouse.state import replace_clusters
from warehouse.tables.batches import padded

LINEAGE = {"run_id": "r1", "code_version": "test", "transform_version": "t"}


def article(article_id: str, outlet: str, day: int) -> dict:
    return {
        "article_id": article_id,
        "doc_id": article_id,
        "url": f"https://{outlet}.example/{article_id}",
        "title": article_id,
        "text": "text",
        "site_name": outlet,
        "published_date": dt.date(2024, 10, day),
        "published_at": dt.datetime(2024, 10, day, 9, tzinfo=dt.UTC),
        "fetched_at": dt.datetime(2024, 10, day, 10, tzinfo=dt.UTC),
    }


def load(home, claims: list[tuple], clusters: dict[str, str]) -> list[dict]:
    """claims: (claim_id, article_id, outlet, day, speaker, entity, [(value, comparator), ...])."""
    articles = {c[1]: article(c[1], c[2], c[3]) for c in claims}
    tables = {
        "article_versions": list(articles.values()),
        "claim_rows": [{"claim_id": c[0], "article_id": c[1], "speaker_text": c[4], "content": "x"} for c in claims],
        "claim_entities": [{"claim_id": c[0], "entity_id": c[5]} for c in claims],
        "claim_quantities": [
            {"claim_id": c[0], "surface": f"{v:,} troops", "value": float(v), "unit": "troops", "comparator": cmp}
            for c in claims
            for v, cmp in c[6]
        ],
    }
    with open_writer(home) as con:
        load_batch(con, {k: padded(k, pa.Table.from_pylist(v)) for k, v in tables.items()}, LINEAGE)
        replace_clusters(con, clusters, LINEAGE)
        cursor = con.execute("SELECT * FROM figure_conflicts ORDER BY basis, cluster_or_topic")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_two_outlets_disagreeing_about_one_entity_conflict(home):
    rows = load(
        home,
        [
            ("c1", "a1", "Harbor Times", 7, "Ana Ruiz", "gpe:valdoria", [(10000, "about")]),
            ("c2", "a2", "Daily Meridian", 8, "Tomas Berg", "gpe:valdoria", [(12000, None)]),
        ],
        {},
    )
    assert [(r["basis"], r["value_min"], r["value_max"], r["outlets"], r["claim_ids"]) for r in rows] == [
        ("entity", 10000.0, 12000.0, ["Daily Meridian", "Harbor Times"], ["c1", "c2"])
    ]


def test_overlapping_intervals_and_one_voice_do_not_conflict(home):
    rows = load(
        home,
        [
            # about 10,000 (9,500..10,500) and over 9,600 (9,600..10,560) overlap
            ("c1", "a1", "Harbor Times", 7, "Ana Ruiz", "gpe:valdoria", [(10000, "about")]),
            ("c2", "a2", "Daily Meridian", 8, "Tomas Berg", "gpe:valdoria", [(9600, "over")]),
            # one outlet and speaker giving two figures is not a conflict between sources
            ("c3", "a3", "Coastline Wire", 8, "Lia Ko", "gpe:norvane", [(500, None), (700, None)]),
            ("c4", "a4", "Coastline Wire", 9, "Lia Ko", "gpe:norvane", [(900, None)]),
            # other weeks are other topics
            ("c5", "a5", "Harbor Times", 1, "Ana Ruiz", "gpe:port-kell", [(1, None)]),
            ("c6", "a6", "Daily Meridian", 21, "Tomas Berg", "gpe:port-kell", [(2, None)]),
        ],
        {},
    )
    assert rows == []


def test_one_statement_misquoted_by_an_outlet_conflicts_within_its_cluster(home):
    rows = load(
        home,
        [
            ("c1", "a1", "Harbor Times", 7, "Ana Ruiz", "gpe:valdoria", [(10000, None)]),
            ("c2", "a2", "Daily Meridian", 7, "Ana Ruiz", "gpe:valdoria", [(10000, None)]),
            ("c3", "a3", "Coastline Wire", 7, "Ana Ruiz", "gpe:valdoria", [(100000, None)]),
            # not in the cluster: it only shows up on the entity basis
            ("c4", "a4", "Northern Ledger", 7, "Ana Ruiz", "gpe:valdoria", [(9000, None)]),
        ],
        {"c1": "c1", "c2": "c1", "c3": "c1"},
    )
    cluster = [r for r in rows if r["basis"] == "cluster"]
    assert [(r["cluster_or_topic"], r["claim_ids"], r["figures"]) for r in cluster] == [
        ("c1", ["c1", "c2", "c3"], ["10,000 troops", "100,000 troops"])
    ]
    entity = [r for r in rows if r["basis"] == "entity"]
    assert entity and entity[0]["claim_ids"] == ["c1", "c2", "c3", "c4"]


def load_texts(
    home, articles: dict[str, tuple[str, int, str]], claims: list[tuple], mentions: list[tuple]
) -> list[dict]:
    """articles: id -> (outlet, day, text); claims: (claim_id, article_id, speaker, [entity ids], [figure surfaces]);
    mentions: (article_id, entity_id, surface). Figures and mentions are placed at their first place in the text."""
    versions = []
    for article_id, (outlet, day, text) in articles.items():
        versions.append(article(article_id, outlet, day) | {"text": text})
    texts = {a: t for a, (_, _, t) in articles.items()}
    quantities = []
    for claim_id, article_id, _, _, surfaces in claims:
        for surface in surfaces:
            start = texts[article_id].index(surface)
            value = 24.0 if "two dozen" in surface else float(surface.split()[1].replace(",", ""))
            quantities.append(
                {
                    "claim_id": claim_id,
                    "surface": surface,
                    "value": value,
                    "unit": "troops",
                    "comparator": "about",
                    "start_char": start,
                    "end_char": start + len(surface),
                }
            )
    tables = {
        "article_versions": versions,
        "claim_rows": [{"claim_id": c[0], "article_id": c[1], "speaker_text": c[2], "content": "x"} for c in claims],
        "claim_entities": [{"claim_id": c[0], "entity_id": e} for c in claims for e in c[3]],
        "claim_quantities": quantities,
        "mentions": [
            {
                "article_id": a,
                "entity_id": e,
                "surface": s,
                "start_char": texts[a].index(s),
                "end_char": texts[a].index(s) + len(s),
            }
            for a, e, s in mentions
        ],
    }
    with open_writer(home) as con:
        load_batch(con, {k: padded(k, pa.Table.from_pylist(v)) for k, v in tables.items()}, LINEAGE)
        replace_clusters(con, {}, LINEAGE)
        cursor = con.execute("SELECT * FROM figure_conflicts ORDER BY basis, cluster_or_topic")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_killed_and_deployed_soldiers_are_different_measured_things(home):
    text = (
        "Ana Ruiz said about 10,000 Valdorian soldiers are now in the border region. "
        "Tomas Berg said about two dozen soldiers may have been killed near the village."
    )
    rows = load_texts(
        home,
        {"a1": ("Harbor Times", 7, text)},
        [
            ("c1", "a1", "Ana Ruiz", ["gpe:valdoria"], ["about 10,000 Valdorian soldiers"]),
            ("c2", "a1", "Tomas Berg", ["gpe:valdoria"], ["about two dozen soldiers"]),
        ],
        [("a1", "gpe:valdoria", "Valdorian")],
    )
    assert rows == []


def test_one_disagreement_is_one_row_about_the_nearest_entity(home):
    first = "Ana Ruiz said Valdoria has sent about 10,000 Valdorian troops to Norvane, where Kell forces wait."
    second = "Tomas Berg said Valdoria has sent about 12,000 Valdorian troops to Norvane, facing Kell."
    everyone = ["gpe:valdoria", "gpe:norvane", "gpe:kell"]
    mentions = [
        (a, e, s)
        for a in ("a1", "a2")
        for e, s in (("gpe:valdoria", "Valdorian"), ("gpe:norvane", "Norvane"), ("gpe:kell", "Kell"))
    ]
    rows = load_texts(
        home,
        {"a1": ("Harbor Times", 7, first), "a2": ("Daily Meridian", 8, second)},
        [
            ("c1", "a1", "Ana Ruiz", everyone, ["about 10,000 Valdorian troops"]),
            ("c2", "a2", "Tomas Berg", everyone, ["about 12,000 Valdorian troops"]),
        ],
        mentions,
    )
    assert [(r["basis"], r["entity_id"], r["claim_ids"], r["value_min"], r["value_max"]) for r in rows] == [
        ("entity", "gpe:valdoria", ["c1", "c2"], 10000.0, 12000.0)
    ]
