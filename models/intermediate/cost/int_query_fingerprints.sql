{#
    One row per deduplicated query: its normalised text and fingerprint (macro
    query_fingerprint), so repeated shapes group together. Incremental like
    stg_system__query_history (same lookback var), so the regexps run only on re-read days.
    The regexps are the expensive part, so each DISTINCT text of the re-read days is normalised
    once and joined back: dashboards, jobs, alerts and dbt repeat their texts (the scale
    sandbox has ~42k distinct texts per 1M queries), and it also avoids normalising twice for
    the text and its hash.
    (Not a view: DuckDB 2.0 cannot create a view over "genie_analytics"."genie_analytics".x.)
#}
{{
    config(
        materialized='incremental',
        incremental_strategy=genie_analytics.incremental_strategy(),
        unique_key=genie_analytics.incremental_unique_key(['workspace_id', 'statement_id'], 'query_date'),
        partition_by=genie_analytics.partition_by_date('query_date'),
        liquid_clustered_by=genie_analytics.liquid_clustered_by(['query_date', 'workspace_id']),
        on_schema_change='append_new_columns',
    )
}}

with

queries as (
    select * from {{ ref('stg_system__query_history') }}
    where
        {{ genie_analytics.incremental_lookback_filter(
            source_column='query_date',
            target_date_column='query_date',
            lookback_days=var('query_history_lookback_days', 3),
            start_date=var('backfill_start_date', none),
        ) }}
),

distinct_texts as (
    select distinct statement_text
    from queries
    where statement_text is not null
),

normalized as (
    select
        statement_text,
        {{ genie_analytics.normalize_query_text('statement_text') }} as normalized_statement_text
    from distinct_texts
),

fingerprints as (
    select
        statement_text,
        normalized_statement_text,
        md5(normalized_statement_text) as query_fingerprint
    from normalized
),

final as (
    select
        queries.workspace_id,
        queries.statement_id,
        queries.query_date,
        fingerprints.normalized_statement_text,
        fingerprints.query_fingerprint
    from queries
    left join fingerprints
        on queries.statement_text = fingerprints.statement_text
)

select * from final
