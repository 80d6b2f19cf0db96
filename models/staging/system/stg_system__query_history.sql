{#
    Documented exception to "staging is a view": at ~10M statements a day a view that
    window-deduplicates all history is too slow, so this model is incremental. Each run
    re-reads whole days from max(query_date) - var('query_history_lookback_days')
    (incremental_window_start) and deduplicates them; those days are replaced whole
    (reread_days_strategy: REPLACE WHERE on Databricks, so the target is pruned to the window,
    no MERGE over the whole table). var('backfill_start_date') bounds the first / full build.

    The query fingerprint (normalised text and its md5, macro normalize_query_text) is computed
    here, where the text is first read, rather than in a model of its own: a per-row function of
    one source column, and at 10M queries a day a separate model re-read and re-wrote every
    re-read statement once more (the figures: bench/NOTES.md). The optimiser's text rules
    (int_query_rule_findings) read it here.
#}
{%- set window_call = "genie_analytics.incremental_window_start('query_date', lookback_days=var('query_history_lookback_days'))" -%}
{{ genie_analytics.incremental_by_day_config('query_date', window_call) }}
{%- set window_start = genie_analytics.render_window_start(window_call) %}

{# sqlfluff reads struct field access (e.g. compute.warehouse_id) as a table-qualified column, so RF03 (consistent qualification) cannot hold here. #}
-- noqa: disable=RF03
with

source as (
    select * from {{ source('query', 'history') }}
    where
        {{ genie_analytics.window_predicate('start_time', window_start, data_type='timestamp') }}
),

classified as (
    {# Null keys go to stg_system__rows_quarantined; versions of one statement are progress
       updates, deduplicated below by update_time, not conflicts. #}
    {{ genie_analytics.classify_system_rows('source', ['workspace_id', 'statement_id'], required_columns=['start_time'], check_conflicts=false) }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, statement_id
            {# Latest progress update wins; ties go to a terminal status, then the later end,
               then the longer duration, then the status text (descending), so reruns pick the
               same row. One composite key, all parts descending with nulls mapped below every
               real value (see macro sort_key for why it is one key). #}
            order by {{ genie_analytics.sort_key([
                "coalesce(update_time, cast('0001-01-01' as timestamp))",
                "case when execution_status in ('FINISHED', 'FAILED', 'CANCELED') then 1 else 0 end",
                "coalesce(end_time, cast('0001-01-01' as timestamp))",
                "coalesce(total_duration_ms, -1)",
                "coalesce(execution_status, '')",
            ]) }} desc
        ) as update_rank
    from classified
    where _quarantine_reason is null
),

deduplicated as (
    select * from ranked
    where update_rank = 1
),

renamed as (
    select
        -- ids
        statement_id,
        workspace_id,
        account_id,
        compute.warehouse_id as warehouse_id,
        compute.cluster_id as cluster_id,
        session_id,
        executed_by_user_id,
        executed_as_user_id,
        cache_origin_statement_id,
        query_source.job_info.job_id as query_source_job_id,
        query_source.job_info.job_run_id as query_source_job_run_id,
        query_source.job_info.job_task_run_id as query_source_job_task_run_id,
        query_source.legacy_dashboard_id as query_source_legacy_dashboard_id,
        query_source.dashboard_id as query_source_dashboard_id,
        query_source.alert_id as query_source_alert_id,
        query_source.notebook_id as query_source_notebook_id,
        query_source.sql_query_id as query_source_sql_query_id,
        query_source.genie_space_id as query_source_genie_space_id,
        query_source.pipeline_info.pipeline_id as query_source_pipeline_id,
        query_source.pipeline_info.update_id as query_source_pipeline_update_id,

        -- strings
        compute.type as compute_type,
        executed_by,
        executed_as,
        execution_status,
        statement_type,
        statement_text,
        error_message,
        client_application,
        client_driver,
        query_tags,

        -- numerics
        total_duration_ms,
        waiting_for_compute_duration_ms,
        waiting_at_capacity_duration_ms,
        compilation_duration_ms,
        execution_duration_ms,
        result_fetch_duration_ms,
        total_task_duration_ms,
        read_partitions,
        read_files,
        pruned_files,
        read_files_bytes,
        pruned_files_bytes,
        read_rows,
        read_bytes,
        cast(read_io_cache_percent as integer) as read_io_cache_percent,
        produced_rows,
        spilled_local_bytes,
        shuffle_read_bytes,
        written_rows,
        written_bytes,
        written_files,

        -- booleans
        coalesce(from_result_cache, false) as is_from_result_cache,
        query_source.genie_space_id is not null as is_genie_query,

        -- dates
        cast(start_time as date) as query_date,

        -- timestamps
        start_time as started_at,
        end_time as ended_at,
        update_time as updated_at
    from deduplicated
),

normalized as (
    select
        *,
        {{ genie_analytics.normalize_query_text('statement_text') }} as normalized_statement_text
    from renamed
),

fingerprinted as (
    select
        *,
        md5(normalized_statement_text) as query_fingerprint
    from normalized
)

select * from fingerprinted
