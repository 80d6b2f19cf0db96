-- A fragment, not run on its own: the statements that name the placeholder query_columns paste it in.
-- Columns every query source hands to the uptime step. Only what timing needs is carried through
-- the window sort; the bulk's other metrics are pure functions of (qid, class) and are computed
-- where query.history is written (BULK_METRICS), dbt and Genie keep theirs in q_dbt / q_genie.
qid, src, workspace_idx, warehouse_idx, start_ms, problem_class, kind, stmt_type, status, t_idx, source_kind, user_idx,
compilation_ms, execution_ms, fetch_ms, wait_for_capacity_ms, read_bytes, produced_rows
