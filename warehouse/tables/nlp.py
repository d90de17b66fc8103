"""Entities and claims: what the NLP stages find in article text, and what users and clustering add."""

from __future__ import annotations

from warehouse.tables.model import Field, Table, group, unique, upsert, written_by

#: Run and code version stamped on every row of the claims stage.
CLAIMS_LINEAGE = (
    Field("run_id", "VARCHAR", "Run that loaded the row.", supply="lineage"),
    Field("transform_version", "VARCHAR", "Claims code version.", supply="lineage"),
)

ENTITIES = Table(
    "entities",
    "Canonical entities shared across the warehouse; one row per entity_id.",
    (
        Field(
            "entity_id",
            "VARCHAR",
            "Stable id from an authority (iso:KP, gn:<id>, wd:<Q>) or from kind and normalised name.",
            nullable=False,
        ),
        Field("kind", "VARCHAR", "PERSON, ORG, GPE, LOC or NORP."),
        Field("name", "VARCHAR", "Canonical display name."),
        Field("country_code", "VARCHAR", "ISO 3166-1 alpha-2 code for countries and places in a country."),
        Field("geonames_id", "BIGINT", "GeoNames id for places."),
        Field("wikidata_id", "VARCHAR", "Wikidata id where known."),
        Field("run_id", "VARCHAR", "Run that first loaded the entity.", supply="lineage"),
        Field("transform_version", "VARCHAR", "Entity code version that created the row.", supply="lineage"),
    ),
    load=unique("entity_id"),
    primary_key=("entity_id",),
    stage="entities",
)

MENTIONS = Table(
    "mentions",
    "Each entity mention in an article version, with character offsets into articles.text.",
    (
        Field("article_id", "VARCHAR", "Article version (article_versions.article_id)."),
        Field("entity_id", "VARCHAR", "Canonical entity (entities.entity_id)."),
        Field("surface", "VARCHAR", "Text as written in the article."),
        Field("start_char", "INTEGER", "Start offset in the article text."),
        Field("end_char", "INTEGER", "End offset (exclusive) in the article text."),
        Field("sentence_index", "INTEGER", "Sentence number in the article, from 0."),
        Field("role", "VARCHAR", "Title or role written with the name (Deputy Press Secretary)."),
        Field("label", "VARCHAR", "Detector label (spaCy label or gazetteer kind)."),
        Field("method", "VARCHAR", "How it was found: gazetteer, ner, or coref (surname resolved)."),
        Field("run_id", "VARCHAR", "Run that loaded the row.", supply="lineage"),
        Field("transform_version", "VARCHAR", "Entity code version.", supply="lineage"),
    ),
    load=group("article_id", owner="article_versions"),
    stage="entities",
    per_article=True,
)

CLAIM_ROWS = Table(
    "claim_rows",
    "Attributed statements as extracted; the claims view adds the cross-outlet cluster.",
    (
        Field("claim_id", "VARCHAR", "Hash of article version, speaker and content span.", nullable=False),
        Field("article_id", "VARCHAR", "Article version the claim is in."),
        Field("speaker_entity_id", "VARCHAR", "Canonical entity of the speaker, NULL when unnamed."),
        Field(
            "speaker_text",
            "VARCHAR",
            "Speaker as written (a description such as 'the spokesman' stays as written; pronouns give the "
            "resolved name); NULL when speaker_kind is NONE.",
        ),
        Field(
            "speaker_kind",
            "VARCHAR",
            "PERSON, ORG, UNNAMED, DOCUMENT, or NONE when the text attributes the claim to no one.",
        ),
        Field("cue", "VARCHAR", "Reporting verb lemma, or according_to."),
        Field("content", "VARCHAR", "What was claimed."),
        Field("content_start", "INTEGER", "Start offset of content in the article text."),
        Field("content_end", "INTEGER", "End offset (exclusive) of content in the article text."),
        Field("is_direct", "BOOLEAN", "True for a direct quote."),
        Field("polarity", "VARCHAR", "asserted, denied, declined_to_confirm or questioned."),
        Field("hedged", "BOOLEAN", "True when the claim is hedged (may, reportedly, believes)."),
        Field("hedge_cues", "VARCHAR[]", "The hedging words found."),
        Field("sentence_index", "INTEGER", "Sentence of the attribution, from 0."),
        *CLAIMS_LINEAGE,
        Field(
            "published_date",
            "DATE",
            "Publication day of the article (copied from article_versions when the claim is loaded).",
            supply="article",
        ),
    ),
    load=group("article_id", owner="article_versions"),
    primary_key=("claim_id",),
    partitioned_by=("year(published_date)", "month(published_date)"),
    stage="claims",
    per_article=True,
)

CLAIM_QUANTITIES = Table(
    "claim_quantities",
    "Figures inside claims, as numbers: around 10,000 soldiers is 10000, soldiers, approximate.",
    (
        Field("claim_id", "VARCHAR", "Claim the figure is in."),
        Field("surface", "VARCHAR", "Figure as written."),
        Field("value", "DOUBLE", "Number (midpoint for ranges)."),
        Field("unit", "VARCHAR", "What is counted or the currency (soldiers, USD, percent)."),
        Field("approximate", "BOOLEAN", "True for around, about, some, nearly."),
        Field("comparator", "VARCHAR", "about, over, under, at_least, up_to, range, or exact."),
        Field("low", "DOUBLE", "Lower bound where known."),
        Field("high", "DOUBLE", "Upper bound where known."),
        Field("start_char", "INTEGER", "Start offset in the article text."),
        Field("end_char", "INTEGER", "End offset in the article text."),
        *CLAIMS_LINEAGE,
    ),
    load=group("claim_id", owner="claim_rows"),
    stage="claims",
    per_article=True,
)

CLAIM_DATES = Table(
    "claim_dates",
    "Dates inside claims and their attributions, resolved against the publication date.",
    (
        Field("claim_id", "VARCHAR", "Claim the date belongs to."),
        Field("surface", "VARCHAR", "Date as written (Monday, over the weekend, Oct. 28)."),
        Field("date_from", "DATE", "First day of the resolved date or range."),
        Field("date_to", "DATE", "Last day of the resolved date or range."),
        Field("granularity", "VARCHAR", "day, week, month, year or range."),
        *CLAIMS_LINEAGE,
    ),
    load=group("claim_id", owner="claim_rows"),
    stage="claims",
    per_article=True,
)

CLAIM_ENTITIES = Table(
    "claim_entities",
    "Entities mentioned inside a claim's content: what the claim is about.",
    (
        Field("claim_id", "VARCHAR", "Claim."),
        Field("entity_id", "VARCHAR", "Entity mentioned in the content."),
        *CLAIMS_LINEAGE,
    ),
    load=group("claim_id", owner="claim_rows"),
    stage="claims",
    per_article=True,
)

ENTITY_ALIASES = Table(
    "entity_aliases",
    "User-editable aliases: a surface form that must resolve to an entity.",
    (
        Field("alias", "VARCHAR", "Surface form as the user wrote it."),
        Field("alias_norm", "VARCHAR", "Normalised form used for matching (case, diacritics, honorifics removed)."),
        Field("entity_id", "VARCHAR", "Entity the alias resolves to."),
        Field("origin", "VARCHAR", "user (wirehouse alias add) or merge (wirehouse alias merge)."),
        Field("created_at", "TIMESTAMPTZ", "When the alias was added."),
    ),
    load=upsert("alias_norm", writer="warehouse/aliases.py"),
)

CLAIM_CLUSTERS = Table(
    "claim_clusters",
    "The same claim across articles and outlets shares a cluster_id; rebuilt after each load.",
    (
        Field("claim_id", "VARCHAR", "Claim."),
        Field("cluster_id", "VARCHAR", "Cluster id: the smallest claim_id of the cluster."),
        Field("run_id", "VARCHAR", "Run that computed the clustering."),
        Field("transform_version", "VARCHAR", "Dedup code version."),
    ),
    load=written_by("replace", "warehouse/state.py"),
    primary_key=("claim_id",),
)

TABLES = (
    ENTITIES,
    MENTIONS,
    CLAIM_ROWS,
    CLAIM_QUANTITIES,
    CLAIM_DATES,
    CLAIM_ENTITIES,
    ENTITY_ALIASES,
    CLAIM_CLUSTERS,
)
