"""``system.query.history``: statement text, sources, identities, and the messy rows.

The numbers come from ``q_timed`` (see gen_activity); this step only dresses them: statement
text that matches the planted problem (``select *`` only on SELECT_STAR rows, ``order by``
without ``limit`` only on ORDER_BY_NO_LIMIT rows, ``current_date()`` texts repeated only on
REPEATED_UNCACHED rows), the client and ``query_source`` of each source, dbt ``query_tags``,
an earlier RUNNING snapshot for a few statements and late-arriving updates.
"""

from __future__ import annotations

from .gen_activity import BULK_METRICS
from .gen_dims import TABLES
from .schema import SYSTEM_TABLES


def col_type(schema: str, table: str, column: str) -> str:
    """The contract's DuckDB type of one column (used to cast nested literals exactly)."""
    return dict(SYSTEM_TABLES[(schema, table)])[column]


def _list(items: list[str]) -> str:
    return "[" + ", ".join(f"'{x}'" for x in items) + "]"


DIMS = ["region", "channel", "country_code", "device_type", "segment", "status"]
MEASURES = ["amount", "quantity", "revenue_usd", "duration_s", "cost_usd"]
ALL_TABLES = _list([name for name, _ in TABLES])
BIG_TABLES = _list([name for name, tier in TABLES if tier == 0])

QS_TYPE = col_type("query", "history", "query_source")
COMPUTE_TYPE = col_type("query", "history", "compute")
JOB_INFO_TYPE = "STRUCT(job_id VARCHAR, job_run_id VARCHAR, job_task_run_id VARCHAR)"

_BULK_TEXT = f"""
case
    when q.kind = 'CACHED' then
        'select ' || {_list(DIMS)}[(1 + hash(hash({{seed}}, 470, q.ws_idx, wgt)) % 6)::bigint]
        || ', sum('
        || {_list(MEASURES)}[(1 + hash(hash({{seed}}, 471, q.ws_idx, wgt)) % 5)::bigint]
        || ') as total from '
        || {ALL_TABLES}[(1 + hash(hash({{seed}}, 472, q.ws_idx, wgt)) % 24)::bigint]
        || ' where updated_at >= date ''2026-01-01'' group by 1'
    when q.kind = 'METADATA' then
        'show tables in main.' || t.schema_name || ' like ''*'
        || chr(97 + floor(u01(473, q.qid) * 26)::integer)
        || chr(97 + floor(u01(474, q.qid) * 26)::integer)
        || chr(97 + floor(u01(475, q.qid) * 26)::integer) || '*'''
    when q.cls = 1 then
        'select * from ' || t.fqn || ' where ' || t.date_col || ' = date ''' || lit_date || ''''
    when q.cls = 2 then
        'select ' || t.id_col || ', ' || dim || ', ' || measure || ' from ' || t.fqn
        || ' where ' || t.date_col || ' >= timestamp ''' || lit_ts || ''' order by '
        || measure || ' desc'
    when q.cls = 3 then
        'select a.' || dim || ', percentile_approx(a.' || measure
        || ', 0.99) as p99, count(distinct b.session_id) as sessions from ' || t.fqn
        || ' as a join main.web.events as b on a.' || t.id_col || ' = b.event_id where a.'
        || t.date_col || ' >= timestamp ''' || lit_ts || ''' group by a.' || dim
    when q.cls = 4 then
        'select ' || t.id_col || ', collect_set(' || dim || ') as ' || dim || '_values, sum('
        || measure || ') as total from ' || t.fqn || ' where ' || t.date_col
        || ' >= timestamp ''' || lit_ts || ''' group by ' || t.id_col
    when q.cls = 5 then
        'select ' || dim || ', sum(' || measure || ') as total from ' || t.fqn
        || ' where lower(cast(' || t.id_col || ' as string)) like ''%' || lit_num
        || '%'' group by ' || dim
    when q.cls = 8 then
        'select ' || {_list(DIMS)}[(1 + hash(hash({{seed}}, 476, q.ws_idx, rk)) % 6)::bigint]
        || ', sum('
        || {_list(MEASURES)}[(1 + hash(hash({{seed}}, 477, q.ws_idx, rk)) % 5)::bigint]
        || ') as total from '
        || {BIG_TABLES}[(1 + hash(hash({{seed}}, 478, q.ws_idx, rk)) % 6)::bigint]
        || ' where event_date >= current_date() - interval 7 days group by 1'
    when q.cls = 9 then
        'insert into ' || t.fqn || ' partition (' || t.date_col || ') select ' || t.id_col
        || ', ' || dim || ', ' || measure || ', ' || t.date_col || ' from ' || t.fqn
        || '_staging where batch_id = ' || lit_num
    when q.kind = 'INSERT' then
        'insert into ' || t.fqn || ' select ' || t.id_col || ', ' || dim || ', ' || measure
        || ', ' || t.date_col || ' from ' || t.fqn || '_staging where _ingested_at > timestamp '''
        || lit_ts || ''''
    when q.kind = 'MERGE' then
        'merge into ' || t.fqn || ' as t using ' || t.fqn || '_updates_' || lit_num
        || ' as s on t.' || t.id_col || ' = s.' || t.id_col
        || ' when matched then update set * when not matched then insert *'
    when q.kind = 'CREATE' then
        'create or replace table sandbox.' || u.first_name || '_tmp_' || lit_num
        || ' as select ' || dim || ', sum(' || measure || ') as total from ' || t.fqn
        || ' group by ' || dim
    when q.kind = 'COPY' then
        'copy into ' || t.fqn || ' from ''s3://acme-landing/' || t.schema_name || '/'
        || t.table_name || '/' || lit_date || '/'' fileformat = parquet'
    when q.kind = 'UPDATE' then
        'update ' || t.fqn || ' set ' || dim || ' = upper(' || dim || ') where ' || t.date_col
        || ' >= timestamp ''' || lit_ts || ''''
    when q.kind = 'DELETE' then
        'delete from ' || t.fqn || ' where ' || t.date_col || ' < date ''' || lit_date || ''''
    when variant = 0 then
        'select ' || dim || ', count(*) as n, sum(' || measure || ') as total from ' || t.fqn
        || ' where ' || t.date_col || ' >= timestamp ''' || lit_ts || ''' group by ' || dim
    when variant = 1 then
        'select ' || t.id_col || ', ' || dim || ', ' || measure || ' from ' || t.fqn
        || ' where ' || t.id_col || ' = ' || lit_num
    when variant = 2 then
        'select ' || dim || ', avg(' || measure || ') as avg_' || measure || ' from ' || t.fqn
        || ' where ' || t.date_col || ' >= timestamp ''' || lit_ts || ''' group by ' || dim
        || ' order by 2 desc limit 100'
    else
        'with recent as (select ' || t.id_col || ', ' || dim || ' from ' || t.fqn || ' where '
        || t.date_col || ' >= timestamp ''' || lit_ts || ''') select ' || dim
        || ', count(distinct ' || t.id_col || ') as n from recent group by ' || dim
end
"""

# Final-state rows of the bulk queries (the expensive statement: one pass, no sort).
BULK_HISTORY = f"""
insert into query.history
with q0 as (
    select
        q.*,
        w.cores,
        tb.tier,
        tb.avg_file_bytes,
        case
            when q.cls = 5 then 0.01 * u01(421, q.qid)
            when q.read_bytes >= 536870912 then 0.45 + 0.53 * u01(421, q.qid)
            else 0.95 * u01(421, q.qid)
        end as f_pruned,
    from q_timed as q
    join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
    join tbls as tb on tb.t_idx = q.t_idx
    where q.src = 'bulk'
),
q as (
    select
        t.*,
{BULK_METRICS}
    from q0 as t
),
qt as (
    select
        q.*,
        {_list(DIMS)}[1 + floor(u01(460, q.qid) * 6)::integer] as dim,
        {_list(MEASURES)}[1 + floor(u01(461, q.qid) * 5)::integer] as measure,
        q.start_ms - floor(u01(462, q.qid) * 30)::bigint * 86400000::bigint
            - floor(u01(463, q.qid) * 1440)::bigint * 60000 as lit_ms,
        strftime(ts_ms(lit_ms), '%Y-%m-%d %H:%M:00') as lit_ts,
        strftime(ts_ms(lit_ms), '%Y-%m-%d') as lit_date,
        floor(u01(464, q.qid) * 10000000)::bigint::varchar as lit_num,
        floor(u01(465, q.qid) * 4)::integer as variant,
        floor(u01(466, q.qid) * 20)::integer as wgt,
        floor(u01(467, q.qid) * 3)::integer as rk,
        u01(468, q.qid) as us,
    from q
)
select
    (select account_id from acct) as account_id,
    w.workspace_id,
    uuidish(500, q.qid) as statement_id,
    u.email as executed_by,
    uuidish(485, (q.u_idx * 1000 + q.ws_idx) * 1000 + q.start_ms // 86400000) as session_id,
    q.status as execution_status,
    struct_pack(type := 'WAREHOUSE', cluster_id := null::varchar,
                warehouse_id := w.warehouse_id)::{COMPUTE_TYPE} as compute,
    u.user_id::varchar as executed_by_user_id,
    {_BULK_TEXT} as statement_text,
    q.stmt_type as statement_type,
    case
        when q.status = 'FAILED' and q.cls = 7 then [
            'Job aborted due to stage failure: Task 41 in stage 12.0 failed 4 times, most recent '
                || 'failure: java.lang.OutOfMemoryError: Java heap space',
            '[EXECUTOR_BROADCAST_JOIN_OOM] There is not enough memory to build the broadcast '
                || 'relation.',
            '[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to the root '
                || 'of the table by a concurrent update.'][1 + floor(us * 3)::integer]
        when q.status = 'FAILED' then [
            '[TABLE_OR_VIEW_NOT_FOUND] The table or view `' || t.table_name
                || '_v2` cannot be found.',
            '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with '
                || 'name `' || dim || 's` cannot be resolved.',
            '[PARSE_SYNTAX_ERROR] Syntax error at or near ''from''.',
            '[DIVIDE_BY_ZERO] Division by zero.'][1 + floor(us * 4)::integer]
        when q.status = 'CANCELED' then 'Query has been cancelled.'
    end as error_message,
    case q.source_kind
        when 0 then 'Databricks SQL Editor'
        when 1 then 'Databricks SQL Dashboard'
        when 2 then 'Databricks Notebook'
        when 3 then 'Databricks SQL Alerts'
        when 4 then case when us < 0.5 then 'Tableau' else 'PowerBI' end
        else 'python-sql-connector'
    end as client_application,
    case q.source_kind
        when 4 then case when us < 0.5 then 'Databricks JDBC Driver'
                         else 'Simba Spark ODBC Driver' end
        when 5 then 'Databricks SQL Connector for Python 4.0.3'
    end as client_driver,
    q.total_ms as total_duration_ms,
    q.wfc_ms as waiting_for_compute_duration_ms,
    q.wac_ms as waiting_at_capacity_duration_ms,
    q.exec_ms as execution_duration_ms,
    q.comp_ms as compilation_duration_ms,
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
        job_info := null::{JOB_INFO_TYPE},
        legacy_dashboard_id := null::varchar,
        dashboard_id := case when q.source_kind = 1
            then hex32(481, q.ws_idx * 100 + wgt % 10) end,
        alert_id := case when q.source_kind = 3
            then uuidish(483, q.ws_idx * 100 + wgt % 15) end,
        notebook_id := case when q.source_kind = 2
            then num16(482, q.ws_idx * 100 + wgt)::varchar end,
        sql_query_id := case when q.source_kind = 3 or (q.source_kind = 0 and us < 0.4)
            then uuidish(480, q.ws_idx * 1000 + floor(us * 200)::integer) end,
        genie_space_id := null::varchar,
        pipeline_info := null::STRUCT(pipeline_id VARCHAR, update_id VARCHAR)
    )::{QS_TYPE} as query_source,
    u.user_id::varchar as executed_as_user_id,
    u.email as executed_as,
    q.written_rows,
    q.written_files,
    case when q.from_cache then uuidish(486, q.ws_idx * 100 + wgt) end
        as cache_origin_statement_id,
    null as query_parameters,
    null as query_tags,
    q.pruned_files_bytes,
    q.read_files_bytes,
from qt as q
join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
join users as u on u.u_idx = q.u_idx
join tbls as t on t.t_idx = q.t_idx
"""

GENIE_TEXT = """
create or replace temp table genie_text as
select
    g.*,
    '`' || replace(g.fqn, '.', '`.`') || '`' as fqn_bt,
    case g.tmpl
        when 0 then 'What was the total ' || measure || ' by ' || dim || ' since '
            || lit_date || '?'
        when 1 then 'Show me the top ' || top_n || ' ' || dim || ' values by ' || measure
            || ' since ' || lit_date
        when 2 then 'How did daily ' || measure || ' trend since ' || lit_date || '?'
        when 3 then 'Which ' || dim || ' had the lowest ' || measure || ' on ' || lit_date || '?'
        when 4 then 'Compare ' || measure || ' before and after ' || lit_date || ' by ' || dim
        else 'List the lowest ' || measure || ' records on ' || lit_date
    end as content,
    case when g.has_query then case g.tmpl
        when 0 then 'SELECT `' || dim || '`, SUM(`' || measure || '`) AS `total_' || measure
            || '` FROM ' || fqn_bt || ' WHERE `' || date_col || '` >= ''' || lit_date
            || ''' GROUP BY `' || dim || '` ORDER BY `total_' || measure || '` DESC LIMIT 1000'
        when 1 then 'SELECT `' || dim || '`, SUM(`' || measure || '`) AS `total_' || measure
            || '` FROM ' || fqn_bt || ' WHERE `' || date_col || '` >= ''' || lit_date
            || ''' GROUP BY `' || dim || '` ORDER BY `total_' || measure || '` DESC LIMIT '
            || top_n
        when 2 then 'SELECT DATE_TRUNC(''DAY'', `' || date_col || '`) AS `day`, SUM(`'
            || measure || '`) AS `' || measure || '` FROM ' || fqn_bt || ' WHERE `' || date_col
            || '` >= ''' || lit_date || ''' GROUP BY ALL ORDER BY `day` LIMIT 1000'
        when 3 then 'SELECT `' || dim || '`, MIN(`' || measure || '`) AS `min_' || measure
            || '` FROM ' || fqn_bt || ' WHERE CAST(`' || date_col || '` AS DATE) = '''
            || lit_date || ''' GROUP BY `' || dim || '` ORDER BY `min_' || measure
            || '` ASC LIMIT 5'
        when 4 then 'SELECT `' || dim || '`, SUM(CASE WHEN `' || date_col || '` >= '''
            || lit_date || ''' THEN `' || measure || '` END) AS `after`, SUM(CASE WHEN `'
            || date_col || '` < ''' || lit_date || ''' THEN `' || measure
            || '` END) AS `before` FROM ' || fqn_bt || ' GROUP BY `' || dim || '` LIMIT 1000'
        else 'SELECT `' || date_col || '`, `' || dim || '`, `' || measure || '` FROM ' || fqn_bt
            || ' WHERE CAST(`' || date_col || '` AS DATE) = ''' || lit_date
            || ''' ORDER BY `' || measure || '` ASC LIMIT 100'
    end end as query_sql,
    case when g.has_query then case g.tmpl
        when 0 then 'Total ' || measure || ' by ' || dim
        when 1 then 'Top ' || top_n || ' ' || dim || ' by ' || measure
        when 2 then 'Daily ' || measure || ' trend'
        when 3 then 'Lowest ' || measure || ' by ' || dim
        when 4 then measure || ' before and after ' || lit_date
        else 'Lowest ' || measure || ' records'
    end end as query_title,
    case when g.has_query then
        'This query aggregates ' || measure || ' from ' || g.fqn || ' filtered on '
        || date_col || ' relative to ' || lit_date || '.'
    end as query_description,
from msgs as g
"""

GENIE_HISTORY = f"""
insert into query.history
select
    (select account_id from acct),
    w.workspace_id,
    uuidish(500, q.qid),
    u.email,
    uuidish(487, g.ck),
    q.status,
    struct_pack(type := 'WAREHOUSE', cluster_id := null::varchar,
                warehouse_id := w.warehouse_id)::{COMPUTE_TYPE},
    u.user_id::varchar,
    g.query_sql,
    q.stmt_type,
    null,
    'Databricks SQL Genie Space',
    null,
    q.total_ms, q.wfc_ms, q.wac_ms, q.exec_ms, q.comp_ms, m.task_ms, q.fetch_ms,
    ts_ms(q.start_ms), ts_ms(q.end_ms), ts_ms(q.end_ms + m.late_ms),
    m.read_partitions, m.pruned_files, m.read_files, m.read_rows, q.produced_rows,
    q.read_bytes, m.io_cache_pct::tinyint, m.from_cache, m.spilled_bytes, m.written_bytes,
    m.shuffle_bytes,
    struct_pack(
        job_info := null::{JOB_INFO_TYPE},
        legacy_dashboard_id := null::varchar,
        dashboard_id := null::varchar,
        alert_id := null::varchar,
        notebook_id := null::varchar,
        sql_query_id := null::varchar,
        genie_space_id := g.space_id,
        pipeline_info := null::STRUCT(pipeline_id VARCHAR, update_id VARCHAR)
    )::{QS_TYPE},
    u.user_id::varchar,
    u.email,
    m.written_rows, m.written_files, null, null, null,
    m.pruned_files_bytes, m.read_files_bytes,
from q_timed as q
join q_genie as m on m.qid = q.qid
join genie_text as g on g.qid = q.qid
join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
join users as u on u.u_idx = g.u_idx
where q.src = 'genie'
"""

DBT_HISTORY = f"""
insert into query.history
select
    (select account_id from acct),
    w.workspace_id,
    uuidish(500, q.qid),
    sp.application_id,
    uuidish(488, d.run_id),
    q.status,
    struct_pack(type := 'WAREHOUSE', cluster_id := null::varchar,
                warehouse_id := w.warehouse_id)::{COMPUTE_TYPE},
    sp.user_id::varchar,
    d.statement_text,
    q.stmt_type,
    null,
    'dbt',
    'Databricks SQL Connector for Python 4.0.3',
    q.total_ms, q.wfc_ms, q.wac_ms, q.exec_ms, q.comp_ms, m.task_ms, q.fetch_ms,
    ts_ms(q.start_ms), ts_ms(q.end_ms), ts_ms(q.end_ms + m.late_ms),
    m.read_partitions, m.pruned_files, m.read_files, m.read_rows, q.produced_rows,
    q.read_bytes, m.io_cache_pct::tinyint, m.from_cache, m.spilled_bytes, m.written_bytes,
    m.shuffle_bytes,
    struct_pack(
        job_info := struct_pack(job_id := d.job_id, job_run_id := d.run_id,
                                job_task_run_id := d.task_run_id)::{JOB_INFO_TYPE},
        legacy_dashboard_id := null::varchar,
        dashboard_id := null::varchar,
        alert_id := null::varchar,
        notebook_id := null::varchar,
        sql_query_id := null::varchar,
        genie_space_id := null::varchar,
        pipeline_info := null::STRUCT(pipeline_id VARCHAR, update_id VARCHAR)
    )::{QS_TYPE},
    sp.user_id::varchar,
    sp.application_id,
    m.written_rows, m.written_files, null, null,
    map(['dbt_model', 'dbt_invocation_id', 'dbt_target', 'dbt_materialized'],
        ['model.acme_analytics.' || d.model, d.invocation_id, 'prod', d.materialized]),
    m.pruned_files_bytes, m.read_files_bytes,
from q_timed as q
join q_dbt as m on m.qid = q.qid
join q_dbt_text as d on d.qid = q.qid
join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
cross join (select * from sps where sp_name = 'dbt') as sp
where q.src = 'dbt'
"""

# An earlier RUNNING snapshot of a few statements: same statement_id, earlier update_time,
# half the progress. Consumers must keep the row with the greatest update_time.
PROGRESS_ROWS = """
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
    select uuidish(500, qid) as statement_id
    from q_timed
    where src = 'bulk' and u01(441, qid) < 0.005 and exec_ms >= 2000
      and status in ('FINISHED', 'FAILED')
) as p
    on p.statement_id = h.statement_id
"""


def query_history_sql() -> list[str]:
    """Statements filling query.history (bulk, Genie, dbt, then the progress snapshots)."""
    return [BULK_HISTORY, GENIE_TEXT, GENIE_HISTORY, DBT_HISTORY, PROGRESS_ROWS]
