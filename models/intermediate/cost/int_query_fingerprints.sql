{#
    One row per deduplicated query: its normalised text and fingerprint (macro
    query_fingerprint), so repeated shapes group together. Incremental like
    stg_system__query_history (same lookback var), so the regexps run only on re-read days.
    (Not a view: DuckDB 2.0 cannot create a view over "genie_analytics"."genie_analytics".x.)
#}
{{
    config(
        materialized='incremental',
        incremental_strategy=genie_analytics.cost_incremental_strategy(),
        unique_key=genie_analytics.cost_unique_key(['workspace_id', 'statement_id'], 'query_date'),
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

final as (
    select
        workspace_id,
        statement_id,
        query_date,
        {{ genie_analytics.normalize_query_text('statement_text') }} as normalized_statement_text,
        {{ genie_analytics.query_fingerprint('statement_text') }} as query_fingerprint
    from queries
)

select * from final
