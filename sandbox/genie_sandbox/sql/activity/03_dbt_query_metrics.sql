-- Writes temp table q_dbt.
create or replace temp table q_dbt as
select
    d.qid,
    'dbt' as src,
    d.workspace_idx,
    0 as warehouse_idx,
    d.start_ms,
    0 as problem_class,
    'DBT' as kind,
    d.stmt_type,
    'FINISHED' as status,
    d.src_t as t_idx,
    null::integer as source_kind,
    null::integer as user_idx,
    clamp(lognorm({salt_dbt_query_compilation}, d.qid, 250, 0.5), 20, 5000)::bigint as compilation_ms,
    case when d.materialized = 'view' then clamp(lognorm({salt_dbt_query_execution}, d.qid, 400, 0.4), 50, 3000)
         else clamp(lognorm({salt_dbt_query_execution}, d.qid, 15000, 0.8), 1000, 60000) end::bigint as execution_ms,
    floor(1 + u01({salt_dbt_query_fetch}, d.qid) * 20)::bigint as fetch_ms,
    0::bigint as wait_for_capacity_ms,
    case when d.materialized = 'view' then 0
         else floor(execution_ms * w.cores * (0.2 + 0.6 * u01({salt_dbt_query_task_time}, d.qid))) end::bigint as task_ms,
    case when d.materialized = 'view' then 0
         else clamp(lognorm({salt_dbt_query_read_bytes}, d.qid, 150000000, 0.8), 1000000, 450000000) end::bigint
        as read_bytes,
    case when read_bytes = 0 then 0
         else greatest(1, ceil(read_bytes / t.avg_file_bytes)) end::bigint as read_files,
    floor(read_files * u01({salt_dbt_query_pruned_files}, d.qid) * 3)::bigint as pruned_files,
    (read_bytes // 120)::bigint as read_rows,
    case when d.materialized = 'view' then 0 else 1 end::bigint as produced_rows,
    case when read_bytes = 0 then 0 else 1 + floor(u01({salt_dbt_query_read_partitions}, d.qid) * 5) end::bigint
        as read_partitions,
    floor(read_bytes * (1.0 + u01({salt_dbt_query_read_files_bytes}, d.qid)))::bigint as read_files_bytes,
    (pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
    floor(u01({salt_dbt_query_io_cache}, d.qid) * 101)::integer as io_cache_pct,
    false as from_cache,
    0::bigint as spilled_bytes,
    case when d.materialized = 'view' then 0
         else floor(read_bytes * (0.05 + 0.4 * u01({salt_dbt_query_written_bytes}, d.qid))) end::bigint as written_bytes,
    (written_bytes // 90)::bigint as written_rows,
    case when written_bytes = 0 then 0
         else greatest(1, ceil(written_bytes / 134217728.0)) end::bigint as written_files,
    floor(read_bytes * 0.1 * u01({salt_dbt_query_shuffle_bytes}, d.qid))::bigint as shuffle_bytes,
    false as progress_row,
    floor(1000 + u01({salt_dbt_query_late_update}, d.qid) * 4000)::bigint as late_ms,
from q_dbt_text as d
join wh as w on w.workspace_idx = d.workspace_idx and w.warehouse_idx = 0
join tbls as t on t.t_idx = d.src_t
