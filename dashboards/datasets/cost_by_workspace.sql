-- USD and DBUs attributed to queries (cost-final ones) per workspace, from genie_daily_performance
-- (pre-aggregated per workspace, user and day).
select
    cast(workspace_id as string) as workspace_id,
    sum(total_queries) as query_count,
    sum(total_cost_usd) as cost_usd,
    sum(total_cost_dbu) as cost_dbu
from genie_daily_performance
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by cast(workspace_id as string)
