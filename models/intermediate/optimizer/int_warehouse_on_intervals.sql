{#
    One row per stretch of time a SQL warehouse was on, cut at UTC midnight: from each
    warehouse_events event that leaves it on (STARTING, RUNNING, SCALED_UP, SCALED_DOWN,
    STOPPING: billing runs until STOPPED) to the warehouse's next event. A last "on" event with
    no successor is closed at that event (zero length) rather than guessed.
#}
with

events as (
    select * from {{ ref('stg_system__warehouse_events') }}
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
        workspace_id,
        warehouse_id,
        segment_start_at,
        segment_end_at
    from segments
    where
        event_type in ('STARTING', 'RUNNING', 'SCALED_UP', 'SCALED_DOWN', 'STOPPING')
        and segment_end_at > segment_start_at
),

split_by_day as (
    select
        workspace_id,
        warehouse_id,
        segment_start_at,
        segment_end_at,
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
        ) as on_end_at
    from split_by_day
),

final as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        on_start_at,
        on_end_at,
        {{ genie_analytics.timestamp_diff_ms('on_start_at', 'on_end_at') }} as on_ms
    from clipped
    where on_end_at > on_start_at
)

select * from final
