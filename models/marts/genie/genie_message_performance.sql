{#
    One row per landed Genie message (message_details): the question, its outcome, the SQL Genie
    generated, and what that SQL cost to run: duration, rows, bytes, status, error and the
    attributed cost from the cost mart genie_query_performance (one row per deduplicated query,
    cost from genie_cost_attribution), joined on (workspace_id, statement_id = query_id). Space
    and workspace names come from genie_space_details and workspaces_latest.

    Messages without SQL (text answers, failures before SQL) keep null query columns.

    Several statements per message: when Genie corrects itself a message holds
    several query attachments; the LAST one is the answer (statement_id and the query_* columns
    describe it), and the message's cost is the sum over EVERY statement it ran (each distinct
    statement_id of its query attachments, plus the legacy query_result.statement_id), so a
    failed first attempt is not lost: query_cost_dbu/usd = all statements, answer_query_cost_* =
    the answer's share. A statement that query.history does not (yet) hold adds no cost and
    leaves is_query_cost_final false.

    Which statements a message ran comes from int_genie_message_statement_ids, their
    query-history and cost columns from int_genie_message_statements (incremental by the
    statement's day), so this table, rebuilt whole on every run, reads one row per Genie
    statement instead of genie_query_performance.
#}

with

messages as (
    select * from {{ ref('stg_genie_api__message_details') }}
),

message_statements as (
    select * from {{ ref('int_genie_message_statement_ids') }}
),

queries as (
    select * from {{ ref('int_genie_message_statements') }}
),

spaces as (
    select * from {{ ref('stg_genie_api__space_details') }}
),

workspaces as (
    select * from {{ ref('stg_system__workspaces') }}
),

statement_costs as (
    select
        message_statements.workspace_id,
        message_statements.message_id,
        cast(count(*) as bigint) as query_statement_count,
        cast(count(queries.statement_id) as bigint) as query_statements_in_history_count,
        sum(queries.compute_cost_dbu) as query_cost_dbu,
        sum(queries.estimated_cost_usd) as query_cost_usd,
        sum(queries.duration_ms) as query_total_duration_ms,
        min(case when queries.is_cost_final then 1 else 0 end) as all_costs_final_flag
    from message_statements
    left join queries
        on
            message_statements.workspace_id = queries.workspace_id
            and message_statements.message_id = queries.message_id
            and message_statements.statement_id = queries.statement_id
    group by message_statements.workspace_id, message_statements.message_id
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
        messages.fetch_state as message_fetch_state,
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
        coalesce(statement_costs.query_statement_count, 0) as query_statement_count,
        statement_costs.query_total_duration_ms,
        statement_costs.query_cost_dbu,
        statement_costs.query_cost_usd,
        queries.compute_cost_dbu as answer_query_cost_dbu,
        queries.estimated_cost_usd as answer_query_cost_usd,

        -- booleans
        statement_costs.message_id is not null as has_query,
        messages.statement_id is not null and queries.statement_id is not null as has_query_history,
        coalesce(
            statement_costs.query_statements_in_history_count = statement_costs.query_statement_count
            and statement_costs.all_costs_final_flag = 1,
            false
        ) as is_query_cost_final,
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
            and messages.message_id = queries.message_id
            and messages.statement_id = queries.statement_id
    left join statement_costs
        on
            messages.workspace_id = statement_costs.workspace_id
            and messages.message_id = statement_costs.message_id
    left join spaces
        on
            messages.workspace_id = spaces.workspace_id
            and messages.space_id = spaces.space_id
    left join workspaces
        on messages.workspace_id = workspaces.workspace_id
)

select * from final
