-- USD billed per day, split into attributed (to queries) and idle: the stacked bar's height is billed.
select
    window_date as usage_date,
    'attributed' as cost_component,
    sum(attributed_usd) as cost_usd
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
group by window_date
union all
select
    window_date as usage_date,
    'idle' as cost_component,
    sum(idle_usd) as cost_usd
from genie_cost_reconciliation
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and window_date between :date_range.min and :date_range.max
group by window_date
