-- History of the statement's query shape (its fingerprint) per day in the period: runs, p95
-- duration (ms, percentile_cont) and attributed USD.
with q as (
    select
        workspace_id,
        query_fingerprint
    from genie_query_performance
    where
        query_id = :statement_id
        and (:workspace = 'all' or cast(workspace_id as string) = :workspace)
)

select
    h.query_date,
    count(*) as run_count,
    percentile_cont(0.95) within group (order by h.duration_ms) as p95_duration_ms,
    sum(h.estimated_cost_usd) as cost_usd
from genie_query_performance as h
inner join q
    on h.workspace_id = q.workspace_id and h.query_fingerprint = q.query_fingerprint
where h.query_date between :date_range.min and :date_range.max
group by h.query_date
