-- Writes table sandbox_truth.planted_problems.
create or replace table sandbox_truth.planted_problems as
select
    w.workspace_id::varchar as workspace_id,
    uuidish({salt_statement_id}, q.qid)::varchar as statement_id,
    w.warehouse_id::varchar as warehouse_id,
    {problem_codes}[q.problem_class]::varchar as problem,
from q_timed as q
join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
where q.problem_class > 0
union all
select w.workspace_id, uuidish({salt_statement_id}, q.qid), w.warehouse_id, 'COLD_START'
from q_timed as q
join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
where q.wait_for_compute_ms > 0
union all
select workspace_id, null, warehouse_id, 'IDLE_WAREHOUSE'
from wh
where is_idle
