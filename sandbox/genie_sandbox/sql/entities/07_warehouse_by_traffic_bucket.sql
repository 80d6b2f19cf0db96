-- Writes temp table wh_pick.
-- Lookup: a uniform bucket 0..9999 -> (workspace, warehouse) by traffic weight.
create or replace temp table wh_pick as
with w as (
    select
        wh.workspace_idx,
        wh.warehouse_idx,
        ws.weight * wh.weight / sum(ws.weight * wh.weight) over () as p,
    from wh join ws using (workspace_idx)
),
c as (
    select
        *,
        sum(p) over (order by workspace_idx, warehouse_idx rows unbounded preceding) - p as lo,
        sum(p) over (order by workspace_idx, warehouse_idx rows unbounded preceding) as hi,
    from w
)
select b.bucket, c.workspace_idx, c.warehouse_idx
from range(10000) as b(bucket)
join c on b.bucket >= floor(c.lo * 10000) and b.bucket < floor(c.hi * 10000)
