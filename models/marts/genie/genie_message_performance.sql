{#
    One row per landed Genie message (message_details): the question, its outcome, the SQL Genie
    generated, and what that SQL cost to run: duration, rows, bytes, status, error and the
    attributed cost from the cost mart genie_query_performance (one row per deduplicated query,
    cost from genie_cost_attribution), joined on (workspace_id, statement_id = query_id). Space
    and workspace names come from genie_space_details and workspaces_latest.

    Messages without SQL (text answers, failures before SQL) keep null query columns.
#}

with

messages as (
    select * from {{ ref('stg_genie_api__message_details') }}
),

queries as (
    select * from {{ ref('genie_query_performance') }}
),

spaces as (
    select * from {{ ref('stg_genie_api__space_details') }}
),

workspaces as (
    select * from {{ ref('stg_system__workspaces') }}
),

final as (
    select
        -- ids
        messages.workspace_id,
        messages.message_id,
        messages.space_id,
        messages.conversation_id,
        messages.statement_id,
        messages.user_id,
        queries.warehouse_id,

        -- strings
        coalesce(workspaces.workspace_name, messages.workspace_name) as workspace_name,
        spaces.space_title,
        messages.question,
        messages.message_status,
        messages.message_error_type,
        messages.feedback_rating,
        messages.query_sql,
        messages.query_description,
        queries.execution_status as query_status,
        queries.error_message as query_error_message,

        -- numerics
        messages.attachments_count,
        {# epoch-ms arithmetic: exact, null-safe and identical on every engine #}
        messages.updated_epoch_ms - messages.created_epoch_ms as message_duration_ms,
        messages.created_epoch_ms,
        messages.updated_epoch_ms,
        queries.duration_ms as query_duration_ms,
        queries.execution_duration_ms as query_execution_duration_ms,
        queries.queue_duration_ms as query_queue_duration_ms,
        queries.produced_rows as query_produced_rows,
        queries.rows_read as query_read_rows,
        queries.bytes_read as query_read_bytes,
        queries.compute_cost_dbu as query_cost_dbu,
        queries.estimated_cost_usd as query_cost_usd,

        -- booleans
        messages.statement_id is not null as has_query,
        messages.statement_id is not null and queries.query_id is not null as has_query_history,
        coalesce(queries.is_cost_final, false) as is_query_cost_final,
        coalesce(queries.is_from_result_cache, false) as is_query_from_result_cache,

        -- dates
        messages.created_date as message_created_date,

        -- timestamps
        messages.message_created_at,
        messages.message_updated_at,
        queries.start_time as query_started_at,
        queries.end_time as query_ended_at,
        messages.api_fetched_at
    from messages
    left join queries
        on
            messages.workspace_id = queries.workspace_id
            and messages.statement_id = queries.query_id
    left join spaces
        on
            messages.workspace_id = spaces.workspace_id
            and messages.space_id = spaces.space_id
    left join workspaces
        on messages.workspace_id = workspaces.workspace_id
)

select * from final
