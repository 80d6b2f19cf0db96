{#
    Busy time of each SQL warehouse: the union of its queries' [start_time, end_time)
    intervals, cut at UTC midnight, one row per maximal busy stretch (gaps and islands).
    Overlapping queries count once, so busy time can never exceed wall-clock time.

    Islands: in start order, a query opens a new stretch when it starts after every earlier
    query of that warehouse and day has ended (the running max of their ends).
#}
with

queries as (
    select * from {{ ref('genie_query_performance') }}
    where
        warehouse_id is not null
        and start_time is not null
        and end_time > start_time
),

split_by_day as (
    select
        workspace_id,
        warehouse_id,
        query_id,
        start_time,
        end_time,
        {{ genie_analytics.explode_array(genie_analytics.day_buckets('start_time', 'end_time')) }} as day_bucket
    from queries
),

clipped as (
    select
        workspace_id,
        warehouse_id,
        query_id,
        cast(day_bucket as date) as usage_date,
        greatest(start_time, cast(cast(day_bucket as date) as timestamp)) as interval_start_at,
        least(end_time, cast({{ genie_analytics.date_add_days('day_bucket', 1) }} as timestamp)) as interval_end_at
    from split_by_day
),

ordered as (
    select
        *,
        max(interval_end_at) over (
            partition by workspace_id, warehouse_id, usage_date
            order by interval_start_at, interval_end_at, query_id
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end_at
    from clipped
    where interval_end_at > interval_start_at
),

numbered as (
    select
        *,
        sum(case when previous_max_end_at is null or interval_start_at > previous_max_end_at then 1 else 0 end) over (
            partition by workspace_id, warehouse_id, usage_date
            order by interval_start_at, interval_end_at, query_id
            rows between unbounded preceding and current row
        ) as island_number
    from ordered
),

final as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        island_number,
        min(interval_start_at) as busy_start_at,
        max(interval_end_at) as busy_end_at,
        {{ genie_analytics.timestamp_diff_ms('min(interval_start_at)', 'max(interval_end_at)') }} as busy_ms,
        count(*) as query_count
    from numbered
    group by
        workspace_id,
        warehouse_id,
        usage_date,
        island_number
)

select * from final
