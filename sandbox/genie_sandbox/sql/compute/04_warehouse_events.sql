-- Writes system table compute.warehouse_events.
insert into compute.warehouse_events
with ev as (
    select o.workspace_idx, o.warehouse_idx, 'STARTING' as event_type, 0 as cluster_count,
           o.on_start_ms as t_ms
    from wh_on as o
    union all
    select o.workspace_idx, o.warehouse_idx, 'RUNNING', h.clusters, o.running_ms
    from wh_on as o
    join wh_hours as h on h.workspace_idx = o.workspace_idx and h.warehouse_idx = o.warehouse_idx and h.h = o.running_ms // 3600000
    union all
    select o.workspace_idx, o.warehouse_idx, 'STOPPING', h.clusters, o.stopping_ms
    from wh_on as o
    join wh_hours as h on h.workspace_idx = o.workspace_idx and h.warehouse_idx = o.warehouse_idx and h.h = o.stopping_ms // 3600000
    union all
    select o.workspace_idx, o.warehouse_idx, 'STOPPED', 0, o.on_end_ms
    from wh_on as o
    union all
    select h.workspace_idx, h.warehouse_idx,
           case when h.clusters > p.clusters then 'SCALED_UP' else 'SCALED_DOWN' end,
           h.clusters, h.h * 3600000::bigint
    from wh_hours as h
    join wh_hours as p on p.workspace_idx = h.workspace_idx and p.warehouse_idx = h.warehouse_idx and p.h = h.h - 1
    join wh_on as o on o.workspace_idx = h.workspace_idx and o.warehouse_idx = h.warehouse_idx
        and o.running_ms < h.h * 3600000::bigint and o.stopping_ms > h.h * 3600000::bigint
    where h.clusters <> p.clusters
)
select (select account_id from acct), w.workspace_id, w.warehouse_id, ev.event_type,
       ev.cluster_count, ts_ms(ev.t_ms)
from ev
join wh as w on w.workspace_idx = ev.workspace_idx and w.warehouse_idx = ev.warehouse_idx
