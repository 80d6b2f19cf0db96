-- Writes system table lakeflow.jobs.
insert into lakeflow.jobs
with versions as (
    select *, create_ms as change_v, null::bigint as del_v, 0 as version from jobs
    union all
    select *, create_ms + 7 * 86400000::bigint + 5000, null, 1 from jobs
    union all
    select *, change_ms, null, 2 from jobs where change_ms is not null
    union all
    select *, delete_ms, delete_ms, 3 from jobs where delete_ms is not null
)
select
    (select account_id from acct),
    v.workspace_id,
    v.job_id,
    v.name,
    v.description || case when v.version >= 2 then ' (v2)' else '' end,
    u.user_id::varchar,
    v.tags,
    ts_ms(v.change_v),
    ts_ms(v.del_v),
    sp.application_id,
    struct_pack(periodic := null, continuous := null,
                schedule := struct_pack(quartz_cron_expression := v.cron,
                                        timezone_id := 'UTC'))::{trigger_type},
    'CRON',
    sp.application_id,
    u.email,
    false,
    case when v.version = 0 then 0 else 14400 end,
    case when v.version >= 1 then [struct_pack(metric := 'RUN_DURATION_SECONDS',
        operator := 'GREATER_THAN', "value" := 10800)]::{health_rules_type} end,
    case when v.k = 0 then struct_pack(kind := 'BUNDLE',
        metadata_file_path := '/Workspace/Users/' || sp.application_id
            || '/.bundle/genie_analytics/prod/state/metadata.json')::{deployment_type} end,
    ts_ms(v.create_ms),
from versions as v
join sps as sp using (sp_name)
join users as u on u.user_idx = (v.workspace_idx + v.k) % {users}
