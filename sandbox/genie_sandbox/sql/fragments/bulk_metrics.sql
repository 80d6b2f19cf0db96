-- A fragment, not run on its own: the statements that name the placeholder bulk_metrics paste it in.
-- Metrics of a bulk query that do not influence timing (columns of q_timed + cores, tier,
-- avg_file_bytes and pruned_fraction, aliased t).
case
    when t.kind in ('CACHED', 'METADATA') then 0
    when t.problem_class = 7
        then greatest(t.execution_ms * t.cores * (0.7 + 0.3 * u01({salt_bulk_query_task_time}, t.qid)), 3600000)
    when t.status = 'FAILED' then t.execution_ms * (1.0 + 3.0 * u01({salt_bulk_query_task_time}, t.qid))
    else t.execution_ms * t.cores * (0.15 + 0.7 * u01({salt_bulk_query_task_time}, t.qid))
end::bigint as task_ms,
t.read_bytes,
case when t.read_bytes = 0 then 0
     else greatest(1, ceil(t.read_bytes
                           / (t.avg_file_bytes * (0.6 + 0.8 * u01({salt_bulk_query_read_files}, t.qid)))))
end::bigint as read_files,
round(read_files * t.pruned_fraction / (1.0 - t.pruned_fraction))::bigint as pruned_files,
(t.read_bytes // (60 + floor(u01({salt_bulk_query_row_bytes}, t.qid) * 140)))::bigint as read_rows,
t.produced_rows,
case
    when t.read_bytes = 0 then 0
    when t.tier = 0 then 1 + floor(u01({salt_bulk_query_read_partitions}, t.qid) * 30)
    when t.tier = 1 then 1 + floor(u01({salt_bulk_query_read_partitions}, t.qid) * 10)
    else 1
end::bigint as read_partitions,
floor(t.read_bytes * (1.0 + u01({salt_bulk_query_read_files_bytes}, t.qid)))::bigint as read_files_bytes,
(pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
case when t.read_bytes = 0 then 0 else floor(u01({salt_bulk_query_io_cache}, t.qid) * 101) end::integer
    as io_cache_pct,
t.kind = 'CACHED' as from_cache,
case when t.problem_class = 4 then 1e9 * (1.0 + 99.0 * pow(u01({salt_bulk_query_spilled_bytes}, t.qid), 2)) else 0
end::bigint as spilled_bytes,
case
    when t.problem_class = 9 then 2000 + floor(u01({salt_bulk_query_files_written}, t.qid) * 18000)
    when t.status = 'FAILED'
        or t.kind not in ('INSERT', 'MERGE', 'CREATE', 'COPY', 'UPDATE', 'DELETE') then 0
    else -1
end::bigint as files_hint,
case
    when files_hint > 0 then files_hint * (20000 + floor(u01({salt_bulk_query_written_bytes}, t.qid) * 900000))
    when files_hint = 0 then 0
    else clamp(lognorm({salt_bulk_query_written_bytes}, t.qid, 150000000, 1.2), 10000, 6000000000)
end::bigint as written_bytes,
(written_bytes // (60 + floor(u01({salt_bulk_query_written_row_bytes}, t.qid) * 100)))::bigint as written_rows,
case
    when files_hint >= 0 then files_hint
    else greatest(1, ceil(written_bytes / 134217728.0))
end::bigint as written_files,
case
    when t.problem_class = 4 then floor(t.read_bytes * (0.5 + u01({salt_bulk_query_shuffle_bytes}, t.qid))) + spilled_bytes
    when t.tier < 2 and t.read_bytes > 0
        then floor(t.read_bytes * (0.02 + 0.3 * u01({salt_bulk_query_shuffle_bytes}, t.qid)))
    else 0
end::bigint as shuffle_bytes,
case when u01({salt_bulk_query_is_very_late}, t.qid) < 0.003 then 10800000 + floor(u01({salt_bulk_query_late_update}, t.qid) * 97200000)
     else floor(u01({salt_bulk_query_late_update}, t.qid) * 5000) end::bigint as late_ms,
