{#
    Bronze: one row per usable aibiGenie message event (the valid half of
    int_genie_audit_events_validated), incremental by whole days (event_id is the grain).

    Each run re-reads whole days from genie_audit_window_start() (load modes: see
    macros/genie/genie_audit_window.sql and the README) and deduplicates them, so audit rows that
    arrive late inside the window, and duplicate deliveries of one event, land exactly once.
#}
{#- Whole days from the window start are REPLACED, not merged, so an event that moved between
    bronze and rejected, or vanished, leaves its old table
    (macros/incremental/incremental_config.sql). #}
{%- set window_call = "genie_analytics.genie_audit_window_start()" -%}
{{ genie_analytics.incremental_by_day_config('event_date', window_call) }}

{%- set window_start = genie_analytics.render_window_start(window_call) %}

with

events as (
    select * from {{ ref('int_genie_audit_events_validated') }}
    where
        rejection_reason is null
        and event_date >= cast('{{ window_start }}' as date)
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id
            order by event_time asc, action_name asc, message_id asc
        ) as delivery_rank
    from events
),

final as (
    select
        -- ids
        event_id,
        workspace_id,
        space_id,
        conversation_id,
        message_id,

        -- strings
        action_name,
        user_email,
        feedback_rating,
        id_source,

        -- numerics
        status_code,

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
