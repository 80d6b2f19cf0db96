-- Writes temp table wh_hours.
-- Clusters per (warehouse, hour): enough clusters for the hour's query volume.
create or replace temp table wh_hours as
with slices as (
    select o.workspace_idx, o.warehouse_idx, o.on_start_ms, o.on_end_ms, h
    from wh_on as o, range(o.on_start_ms // 3600000, (o.on_end_ms - 1) // 3600000 + 1) as r(h)
),
on_ms as (
    select
        workspace_idx, warehouse_idx, h,
        sum(least(on_end_ms, (h + 1) * 3600000::bigint)
            - greatest(on_start_ms, h * 3600000::bigint)) as on_ms,
    from slices
    group by all
),
load as (
    select workspace_idx, warehouse_idx, start_ms // 3600000 as h, count(*) as n
    from q_timed
    group by all
)
select
    o.*,
    least(w.max_clusters, greatest(1, ceil(coalesce(l.n, 0) / 600.0)))::integer as clusters,
    case when w.is_resized and o.h * 3600000::bigint >= w.resize_ms then w.resized_dbu_rate
         else w.dbu_rate end as dbu_rate,
from on_ms as o
join wh as w on w.workspace_idx = o.workspace_idx and w.warehouse_idx = o.warehouse_idx
left join load as l on l.workspace_idx = o.workspace_idx and l.warehouse_idx = o.warehouse_idx and l.h = o.h
