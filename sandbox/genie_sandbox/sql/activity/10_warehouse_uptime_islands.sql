-- Writes temp table q_timed.
-- Gaps-and-islands over all queries of a warehouse. pad_end adds the largest possible start-up
-- wait and stop lag, so the real wait and the STOPPING->STOPPED lag can never make an island
-- overlap the next one.
create or replace temp table q_timed as
with q_all as (
    select {query_columns} from q_bulk
    union all
    select {query_columns} from q_dbt
    union all
    select {query_columns} from q_genie
),
a as (
    select
        q.*,
        w.auto_stop_minutes * 60000 as auto_stop_ms,
        w.startup_min_ms,
        w.startup_max_ms,
        q.start_ms + q.wait_for_capacity_ms + q.compilation_ms + q.execution_ms + q.fetch_ms + w.startup_max_ms
            + 30000 as pad_end_ms,
    from q_all as q
    join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
),
b as (
    select
        *,
        max(pad_end_ms) over (
            partition by workspace_idx, warehouse_idx order by start_ms, qid
            rows between unbounded preceding and 1 preceding
        ) as prev_pad_end_ms,
    from a
),
c as (
    select
        *,
        prev_pad_end_ms is null or start_ms > prev_pad_end_ms + auto_stop_ms as is_first,
    from b
),
d as (
    -- same window as in b, so DuckDB sorts once; an island starts at its latest first query
    select
        *,
        sum(is_first::integer) over (
            partition by workspace_idx, warehouse_idx order by start_ms, qid rows unbounded preceding
        ) as island_no,
        max(case when is_first then start_ms end) over (
            partition by workspace_idx, warehouse_idx order by start_ms, qid rows unbounded preceding
        ) as island_start_ms,
    from c
),
e as (
    select
        *,
        startup_min_ms + floor(u01({salt_warehouse_startup}, hash(workspace_idx, warehouse_idx, island_no))
                               * (startup_max_ms - startup_min_ms))::bigint as startup_ms,
        island_start_ms + startup_ms - start_ms as raw_wait_ms,
    from d
)
select
    * exclude (raw_wait_ms, pad_end_ms, prev_pad_end_ms, is_first),
    case when raw_wait_ms >= 2000 then raw_wait_ms else 0 end as wait_for_compute_ms,
    wait_for_compute_ms + wait_for_capacity_ms + compilation_ms + execution_ms + fetch_ms as total_ms,
    start_ms + total_ms as end_ms,
from e
