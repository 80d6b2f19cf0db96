-- Workspaces by SQL-warehouse USD billed in the period (genie_cost_reconciliation), with idle USD.
select
    cast(workspace_id as string) as workspace_id,
    sum(billed_usd) as billed_usd,
    sum(idle_usd) as idle_usd
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
group by cast(workspace_id as string)
