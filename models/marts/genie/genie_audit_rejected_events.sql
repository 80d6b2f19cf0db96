{#
    Audit rows of message actions that failed validation, with the reason (rules in
    int_genie_audit_events_validated): the other half of bronze, so nothing read disappears
    silently. Incremental by event_date over the same audit window bronze read (bronze records
    its window; this model re-reads from there and replaces those days whole).
#}
{#- Whole days from the window start are REPLACED, not merged, so an event that moved between
    bronze and rejected, or vanished, leaves its old table
    (macros/incremental/incremental_config.sql). #}
{%- set window_call = "genie_analytics.genie_audit_window_start(for_rejected=true)" -%}
{{ genie_analytics.incremental_by_day_config('event_date', window_call) }}

-- depends_on: {{ ref('genie_audit_message_events') }}
{#- (the window start is read from bronze at run time, so dbt must build bronze first) #}
{%- set window_start = genie_analytics.render_window_start(window_call) %}

with

events as (
    select * from {{ ref('int_genie_audit_events_validated') }}
    where
        rejection_reason is not null
        and event_date >= cast('{{ window_start }}' as date)
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_key
            order by event_time asc, action_name asc
        ) as delivery_rank
    from events
),

final as (
    select
        -- ids
        event_key,
        event_id,
        workspace_id,
        space_id,
        conversation_id,
        message_id,
        request_space_id,
        request_conversation_id,
        request_message_id,
        result_space_id,
        result_conversation_id,
        result_message_id,

        -- strings
        rejection_reason,
        action_name,
        user_email,
        response_result,
        response_error_message,

        -- numerics
        status_code,

        -- booleans
        is_result_json_valid,

        -- dates
        event_date,

        -- timestamps
        event_time,
        cast('{{ window_start }}' as timestamp) as _window_start_at,
        cast({{ dbt.current_timestamp() }} as timestamp) as _dbt_loaded_at
    from ranked
    where delivery_rank = 1
)

select * from final
