-- Writes system table query.history.
insert into query.history
select
    (select account_id from acct),
    w.workspace_id,
    uuidish({salt_statement_id}, q.qid),
    sp.application_id,
    uuidish({salt_dbt_session_id}, d.run_id),
    q.status,
    struct_pack(type := 'WAREHOUSE', cluster_id := null::varchar,
                warehouse_id := w.warehouse_id)::{query_compute_type},
    sp.user_id::varchar,
    d.statement_text,
    q.stmt_type,
    null,
    'dbt',
    'Databricks SQL Connector for Python 4.0.3',
{timed_query_metrics}
    struct_pack(
        job_info := struct_pack(job_id := d.job_id, job_run_id := d.run_id,
                                job_task_run_id := d.task_run_id)::{query_job_info_type},
        legacy_dashboard_id := null::varchar,
        dashboard_id := null::varchar,
        alert_id := null::varchar,
        notebook_id := null::varchar,
        sql_query_id := null::varchar,
        genie_space_id := null::varchar,
        pipeline_info := null::STRUCT(pipeline_id VARCHAR, update_id VARCHAR)
    )::{query_source_type},
    sp.user_id::varchar,
    sp.application_id,
    m.written_rows, m.written_files, null, null,
    map(['dbt_model', 'dbt_invocation_id', 'dbt_target', 'dbt_materialized'],
        ['model.acme_analytics.' || d.model, d.invocation_id, 'prod', d.materialized]),
    m.pruned_files_bytes, m.read_files_bytes,
from q_timed as q
join q_dbt as m on m.qid = q.qid
join q_dbt_text as d on d.qid = q.qid
join wh as w on w.workspace_idx = q.workspace_idx and w.warehouse_idx = q.warehouse_idx
cross join (select * from sps where sp_name = 'dbt') as sp
where q.src = 'dbt'
