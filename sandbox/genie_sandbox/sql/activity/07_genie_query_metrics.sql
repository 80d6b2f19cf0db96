-- Writes temp table q_genie.
create or replace temp table q_genie as
select
    g.qid,
    'genie' as src,
    g.workspace_idx,
    g.s % 2 as warehouse_idx,
    g.created_ms + 2500 + floor(u01({salt_genie_query_start_delay}, g.message_key) * 4000)::bigint as start_ms,
    0 as problem_class,
    'GENIE' as kind,
    'SELECT' as stmt_type,
    'FINISHED' as status,
    g.t_idx,
    null::integer as source_kind,
    g.user_idx,
    clamp(lognorm({salt_genie_query_compilation}, g.message_key, 200, 0.5), 20, 5000)::bigint as compilation_ms,
    case g.tier
        when 0 then clamp(lognorm({salt_genie_query_read_bytes}, g.message_key, 2500000000, 1.0), 1100000000, 200000000000)
        when 1 then clamp(lognorm({salt_genie_query_read_bytes}, g.message_key, 150000000, 1.0), 1000000, 400000000)
        else clamp(lognorm({salt_genie_query_read_bytes}, g.message_key, 5000000, 1.0), 10000, 100000000)
    end::bigint as read_bytes,
    clamp(lognorm({salt_genie_query_execution}, g.message_key, 1500 * pow(1.0 + read_bytes / 1e9, 0.5), 0.7), 100, 120000)::bigint
        as execution_ms,
    floor(5 + u01({salt_genie_query_fetch}, g.message_key) * 300)::bigint as fetch_ms,
    0::bigint as wait_for_capacity_ms,
    floor(execution_ms * w.cores * (0.15 + 0.6 * u01({salt_genie_query_task_time}, g.message_key)))::bigint as task_ms,
    greatest(1, ceil(read_bytes / (t.avg_file_bytes * (0.6 + 0.8 * u01({salt_genie_query_read_files}, g.message_key)))))::bigint
        as read_files,
    case when read_bytes >= 536870912 then 0.45 + 0.53 * u01({salt_genie_query_pruned_fraction}, g.message_key)
         else 0.95 * u01({salt_genie_query_pruned_fraction}, g.message_key) end as pruned_fraction,
    round(read_files * pruned_fraction / (1.0 - pruned_fraction))::bigint as pruned_files,
    (read_bytes // (60 + floor(u01({salt_genie_query_row_bytes}, g.message_key) * 140)))::bigint as read_rows,
    clamp(floor(lognorm({salt_genie_query_produced_rows}, g.message_key, 25, 1.5)), 1, 5000)::bigint as produced_rows,
    case g.tier when 0 then 1 + floor(u01({salt_genie_query_read_partitions}, g.message_key) * 30) else 1 end::bigint
        as read_partitions,
    floor(read_bytes * (1.0 + u01({salt_genie_query_read_files_bytes}, g.message_key)))::bigint as read_files_bytes,
    (pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
    floor(u01({salt_genie_query_io_cache}, g.message_key) * 101)::integer as io_cache_pct,
    false as from_cache,
    0::bigint as spilled_bytes,
    0::bigint as written_bytes,
    0::bigint as written_rows,
    0::bigint as written_files,
    floor(read_bytes * (0.02 + 0.2 * u01({salt_genie_query_shuffle_bytes}, g.message_key)))::bigint as shuffle_bytes,
    false as progress_row,
    floor(500 + u01({salt_genie_query_late_update}, g.message_key) * 3000)::bigint as late_ms,
from msgs as g
join wh as w on w.workspace_idx = g.workspace_idx and w.warehouse_idx = g.s % 2
join tbls as t on t.t_idx = g.t_idx
where g.has_query
