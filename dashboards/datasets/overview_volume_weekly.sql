-- Queries per ISO week (weeks start on Monday), from genie_daily_performance.
select
    cast(date_trunc('week', query_date) as date) as week_start_date,
    sum(total_queries) as query_count
from genie_daily_performance
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by cast(date_trunc('week', query_date) as date)
