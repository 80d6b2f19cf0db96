{#
    Nothing read from the audit log disappears silently, and nothing is counted twice: every
    message-action audit row (distinct event_key) from the first window start recorded in
    bronze / rejected up to the latest event they hold is in exactly one of
    genie_audit_message_events and genie_audit_rejected_events. Returns the offending rows.

    The scope is compared as literals (genie_loaded_scope, a compile-time query), so the audit
    log is pruned on event_date; on incremental runs only the days of the data tests' window
    are checked (data_tests_window_start: --full-refresh or var data_tests_lookback_days null
    checks everything).
#}
{%- set loaded = genie_analytics.genie_loaded_scope() -%}
{%- set window_from = genie_analytics.later_date(loaded['first_date'],
    genie_analytics.data_tests_window_start(ref('genie_audit_message_events'), 'event_date')) -%}
{%- set in_scope_predicate = '1 = 0' if loaded['first_date'] is none else
    genie_analytics.window_predicate('event_date', window_from)
    ~ " and event_time <= cast('" ~ loaded['max_event_at'] ~ "' as timestamp)" %}

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
    where {{ genie_analytics.window_predicate('event_date', window_from) }}
),

rejected as (
    select
        event_key,
        _window_start_at,
        event_time
    from {{ ref('genie_audit_rejected_events') }}
    where {{ genie_analytics.window_predicate('event_date', window_from) }}
),

read_keys as (
    select distinct event_key
    from validated
    where {{ in_scope_predicate }}
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
