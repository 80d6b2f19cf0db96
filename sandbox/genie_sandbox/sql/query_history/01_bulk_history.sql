-- Writes system table query.history.
-- Final-state rows of the bulk queries (the expensive statement: one pass, no sort).
insert into query.history
with q0 as (
    select
        q.*,
        w.cores,
        tb.tier,
        tb.avg_file_bytes,
        case
            when q.problem_class = 5 then 0.01 * u01({salt_bulk_query_pruned_fraction}, q.qid)
            when q.read_bytes >= 536870912 then 0.45 + 0.53 * u01({salt_bulk_query_pruned_fraction}, q.qid)
            else 0.95 * u01({salt_bulk_query_pruned_fraction}, q.qid)
        end as pruned_fraction,
    from q_timed as q
    join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
    join tbls as tb on tb.t_idx = q.t_idx
    where q.src = 'bulk'
),
q as (
    select
        t.*,
{bulk_metrics}
    from q0 as t
),
qt as (
    select
        q.*,
        {dimension_columns}[1 + floor(u01({salt_bulk_text_dimension}, q.qid) * 6)::integer] as dim,
        {measure_columns}[1 + floor(u01({salt_bulk_text_measure}, q.qid) * 5)::integer] as measure,
        q.start_ms - floor(u01({salt_bulk_text_literal_days_back}, q.qid) * 30)::bigint * 86400000::bigint
            - floor(u01({salt_bulk_text_literal_minutes_back}, q.qid) * 1440)::bigint * 60000 as lit_ms,
        strftime(ts_ms(lit_ms), '%Y-%m-%d %H:%M:00') as lit_ts,
        strftime(ts_ms(lit_ms), '%Y-%m-%d') as lit_date,
        floor(u01({salt_bulk_text_literal_number}, q.qid) * 10000000)::bigint::varchar as lit_num,
        floor(u01({salt_bulk_text_variant}, q.qid) * 4)::integer as variant,
        floor(u01({salt_bulk_text_repeat_group}, q.qid) * 20)::integer as text_group,
        floor(u01({salt_bulk_text_repeated_uncached_group}, q.qid) * 3)::integer as uncached_text_group,
        u01({salt_bulk_query_saved_query}, q.qid) as extra_draw,
    from q
)
select
    (select account_id from acct) as account_id,
    w.workspace_id,
    uuidish({salt_statement_id}, q.qid) as statement_id,
    u.email as executed_by,
    uuidish({salt_session_id}, (q.user_idx * 1000 + q.workspace_idx) * 1000 + q.start_ms // 86400000) as session_id,
    q.status as execution_status,
    struct_pack(type := 'WAREHOUSE', cluster_id := null::varchar,
                warehouse_id := w.warehouse_id)::{query_compute_type} as compute,
    u.user_id::varchar as executed_by_user_id,
    {bulk_statement_text} as statement_text,
    q.stmt_type as statement_type,
    case
        when q.status = 'FAILED' and q.problem_class = 7 then [
            'Job aborted due to stage failure: Task 41 in stage 12.0 failed 4 times, most recent '
                || 'failure: java.lang.OutOfMemoryError: Java heap space',
            '[EXECUTOR_BROADCAST_JOIN_OOM] There is not enough memory to build the broadcast '
                || 'relation.',
            '[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to the root '
                || 'of the table by a concurrent update.'][1 + floor(extra_draw * 3)::integer]
        when q.status = 'FAILED' then [
            '[TABLE_OR_VIEW_NOT_FOUND] The table or view `' || t.table_name
                || '_v2` cannot be found.',
            '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with '
                || 'name `' || dim || 's` cannot be resolved.',
            '[PARSE_SYNTAX_ERROR] Syntax error at or near ''from''.',
            '[DIVIDE_BY_ZERO] Division by zero.'][1 + floor(extra_draw * 4)::integer]
        when q.status = 'CANCELED' then 'Query has been cancelled.'
    end as error_message,
    case q.source_kind
        when 0 then 'Databricks SQL Editor'
        when 1 then 'Databricks SQL Dashboard'
        when 2 then 'Databricks Notebook'
        when 3 then 'Databricks SQL Alerts'
        when 4 then case when extra_draw < 0.5 then 'Tableau' else 'PowerBI' end
        else 'python-sql-connector'
    end as client_application,
    case q.source_kind
        when 4 then case when extra_draw < 0.5 then 'Databricks JDBC Driver'
                         else 'Simba Spark ODBC Driver' end
        when 5 then 'Databricks SQL Connector for Python 4.0.3'
    end as client_driver,
    q.total_ms as total_duration_ms,
    q.wait_for_compute_ms as waiting_for_compute_duration_ms,
    q.wait_for_capacity_ms as waiting_at_capacity_duration_ms,
    q.execution_ms as execution_duration_ms,
    q.compilation_ms as compilation_duration_ms,
    q.task_ms as total_task_duration_ms,
    q.fetch_ms as result_fetch_duration_ms,
    ts_ms(q.start_ms) as start_time,
    ts_ms(q.end_ms) as end_time,
    ts_ms(q.end_ms + q.late_ms) as update_time,
    q.read_partitions,
    q.pruned_files,
    q.read_files,
    q.read_rows,
    q.produced_rows,
    q.read_bytes,
    q.io_cache_pct::tinyint as read_io_cache_percent,
    q.from_cache as from_result_cache,
    q.spilled_bytes as spilled_local_bytes,
    q.written_bytes,
    q.shuffle_bytes as shuffle_read_bytes,
    struct_pack(
        job_info := null::{query_job_info_type},
        legacy_dashboard_id := null::varchar,
        dashboard_id := case when q.source_kind = 1
            then hex32({salt_dashboard_id}, q.workspace_idx * 100 + text_group % 10) end,
        alert_id := case when q.source_kind = 3
            then uuidish({salt_alert_id}, q.workspace_idx * 100 + text_group % 15) end,
        notebook_id := case when q.source_kind = 2
            then num16({salt_notebook_id}, q.workspace_idx * 100 + text_group)::varchar end,
        sql_query_id := case when q.source_kind = 3 or (q.source_kind = 0 and extra_draw < 0.4)
            then uuidish({salt_sql_query_id}, q.workspace_idx * 1000 + floor(extra_draw * 200)::integer) end,
        genie_space_id := null::varchar,
        pipeline_info := null::STRUCT(pipeline_id VARCHAR, update_id VARCHAR)
    )::{query_source_type} as query_source,
    u.user_id::varchar as executed_as_user_id,
    u.email as executed_as,
    q.written_rows,
    q.written_files,
    case when q.from_cache then uuidish({salt_cache_origin_statement_id}, q.workspace_idx * 100 + text_group) end
        as cache_origin_statement_id,
    null as query_parameters,
    null as query_tags,
    q.pruned_files_bytes,
    q.read_files_bytes,
from qt as q
join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
join users as u on u.user_idx = q.user_idx
join tbls as t on t.t_idx = q.t_idx
