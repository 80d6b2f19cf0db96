{#
    Nothing read from the audit log disappears silently, and nothing is counted twice: every
    message-action audit row (distinct event_key) from the first window start recorded in
    bronze / rejected up to the latest event they hold is in exactly one of
    genie_audit_message_events and genie_audit_rejected_events. Returns the offending rows.
#}

with

validated as (
    select * from {{ ref('int_genie_audit_events_validated') }}
),

bronze as (
    select
        event_id as event_key,
        _window_start_at,
        event_time
    from {{ ref('genie_audit_message_events') }}
),

rejected as (
    select
        event_key,
        _window_start_at,
        event_time
    from {{ ref('genie_audit_rejected_events') }}
),

loaded as (
    select * from bronze
    union all
    select * from rejected
),

scope as (
    select
        cast(min(_window_start_at) as date) as initial_start_date,
        max(event_time) as max_event_at
    from loaded
),

read_keys as (
    select distinct validated.event_key
    from validated
    cross join scope
    where
        validated.event_date >= scope.initial_start_date
        and validated.event_time <= scope.max_event_at
),

placement as (
    select
        read_keys.event_key,
        case when bronze.event_key is not null then 1 else 0 end
        + case when rejected.event_key is not null then 1 else 0 end as times_loaded
    from read_keys
    left join bronze
        on read_keys.event_key = bronze.event_key
    left join rejected
        on read_keys.event_key = rejected.event_key
),

final as (
    select
        event_key,
        times_loaded,
        case when times_loaded = 0 then 'lost' else 'in bronze and rejected' end as problem
    from placement
    where times_loaded != 1
)

select * from final
