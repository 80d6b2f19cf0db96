{#
    One row per event_date: how many message-action audit rows (distinct event_key of
    int_genie_audit_events_validated, usable or not) system.access.audit holds that day, and the
    latest event_time among them. genie_pipeline_validation sums it for its audit_rows_in_scope,
    so the hourly run no longer counts the whole audit history; only the days not
    wholly inside the loaded scope are counted from the audit log there.

    Rows without an event_date or an event_time are not counted: the validation's scope
    (event_date >= its first day and event_time <= the latest loaded event) never holds them.
    The sum of the days equals one count over the period because an event_key belongs to one
    day: an audit event_id is one event at one time, and a derived key (a row without event_id)
    hashes its event_at.

    Incremental by event_date (incremental_by_day_config): re-counts from the earlier of its own
    latest day (lookback 0: that day's later rows) and the first day the Genie bronze model
    replaced in its latest run (genie_bronze_recorded_window_start; the rejected model reads the
    same window), so every late audit row bronze and rejected picked up is counted with them.
    First build / --full-refresh: from the first window bronze and rejected recorded
    (genie_loaded_scope), the first day the validation sums. If this model fails in a run whose
    bronze re-read older days, those days stay uncounted until a --full-refresh of this model:
    the validation's adds-up test then reports it (audit rows in scope != bronze + rejected).
#}
-- depends_on: {{ ref('genie_audit_message_events') }}
-- depends_on: {{ ref('genie_audit_rejected_events') }}
{%- set window_call -%}
    genie_analytics.incremental_window_start('event_date', lookback_days=0, also_from=[genie_analytics.genie_bronze_recorded_window_start()], floor_var='genie_start_date', first_build_start=genie_analytics.genie_loaded_scope()['first_date'])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('event_date', window_call, clustered_by=[]) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

validated as (
    select * from {{ ref('int_genie_audit_events_validated') }}
    where
        {{ genie_analytics.window_predicate('event_date', from_date) }}
        and event_date is not null
        and event_time is not null
),

final as (
    select
        -- numerics
        cast(count(distinct event_key) as bigint) as audit_row_count,

        -- dates
        event_date,

        -- timestamps
        max(event_time) as last_event_at
    from validated
    group by event_date
)

select * from final
