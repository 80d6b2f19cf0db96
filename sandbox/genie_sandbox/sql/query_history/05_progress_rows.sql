-- Writes system table query.history.
-- An earlier RUNNING snapshot of a few statements: same statement_id, earlier update_time,
-- half the progress. Consumers must keep the row with the greatest update_time.
insert into query.history
select
    h.* replace (
        'RUNNING' as execution_status,
        null as error_message,
        h.total_duration_ms - h.result_fetch_duration_ms - h.execution_duration_ms
            + h.execution_duration_ms // 2 as total_duration_ms,
        h.execution_duration_ms // 2 as execution_duration_ms,
        h.total_task_duration_ms // 2 as total_task_duration_ms,
        0 as result_fetch_duration_ms,
        h.start_time + to_milliseconds(h.total_duration_ms - h.result_fetch_duration_ms
            - h.execution_duration_ms + h.execution_duration_ms // 2) as end_time,
        h.start_time + to_milliseconds(h.total_duration_ms - h.result_fetch_duration_ms
            - h.execution_duration_ms + h.execution_duration_ms // 2) as update_time,
        h.read_files // 2 as read_files,
        h.pruned_files // 2 as pruned_files,
        h.read_rows // 2 as read_rows,
        0 as produced_rows,
        h.read_bytes // 2 as read_bytes,
        h.spilled_local_bytes // 2 as spilled_local_bytes,
        0 as written_bytes,
        h.shuffle_read_bytes // 2 as shuffle_read_bytes,
        0 as written_rows,
        0 as written_files,
        h.pruned_files_bytes // 2 as pruned_files_bytes,
        h.read_files_bytes // 2 as read_files_bytes
    )
from query.history as h
join (
    select uuidish({salt_statement_id}, qid) as statement_id
    from q_timed
    where src = 'bulk' and u01({salt_query_has_progress_row}, qid) < 0.005 and execution_ms >= 2000
      and status in ('FINISHED', 'FAILED')
) as p
    on p.statement_id = h.statement_id
