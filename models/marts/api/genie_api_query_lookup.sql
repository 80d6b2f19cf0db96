{#
    The API's point lookup by query id (GET /api/v1/query-performance/{query_id}): the columns the
    endpoint returns, one row per (workspace_id, query_id), stored sorted by query_id. Statement
    ids are random UUIDs, so in genie_query_performance (laid out by date and workspace) a lookup
    by id reads every row group. Here DuckDB gets an ART index on query_id (post_hook; the sort
    also lets min/max statistics skip row groups), and Databricks liquid clustering on query_id
    gives the same file skipping.
    The dashboard's query deep dive (dashboards/datasets/dive_statement.sql, dive_phases.sql)
    reads it too (issue 14): the phases, the query source, the billing windows the query
    overlapped (genie_cost_attribution) and the first 1,000 characters of its text, so one page
    view is an index lookup, not a scan of genie_query_performance and genie_cost_attribution.
#}
{{ config(
    liquid_clustered_by=['query_id'],
    post_hook=["{{ genie_analytics.create_point_lookup_index(['query_id']) }}"],
) }}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

costs as (
    select
        workspace_id,
        query_id,
        usage_quantity,
        billing_window_count
    from {{ ref('genie_cost_attribution') }}
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
