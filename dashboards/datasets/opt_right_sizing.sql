-- Right-sizing advice per SQL warehouse: utilisation over the period and its latest day's
-- recommendation (genie_warehouse_utilization; rules in _optimizer__docs.md).
select
    cast(workspace_id as string) as workspace_id,
    coalesce(max(warehouse_name), warehouse_id) as warehouse,
    max_by(warehouse_size, usage_date) as warehouse_size,
    sum(busy_ms) / nullif(sum(on_ms), 0) as busy_fraction,
    sum(idle_usd) as idle_usd,
    max(peak_concurrency) as peak_concurrency,
    max_by(size_recommendation, usage_date) as size_recommendation,
    max_by(auto_stop_minutes, usage_date) as auto_stop_minutes,
    max_by(recommended_auto_stop_minutes, usage_date) as recommended_auto_stop_minutes,
    sum(estimated_savings_usd) as estimated_savings_usd
from genie_warehouse_utilization
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and usage_date between :date_range.min and :date_range.max
group by cast(workspace_id as string), warehouse_id
