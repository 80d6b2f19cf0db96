-- USD and DBUs attributed to queries (cost-final ones) per query_source_type, from
-- genie_query_source_daily_costs (pre-aggregated per workspace, day and source); queries without
-- a value are the visible line '(none)'.
select
    coalesce(cast(query_source_type as string), '(none)') as query_source_type,
    sum(total_queries) as query_count,
    sum(total_cost_usd) as cost_usd,
    sum(total_cost_dbu) as cost_dbu
from genie_query_source_daily_costs
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by coalesce(cast(query_source_type as string), '(none)')
