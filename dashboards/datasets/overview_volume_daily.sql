-- Queries, failures, success rate (0-1), DBUs and USD (cost-final queries) per day (genie_daily_performance).
select
    query_date,
    sum(total_queries) as query_count,
    sum(failed_queries) as failed_query_count,
    sum(success_rate * total_queries) / nullif(sum(total_queries), 0) as success_rate,
    sum(total_cost_dbu) as cost_dbu,
    sum(total_cost_usd) as cost_usd
from genie_daily_performance
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by query_date
