-- p50/p95/p99 of query duration (ms) per day for the workspace filter (genie_daily_query_latency,
-- percentile_cont; workspace_scope 'all' = every workspace), in long form: one row per day and
-- percentile.
select query_date, 'p50' as percentile, p50_duration_ms as duration_ms
from genie_daily_query_latency
where
    workspace_scope = :workspace
    and query_date between :date_range.min and :date_range.max
union all
select query_date, 'p95' as percentile, p95_duration_ms as duration_ms
from genie_daily_query_latency
where
    workspace_scope = :workspace
    and query_date between :date_range.min and :date_range.max
union all
select query_date, 'p99' as percentile, p99_duration_ms as duration_ms
from genie_daily_query_latency
where
    workspace_scope = :workspace
    and query_date between :date_range.min and :date_range.max
