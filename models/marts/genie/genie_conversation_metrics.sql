{#
    One row per Genie conversation with landed messages: how many questions, how they ended,
    how long the conversation ran, and what its SQL cost, from genie_message_performance:
    total_query_cost_* sums every statement of every message (failed first attempts included),
    answer_query_cost_* only the statements that answered.
#}

with

messages as (
    select * from {{ ref('genie_message_performance') }}
),

final as (
    select
        -- ids
        workspace_id,
        conversation_id,
        max(space_id) as space_id,
        max(user_id) as user_id,

        -- strings
        max(workspace_name) as workspace_name,
        max(space_title) as space_title,

        -- numerics
        cast(count(*) as bigint) as message_count,
        cast(sum(case when message_status = 'COMPLETED' then 1 else 0 end) as bigint) as completed_message_count,
        cast(sum(case when message_status = 'FAILED' then 1 else 0 end) as bigint) as failed_message_count,
        cast(sum(case when has_query then 1 else 0 end) as bigint) as query_count,
        cast(sum(query_statement_count) as bigint) as query_statement_count,
        cast(sum(case when message_fetch_state = 'PENDING' then 1 else 0 end) as bigint)
            as pending_message_count,
        cast(sum(case when feedback_rating = 'POSITIVE' then 1 else 0 end) as bigint) as thumbs_up_count,
        cast(sum(case when feedback_rating = 'NEGATIVE' then 1 else 0 end) as bigint) as thumbs_down_count,
        max(updated_epoch_ms) - min(created_epoch_ms) as conversation_duration_ms,
        sum(message_duration_ms) as total_message_duration_ms,
        sum(query_total_duration_ms) as total_query_duration_ms,
        sum(query_read_bytes) as total_query_read_bytes,
        sum(query_cost_dbu) as total_query_cost_dbu,
        sum(query_cost_usd) as total_query_cost_usd,
        sum(answer_query_cost_dbu) as answer_query_cost_dbu,
        sum(answer_query_cost_usd) as answer_query_cost_usd,
        cast(sum(case when has_query and not is_query_cost_final then 1 else 0 end) as bigint)
            as queries_awaiting_cost_count,

        -- timestamps
        min(message_created_at) as first_message_at,
        max(message_updated_at) as last_message_at
    from messages
    group by workspace_id, conversation_id
)

select * from final
