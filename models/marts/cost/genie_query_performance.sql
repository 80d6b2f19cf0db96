{#
    One row per deduplicated query (query_id = statement_id) with the published columns mapped from
    the real system-table columns, what an optimiser needs (phases, spill, pruning, cache,
    source, fingerprint) and the query's cost from genie_cost_attribution.

    Incremental (incremental_window_start), whole query_date days REPLACED from the earliest of: max(query_date) - lookback, and the
    earliest query genie_cost_attribution rewrote since this model's last refresh.
#}
{#- Retention: nothing older than the retention start is rebuilt (retention_floor). -#}
{%- set window_call -%}
    genie_analytics.retention_floor(genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_cost_attribution'), 'date_column': 'cost_date'}]))
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('query_date', window_call) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

queries as (
    select * from {{ ref('stg_system__query_history') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

costs as (
    select * from {{ ref('genie_cost_attribution') }}
    where {{ genie_analytics.window_predicate('cost_date', from_date) }}
),

sourced as (
    select
        *,
        {# dbt-databricks tags the queries it runs; older versions without the @@ prefix. #}
        coalesce(
            {{ genie_analytics.map_get('query_tags', '@@dbt_model_name') }},
            {{ genie_analytics.map_get('query_tags', 'dbt_model_name') }}
        ) as dbt_model_name,
        {# query_source may name several entities; the most specific owner wins. #}
        case
            when query_source_job_id is not null then 'JOB'
            when query_source_pipeline_id is not null then 'PIPELINE'
            when query_source_genie_space_id is not null then 'GENIE_SPACE'
            when query_source_alert_id is not null then 'ALERT'
            when query_source_dashboard_id is not null then 'DASHBOARD'
            when query_source_legacy_dashboard_id is not null then 'LEGACY_DASHBOARD'
            when query_source_notebook_id is not null then 'NOTEBOOK'
            when query_source_sql_query_id is not null then 'SQL_QUERY'
        end as query_source_type,
        coalesce(
            query_source_job_id,
            query_source_pipeline_id,
            query_source_genie_space_id,
            query_source_alert_id,
            query_source_dashboard_id,
            query_source_legacy_dashboard_id,
            query_source_notebook_id,
            query_source_sql_query_id
        ) as query_source_id
    from queries
),

final as (
    select
        -- seed columns, mapped from the real ones
        sourced.statement_id as query_id,
        sourced.workspace_id,
        sourced.executed_by as user_id,
        sourced.statement_text as query_text,
        sourced.started_at as start_time,
        {# Bounded by the 2-day statement timeout (a longer span is zero-length): a far-future end_time cannot
           stretch busy intervals and concurrency over centuries; the raw value stays in
           stg_system__query_history.ended_at. #}
        {{ genie_analytics.statement_ended_at_bounded('sourced.started_at', 'sourced.ended_at') }} as end_time,
        sourced.total_duration_ms as duration_ms,
        sourced.read_rows as rows_read,
        sourced.read_bytes as bytes_read,
        costs.compute_cost_dbu,
        sourced.execution_status,
        sourced.cluster_id,
        sourced.warehouse_id,
        sourced.query_date,
        cast(extract(hour from sourced.started_at) as integer) as query_hour,

        -- identity and source
        sourced.executed_by_user_id,
        sourced.executed_as,
        sourced.compute_type,
        sourced.statement_type,
        sourced.client_application,
        case
            when sourced.query_source_type is not null then sourced.query_source_type
            when sourced.dbt_model_name is not null then 'DBT'
            else 'OTHER'
        end as query_source_type,
        sourced.query_source_id,
        sourced.query_source_job_id as job_id,
        sourced.query_source_job_run_id as job_run_id,
        sourced.query_source_dashboard_id as dashboard_id,
        sourced.query_source_alert_id as alert_id,
        sourced.query_source_notebook_id as notebook_id,
        sourced.query_source_genie_space_id as genie_space_id,
        sourced.dbt_model_name,
        sourced.query_fingerprint,

        -- time split
        coalesce(sourced.waiting_for_compute_duration_ms, 0)
        + coalesce(sourced.waiting_at_capacity_duration_ms, 0) as queue_duration_ms,
        sourced.waiting_for_compute_duration_ms,
        sourced.waiting_at_capacity_duration_ms,
        sourced.compilation_duration_ms,
        sourced.execution_duration_ms,
        sourced.result_fetch_duration_ms,
        sourced.total_task_duration_ms,

        -- scan, spill, cache, output
        sourced.read_files,
        sourced.pruned_files,
        case
            when coalesce(sourced.read_files, 0) + coalesce(sourced.pruned_files, 0) > 0
                then
                    cast(coalesce(sourced.pruned_files, 0) as double)
                    / cast(coalesce(sourced.read_files, 0) + coalesce(sourced.pruned_files, 0) as double)
        end as pruning_ratio,
        sourced.read_partitions,
        sourced.spilled_local_bytes,
        sourced.shuffle_read_bytes,
        sourced.is_from_result_cache,
        sourced.read_io_cache_percent,
        sourced.produced_rows,
        sourced.written_rows,
        sourced.written_files,
        sourced.written_bytes,
        sourced.error_message,

        -- status and cost
        sourced.execution_status = 'FAILED' as is_failed,
        sourced.is_genie_query,
        costs.estimated_cost_usd,
        costs.cost_status,
        coalesce(costs.is_cost_final, false) as is_cost_final,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from sourced
    left join costs
        on
            sourced.workspace_id = costs.workspace_id
            and sourced.statement_id = costs.query_id
)

select * from final
