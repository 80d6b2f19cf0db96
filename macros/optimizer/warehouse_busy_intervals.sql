{#
    Busy intervals (gaps and islands) of the queries in `queries` (a CTE or relation with
    workspace_id, warehouse_id, query_id, start_time, end_time; rows without a
    warehouse or with end_time <= start_time are skipped): one row per (workspace_id, warehouse_id, usage_date, island_number) with
    busy_start_at, busy_end_at, busy_ms and query_count; intervals cut at UTC midnight.
    The SQL of int_warehouse_busy_intervals, as a macro so genie_warehouse_utilization computes
    it over the queries of its re-read window only (a where on the view's usage_date cannot be
    pushed below its window functions: the view read all of genie_query_performance).
    `from_date` ('YYYY-MM-DD' or none) keeps only the days from it (a query that started
    earlier contributes its part of those days).
#}
{% macro warehouse_busy_intervals(queries, from_date=none) -%}
    with
    split_by_day as (
    select
        workspace_id,
        warehouse_id,
        query_id,
        start_time,
        end_time,
        {{ genie_analytics.explode_array(genie_analytics.day_buckets('start_time', 'end_time')) }} as day_bucket
    from {{ queries }}
    where
        warehouse_id is not null
        and start_time is not null
        and end_time > start_time
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
    where {{ genie_analytics.window_predicate('usage_date', from_date) }}
{%- endmacro %}
