-- Writes temp table wh_pick.
-- Lookup: a uniform bucket 0..9999 -> (workspace, warehouse) by traffic weight.
create or replace temp table wh_pick as
with w as (
    select
        wh.ws_idx,
        wh.j,
        ws.weight * wh.weight / sum(ws.weight * wh.weight) over () as p,
    from wh join ws using (ws_idx)
),
c as (
    select
        *,
        sum(p) over (order by ws_idx, j rows unbounded preceding) - p as lo,
        sum(p) over (order by ws_idx, j rows unbounded preceding) as hi,
    from w
)
select b.bucket, c.ws_idx, c.j
from range(10000) as b(bucket)
join c on b.bucket >= floor(c.lo * 10000) and b.bucket < floor(c.hi * 10000)
