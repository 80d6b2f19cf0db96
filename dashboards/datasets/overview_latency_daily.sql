-- p50/p95/p99 of query duration (ms) per day over every query of the filter (percentile_cont,
-- like genie_daily_performance), in long form: one row per day and percentile.
with daily as (
    select
        query_date,
        percentile_cont(0.5) within group (order by duration_ms) as p50_ms,
        percentile_cont(0.95) within group (order by duration_ms) as p95_ms,
        percentile_cont(0.99) within group (order by duration_ms) as p99_ms
    from genie_query_performance
    where
        (:workspace = 'all' or cast(workspace_id as string) = :workspace)
        and query_date between :date_range.min and :date_range.max
        and duration_ms is not null
    group by query_date
)

select query_date, 'p50' as percentile, p50_ms as duration_ms from daily
union all
select query_date, 'p95' as percentile, p95_ms as duration_ms from daily
union all
select query_date, 'p99' as percentile, p99_ms as duration_ms from daily
