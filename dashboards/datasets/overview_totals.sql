-- The period's SQL-warehouse bill split into what queries used and what warehouses idled:
-- billed = attributed + idle (genie_cost_reconciliation, conserved per billing window); a
-- period without billing windows is 0, not NULL.
select
    coalesce(sum(billed_usd), 0) as billed_usd,
    coalesce(sum(attributed_usd), 0) as attributed_usd,
    coalesce(sum(idle_usd), 0) as idle_usd,
    coalesce(sum(attributed_usd), 0) + coalesce(sum(idle_usd), 0) as attributed_plus_idle_usd,
    coalesce(sum(billed_dbu), 0) as billed_dbu,
    coalesce(sum(attributed_dbu), 0) as attributed_dbu,
    coalesce(sum(idle_dbu), 0) as idle_dbu
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
