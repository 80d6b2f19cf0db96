-- Writes temp table wh_on.
-- One row per warehouse "on" interval (from the first query's arrival to auto-stop).
create or replace temp table wh_on as
select
    q.workspace_idx,
    q.warehouse_idx,
    q.island_no,
    min(q.island_start_ms) as on_start_ms,
    min(q.island_start_ms) + min(q.startup_ms) as running_ms,
    max(q.end_ms) as last_end_ms,
    max(q.end_ms) + min(q.auto_stop_ms) as stopping_ms,
    max(q.end_ms) + min(q.auto_stop_ms) + 10000
        + floor(u01({salt_warehouse_stop_lag}, hash(q.workspace_idx, q.warehouse_idx, q.island_no)) * 20000)::bigint as on_end_ms,
    count(*) as n_queries,
from q_timed as q
group by q.workspace_idx, q.warehouse_idx, q.island_no
