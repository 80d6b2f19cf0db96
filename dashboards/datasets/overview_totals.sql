-- The period's SQL-warehouse bill split into what queries used and what warehouses idled:
-- billed = attributed + idle (genie_cost_reconciliation, conserved per billing window).
select
    sum(billed_usd) as billed_usd,
    sum(attributed_usd) as attributed_usd,
    sum(idle_usd) as idle_usd,
    sum(attributed_usd) + sum(idle_usd) as attributed_plus_idle_usd,
    sum(billed_dbu) as billed_dbu,
    sum(attributed_dbu) as attributed_dbu,
    sum(idle_dbu) as idle_dbu
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
