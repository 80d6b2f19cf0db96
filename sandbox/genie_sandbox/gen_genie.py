"""Genie ground truth (``sandbox_truth``) and ``system.access.audit``.

Audit rows follow the documented ``system.access.audit`` rows of service ``genieai``:
create/start actions carry the new message's ids only in ``response.result`` JSON,
get/feedback/comment actions carry them in ``request_params``.
Messy rows on purpose: a UI ``createConversation`` without a message id, a few create rows whose
result is not JSON (their messages stay discoverable through get rows), get rows missing
``message_id``, 429 API attempts, and Genie rows from a workspace not in ``workspaces_latest``.
Besides Genie: Unity Catalog ``getTable`` reads of this project's tables (``full_name_arg``), some
denied, some by a service principal, a few with names that are not ``catalog.schema.table``.
"""

from __future__ import annotations

from .gen_activity import PROBLEMS
from .gen_queries import col_type

# The problem codes as a SQL list literal, indexed by the bulk queries' ``cls`` (1-based).
PROBLEMS_SQL = "[" + ", ".join(f"'{problem}'" for problem in PROBLEMS) + "]"

UI_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
API_AGENT = "databricks-sdk-py/0.117.0 python/3.11.9 os/linux auth/pat"

MSG_FINAL = """
create or replace temp table msg_final as
select
    g.*,
    u.email as user_email,
    u.user_id,
    case when g.has_query then uuidish(500, g.qid) end as statement_id,
    case when g.has_query then q.produced_rows end as row_count,
    case
        when g.has_query then q.end_ms + 800 + floor(u01(360, g.mk) * 2000)::bigint
        when g.status = 'COMPLETED' then g.created_ms + 3000 + floor(u01(360, g.mk) * 12000)::bigint
        when g.status = 'FAILED' then g.created_ms + 2000 + floor(u01(360, g.mk) * 28000)::bigint
        when g.status = 'CANCELLED'
            then g.created_ms + 1000 + floor(u01(360, g.mk) * 19000)::bigint
        else least(g.created_ms + 1500, {end_ms} - 1)
    end as updated_ms,
from genie_text as g
join users as u on u.u_idx = g.u_idx
left join q_timed as q on q.qid = g.qid and g.has_query
"""

TRUTH_SPACES = """
create or replace table sandbox_truth.genie_spaces as
select
    s.workspace_id::varchar as workspace_id,
    s.space_id::varchar as space_id,
    s.title::varchar as title,
    s.description::varchar as description,
    s.warehouse_id::varchar as warehouse_id,
    to_json(struct_pack(
        version := 2,
        config := struct_pack(sample_questions := [
            'What was the total ' || t1.measure_col || ' by ' || t1.dim_col || ' last week?',
            'Which ' || t2.dim_col || ' grew fastest this month?']),
        data_sources := struct_pack(tables := [
            struct_pack(identifier := t1.fqn), struct_pack(identifier := t2.fqn),
            struct_pack(identifier := t3.fqn)]),
        instructions := struct_pack(text_instructions := [
            'Amounts are in USD. Weeks start on Monday.'])
    ))::varchar as serialized_space,
    ('/Workspace/Users/' || u.email)::varchar as parent_path,
    hex16(304, s.ws_idx * 100 + s.s)::varchar as etag,
    ts_ms(s.create_ms) as create_time,
    ts_ms(greatest(s.create_ms, {start_ms} + floor(u01(305, s.ws_idx * 100 + s.s)
                                             * {days} * 86400000::bigint)::bigint)) as update_time,
    s.is_forbidden::boolean as is_forbidden,
from spaces as s
join users as u on u.u_idx = s.owner_u_idx
join tbls as t1 on t1.t_idx = s.t_list[1]
join tbls as t2 on t2.t_idx = s.t_list[2]
join tbls as t3 on t3.t_idx = s.t_list[3]
"""

TRUTH_MESSAGES = """
create or replace table sandbox_truth.genie_messages as
select
    m.workspace_id::varchar as workspace_id,
    m.space_id::varchar as space_id,
    m.conversation_id::varchar as conversation_id,
    m.message_id::varchar as message_id,
    m.user_id::bigint as user_id,
    m.user_email::varchar as user_email,
    m.content::varchar as content,
    m.status::varchar as status,
    m.created_ms::bigint as created_timestamp,
    m.updated_ms::bigint as last_updated_timestamp,
    m.error_type::varchar as error_type,
    case when m.error_type is not null
        then 'Genie could not answer: ' || lower(replace(m.error_type, '_', ' '))
    end::varchar as error_message,
    m.query_sql::varchar as query_sql,
    m.query_description::varchar as query_description,
    m.query_title::varchar as query_title,
    m.statement_id::varchar as statement_id,
    m.row_count::bigint as row_count,
    case
        when m.has_query then 'Here is the ' || lower(m.query_title) || ': ' || m.row_count
            || ' rows.'
        when m.status = 'COMPLETED' then 'Could you clarify which ' || m.dim
            || ' you mean? This space covers ' || m.fqn || '.'
    end::varchar as text_answer,
    case when m.status = 'COMPLETED' and u01(361, m.mk) < 0.5 then to_json([
        'How does this compare with the previous period?',
        'Break this down by ' || case when m.dim = 'region' then 'channel' else 'region' end
    ])::varchar end as suggested_questions,
    m.feedback_rating::varchar as feedback_rating,
    m.is_deleted::boolean as is_deleted,
from msg_final as m
"""

TRUTH_PROBLEMS = f"""
create or replace table sandbox_truth.planted_problems as
select
    w.workspace_id::varchar as workspace_id,
    uuidish(500, q.qid)::varchar as statement_id,
    w.warehouse_id::varchar as warehouse_id,
    {PROBLEMS_SQL}[q.cls]::varchar as problem,
from q_timed as q
join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
where q.cls > 0
union all
select w.workspace_id, uuidish(500, q.qid), w.warehouse_id, 'COLD_START'
from q_timed as q
join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
where q.wfc_ms > 0
union all
select workspace_id, null, warehouse_id, 'IDLE_WAREHOUSE'
from wh
where is_idle
"""

# Raw audit events: (workspace, time, who, what, params, response) in one shape.
AUDIT_EVENTS = """
create or replace temp table audit_ev as
with m as (
    select
        *,
        u01(600, mk) < 0.03 as bad_result,
        u01(601, mk) < 0.03 and not (u01(600, mk) < 0.03) as get_missing_id,
    from msg_final
),
gets as (
    select m.*, gi
    from m, range(1 + floor(u01(602, m.mk) * 3)::bigint) as r(gi)
)
-- create / start: ids only in response.result
select
    workspace_id, created_ms - 150 as t_ms, user_email, is_api, 'aibiGenie' as service,
    case when not is_api then 'createConversationMessage'
         when mi = 0 then 'genieStartConversationMessage'
         else 'genieCreateConversationMessage' end as action,
    case when mi = 0 then map(['space_id'], [space_id])
         else map(['space_id', 'conversation_id'], [space_id, conversation_id]) end as params,
    200 as status_code,
    null::varchar as err,
    case
        when bad_result and u01(603, mk) < 0.5 then 'OK'
        when bad_result then '{{"space_id":"' || space_id || '","conversation_id":"'
        else to_json(struct_pack(space_id := space_id, conversation_id := conversation_id,
                                 message_id := message_id, user_id := user_id::varchar))::varchar
    end as result,
    mk * 100 + 1 as ek,
from m
union all
-- the UI opens a conversation first: no message id anywhere
select workspace_id, created_ms - 900, user_email, is_api, 'aibiGenie', 'createConversation',
       map(['space_id'], [space_id]), 200, null,
       to_json(struct_pack(conversation_id := conversation_id))::varchar, mk * 100 + 2
from m where mi = 0 and not is_api
union all
-- 429s: API callers above the 5 questions/minute limit retry
select workspace_id, created_ms - 20000, user_email, true, 'aibiGenie',
       'genieStartConversationMessage', map(['space_id'], [space_id]), 429,
       'RESOURCE_EXHAUSTED: Too many requests. Please wait and try again.', null, mk * 100 + 3
from m where is_api and mi = 0 and u01(604, mk) < 0.08
union all
-- polling gets: ids in request_params
select
    workspace_id,
    created_ms + (gi + 1) * greatest(500, (updated_ms - created_ms) // 3),
    user_email, is_api, 'aibiGenie',
    case when is_api then 'genieGetConversationMessage' else 'getConversationMessage' end,
    case when get_missing_id and gi = 0
        then map(['space_id', 'conversation_id'], [space_id, conversation_id])
        else map(['space_id', 'conversation_id', 'message_id'],
                 [space_id, conversation_id, message_id]) end,
    200, null, null, mk * 100 + 10 + gi
from gets
union all
select workspace_id, updated_ms + 10000 + floor(u01(605, mk) * 290000)::bigint, user_email,
       is_api, 'aibiGenie', 'updateConversationMessageFeedback',
       map(['space_id', 'conversation_id', 'message_id', 'feedback_rating'],
           [space_id, conversation_id, message_id, feedback_rating]),
       200, null, null, mk * 100 + 20
from m where feedback_rating <> 'NONE'
union all
select workspace_id, updated_ms + 60000 + floor(u01(606, mk) * 540000)::bigint, user_email,
       is_api, 'aibiGenie', 'createConversationMessageComment',
       map(['space_id', 'conversation_id', 'message_id'],
           [space_id, conversation_id, message_id]),
       200, null, null, mk * 100 + 21
from m where has_comment
union all
select workspace_id, updated_ms + 600000 + floor(u01(607, mk) * 3600000)::bigint, user_email,
       is_api, 'aibiGenie', 'deleteConversationMessage',
       map(['space_id', 'conversation_id', 'message_id'],
           [space_id, conversation_id, message_id]),
       200, null, null, mk * 100 + 22
from m where is_deleted
union all
-- Genie traffic from a workspace that is not (any more) in workspaces_latest
select
    num16(650, 0)::varchar,
    {start_ms} + floor(u01(651, i) * {days} * 86400000::bigint)::bigint,
    'former.employee@acme-corp.com', false, 'aibiGenie', 'getConversationMessage',
    map(['space_id', 'conversation_id', 'message_id'],
        [hex32(652, i // 20), hex32(653, i // 4), hex32(654, i)]),
    200, null, null, 9000000000000 + i
from range(5 * {days}) as r(i)
union all
-- Unity Catalog reads of this project's own tables (the genie_table_reads mart): each read of
-- a table is logged as service unityCatalog, action getTable, with request_params
-- full_name_arg / workspace_id / metastore_id (the audit log system table reference's example).
-- Readers: analysts (not only Genie users) and the dbt service principal, whose
-- user_identity.email is its application id; 5% denied (403). 7% of the names are not
-- catalog.schema.table (one part, two parts, empty), so staging must survive them on every
-- engine; those reads are not attributed to a project table.
select
    w.workspace_id,
    {start_ms} + x.d * 86400000::bigint + floor(u01(680, x.k) * 86400000)::bigint,
    case when u01(681, x.k) < 0.25 then (select application_id from sps where sp_name = 'dbt')
         else u.email end,
    u01(681, x.k) < 0.25, 'unityCatalog', 'getTable',
    map(['full_name_arg', 'workspace_id', 'metastore_id'], [
        case
            when u01(682, x.k) < 0.03 then t.table_name
            when u01(682, x.k) < 0.06 then 'genie_analytics.' || t.table_name
            when u01(682, x.k) < 0.07 then ''
            else 'main.genie_analytics.' || t.table_name
        end,
        w.workspace_id, uuidish(686, 0)]),
    case when u01(683, x.k) < 0.05 then 403 else 200 end,
    case when u01(683, x.k) < 0.05
        then 'PERMISSION_DENIED: User does not have SELECT on Table main.genie_analytics.'
            || t.table_name
    end,
    null, 7000000000000 + x.k
from (
    select ws_idx, d, i, (ws_idx * 1000 + d) * 1000 + i as k
    from ws, range({days}) as r1(d), range(40) as r2(i)
) as x
join ws as w on w.ws_idx = x.ws_idx
join users as u on u.u_idx = floor(u01(684, x.k) * {users})::integer
join (select * from (values
    (0, 'genie_query_performance'), (1, 'genie_cost_attribution'),
    (2, 'genie_daily_performance'), (3, 'genie_workspace_daily_costs'),
    (4, 'genie_message_performance'), (5, 'genie_cost_attribution_archive'),
    (6, 'genie_optimization_opportunities'), (7, 'genie_user_comparison')
) as v(t_idx, table_name)) as t
    on t.t_idx = floor(u01(685, x.k) * 8)::integer
union all
-- everything else people do in a workspace
select
    w.workspace_id,
    {start_ms} + x.d * 86400000::bigint + (floor((13.0 + 3.0 * nrm(660, x.k)) * 3600000::bigint)::bigint
        % 86400000 + 86400000) % 86400000,
    u.email, false, a.service, a.action, a.params, 200, null, null, 8000000000000 + x.k
from (
    select ws_idx, d, i, (ws_idx * 1000 + d) * 1000 + i as k
    from ws, range({days}) as r1(d), range(60) as r2(i)
) as x
join ws as w on w.ws_idx = x.ws_idx
join users as u on u.u_idx = floor(u01(661, x.k) * {users})::integer
join (select * from (values
    (0, 'accounts', 'tokenLogin', map(['tokenId'], ['dapi-redacted'])),
    (1, 'clusters', 'list', map([]::varchar[], []::varchar[])),
    (2, 'notebook', 'runCommand', map(['notebookId', 'commandLanguage'], ['1234', 'python'])),
    (3, 'unityCatalog', 'getTable', map(['full_name_arg'], ['main.sales.orders'])),
    (4, 'unityCatalog', 'generateTemporaryTableCredential',
        map(['operation'], ['READ'])),
    (5, 'databrickssql', 'getQueryHistory', map([]::varchar[], []::varchar[])),
    (6, 'jobs', 'runNow', map(['job_id'], ['0'])),
    (7, 'workspace', 'getWorkspaceConf', map(['keys'], ['enableTokensConfig']))
) as v(a_idx, service, action, params)) as a
    on a.a_idx = floor(u01(662, x.k) * 8)::integer
"""

AUDIT = f"""
insert into access.audit
select
    (select account_id from acct),
    e.workspace_id,
    '2.0',
    ts_ms(e.t_ms),
    ts_ms(e.t_ms)::date,
    '10.' || (hash({{seed}}, 670, e.user_email) % 250)::varchar || '.'
        || (hash({{seed}}, 671, e.user_email) % 250)::varchar || '.'
        || (hash({{seed}}, 672, e.user_email) % 250)::varchar,
    case when e.is_api then '{API_AGENT}' else '{UI_AGENT}' end,
    uuidish(673, e.user_email || (e.t_ms // 3600000)::varchar),
    struct_pack(email := e.user_email, subject_name := null::varchar)
        ::{col_type("access", "audit", "user_identity")},
    e.service,
    e.action,
    uuidish(674, e.ek),
    e.params,
    struct_pack(status_code := e.status_code, error_message := e.err, result := e.result)
        ::{col_type("access", "audit", "response")},
    'WORKSPACE_LEVEL',
    uuidish(675, e.ek),
    struct_pack(run_by := e.user_email, run_as := e.user_email)
        ::{col_type("access", "audit", "identity_metadata")},
from audit_ev as e
where e.t_ms < {{end_ms}}
"""


def genie_sql() -> list[str]:
    """Statements for the Genie truth tables, planted problems and the audit log."""
    return [
        "create schema if not exists sandbox_truth",
        MSG_FINAL,
        TRUTH_SPACES,
        TRUTH_MESSAGES,
        TRUTH_PROBLEMS,
        AUDIT_EVENTS,
        AUDIT,
    ]
