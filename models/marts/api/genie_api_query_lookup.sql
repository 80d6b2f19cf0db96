{#
    The API's point lookup by query id (GET /api/v1/query-performance/{query_id}): the columns the
    endpoint returns, one row per (workspace_id, query_id), stored sorted by query_id. Statement
    ids are random UUIDs, so in genie_query_performance (laid out by date and workspace) a lookup
    by id reads every row group. Here DuckDB gets an ART index on query_id (post_hook; the sort
    also lets min/max statistics skip row groups), and Databricks liquid clustering on query_id
    gives the same file skipping.
    The dashboard's query deep dive (dashboards/datasets/dive_statement.sql, dive_phases.sql)
    reads it too: the phases, the query source, the billing windows the query
    overlapped (genie_cost_attribution) and the first 1,000 characters of its text, so one page
    view is an index lookup, not a scan of genie_query_performance and genie_cost_attribution.

    Incremental by query_date (it was a table copied whole from
    genie_query_performance every run): each run re-copies the days from incremental_window_start
    (max(query_date) - var('cost_lookback_days'), or the first day genie_query_performance or
    genie_cost_attribution rewrote since this model's last run) and replaces them; the same
    replace predicate removes the days genie_query_performance no longer holds (its retention
    moved them to its archive: `query_date < first day it holds`, macro first_day_held), so the
    table equals a full build.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}, {'relation': ref('genie_cost_attribution'), 'date_column': 'cost_date'}])
{%- endset -%}
{%- set first_day_call = "genie_analytics.first_day_held(ref('genie_query_performance'), 'query_date')" -%}
{#- Clustered by query_id first (the point lookup), then the date. -#}
{{ genie_analytics.incremental_by_day_config(
    'query_date', window_call,
    clustered_by=['query_id', 'query_date'],
    or_before_call=first_day_call,
    post_hooks=["{{ genie_analytics.create_point_lookup_index(['query_id']) }}"],
) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

costs as (
    select
        workspace_id,
        query_id,
        usage_quantity,
        billing_window_count
    from {{ ref('genie_cost_attribution') }}
    where {{ genie_analytics.window_predicate('cost_date', from_date) }}
),

final as (
    select
        queries.query_id,
        queries.workspace_id,
        queries.user_id as executed_by,
        queries.warehouse_id,
        queries.query_fingerprint,
        queries.execution_status,
        queries.statement_type,
        queries.query_source_type,
        queries.cost_status,
        queries.duration_ms,
        queries.waiting_for_compute_duration_ms,
        queries.waiting_at_capacity_duration_ms,
        queries.compilation_duration_ms,
        queries.execution_duration_ms,
        queries.result_fetch_duration_ms,
        queries.rows_read,
        queries.bytes_read,
        queries.compute_cost_dbu,
        queries.estimated_cost_usd,
        costs.usage_quantity as billing_windows_dbu,
        costs.billing_window_count,
        queries.is_cost_final,
        queries.query_date,
        queries.start_time,
        queries.end_time,
        substr(queries.query_text, 1, 1000) as query_text
    from queries
    left join costs
        on
            queries.workspace_id = costs.workspace_id
            and queries.query_id = costs.query_id
)

select * from final
order by query_id
