-- Writes temp table runs.
create or replace temp table runs as
with cand as (
    select
        jb.*,
        h,
        case jb.k
            when 0 then h % 24 = 5
            when 1 then true
            when 2 then h % 6 = 0
            when 3 then h % 24 = 1
            else h % 24 = 3
        end as fires,
        {start_ms} + h * 3600000::bigint
            + case jb.k when 1 then 300000 when 2 then 1800000 else 0 end
            + floor(u01({salt_job_run_start_jitter}, jb.workspace_idx * 10000000 + jb.k * 1000000 + h) * 40000)::bigint
            as start_ms,
    from jobs as jb, range({days} * 24) as r(h)
),
fired as (
    select
        *,
        workspace_idx * 10000000 + k * 1000000 + h as job_run_key,
    from cand
    where fires and (delete_ms is null or start_ms < delete_ms)
)
select
    workspace_idx,
    workspace_id,
    k,
    job_id,
    name,
    workers,
    node_dbu,
    sp_name,
    tags,
    job_run_key,
    start_ms,
    (100000000000 + hash({seed}, {salt_job_run_id}, job_run_key) % 899999999999)::varchar as run_id,
    (100000000000 + hash({seed}, {salt_job_task_run_id}, job_run_key) % 899999999999)::varchar as task_run_id,
    case
        when u01({salt_job_run_result_state}, job_run_key) < 0.05 then 'FAILED'
        when u01({salt_job_run_result_state}, job_run_key) < 0.065 then 'CANCELED'
        else 'SUCCEEDED'
    end as result_state,
    case
        when k = 3 then 4200000 + floor(u01({salt_job_run_cluster_duration}, job_run_key) * 4800000)::bigint
        else clamp(lognorm({salt_job_run_cluster_duration}, job_run_key, median_ms, 0.45), 60000, 14400000)::bigint
    end * case when u01({salt_job_run_result_state}, job_run_key) < 0.065 then 0.4 else 1.0 end as cluster_dur_ms,
    case when k > 0 then
        strftime(ts_ms(start_ms), '%m%d-%H%M%S') || '-' || substr(hex16({salt_job_cluster_id}, job_run_key), 1, 8)
    end as cluster_id,
    floor(20 + u01({salt_job_cluster_setup}, job_run_key) * 100)::bigint * 1000 as setup_ms,
from fired
