-- Genie message latency per day: p50/p95 of message_duration_ms (created -> last update), long form.
with daily as (
    select
        message_created_date,
        percentile_cont(0.5) within group (order by message_duration_ms) as p50_ms,
        percentile_cont(0.95) within group (order by message_duration_ms) as p95_ms
    from genie_message_performance
    where
        (:workspace = 'all' or cast(workspace_id as string) = :workspace)
        and message_created_date between :date_range.min and :date_range.max
        and message_duration_ms is not null
    group by message_created_date
)

select message_created_date, 'p50' as percentile, p50_ms as duration_ms from daily
union all
select message_created_date, 'p95' as percentile, p95_ms as duration_ms from daily
