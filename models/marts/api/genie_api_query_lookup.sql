{#
    The API's point lookup by query id (GET /api/v1/query-performance/{query_id}): the columns the
    endpoint returns, one row per (workspace_id, query_id), stored sorted by query_id. Statement
    ids are random UUIDs, so in genie_query_performance (laid out by date and workspace) a lookup
    by id reads every row group. Here DuckDB gets an ART index on query_id (post_hook; the sort
    also lets min/max statistics skip row groups), and Databricks liquid clustering on query_id
    gives the same file skipping.
#}
{{ config(
    liquid_clustered_by=['query_id'],
    post_hook=["{{ genie_analytics.create_point_lookup_index(['query_id']) }}"],
) }}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

final as (
    select
        query_id,
        workspace_id,
        user_id as executed_by,
        warehouse_id,
        query_fingerprint,
        execution_status,
        statement_type,
        cost_status,
        duration_ms,
        rows_read,
        bytes_read,
        compute_cost_dbu,
        estimated_cost_usd,
        is_cost_final,
        query_date,
        start_time,
        end_time
    from queries
)

select * from final
order by query_id
