{#
    One row per (workspace_id, message_id, statement_id) of a landed Genie message whose
    statement is in genie_query_performance: the statement's query-history and cost columns,
    laid out by the statement's query_date. genie_message_performance reads this table, not the
    900M-row genie_query_performance, so building it reads only the re-read days.

    Incremental by query_date (incremental_by_day_config): re-computes the days from the
    earliest of max(query_date) - var('cost_lookback_days'), the first day
    genie_query_performance replaced since this model's last run (the incremental run log), and
    the creation day of every message landed again since then (ingested_at past this model's
    max(ingested_at): a re-fetch can add or drop statements). A message's statements start
    after the message was created (Genie runs the SQL it writes for the question), so a
    message created on day C holds statements of days >= C only. Statements that query history
    does not hold yet have no row here; they appear when genie_query_performance has them.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}, {'relation': ref('stg_genie_api__message_details'), 'date_column': 'created_date', 'changed_column': 'ingested_at'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('query_date', window_call) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

messages as (
    select * from {{ ref('stg_genie_api__message_details') }}
),

message_statements as (
    {# Every statement the message ran: its query attachments and the legacy query_result one. #}
    select * from {{ ref('int_genie_message_statement_ids') }}
),

queries as (
    select * from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

message_landings as (
    select
        workspace_id,
        message_id,
        max(ingested_at) as ingested_at
    from messages
    group by workspace_id, message_id
),

final as (
    select
        message_statements.workspace_id,
        message_statements.message_id,
        message_statements.statement_id,
        queries.warehouse_id,
        queries.execution_status,
        queries.error_message,
        queries.duration_ms,
        queries.execution_duration_ms,
        queries.queue_duration_ms,
        queries.produced_rows,
        queries.rows_read,
        queries.bytes_read,
        queries.compute_cost_dbu,
        queries.estimated_cost_usd,
        queries.is_cost_final,
        queries.is_from_result_cache,
        queries.query_date,
        queries.start_time,
        queries.end_time,
        message_landings.ingested_at,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from message_statements
    inner join queries
        on
            message_statements.workspace_id = queries.workspace_id
            and message_statements.statement_id = queries.query_id
    left join message_landings
        on
            message_statements.workspace_id = message_landings.workspace_id
            and message_statements.message_id = message_landings.message_id
)

select * from final
