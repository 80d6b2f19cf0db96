{#
    One row per stretch of time a SQL warehouse was on, cut at UTC midnight: from each
    warehouse_events event that leaves it on (STARTING, RUNNING, SCALED_UP, SCALED_DOWN,
    STOPPING: billing runs until STOPPED) to the warehouse's next event.

    A last "on" event with no successor means the warehouse is still on as far as the data
    knows: its stretch is closed at the DATA HORIZON, the latest moment any
    of the sources that describe warehouses has data for: the latest warehouse event (of any
    warehouse), the latest end of a SQL-warehouse billing window, and the latest end of a
    query (bounded by the statement timeout, macro statement_ended_at_bounded), never later
    than the run's start (run_started_at, UTC). Closing it at its own timestamp instead (zero length) lost its on-time, let busy
    time exceed on-time and hid its idle cost. When a later event arrives (the STOPPED), the
    incremental marts re-read the days it touches and the stretch ends there instead.
#}
with

events as (
    select * from {{ ref('stg_system__warehouse_events') }}
),

horizon as (
    -- Capped at the run's start: a source timestamp in the future (e.g. end_time 9999-12-31)
    -- must not stretch every open stretch to it (a row explosion).
    select
        least(
            max(horizon_at),
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
        ) as horizon_at
    from (
        select max(event_at) as horizon_at from events
        union all
        {# The newest rows are on the latest days: each table is read from its latest day
           minus the longest a row can span (a literal, latest_days_predicate), not whole,
           so the date partitions prune. Billing windows are at most a day long; a statement
           runs at most var('cost_max_query_days') days (statement timeout). #}
        select max(usage_end_at) as horizon_at
        from {{ ref('stg_system__billing_usage') }}
        where
            warehouse_id is not null
            and {{ genie_analytics.latest_days_predicate(ref('stg_system__billing_usage'), 'usage_date', 1) }}
        union all
        {# The bounded end: an end_time of 9999-12-31 must not become the horizon. #}
        select
            max({{ genie_analytics.statement_ended_at_bounded('started_at', 'ended_at') }})
                as horizon_at
        from {{ ref('stg_system__query_history') }}
        where
            warehouse_id is not null
            and {{ genie_analytics.latest_days_predicate(ref('stg_system__query_history'), 'query_date', var('cost_max_query_days')) }}
    ) as latest_by_source
),

segments as (
    select
        workspace_id,
        warehouse_id,
        event_type,
        event_at as segment_start_at,
        lead(event_at) over (
            partition by workspace_id, warehouse_id
            order by event_at, event_type
        ) as segment_end_at
    from events
),

on_segments as (
    select
        segments.workspace_id,
        segments.warehouse_id,
        segments.segment_start_at,
        coalesce(segments.segment_end_at, horizon.horizon_at) as segment_end_at,
        segments.segment_end_at is null as is_open
    from segments
    cross join horizon
    where
        segments.event_type in ('STARTING', 'RUNNING', 'SCALED_UP', 'SCALED_DOWN', 'STOPPING')
        and coalesce(segments.segment_end_at, horizon.horizon_at) > segments.segment_start_at
),

split_by_day as (
    select
        workspace_id,
        warehouse_id,
        segment_start_at,
        segment_end_at,
        is_open,
        {{ genie_analytics.explode_array(genie_analytics.day_buckets('segment_start_at', 'segment_end_at')) }} as day_bucket
    from on_segments
),

clipped as (
    select
        workspace_id,
        warehouse_id,
        cast(day_bucket as date) as usage_date,
        greatest(segment_start_at, cast(cast(day_bucket as date) as timestamp)) as on_start_at,
        least(
            segment_end_at,
            cast({{ genie_analytics.date_add_days('day_bucket', 1) }} as timestamp)
        ) as on_end_at,
        is_open
    from split_by_day
),

final as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        on_start_at,
        on_end_at,
        {{ genie_analytics.timestamp_diff_ms('on_start_at', 'on_end_at') }} as on_ms,
        is_open as is_open_at_horizon
    from clipped
    where on_end_at > on_start_at
)

select * from final
