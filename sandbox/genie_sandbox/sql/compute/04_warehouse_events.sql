-- Writes system table compute.warehouse_events.
insert into compute.warehouse_events
with ev as (
    select o.ws_idx, o.j, 'STARTING' as event_type, 0 as cluster_count,
           o.on_start_ms as t_ms
    from wh_on as o
    union all
    select o.ws_idx, o.j, 'RUNNING', h.clusters, o.running_ms
    from wh_on as o
    join wh_hours as h on h.ws_idx = o.ws_idx and h.j = o.j and h.h = o.running_ms // 3600000
    union all
    select o.ws_idx, o.j, 'STOPPING', h.clusters, o.stopping_ms
    from wh_on as o
    join wh_hours as h on h.ws_idx = o.ws_idx and h.j = o.j and h.h = o.stopping_ms // 3600000
    union all
    select o.ws_idx, o.j, 'STOPPED', 0, o.on_end_ms
    from wh_on as o
    union all
    select h.ws_idx, h.j,
           case when h.clusters > p.clusters then 'SCALED_UP' else 'SCALED_DOWN' end,
           h.clusters, h.h * 3600000::bigint
    from wh_hours as h
    join wh_hours as p on p.ws_idx = h.ws_idx and p.j = h.j and p.h = h.h - 1
    join wh_on as o on o.ws_idx = h.ws_idx and o.j = h.j
        and o.running_ms < h.h * 3600000::bigint and o.stopping_ms > h.h * 3600000::bigint
    where h.clusters <> p.clusters
)
select (select account_id from acct), w.workspace_id, w.warehouse_id, ev.event_type,
       ev.cluster_count, ts_ms(ev.t_ms)
from ev
join wh as w on w.ws_idx = ev.ws_idx and w.j = ev.j
