-- USD and DBUs attributed to queries (cost-final ones) per user (executed_by), from
-- genie_daily_performance; queries without a user are the visible line '(none)'.
select
    coalesce(user_id, '(none)') as executed_by,
    sum(total_queries) as query_count,
    sum(total_cost_usd) as cost_usd,
    sum(total_cost_dbu) as cost_dbu
from genie_daily_performance
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by coalesce(user_id, '(none)')
