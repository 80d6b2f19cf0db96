-- Writes system table lakeflow.job_run_timeline.
insert into lakeflow.job_run_timeline
select
    (select account_id from acct),
    s.workspace_id,
    s.job_id,
    s.run_id,
    ts_ms(s.p_start_ms),
    ts_ms(s.p_end_ms),
    'CRON',
    'JOB_RUN',
    s.name,
    [coalesce(s.cluster_id, w.warehouse_id)],
    case when s.is_last then s.result_state end,
    case when s.is_last then case s.result_state when 'SUCCEEDED' then 'SUCCESS'
        when 'FAILED' then 'RUN_EXECUTION_ERROR' else 'CANCELED' end end,
    case when s.k = 0 then map(['target'], [map(['default', 'value'], ['prod', 'prod'])])
    end::{job_parameters_type},
    s.task_run_id,
    s.task_run_id,
    [struct_pack(type := case when s.k = 0 then 'WAREHOUSE' else 'CLUSTER' end,
                 cluster_id := s.cluster_id,
                 warehouse_id := case when s.k = 0 then w.warehouse_id end)]::{job_run_compute_type},
    case when s.is_last then case s.result_state when 'SUCCEEDED' then 'SUCCESS'
        when 'FAILED' then 'CLIENT_ERROR' else 'SUCCESS' end end,
    case when s.is_last then case when s.k = 0 then 2 else s.setup_ms // 1000 end end,
    case when s.is_last then 0 end,
    case when s.is_last then (s.end_ms - s.start_ms) // 1000 end,
    case when s.is_last then 5 end,
    case when s.is_last then greatest(0, (s.end_ms - s.start_ms) // 1000
        - case when s.k = 0 then 2 else s.setup_ms // 1000 end - 5) end,
from run_slices as s
left join wh as w on w.workspace_idx = s.workspace_idx and w.warehouse_idx = 0
