-- A fragment, not run on its own: the statements that name the placeholder timed_query_metrics paste it in.
-- query.history's duration, time and I/O columns (total_duration_ms .. shuffle_read_bytes) of a dbt or
-- Genie query: q is its q_timed row (the timing every source shares), m its source's own metrics
-- (q_dbt or q_genie, the same columns).
    q.total_ms, q.wait_for_compute_ms, q.wait_for_capacity_ms, q.execution_ms, q.compilation_ms, m.task_ms, q.fetch_ms,
    ts_ms(q.start_ms), ts_ms(q.end_ms), ts_ms(q.end_ms + m.late_ms),
    m.read_partitions, m.pruned_files, m.read_files, m.read_rows, q.produced_rows,
    q.read_bytes, m.io_cache_pct::tinyint, m.from_cache, m.spilled_bytes, m.written_bytes,
    m.shuffle_bytes,
