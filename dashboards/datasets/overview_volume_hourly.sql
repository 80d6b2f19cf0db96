-- Queries started per UTC hour (genie_hourly_trends keeps the last var('hourly_trends_days') days).
select
    make_timestamp(year(query_date), month(query_date), day(query_date), query_hour, 0, 0) as hour_start_at,
    sum(query_count) as query_count
from genie_hourly_trends
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and query_date between :date_range.min and :date_range.max
group by query_date, query_hour
