-- Writes temp table usage_raw.
-- All usage rows in one raw shape; record ids, metadata structs and corrections are added once.
create or replace temp table usage_raw as
select
    'SQL' as product,
    h.workspace_idx,
    w.workspace_id,
    w.sku_name,
    h.h,
    h.on_ms * h.dbu_rate * h.clusters as qty_num,
    w.tags as custom_tags,
    null::varchar as cluster_id,
    null::varchar as job_id,
    null::varchar as job_run_id,
    null::varchar as job_name,
    w.warehouse_id,
    (select email from users where user_idx = (w.workspace_idx + w.warehouse_idx) % {users}) as owner_email,
    null::varchar as run_as,
    w.warehouse_type,
    'w' || w.warehouse_id || '-' || h.h::varchar as rkey,
from wh_hours as h
join wh as w on w.workspace_idx = h.workspace_idx and w.warehouse_idx = h.warehouse_idx
union all
select
    'ALL_PURPOSE', a.workspace_idx, a.workspace_id, 'PREMIUM_ALL_PURPOSE_COMPUTE', a.h,
    a.on_ms * round(a.node_dbu * 10)::bigint
        * (1 + case when a.resize_ms is not null and a.h * 3600000::bigint >= a.resize_ms
                    then a.resized_worker_count else a.worker_count end),
    a.tags, a.cluster_id, null, null, null, null, null, null, null,
    'c' || a.cluster_id || '-' || a.h::varchar,
from (
    select
        c.workspace_idx, c.workspace_id, c.cluster_id, c.tags, c.node_dbu, c.resize_ms,
        c.resized_worker_count, c.worker_count, h,
        sum(least(c.on_end_ms, (h + 1) * 3600000::bigint)
            - greatest(c.on_start_ms, h * 3600000::bigint)) as on_ms,
    from ap_on as c, range(c.on_start_ms // 3600000, (c.on_end_ms - 1) // 3600000 + 1) as t(h)
    group by all
) as a
union all
select
    'JOBS', s.workspace_idx, s.workspace_id, 'PREMIUM_JOBS_COMPUTE', s.h,
    (s.p_end_ms - s.p_start_ms) * round(s.node_dbu * 10)::bigint * (s.workers + 1),
    s.tags, s.cluster_id, s.job_id, s.run_id, s.name, null, null, sp.application_id, null,
    'j' || s.run_id || '-' || s.h::varchar,
from run_slices as s
join sps as sp using (sp_name)
where s.k > 0
