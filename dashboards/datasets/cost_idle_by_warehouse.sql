-- Per SQL warehouse: USD billed, attributed and idle (billed = attributed + idle), idle share 0-1.
select
    cast(workspace_id as string) as workspace_id,
    warehouse_id,
    sum(billed_usd) as billed_usd,
    sum(attributed_usd) as attributed_usd,
    sum(idle_usd) as idle_usd,
    sum(idle_usd) / nullif(sum(billed_usd), 0) as idle_fraction
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
group by cast(workspace_id as string), warehouse_id
