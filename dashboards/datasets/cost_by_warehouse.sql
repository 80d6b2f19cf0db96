-- USD and DBUs attributed to queries (cost-final ones) per warehouse_id, from genie_query_performance;
-- queries without a value are the visible line '(none)'.
select
    coalesce(cast(warehouse_id as string), '(none)') as warehouse_id,
    count(*) as query_count,
    sum(estimated_cost_usd) as cost_usd,
    sum(compute_cost_dbu) as cost_dbu
from genie_query_performance
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by coalesce(cast(warehouse_id as string), '(none)')
