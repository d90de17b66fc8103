"""Tables computed from the others, kept in step by the load or recomputed after clustering."""

from __future__ import annotations

from warehouse.tables.model import Field, Table, written_by

SUPERSEDED_VERSIONS = Table(
    "superseded_versions",
    "Article versions that a later fetch of the same document replaced; the articles view leaves them out.",
    (
        Field("article_id", "VARCHAR", "The replaced version (article_versions.article_id)."),
        Field("doc_id", "VARCHAR", "Its document: the canonical URL key shared by all versions."),
        Field("run_id", "VARCHAR", "Run whose load found the newer version."),
    ),
    load=written_by("rollup", "warehouse/rollups.py", "article_id"),
    primary_key=("article_id",),
)

ENTITY_DAY_COUNTS = Table(
    "entity_day_counts",
    "Per publication day and entity: current articles mentioning it and its mentions in them. One row per day and "
    "entity.",
    (
        Field("published_date", "DATE", "Publication day of the articles (NULL when unknown)."),
        Field("entity_id", "VARCHAR", "Entity (entities.entity_id)."),
        Field("articles", "BIGINT", "Current article versions that mention the entity."),
        Field("mentions", "BIGINT", "Mentions of the entity in those articles."),
        Field("run_id", "VARCHAR", "Run whose load last changed the row."),
    ),
    load=written_by("rollup", "warehouse/rollups.py", "published_date", "entity_id"),
    primary_key=("published_date", "entity_id"),
    partitioned_by=("year(published_date)", "month(published_date)"),
)

ENTITY_OUTLET_COUNTS = Table(
    "entity_outlet_counts",
    "Per entity and outlet, over all time: current articles mentioning it and its mentions. One row per entity and "
    "outlet.",
    (
        Field("entity_id", "VARCHAR", "Entity (entities.entity_id)."),
        Field("outlet", "VARCHAR", "Site name of the articles, else their source."),
        Field("articles", "BIGINT", "Current article versions from the outlet that mention the entity."),
        Field("mentions", "BIGINT", "Mentions of the entity in those articles."),
        Field("run_id", "VARCHAR", "Run whose load last changed the row."),
    ),
    load=written_by("rollup", "warehouse/rollups.py", "entity_id", "outlet"),
    primary_key=("entity_id", "outlet"),
)

OUTLET_DAY_COUNTS = Table(
    "outlet_day_counts",
    "Per publication day and outlet: current articles, their words and their claims. One row per day and outlet.",
    (
        Field("published_date", "DATE", "Publication day (NULL when unknown)."),
        Field("outlet", "VARCHAR", "Site name of the articles, else their source."),
        Field("articles", "BIGINT", "Current article versions."),
        Field("words", "BIGINT", "Sum of their word counts."),
        Field("claims", "BIGINT", "Claims extracted from them."),
        Field("run_id", "VARCHAR", "Run whose load last changed the row."),
    ),
    load=written_by("rollup", "warehouse/rollups.py", "published_date", "outlet"),
    primary_key=("published_date", "outlet"),
    partitioned_by=("year(published_date)", "month(published_date)"),
)

FIGURE_CONFLICT_ROWS = Table(
    "figure_conflict_rows",
    "Conflicting figures across outlets (sql/derived/figure_conflicts.sql), recomputed with the claim clusters; "
    "read it through the figure_conflicts view.",
    (
        Field("cluster_or_topic", "VARCHAR", "The cluster id (basis cluster) or the entity's name (basis entity)."),
        Field("unit", "VARCHAR", "Normalised unit of the figures: troops, people, USD, percent ..."),
        Field("value_min", "DOUBLE", "Smallest conflicting value."),
        Field("value_max", "DOUBLE", "Largest conflicting value."),
        Field("outlets", "VARCHAR[]", "Outlets that published the conflicting figures."),
        Field("claims", "BIGINT", "How many claims take part."),
        Field("first_published", "TIMESTAMPTZ", "Earliest publication time among them."),
        Field("last_published", "TIMESTAMPTZ", "Latest publication time among them."),
        Field(
            "basis",
            "VARCHAR",
            "cluster: one statement reported differently; entity: claims about one entity in one week.",
        ),
        Field("entity_id", "VARCHAR", "The entity (basis entity), else NULL."),
        Field("figures", "VARCHAR[]", "The figures as written."),
        Field("claim_ids", "VARCHAR[]", "The claims that take part."),
        Field("run_id", "VARCHAR", "Run that recomputed them."),
    ),
    load=written_by("replace", "warehouse/state.py"),
)

TABLES = (
    SUPERSEDED_VERSIONS,
    ENTITY_DAY_COUNTS,
    ENTITY_OUTLET_COUNTS,
    OUTLET_DAY_COUNTS,
    FIGURE_CONFLICT_ROWS,
)
