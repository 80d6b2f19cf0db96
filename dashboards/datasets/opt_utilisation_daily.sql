-- Busy share (0-1) of each SQL warehouse's running time per day (genie_warehouse_utilization).
select
    usage_date,
    coalesce(warehouse_name, warehouse_id) as warehouse,
    busy_fraction
from genie_warehouse_utilization
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and usage_date between :date_range.min and :date_range.max
