-- Writes system table query.history.
insert into query.history
select
    (select account_id from acct),
    w.workspace_id,
    uuidish({salt_statement_id}, q.qid),
    u.email,
    uuidish({salt_genie_session_id}, g.conversation_key),
    q.status,
    struct_pack(type := 'WAREHOUSE', cluster_id := null::varchar,
                warehouse_id := w.warehouse_id)::{query_compute_type},
    u.user_id::varchar,
    g.query_sql,
    q.stmt_type,
    null,
    'Databricks SQL Genie Space',
    null,
{timed_query_metrics}
    struct_pack(
        job_info := null::{query_job_info_type},
        legacy_dashboard_id := null::varchar,
        dashboard_id := null::varchar,
        alert_id := null::varchar,
        notebook_id := null::varchar,
        sql_query_id := null::varchar,
        genie_space_id := g.space_id,
        pipeline_info := null::STRUCT(pipeline_id VARCHAR, update_id VARCHAR)
    )::{query_source_type},
    u.user_id::varchar,
    u.email,
    m.written_rows, m.written_files, null, null, null,
    m.pruned_files_bytes, m.read_files_bytes,
from q_timed as q
join q_genie as m on m.qid = q.qid
join genie_text as g on g.qid = q.qid
join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
join users as u on u.user_idx = g.user_idx
where q.src = 'genie'
