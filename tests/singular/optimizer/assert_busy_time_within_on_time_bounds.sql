{#
    The interval union can never make a warehouse busier than the day is long, nor busier than
    it was on (a warehouse runs its queries only while on; a warehouse still on
    at the end of the data is on until the data horizon), and the idle time it leaves is on time
    minus busy time. Returns offending warehouse-days.
#}
select
    workspace_id,
    warehouse_id,
    usage_date,
    on_ms,
    busy_ms,
    idle_ms
from {{ ref('genie_warehouse_utilization') }}
where
    busy_ms < 0
    or busy_ms > on_ms
    or busy_ms > 86400000
    or on_ms > 86400000
    or idle_ms != greatest(on_ms - busy_ms, 0)
