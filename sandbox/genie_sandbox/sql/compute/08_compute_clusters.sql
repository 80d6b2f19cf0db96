-- Writes system table compute.clusters.
insert into compute.clusters
with versions as (
    select workspace_idx, workspace_id, cluster_id, cluster_name, owned_by, create_ms,
           null::bigint as del_ms, node_type, worker_count as workers, 60 as auto_term,
           tags, 'UI' as cluster_source, create_ms as change_ms, '15.4.x-scala2.12' as dbr
    from ap_clusters
    union all
    select workspace_idx, workspace_id, cluster_id, cluster_name, owned_by, create_ms, null,
           node_type, resized_worker_count, 60, tags, 'UI', resize_ms, '15.4.x-scala2.12'
    from ap_clusters where resize_ms is not null
    union all
    select workspace_idx, workspace_id, cluster_id, cluster_name, owned_by, create_ms, delete_ms,
           node_type, worker_count, 60, tags, 'UI', delete_ms, '15.4.x-scala2.12'
    from ap_clusters where delete_ms is not null
    union all
    select r.workspace_idx, r.workspace_id, r.cluster_id, 'job-' || r.job_id || '-run-' || r.run_id,
           sp.application_id, r.start_ms, null, 'i3.xlarge', r.workers, 0,
           map_concat(r.tags, map(['JobId', 'RunName'], [r.job_id, r.name])), 'JOB',
           r.start_ms, '16.4.x-scala2.12'
    from runs as r join sps as sp using (sp_name) where r.k > 0
    union all
    select r.workspace_idx, r.workspace_id, r.cluster_id, 'job-' || r.job_id || '-run-' || r.run_id,
           sp.application_id, r.start_ms, r.end_ms + 45000, 'i3.xlarge', r.workers, 0,
           map_concat(r.tags, map(['JobId', 'RunName'], [r.job_id, r.name])), 'JOB',
           r.end_ms + 45000, '16.4.x-scala2.12'
    from runs_done as r join sps as sp using (sp_name)
    where r.k > 0 and r.end_ms + 45000 < {end_ms}
)
select
    (select account_id from acct),
    workspace_id,
    cluster_id,
    cluster_name,
    owned_by,
    ts_ms(create_ms),
    ts_ms(del_ms),
    node_type,
    node_type,
    workers,
    null,
    null,
    auto_term,
    true,
    tags,
    cluster_source,
    []::varchar[],
    struct_pack(instance_profile_arn := null::varchar, zone_id := 'us-east-1a',
                first_on_demand := '1', availability := 'SPOT_WITH_FALLBACK',
                spot_bid_price_percent := '100', ebs_volume_type := null::varchar,
                ebs_volume_count := null::varchar, ebs_volume_size := null::varchar
    )::{aws_attributes_type},
    null,
    null,
    null,
    null,
    dbr,
    ts_ms(change_ms),
    ts_ms(change_ms)::date,
    case cluster_source when 'JOB' then 'SINGLE_USER' else 'USER_ISOLATION' end,
    null,
from versions
