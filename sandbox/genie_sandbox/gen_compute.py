"""Compute, jobs and billing system tables, all derived from the same uptime intervals.

A warehouse is billed for exactly the minutes ``wh_on`` says it was on (start-up, queries, idle
minutes until auto-stop), per clock hour, times the DBU rate of its size at that hour, times the
cluster count of that hour. ``warehouse_events`` are written from the same intervals, job-cluster
billing from the same run slices as ``lakeflow.job_run_timeline``.
"""

from __future__ import annotations

from .gen_queries import col_type

UM_TYPE = col_type("billing", "usage", "usage_metadata")
IM_TYPE = col_type("billing", "usage", "identity_metadata")
PF_TYPE = col_type("billing", "usage", "product_features")
PRICING_TYPE = col_type("billing", "list_prices", "pricing")
TRIGGER_TYPE = col_type("lakeflow", "jobs", "trigger")
HEALTH_TYPE = col_type("lakeflow", "jobs", "health_rules")
DEPLOY_TYPE = col_type("lakeflow", "jobs", "deployment")
RUN_COMPUTE_TYPE = col_type("lakeflow", "job_run_timeline", "compute")
JOB_PARAMS_TYPE = col_type("lakeflow", "job_run_timeline", "job_parameters")
AWS_TYPE = col_type("compute", "clusters", "aws_attributes")

WORKSPACES = """
insert into access.workspaces_latest
select (select account_id from acct), workspace_id, workspace_name, workspace_url, create_time,
       'RUNNING'
from ws
"""

WAREHOUSES = """
insert into compute.warehouses
with versions as (
    -- the original definition (BI Serverless started with 2 clusters max)
    select *, create_ms as change_ms, warehouse_size as size_v,
           case when role = 1 then 2 else max_clusters end as max_v, null::bigint as del_ms
    from wh
    union all
    -- BI Serverless was allowed to scale to 4 clusters shortly before the period
    select *, {start_ms} - 5 * 86400000::bigint + 37000, warehouse_size, max_clusters, null
    from wh where role = 1
    union all
    select *, resize_ms, resized_to, max_clusters, null from wh where is_resized
    union all
    select *, delete_ms, warehouse_size, max_clusters, delete_ms from wh where is_deleted
)
select
    warehouse_id,
    workspace_id,
    (select account_id from acct),
    warehouse_name,
    warehouse_type,
    'CURRENT',
    size_v,
    1,
    max_v,
    auto_stop_minutes,
    tags,
    ts_ms(change_ms),
    ts_ms(del_ms),
from versions
"""

# Clusters per (warehouse, hour): enough clusters for the hour's query volume.
WH_HOURS = """
create or replace temp table wh_hours as
with slices as (
    select o.ws_idx, o.j, o.on_start_ms, o.on_end_ms, h
    from wh_on as o, range(o.on_start_ms // 3600000, (o.on_end_ms - 1) // 3600000 + 1) as r(h)
),
on_ms as (
    select
        ws_idx, j, h,
        sum(least(on_end_ms, (h + 1) * 3600000::bigint)
            - greatest(on_start_ms, h * 3600000::bigint)) as on_ms,
    from slices
    group by all
),
load as (
    select ws_idx, j, start_ms // 3600000 as h, count(*) as n
    from q_timed
    group by all
)
select
    o.*,
    least(w.max_clusters, greatest(1, ceil(coalesce(l.n, 0) / 600.0)))::integer as clusters,
    case when w.is_resized and o.h * 3600000::bigint >= w.resize_ms then w.resized_dbu_rate
         else w.dbu_rate end as dbu_rate,
from on_ms as o
join wh as w on w.ws_idx = o.ws_idx and w.j = o.j
left join load as l on l.ws_idx = o.ws_idx and l.j = o.j and l.h = o.h
"""

WAREHOUSE_EVENTS = """
insert into compute.warehouse_events
with ev as (
    select o.ws_idx, o.j, 'STARTING' as event_type, 0 as cluster_count,
           o.on_start_ms as t_ms
    from wh_on as o
    union all
    select o.ws_idx, o.j, 'RUNNING', h.clusters, o.running_ms
    from wh_on as o
    join wh_hours as h on h.ws_idx = o.ws_idx and h.j = o.j and h.h = o.running_ms // 3600000
    union all
    select o.ws_idx, o.j, 'STOPPING', h.clusters, o.stopping_ms
    from wh_on as o
    join wh_hours as h on h.ws_idx = o.ws_idx and h.j = o.j and h.h = o.stopping_ms // 3600000
    union all
    select o.ws_idx, o.j, 'STOPPED', 0, o.on_end_ms
    from wh_on as o
    union all
    select h.ws_idx, h.j,
           case when h.clusters > p.clusters then 'SCALED_UP' else 'SCALED_DOWN' end,
           h.clusters, h.h * 3600000::bigint
    from wh_hours as h
    join wh_hours as p on p.ws_idx = h.ws_idx and p.j = h.j and p.h = h.h - 1
    join wh_on as o on o.ws_idx = h.ws_idx and o.j = h.j
        and o.running_ms < h.h * 3600000::bigint and o.stopping_ms > h.h * 3600000::bigint
    where h.clusters <> p.clusters
)
select (select account_id from acct), w.workspace_id, w.warehouse_id, ev.event_type,
       ev.cluster_count, ts_ms(ev.t_ms)
from ev
join wh as w on w.ws_idx = ev.ws_idx and w.j = ev.j
"""

# All-purpose clusters are up on weekdays during office hours (the personal one 60% of days).
AP_ON = """
create or replace temp table ap_on as
with d as (
    select c.*, d
    from ap_clusters as c, range({days}) as r(d)
    where isodow(date '{start_date}' + d::integer) < 6
      and (c.c = 0 or u01(520, c.ws_idx * 100000 + c.c * 10000 + d) < 0.6)
),
x as (
    select
        *,
        {start_ms} + d * 86400000::bigint + 28800000
            + floor(u01(521, ws_idx * 100000 + c * 10000 + d) * 3600000)::bigint
            as on_start_ms,
        {start_ms} + d * 86400000::bigint + 61200000
            + floor(u01(522, ws_idx * 100000 + c * 10000 + d) * 7200000)::bigint as on_end_ms,
    from d
)
select * from x where delete_ms is null or on_end_ms < delete_ms
"""

CLUSTERS = f"""
insert into compute.clusters
with versions as (
    select ws_idx, workspace_id, cluster_id, cluster_name, owned_by, create_ms,
           null::bigint as del_ms, node_type, worker_count as workers, 60 as auto_term,
           tags, 'UI' as cluster_source, create_ms as change_ms, '15.4.x-scala2.12' as dbr
    from ap_clusters
    union all
    select ws_idx, workspace_id, cluster_id, cluster_name, owned_by, create_ms, null,
           node_type, resized_worker_count, 60, tags, 'UI', resize_ms, '15.4.x-scala2.12'
    from ap_clusters where resize_ms is not null
    union all
    select ws_idx, workspace_id, cluster_id, cluster_name, owned_by, create_ms, delete_ms,
           node_type, worker_count, 60, tags, 'UI', delete_ms, '15.4.x-scala2.12'
    from ap_clusters where delete_ms is not null
    union all
    select r.ws_idx, r.workspace_id, r.cluster_id, 'job-' || r.job_id || '-run-' || r.run_id,
           sp.application_id, r.start_ms, null, 'i3.xlarge', r.workers, 0,
           map_concat(r.tags, map(['JobId', 'RunName'], [r.job_id, r.name])), 'JOB',
           r.start_ms, '16.4.x-scala2.12'
    from runs as r join sps as sp using (sp_name) where r.k > 0
    union all
    select r.ws_idx, r.workspace_id, r.cluster_id, 'job-' || r.job_id || '-run-' || r.run_id,
           sp.application_id, r.start_ms, r.end_ms + 45000, 'i3.xlarge', r.workers, 0,
           map_concat(r.tags, map(['JobId', 'RunName'], [r.job_id, r.name])), 'JOB',
           r.end_ms + 45000, '16.4.x-scala2.12'
    from runs_done as r join sps as sp using (sp_name)
    where r.k > 0 and r.end_ms + 45000 < {{end_ms}}
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
    )::{AWS_TYPE},
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
"""

# Run end: cluster jobs from their own duration, the dbt job from its last query.
RUNS_DONE = """
create or replace temp table runs_done as
with dbt_end as (
    select d.run_id, max(q.end_ms) + 15000 as end_ms
    from q_dbt_text as d join q_timed as q on q.qid = d.qid
    group by d.run_id
)
select
    r.*,
    case when r.k = 0 then e.end_ms
         else r.start_ms + r.setup_ms + r.cluster_dur_ms::bigint end as end_ms,
from runs as r
left join dbt_end as e on e.run_id = r.run_id
"""

RUN_SLICES = """
create or replace temp table run_slices as
select
    r.*,
    h,
    greatest(r.start_ms, h * 3600000::bigint) as p_start_ms,
    least(r.end_ms, (h + 1) * 3600000::bigint) as p_end_ms,
    h = (r.end_ms - 1) // 3600000 as is_last,
from runs_done as r, range(r.start_ms // 3600000, (r.end_ms - 1) // 3600000 + 1) as t(h)
where r.end_ms <= {end_ms}
"""

JOB_RUN_TIMELINE = f"""
insert into lakeflow.job_run_timeline
select
    (select account_id from acct),
    s.workspace_id,
    s.job_id,
    s.run_id,
    ts_ms(s.p_start_ms),
    ts_ms(s.p_end_ms),
    'CRON',
    'JOB_RUN',
    s.name,
    [coalesce(s.cluster_id, w.warehouse_id)],
    case when s.is_last then s.result_state end,
    case when s.is_last then case s.result_state when 'SUCCEEDED' then 'SUCCESS'
        when 'FAILED' then 'RUN_EXECUTION_ERROR' else 'CANCELED' end end,
    case when s.k = 0 then map(['target'], [map(['default', 'value'], ['prod', 'prod'])])
    end::{JOB_PARAMS_TYPE},
    s.task_run_id,
    s.task_run_id,
    [struct_pack(type := case when s.k = 0 then 'WAREHOUSE' else 'CLUSTER' end,
                 cluster_id := s.cluster_id,
                 warehouse_id := case when s.k = 0 then w.warehouse_id end)]::{RUN_COMPUTE_TYPE},
    case when s.is_last then case s.result_state when 'SUCCEEDED' then 'SUCCESS'
        when 'FAILED' then 'CLIENT_ERROR' else 'SUCCESS' end end,
    case when s.is_last then case when s.k = 0 then 2 else s.setup_ms // 1000 end end,
    case when s.is_last then 0 end,
    case when s.is_last then (s.end_ms - s.start_ms) // 1000 end,
    case when s.is_last then 5 end,
    case when s.is_last then greatest(0, (s.end_ms - s.start_ms) // 1000
        - case when s.k = 0 then 2 else s.setup_ms // 1000 end - 5) end,
from run_slices as s
left join wh as w on w.ws_idx = s.ws_idx and w.j = 0
"""

JOBS = f"""
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
                                        timezone_id := 'UTC'))::{TRIGGER_TYPE},
    'CRON',
    sp.application_id,
    u.email,
    false,
    case when v.version = 0 then 0 else 14400 end,
    case when v.version >= 1 then [struct_pack(metric := 'RUN_DURATION_SECONDS',
        operator := 'GREATER_THAN', "value" := 10800)]::{HEALTH_TYPE} end,
    case when v.k = 0 then struct_pack(kind := 'BUNDLE',
        metadata_file_path := '/Workspace/Users/' || sp.application_id
            || '/.bundle/genie_analytics/prod/state/metadata.json')::{DEPLOY_TYPE} end,
    ts_ms(v.create_ms),
from versions as v
join sps as sp using (sp_name)
join users as u on u.u_idx = (v.ws_idx + v.k) % {{users}}
"""

PRICES = f"""
insert into billing.list_prices
select
    (select account_id from acct),
    ts_ms(coalesce(start_ms, 1704067200000)),
    ts_ms(end_ms),
    sku_name,
    'AWS',
    'USD',
    'DBU',
    struct_pack("default" := list_price::decimal(38, 18),
                promotional := struct_pack("default" := promo_price::decimal(38, 18)),
                effective_list := struct_pack("default" := least(list_price, promo_price)
                                                              ::decimal(38, 18))
    )::{PRICING_TYPE},
from prices
"""

# All usage rows in one raw shape; record ids, metadata structs and corrections are added once.
USAGE_RAW = """
create or replace temp table usage_raw as
select
    'SQL' as product,
    h.ws_idx,
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
    (select email from users where u_idx = (w.ws_idx + w.j) % {users}) as owner_email,
    null::varchar as run_as,
    w.warehouse_type,
    'w' || w.warehouse_id || '-' || h.h::varchar as rkey,
from wh_hours as h
join wh as w on w.ws_idx = h.ws_idx and w.j = h.j
union all
select
    'ALL_PURPOSE', a.ws_idx, a.workspace_id, 'PREMIUM_ALL_PURPOSE_COMPUTE', a.h,
    a.on_ms * round(a.node_dbu * 10)::bigint
        * (1 + case when a.resize_ms is not null and a.h * 3600000::bigint >= a.resize_ms
                    then a.resized_worker_count else a.worker_count end),
    a.tags, a.cluster_id, null, null, null, null, null, null, null,
    'c' || a.cluster_id || '-' || a.h::varchar,
from (
    select
        c.ws_idx, c.workspace_id, c.cluster_id, c.tags, c.node_dbu, c.resize_ms,
        c.resized_worker_count, c.worker_count, h,
        sum(least(c.on_end_ms, (h + 1) * 3600000::bigint)
            - greatest(c.on_start_ms, h * 3600000::bigint)) as on_ms,
    from ap_on as c, range(c.on_start_ms // 3600000, (c.on_end_ms - 1) // 3600000 + 1) as t(h)
    group by all
) as a
union all
select
    'JOBS', s.ws_idx, s.workspace_id, 'PREMIUM_JOBS_COMPUTE', s.h,
    (s.p_end_ms - s.p_start_ms) * round(s.node_dbu * 10)::bigint * (s.workers + 1),
    s.tags, s.cluster_id, s.job_id, s.run_id, s.name, null, null, sp.application_id, null,
    'j' || s.run_id || '-' || s.h::varchar,
from run_slices as s
join sps as sp using (sp_name)
where s.k > 0
"""

USAGE = f"""
insert into billing.usage
with orig as (
    select
        *,
        case product when 'SQL' then 3600000 else 36000000 end as qty_den,
        'ORIGINAL' as record_type,
        0 as sign,
        uuidish(530, rkey) as record_id,
        (epoch_ms(date_trunc('day', ts_ms(h * 3600000::bigint)))
            + case when h % 24 >= 14 then 86400000 else 0 end) as ingest_ms,
    from usage_raw
),
fixed as (
    -- a handful of hours get corrected: retraction + restatement, ingested days later
    select * from orig
    where product = 'SQL'
    order by hash({{seed}}, 531, rkey), rkey
    limit 6
),
corrections as (
    select * replace ('RETRACTION' as record_type, -1 as sign,
                      uuidish(532, rkey) as record_id,
                      ingest_ms + 3 * 86400000::bigint as ingest_ms)
    from fixed
    union all
    select * replace ('RESTATEMENT' as record_type, 9 as sign,
                      uuidish(533, rkey) as record_id,
                      ingest_ms + 3 * 86400000::bigint as ingest_ms)
    from fixed
),
allrows as (
    select * from orig
    union all
    select * from corrections
)
select
    r.record_id,
    (select account_id from acct),
    r.workspace_id,
    r.sku_name,
    'AWS',
    ts_ms(r.h * 3600000::bigint),
    ts_ms((r.h + 1) * 3600000::bigint),
    ts_ms(r.h * 3600000::bigint)::date,
    r.custom_tags,
    'DBU',
    case r.sign
        when 0 then dec18(r.qty_num, r.qty_den)
        when -1 then -dec18(r.qty_num, r.qty_den)
        else dec18(r.qty_num * 9, r.qty_den * 10)
    end,
    struct_pack(
        cluster_id := r.cluster_id, job_id := r.job_id, warehouse_id := r.warehouse_id,
        job_run_id := r.job_run_id, job_name := r.job_name
    )::{UM_TYPE},
    struct_pack(run_as := r.run_as, created_by := null::varchar,
                owned_by := r.owner_email, run_by := null::varchar)::{IM_TYPE},
    r.record_type,
    ts_ms(r.ingest_ms)::date,
    r.product,
    struct_pack(
        jobs_tier := case when r.product = 'JOBS' then 'CLASSIC' end,
        sql_tier := case when r.product = 'SQL' then
            case when r.warehouse_type = 'CLASSIC' then 'CLASSIC' else 'PRO' end end,
        is_serverless := coalesce(r.warehouse_type = 'SERVERLESS', false),
        is_photon := r.product = 'SQL'
    )::{PF_TYPE},
    'COMPUTE_TIME',
from allrows as r
where r.h * 3600000::bigint < {{end_ms}}
"""


def compute_sql() -> list[str]:
    """Statements for workspaces, warehouses, clusters, jobs, runs, prices and usage."""
    return [
        WORKSPACES,
        WAREHOUSES,
        WH_HOURS,
        WAREHOUSE_EVENTS,
        AP_ON,
        RUNS_DONE,
        RUN_SLICES,
        CLUSTERS,
        JOB_RUN_TIMELINE,
        JOBS,
        PRICES,
        USAGE_RAW,
        USAGE,
    ]
