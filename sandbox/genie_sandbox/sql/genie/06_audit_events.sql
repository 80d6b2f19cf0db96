-- Writes temp table audit_ev.
-- Raw audit events: (workspace, time, who, what, params, response) in one shape.
create or replace temp table audit_ev as
with m as (
    select
        *,
        u01({salt_audit_bad_result}, message_key) < 0.03 as bad_result,
        u01({salt_audit_get_missing_id}, message_key) < 0.03 and not (u01({salt_audit_bad_result}, message_key) < 0.03) as get_missing_id,
    from msg_final
),
gets as (
    select m.*, gi
    from m, range(1 + floor(u01({salt_audit_get_count}, m.message_key) * 3)::bigint) as r(gi)
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
        when bad_result and u01({salt_audit_bad_result_is_ok}, message_key) < 0.5 then 'OK'
        when bad_result then '{{"space_id":"' || space_id || '","conversation_id":"'
        else to_json(struct_pack(space_id := space_id, conversation_id := conversation_id,
                                 message_id := message_id, user_id := user_id::varchar))::varchar
    end as result,
    message_key * 100 + 1 as ek,
from m
union all
-- the UI opens a conversation first: no message id anywhere
select workspace_id, created_ms - 900, user_email, is_api, 'aibiGenie', 'createConversation',
       map(['space_id'], [space_id]), 200, null,
       to_json(struct_pack(conversation_id := conversation_id))::varchar, message_key * 100 + 2
from m where mi = 0 and not is_api
union all
-- 429s: API callers above the 5 questions/minute limit retry
select workspace_id, created_ms - 20000, user_email, true, 'aibiGenie',
       'genieStartConversationMessage', map(['space_id'], [space_id]), 429,
       'RESOURCE_EXHAUSTED: Too many requests. Please wait and try again.', null, message_key * 100 + 3
from m where is_api and mi = 0 and u01({salt_audit_rate_limited}, message_key) < 0.08
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
    200, null, null, message_key * 100 + 10 + gi
from gets
union all
select workspace_id, updated_ms + 10000 + floor(u01({salt_audit_feedback_delay}, message_key) * 290000)::bigint, user_email,
       is_api, 'aibiGenie', 'updateConversationMessageFeedback',
       map(['space_id', 'conversation_id', 'message_id', 'feedback_rating'],
           [space_id, conversation_id, message_id, feedback_rating]),
       200, null, null, message_key * 100 + 20
from m where feedback_rating <> 'NONE'
union all
select workspace_id, updated_ms + 60000 + floor(u01({salt_audit_comment_delay}, message_key) * 540000)::bigint, user_email,
       is_api, 'aibiGenie', 'createConversationMessageComment',
       map(['space_id', 'conversation_id', 'message_id'],
           [space_id, conversation_id, message_id]),
       200, null, null, message_key * 100 + 21
from m where has_comment
union all
select workspace_id, updated_ms + 600000 + floor(u01({salt_audit_delete_delay}, message_key) * 3600000)::bigint, user_email,
       is_api, 'aibiGenie', 'deleteConversationMessage',
       map(['space_id', 'conversation_id', 'message_id'],
           [space_id, conversation_id, message_id]),
       200, null, null, message_key * 100 + 22
from m where is_deleted
union all
-- Genie traffic from a workspace that is not (any more) in workspaces_latest
select
    num16({salt_audit_former_workspace_id}, 0)::varchar,
    {start_ms} + floor(u01({salt_audit_former_workspace_time}, i) * {days} * 86400000::bigint)::bigint,
    'former.employee@acme-corp.com', false, 'aibiGenie', 'getConversationMessage',
    map(['space_id', 'conversation_id', 'message_id'],
        [hex32({salt_audit_former_space_id}, i // 20), hex32({salt_audit_former_conversation_id}, i // 4), hex32({salt_audit_former_message_id}, i)]),
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
    {start_ms} + x.d * 86400000::bigint + floor(u01({salt_table_read_time}, x.k) * 86400000)::bigint,
    case when u01({salt_table_read_by_service_principal}, x.k) < 0.25 then (select application_id from sps where sp_name = 'dbt')
         else u.email end,
    u01({salt_table_read_by_service_principal}, x.k) < 0.25, 'unityCatalog', 'getTable',
    map(['full_name_arg', 'workspace_id', 'metastore_id'], [
        case
            when u01({salt_table_read_name_shape}, x.k) < 0.03 then t.table_name
            when u01({salt_table_read_name_shape}, x.k) < 0.06 then 'genie_analytics.' || t.table_name
            when u01({salt_table_read_name_shape}, x.k) < 0.07 then ''
            else 'main.genie_analytics.' || t.table_name
        end,
        w.workspace_id, uuidish({salt_metastore_id}, 0)]),
    case when u01({salt_table_read_denied}, x.k) < 0.05 then 403 else 200 end,
    case when u01({salt_table_read_denied}, x.k) < 0.05
        then 'PERMISSION_DENIED: User does not have SELECT on Table main.genie_analytics.'
            || t.table_name
    end,
    null, 7000000000000 + x.k
from (
    select workspace_idx, d, i, (workspace_idx * 1000 + d) * 1000 + i as k
    from ws, range({days}) as r1(d), range(40) as r2(i)
) as x
join ws as w on w.workspace_idx = x.workspace_idx
join users as u on u.user_idx = floor(u01({salt_table_read_user}, x.k) * {users})::integer
join (select * from (values
    (0, 'genie_query_performance'), (1, 'genie_cost_attribution'),
    (2, 'genie_daily_performance'), (3, 'genie_workspace_daily_costs'),
    (4, 'genie_message_performance'), (5, 'genie_cost_attribution_archive'),
    (6, 'genie_optimization_opportunities'), (7, 'genie_user_comparison')
) as v(t_idx, table_name)) as t
    on t.t_idx = floor(u01({salt_table_read_table}, x.k) * 8)::integer
union all
-- everything else people do in a workspace
select
    w.workspace_id,
    {start_ms} + x.d * 86400000::bigint + (floor((13.0 + 3.0 * nrm({salt_audit_other_hour}, x.k)) * 3600000::bigint)::bigint
        % 86400000 + 86400000) % 86400000,
    u.email, false, a.service, a.action, a.params, 200, null, null, 8000000000000 + x.k
from (
    select workspace_idx, d, i, (workspace_idx * 1000 + d) * 1000 + i as k
    from ws, range({days}) as r1(d), range(60) as r2(i)
) as x
join ws as w on w.workspace_idx = x.workspace_idx
join users as u on u.user_idx = floor(u01({salt_audit_other_user}, x.k) * {users})::integer
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
    on a.a_idx = floor(u01({salt_audit_other_action}, x.k) * 8)::integer
