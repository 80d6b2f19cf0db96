-- USD and DBUs attributed to queries per SQL warehouse, over the billing windows of the period
-- (genie_cost_reconciliation.attributed_*; the warehouse's idle cost is on the idle chart).
select
    warehouse_id,
    sum(attributed_usd) as cost_usd,
    sum(attributed_dbu) as cost_dbu
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
group by warehouse_id
