-- Writes temp table q_genie.
create or replace temp table q_genie as
select
    g.qid,
    'genie' as src,
    g.ws_idx,
    g.s % 2 as j,
    g.created_ms + 2500 + floor(u01({salt_genie_query_start_delay}, g.mk) * 4000)::bigint as start_ms,
    0 as cls,
    'GENIE' as kind,
    'SELECT' as stmt_type,
    'FINISHED' as status,
    g.t_idx,
    null::integer as source_kind,
    g.u_idx,
    clamp(lognorm({salt_genie_query_compilation}, g.mk, 200, 0.5), 20, 5000)::bigint as comp_ms,
    case g.tier
        when 0 then clamp(lognorm({salt_genie_query_read_bytes}, g.mk, 2500000000, 1.0), 1100000000, 200000000000)
        when 1 then clamp(lognorm({salt_genie_query_read_bytes}, g.mk, 150000000, 1.0), 1000000, 400000000)
        else clamp(lognorm({salt_genie_query_read_bytes}, g.mk, 5000000, 1.0), 10000, 100000000)
    end::bigint as read_bytes,
    clamp(lognorm({salt_genie_query_execution}, g.mk, 1500 * pow(1.0 + read_bytes / 1e9, 0.5), 0.7), 100, 120000)::bigint
        as exec_ms,
    floor(5 + u01({salt_genie_query_fetch}, g.mk) * 300)::bigint as fetch_ms,
    0::bigint as wac_ms,
    floor(exec_ms * w.cores * (0.15 + 0.6 * u01({salt_genie_query_task_time}, g.mk)))::bigint as task_ms,
    greatest(1, ceil(read_bytes / (t.avg_file_bytes * (0.6 + 0.8 * u01({salt_genie_query_read_files}, g.mk)))))::bigint
        as read_files,
    case when read_bytes >= 536870912 then 0.45 + 0.53 * u01({salt_genie_query_pruned_fraction}, g.mk)
         else 0.95 * u01({salt_genie_query_pruned_fraction}, g.mk) end as f_pruned,
    round(read_files * f_pruned / (1.0 - f_pruned))::bigint as pruned_files,
    (read_bytes // (60 + floor(u01({salt_genie_query_row_bytes}, g.mk) * 140)))::bigint as read_rows,
    clamp(floor(lognorm({salt_genie_query_produced_rows}, g.mk, 25, 1.5)), 1, 5000)::bigint as produced_rows,
    case g.tier when 0 then 1 + floor(u01({salt_genie_query_read_partitions}, g.mk) * 30) else 1 end::bigint
        as read_partitions,
    floor(read_bytes * (1.0 + u01({salt_genie_query_read_files_bytes}, g.mk)))::bigint as read_files_bytes,
    (pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
    floor(u01({salt_genie_query_io_cache}, g.mk) * 101)::integer as io_cache_pct,
    false as from_cache,
    0::bigint as spilled_bytes,
    0::bigint as written_bytes,
    0::bigint as written_rows,
    0::bigint as written_files,
    floor(read_bytes * (0.02 + 0.2 * u01({salt_genie_query_shuffle_bytes}, g.mk)))::bigint as shuffle_bytes,
    false as progress_row,
    floor(500 + u01({salt_genie_query_late_update}, g.mk) * 3000)::bigint as late_ms,
from msgs as g
join wh as w on w.ws_idx = g.ws_idx and w.j = g.s % 2
join tbls as t on t.t_idx = g.t_idx
where g.has_query
