-- Busy share (0-1) of each SQL warehouse's running time per day (genie_warehouse_utilization).
-- One line per warehouse: the label carries the warehouse id, since names repeat across
-- workspaces ("Shared SQL" in each) and a chart summing them showed shares above 1.
select
    usage_date,
    case
        when warehouse_name is null then warehouse_id
        else concat(warehouse_name, ' · ', warehouse_id)
    end as warehouse,
    busy_fraction
from genie_warehouse_utilization
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and usage_date between :date_range.min and :date_range.max
