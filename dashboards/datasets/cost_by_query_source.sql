-- USD and DBUs attributed to queries (cost-final ones) per query_source_type, from genie_query_performance;
-- queries without a value are the visible line '(none)'.
select
    coalesce(cast(query_source_type as string), '(none)') as query_source_type,
    count(*) as query_count,
    sum(estimated_cost_usd) as cost_usd,
    sum(compute_cost_dbu) as cost_dbu
from genie_query_performance
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by coalesce(cast(query_source_type as string), '(none)')
