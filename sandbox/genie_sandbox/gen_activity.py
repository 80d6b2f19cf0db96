"""What happens in the account: job runs, dbt and Genie queries, the bulk of ad-hoc queries.

Every query source produces rows of one numeric shape (``q_all``), so warehouse uptime can be
derived from all of them at once with gaps-and-islands (``q_timed``): a warehouse starts when a
query arrives while it is off, stays on while queries keep arriving within ``auto_stop_minutes``
of the last one finishing, and queries that arrive while it starts wait for compute.
Problem classes (``cls``) of the bulk queries are planted here; their codes are
``PROBLEMS[cls - 1]``.
"""

from __future__ import annotations

PROBLEMS = [
    "SELECT_STAR",
    "ORDER_BY_NO_LIMIT",
    "LONG_RUNNING",
    "SPILL",
    "POOR_PRUNING",
    "QUEUEING",
    "FAILED_BURN",
    "REPEATED_UNCACHED",
    "SMALL_FILES",
]

# Columns every query source hands to the uptime step. Only what timing needs is carried through
# the window sort; the bulk's other metrics are pure functions of (qid, class) and are computed
# where query.history is written (BULK_METRICS), dbt and Genie keep theirs in q_dbt / q_genie.
Q_COLUMNS = """
    qid, src, ws_idx, j, start_ms, cls, kind, stmt_type, status, t_idx, source_kind, u_idx,
    comp_ms, exec_ms, fetch_ms, wac_ms, read_bytes, produced_rows
"""

JOB_RUNS = """
create or replace temp table runs as
with cand as (
    select
        jb.*,
        h,
        case jb.k
            when 0 then h % 24 = 5
            when 1 then true
            when 2 then h % 6 = 0
            when 3 then h % 24 = 1
            else h % 24 = 3
        end as fires,
        {start_ms} + h * 3600000::bigint
            + case jb.k when 1 then 300000 when 2 then 1800000 else 0 end
            + floor(u01(201, jb.ws_idx * 10000000 + jb.k * 1000000 + h) * 40000)::bigint
            as start_ms,
    from jobs as jb, range({days} * 24) as r(h)
),
fired as (
    select
        *,
        ws_idx * 10000000 + k * 1000000 + h as jb_key,
    from cand
    where fires and (delete_ms is null or start_ms < delete_ms)
)
select
    ws_idx,
    workspace_id,
    k,
    job_id,
    name,
    workers,
    node_dbu,
    sp_name,
    tags,
    jb_key,
    start_ms,
    (100000000000 + hash({seed}, 202, jb_key) % 899999999999)::varchar as run_id,
    (100000000000 + hash({seed}, 203, jb_key) % 899999999999)::varchar as task_run_id,
    case
        when u01(204, jb_key) < 0.05 then 'FAILED'
        when u01(204, jb_key) < 0.065 then 'CANCELED'
        else 'SUCCEEDED'
    end as result_state,
    case
        when k = 3 then 4200000 + floor(u01(205, jb_key) * 4800000)::bigint
        else clamp(lognorm(205, jb_key, median_ms, 0.45), 60000, 14400000)::bigint
    end * case when u01(204, jb_key) < 0.065 then 0.4 else 1.0 end as cluster_dur_ms,
    case when k > 0 then
        strftime(ts_ms(start_ms), '%m%d-%H%M%S') || '-' || substr(hex16(206, jb_key), 1, 8)
    end as cluster_id,
    floor(20 + u01(207, jb_key) * 100)::bigint * 1000 as setup_ms,
from fired
"""

# Queries a dbt run issues on warehouse 0: one statement per model, in sequence.
DBT_QUERIES = """
create or replace temp table q_dbt_text as
with models as (
    select * from (values
        (0, 'stg_orders', 'view', 0), (1, 'stg_customers', 'view', 7),
        (2, 'stg_events', 'view', 1), (3, 'int_orders_enriched', 'table', 6),
        (4, 'int_sessions', 'table', 2), (5, 'fct_orders', 'incremental', 0),
        (6, 'fct_sessions', 'incremental', 1), (7, 'dim_customers', 'table', 7),
        (8, 'dim_products', 'table', 17), (9, 'agg_daily_revenue', 'table', 3),
        (10, 'agg_channel_performance', 'table', 8), (11, 'rpt_exec_summary', 'table', 9)
    ) as v(m, model, materialized, src_t)
)
select
    1000000000000 + r.jb_key * 100 + m.m as qid,
    r.ws_idx,
    r.run_id,
    r.task_run_id,
    r.job_id,
    r.start_ms + 20000 + m.m * 75000 + floor(u01(210, r.jb_key * 100 + m.m) * 5000)::bigint
        as start_ms,
    m.model,
    m.materialized,
    m.src_t,
    uuidish(211, r.jb_key) as invocation_id,
    case m.materialized
        when 'view' then 'create or replace view analytics.dbt_prod.' || m.model
            || ' as select * except (_rescued_data) from ' || t.fqn
        when 'incremental' then 'merge into analytics.dbt_prod.' || m.model
            || ' as dbt_internal_dest using analytics.dbt_prod.' || m.model
            || '__dbt_tmp as dbt_internal_source on dbt_internal_source.' || t.id_col
            || ' = dbt_internal_dest.' || t.id_col
            || ' when matched then update set * when not matched then insert *'
        else 'create or replace table analytics.dbt_prod.' || m.model
            || ' using delta as select ' || t.dim_col || ', sum(' || t.measure_col || ') as '
            || t.measure_col || '_total, max(' || t.date_col || ') as last_seen from ' || t.fqn
            || ' where ' || t.date_col || ' <= timestamp '''
            || strftime(ts_ms(r.start_ms), '%Y-%m-%d %H:%M:%S') || ''' group by '
            || t.dim_col
    end as statement_text,
    case m.materialized when 'view' then 'CREATE' when 'incremental' then 'MERGE'
        else 'CREATE' end as stmt_type,
from runs as r
cross join models as m
join tbls as t on t.t_idx = m.src_t
where r.k = 0
"""

DBT_Q_ALL = """
create or replace temp table q_dbt as
select
    d.qid,
    'dbt' as src,
    d.ws_idx,
    0 as j,
    d.start_ms,
    0 as cls,
    'DBT' as kind,
    d.stmt_type,
    'FINISHED' as status,
    d.src_t as t_idx,
    null::integer as source_kind,
    null::integer as u_idx,
    clamp(lognorm(220, d.qid, 250, 0.5), 20, 5000)::bigint as comp_ms,
    case when d.materialized = 'view' then clamp(lognorm(221, d.qid, 400, 0.4), 50, 3000)
         else clamp(lognorm(221, d.qid, 15000, 0.8), 1000, 60000) end::bigint as exec_ms,
    floor(1 + u01(222, d.qid) * 20)::bigint as fetch_ms,
    0::bigint as wac_ms,
    case when d.materialized = 'view' then 0
         else floor(exec_ms * w.cores * (0.2 + 0.6 * u01(223, d.qid))) end::bigint as task_ms,
    case when d.materialized = 'view' then 0
         else clamp(lognorm(224, d.qid, 150000000, 0.8), 1000000, 450000000) end::bigint
        as read_bytes,
    case when read_bytes = 0 then 0
         else greatest(1, ceil(read_bytes / t.avg_file_bytes)) end::bigint as read_files,
    floor(read_files * u01(225, d.qid) * 3)::bigint as pruned_files,
    (read_bytes // 120)::bigint as read_rows,
    case when d.materialized = 'view' then 0 else 1 end::bigint as produced_rows,
    case when read_bytes = 0 then 0 else 1 + floor(u01(226, d.qid) * 5) end::bigint
        as read_partitions,
    floor(read_bytes * (1.0 + u01(227, d.qid)))::bigint as read_files_bytes,
    (pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
    floor(u01(228, d.qid) * 101)::integer as io_cache_pct,
    false as from_cache,
    0::bigint as spilled_bytes,
    case when d.materialized = 'view' then 0
         else floor(read_bytes * (0.05 + 0.4 * u01(229, d.qid))) end::bigint as written_bytes,
    (written_bytes // 90)::bigint as written_rows,
    case when written_bytes = 0 then 0
         else greatest(1, ceil(written_bytes / 134217728.0)) end::bigint as written_files,
    floor(read_bytes * 0.1 * u01(230, d.qid))::bigint as shuffle_bytes,
    false as progress_row,
    floor(1000 + u01(231, d.qid) * 4000)::bigint as late_ms,
from q_dbt_text as d
join wh as w on w.ws_idx = d.ws_idx and w.j = 0
join tbls as t on t.t_idx = d.src_t
"""

GENIE_SPACES = """
create or replace temp table spaces as
select
    w.ws_idx,
    w.workspace_id,
    s::integer as s,
    hex32(301, w.ws_idx * 100 + s) as space_id,
    ['Sales performance', 'Marketing funnel', 'Finance close', 'Customer support'][1 + s % 4]
        as title,
    ['Revenue, orders and regions for the sales team',
     'Campaign touches, channels and web traffic',
     'Transactions, invoices and cost centers for month-end close',
     'Support tickets and customer segments'][1 + s % 4] as description,
    [[0, 6, 16], [8, 19, 1], [3, 9, 22], [10, 7, 18]][1 + s % 4] as t_list,
    wh.warehouse_id,
    (w.ws_idx = 0 and s = 3) as is_forbidden,
    case when w.ws_idx = 0 and s = 3 then 0.3 else [4.0, 3.0, 2.0, 2.0][1 + s % 4] end
        as weight,
    (w.ws_idx * 3 + s) % {users} as owner_u_idx,
    {start_ms} - (10 + floor(u01(302, w.ws_idx * 100 + s) * 120))::bigint * 86400000::bigint
        + floor(u01(303, w.ws_idx * 100 + s) * 86400000::bigint)::bigint as create_ms,
from ws as w
cross join range(4) as r(s)
join wh on wh.ws_idx = w.ws_idx and wh.j = s % 2
"""

GENIE_CONVS = """
create or replace temp table convs as
with per_day as (
    select
        w.ws_idx,
        d,
        round({genie_questions_per_day} / 2.4 * w.weight
            * case when isodow(date '{start_date}' + d::integer) >= 6 then 0.25 else 1.0 end
            * (0.85 + 0.3 * u01(310, w.ws_idx * 1000 + d)))::bigint
            + case when d = {days} - 1 then 2 else 0 end as n_conv,
        case when d = {days} - 1 then 2 else 0 end as n_late,
    from ws as w, range({days}) as r(d)
),
c as (
    select p.ws_idx, p.d, ci, p.n_conv, p.n_late, p.ws_idx * 10000000 + p.d * 10000 + ci as ck
    from per_day as p, range(p.n_conv) as r(ci)
),
sp as (
    select
        *,
        sum(weight) over (partition by ws_idx order by s rows unbounded preceding)
            / sum(weight) over (partition by ws_idx) as cum_hi,
    from spaces
),
picked as (
    select
        c.*,
        (select min(sp.s) from sp where sp.ws_idx = c.ws_idx
            and sp.cum_hi > u01(311, c.ck)) as s,
    from c
)
select
    p.ws_idx,
    p.d,
    p.ci,
    p.ck,
    p.s,
    floor({users} * pow(u01(312, p.ck), 1.6))::integer as u_idx,
    u01(313, p.ck) < 0.2 as is_api,
    least(6, 1 + floor(-ln(1.0 - u01(314, p.ck)) / 0.8))::integer as n_msgs,
    40000 + floor(u01(315, p.ck) * 200000)::bigint as gap_ms,
    case
        when p.ci >= p.n_conv - p.n_late
            then {end_ms} - 300000 + (p.ci - (p.n_conv - p.n_late)) * 60000
        else {start_ms} + p.d * 86400000::bigint + (
            (case when u01(316, p.ck) < 0.85
                then floor((13.5 + 2.4 * nrm(317, p.ck)) * 3600000::bigint)
                else floor(u01(318, p.ck) * 86400000::bigint) end)::bigint % 86400000 + 86400000
        ) % 86400000
    end as start_ms,
    p.ci >= p.n_conv - p.n_late as is_late,
from picked as p
"""

GENIE_MSGS = """
create or replace temp table msgs as
with m as (
    select
        c.*,
        mi::integer as mi,
        c.ck * 10 + mi as mk,
        c.start_ms + mi * c.gap_ms + floor(u01(320, c.ck * 10 + mi) * 20000)::bigint
            as created_ms,
    from convs as c, range(c.n_msgs) as r(mi)
),
m2 as (
    select
        m.*,
        sp.space_id,
        sp.workspace_id,
        sp.warehouse_id,
        sp.is_forbidden,
        sp.t_list[1 + floor(u01(321, m.mk) * 3)::integer] as t_idx,
        hex32(322, m.ck) as conversation_id,
        hex32(323, m.mk) as message_id,
        floor(u01(324, m.mk) * 6)::integer as tmpl,
        case
            when m.created_ms > {end_ms} - 600000
                then ['SUBMITTED', 'ASKING_AI', 'EXECUTING_QUERY', 'PENDING_WAREHOUSE'][
                    1 + floor(u01(325, m.mk) * 4)::integer]
            when u01(326, m.mk) < 0.86 then 'COMPLETED'
            when u01(326, m.mk) < 0.92 then 'FAILED'
            when u01(326, m.mk) < 0.95 then 'CANCELLED'
            when m.created_ms < {end_ms} - 86400000 then 'QUERY_RESULT_EXPIRED'
            else 'COMPLETED'
        end as status,
    from m
    join spaces as sp on sp.ws_idx = m.ws_idx and sp.s = m.s
    where m.created_ms < {end_ms}
)
select
    m2.*,
    (status = 'COMPLETED' and u01(327, mk) < 0.88) or status = 'QUERY_RESULT_EXPIRED'
        as has_query,
    2000000000000 + mk as qid,
    t.fqn,
    t.tier,
    ['region', 'channel', 'country_code', 'device_type', 'segment', 'status'][
        1 + floor(u01(328, mk) * 6)::integer] as dim,
    ['amount', 'quantity', 'revenue_usd', 'duration_s', 'cost_usd'][
        1 + floor(u01(329, mk) * 5)::integer] as measure,
    t.date_col,
    strftime(ts_ms(created_ms) - to_days(floor(u01(330, mk) * 45)::integer), '%Y-%m-%d')
        as lit_date,
    [5, 10, 20, 25, 50, 100][1 + floor(u01(331, mk) * 6)::integer] as top_n,
    case
        when status = 'FAILED' then ['CHAT_COMPLETION_NETWORK_EXCEPTION',
            'NO_TABLES_TO_QUERY_EXCEPTION', 'CONTEXT_EXCEEDED_EXCEPTION',
            'REPLY_PROCESS_TIMEOUT_EXCEPTION', 'WAREHOUSE_ACCESS_MISSING_EXCEPTION'][
            1 + floor(u01(332, mk) * 5)::integer]
    end as error_type,
    case
        when u01(333, mk) < 0.12 then 'POSITIVE'
        when u01(333, mk) < 0.17 then 'NEGATIVE'
        else 'NONE'
    end as feedback_rating,
    u01(334, mk) < 0.02 as is_deleted,
    u01(335, mk) < 0.03 as has_comment,
from m2
join tbls as t on t.t_idx = m2.t_idx
"""

GENIE_Q_ALL = """
create or replace temp table q_genie as
select
    g.qid,
    'genie' as src,
    g.ws_idx,
    g.s % 2 as j,
    g.created_ms + 2500 + floor(u01(340, g.mk) * 4000)::bigint as start_ms,
    0 as cls,
    'GENIE' as kind,
    'SELECT' as stmt_type,
    'FINISHED' as status,
    g.t_idx,
    null::integer as source_kind,
    g.u_idx,
    clamp(lognorm(341, g.mk, 200, 0.5), 20, 5000)::bigint as comp_ms,
    case g.tier
        when 0 then clamp(lognorm(342, g.mk, 2500000000, 1.0), 1100000000, 200000000000)
        when 1 then clamp(lognorm(342, g.mk, 150000000, 1.0), 1000000, 400000000)
        else clamp(lognorm(342, g.mk, 5000000, 1.0), 10000, 100000000)
    end::bigint as read_bytes,
    clamp(lognorm(343, g.mk, 1500 * pow(1.0 + read_bytes / 1e9, 0.5), 0.7), 100, 120000)::bigint
        as exec_ms,
    floor(5 + u01(344, g.mk) * 300)::bigint as fetch_ms,
    0::bigint as wac_ms,
    floor(exec_ms * w.cores * (0.15 + 0.6 * u01(345, g.mk)))::bigint as task_ms,
    greatest(1, ceil(read_bytes / (t.avg_file_bytes * (0.6 + 0.8 * u01(346, g.mk)))))::bigint
        as read_files,
    case when read_bytes >= 536870912 then 0.45 + 0.53 * u01(347, g.mk)
         else 0.95 * u01(347, g.mk) end as f_pruned,
    round(read_files * f_pruned / (1.0 - f_pruned))::bigint as pruned_files,
    (read_bytes // (60 + floor(u01(348, g.mk) * 140)))::bigint as read_rows,
    clamp(floor(lognorm(349, g.mk, 25, 1.5)), 1, 5000)::bigint as produced_rows,
    case g.tier when 0 then 1 + floor(u01(350, g.mk) * 30) else 1 end::bigint
        as read_partitions,
    floor(read_bytes * (1.0 + u01(351, g.mk)))::bigint as read_files_bytes,
    (pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
    floor(u01(352, g.mk) * 101)::integer as io_cache_pct,
    false as from_cache,
    0::bigint as spilled_bytes,
    0::bigint as written_bytes,
    0::bigint as written_rows,
    0::bigint as written_files,
    floor(read_bytes * (0.02 + 0.2 * u01(353, g.mk)))::bigint as shuffle_bytes,
    false as progress_row,
    floor(500 + u01(354, g.mk) * 3000)::bigint as late_ms,
from msgs as g
join wh as w on w.ws_idx = g.ws_idx and w.j = g.s % 2
join tbls as t on t.t_idx = g.t_idx
where g.has_query
"""

BULK_DAYS = """
create or replace temp table bulk_days as
with d as (
    select
        d,
        {start_ms} + d * 86400000::bigint as day_ms,
        case
            when d = {days} - 1 and {last_day_queries} >= 0 then {last_day_queries}
            else round({queries_per_day}
                * case when isodow(date '{start_date}' + d::integer) >= 6 then 0.3 else 1.0 end
                * (0.92 + 0.16 * u01(401, d)))::bigint
        end as n,
    from range({days}) as r(d)
)
select *, sum(n) over (order by d rows unbounded preceding) - n as off
from d
"""

# The bulk: ad-hoc, dashboard, notebook, BI-tool queries with planted problems.
BULK_QUERIES = """
create or replace temp table q_bulk as
with base as (
    select
        bd.off + r.i as qid,
        bd.day_ms
            + ((case when u01(402, bd.off + r.i) < 0.9
                    then floor((14.0 + 2.7 * nrm(403, bd.off + r.i)) * 3600000::bigint)
                    else floor(u01(404, bd.off + r.i) * 86400000::bigint) end)::bigint % 86400000
               + 86400000) % 86400000 as start_ms,
        floor(u01(405, bd.off + r.i) * 10000)::integer as bucket,
    from bulk_days as bd, range(bd.n) as r(i)
),
routed as (
    select
        b.qid,
        b.start_ms,
        p.ws_idx,
        case when w.delete_ms is not null and b.start_ms >= w.delete_ms - 14400000 then 0
             else p.j end as j,
    from base as b
    join wh_pick as p on p.bucket = b.bucket
    join wh as w on w.ws_idx = p.ws_idx and w.j = p.j
),
classed as (
    select
        r.*,
        w.cores,
        u01(407, r.qid) as uc,
        case
            when uc < 0.015 then 1 when uc < 0.030 then 2 when uc < 0.034 then 3
            when uc < 0.054 then 4 when uc < 0.074 then 5 when uc < 0.094 then 6
            when uc < 0.099 then 7 when uc < 0.119 then 8 when uc < 0.129 then 9
            else 0
        end as cls,
        u01(408, r.qid) as uk,
        case
            when cls in (1, 2, 3, 4, 5, 6, 8) then 'SELECT'
            when cls = 7 then case when uk < 0.7 then 'SELECT' else 'MERGE' end
            when cls = 9 then 'INSERT'
            when uk < 0.76 then 'SELECT'
            when uk < 0.84 then 'CACHED'
            when uk < 0.88 then 'METADATA'
            when uk < 0.925 then 'INSERT'
            when uk < 0.95 then 'MERGE'
            when uk < 0.965 then 'CREATE'
            when uk < 0.973 then 'COPY'
            when uk < 0.979 then 'UPDATE'
            when uk < 0.985 then 'DELETE'
            else 'SELECT'
        end as kind,
        case kind when 'CACHED' then 'SELECT' when 'METADATA' then 'SHOW' else kind end
            as stmt_type,
        case
            when cls = 7 then 'FAILED'
            when cls > 0 or kind in ('CACHED', 'METADATA') then 'FINISHED'
            when u01(409, r.qid) < 0.012 then 'FAILED'
            when u01(409, r.qid) < 0.017 then 'CANCELED'
            else 'FINISHED'
        end as status,
        case
            when cls in (1, 3, 5) then 0
            when kind in ('INSERT', 'MERGE', 'CREATE', 'COPY', 'UPDATE', 'DELETE')
                then case when u01(410, r.qid) < 0.5 then 0 else 1 end
            when u01(410, r.qid) < 0.35 then 0
            when u01(410, r.qid) < 0.70 then 1
            else 2
        end as tier,
        case tier
            when 0 then floor(u01(411, r.qid) * 6)
            when 1 then 6 + floor(u01(411, r.qid) * 8)
            else 14 + floor(u01(411, r.qid) * 10)
        end::integer as t_idx,
        case
            when kind = 'CACHED' then 1
            when u01(412, r.qid) < 0.42 then 0
            when u01(412, r.qid) < 0.62 then 1
            when u01(412, r.qid) < 0.74 then 2
            when u01(412, r.qid) < 0.77 then 3
            when u01(412, r.qid) < 0.92 then 4
            else 5
        end as source_kind,
        floor({users} * pow(u01(413, r.qid), 1.8))::integer as u_idx,
    from routed as r
    join wh as w on w.ws_idx = r.ws_idx and w.j = r.j
),
scanned as (
    select
        c.*,
        t.avg_file_bytes,
        case
            when c.kind in ('CACHED', 'METADATA') then 0
            when c.status = 'FAILED' and c.cls = 0 then 0
            when c.cls = 5 then 2e10 * exp(u01(420, c.qid) * ln(100))
            when c.cls = 1 then 2e9 * exp(u01(420, c.qid) * ln(100))
            when c.cls = 3 then 5e10 * exp(u01(420, c.qid) * ln(20))
            when c.kind = 'COPY' then clamp(lognorm(420, c.qid, 1e8, 1.0), 1e5, 4e8)
            when c.tier = 0 then clamp(lognorm(420, c.qid, 6e9, 1.1), 1.1e9, 8e11)
            when c.tier = 1 then clamp(lognorm(420, c.qid, 2.5e8, 1.0), 1e6, 5e9)
            else clamp(lognorm(420, c.qid, 5e6, 1.2), 1e4, 3e8)
        end::bigint as read_bytes,
    from classed as c
    join tbls as t on t.t_idx = c.t_idx
),
timed as (
    select
        s.*,
        case
            when s.kind = 'CACHED' then floor(u01(422, s.qid) * 30)
            when s.kind = 'METADATA' then 20 + floor(u01(422, s.qid) * 280)
            when s.cls = 3 then 1920000 + floor(u01(422, s.qid) * 7000000)
            when s.cls = 7 then 180000 + floor(u01(422, s.qid) * 1140000)
            when s.cls = 4 then clamp(lognorm(422, s.qid, 120000, 0.7), 20000, 1200000)
            when s.cls = 6 then clamp(lognorm(422, s.qid, 4000, 1.0), 100, 600000)
            when s.status = 'FAILED' then 50 + floor(u01(422, s.qid) * 4950)
            when s.kind in ('INSERT', 'MERGE', 'CREATE', 'COPY', 'UPDATE', 'DELETE')
                then clamp(lognorm(422, s.qid, 20000, 1.0), 500, 1200000)
            else clamp(lognorm(422, s.qid, 700 * pow(1.0 + s.read_bytes / 1e9, 0.6), 0.9),
                       30, 1200000)
        end::bigint as exec_ms,
        case
            when s.kind in ('CACHED', 'METADATA') then 5 + floor(u01(423, s.qid) * 45)
            else clamp(lognorm(423, s.qid, 180, 0.6), 10, 8000)
        end::bigint as comp_ms,
        case
            when s.status <> 'FINISHED' or s.kind not in ('SELECT', 'CACHED') then 0
            when s.cls = 2 then 1000000 + floor(u01(424, s.qid) * 49000000)
            when s.cls = 1 then s.read_bytes // 400
            else clamp(floor(lognorm(424, s.qid, 40, 2.0)), 0, 10000)
        end::bigint as produced_rows,
        case
            when s.kind = 'CACHED' then 1 + floor(u01(425, s.qid) * 20)
            when s.cls = 2 then 2000 + floor(u01(425, s.qid) * 58000)
            else clamp(floor(5 + produced_rows * 0.02 + u01(425, s.qid) * 100), 1, 20000)
        end::bigint as fetch_ms,
        case when s.cls = 6 then 15000 + floor(u01(426, s.qid) * 345000) else 0 end::bigint
            as wac_ms,
    from scanned as s
)
select
    t.qid,
    'bulk' as src,
    t.ws_idx,
    t.j,
    t.start_ms,
    t.cls,
    t.kind,
    t.stmt_type,
    t.status,
    t.t_idx,
    t.source_kind,
    t.u_idx,
    t.comp_ms,
    t.exec_ms,
    t.fetch_ms,
    t.wac_ms,
    t.read_bytes,
    t.produced_rows,
from timed as t
"""

# Metrics of a bulk query that do not influence timing (columns of q_timed + cores, tier,
# avg_file_bytes and f_pruned, aliased t).
BULK_METRICS = """
    case
        when t.kind in ('CACHED', 'METADATA') then 0
        when t.cls = 7
            then greatest(t.exec_ms * t.cores * (0.7 + 0.3 * u01(430, t.qid)), 3600000)
        when t.status = 'FAILED' then t.exec_ms * (1.0 + 3.0 * u01(430, t.qid))
        else t.exec_ms * t.cores * (0.15 + 0.7 * u01(430, t.qid))
    end::bigint as task_ms,
    t.read_bytes,
    case when t.read_bytes = 0 then 0
         else greatest(1, ceil(t.read_bytes
                               / (t.avg_file_bytes * (0.6 + 0.8 * u01(431, t.qid)))))
    end::bigint as read_files,
    round(read_files * t.f_pruned / (1.0 - t.f_pruned))::bigint as pruned_files,
    (t.read_bytes // (60 + floor(u01(432, t.qid) * 140)))::bigint as read_rows,
    t.produced_rows,
    case
        when t.read_bytes = 0 then 0
        when t.tier = 0 then 1 + floor(u01(433, t.qid) * 30)
        when t.tier = 1 then 1 + floor(u01(433, t.qid) * 10)
        else 1
    end::bigint as read_partitions,
    floor(t.read_bytes * (1.0 + u01(434, t.qid)))::bigint as read_files_bytes,
    (pruned_files * t.avg_file_bytes)::bigint as pruned_files_bytes,
    case when t.read_bytes = 0 then 0 else floor(u01(435, t.qid) * 101) end::integer
        as io_cache_pct,
    t.kind = 'CACHED' as from_cache,
    case when t.cls = 4 then 1e9 * (1.0 + 99.0 * pow(u01(436, t.qid), 2)) else 0
    end::bigint as spilled_bytes,
    case
        when t.cls = 9 then 2000 + floor(u01(437, t.qid) * 18000)
        when t.status = 'FAILED'
            or t.kind not in ('INSERT', 'MERGE', 'CREATE', 'COPY', 'UPDATE', 'DELETE') then 0
        else -1
    end::bigint as files_hint,
    case
        when files_hint > 0 then files_hint * (20000 + floor(u01(438, t.qid) * 900000))
        when files_hint = 0 then 0
        else clamp(lognorm(438, t.qid, 150000000, 1.2), 10000, 6000000000)
    end::bigint as written_bytes,
    (written_bytes // (60 + floor(u01(439, t.qid) * 100)))::bigint as written_rows,
    case
        when files_hint >= 0 then files_hint
        else greatest(1, ceil(written_bytes / 134217728.0))
    end::bigint as written_files,
    case
        when t.cls = 4 then floor(t.read_bytes * (0.5 + u01(440, t.qid))) + spilled_bytes
        when t.tier < 2 and t.read_bytes > 0
            then floor(t.read_bytes * (0.02 + 0.3 * u01(440, t.qid)))
        else 0
    end::bigint as shuffle_bytes,
    case when u01(442, t.qid) < 0.003 then 10800000 + floor(u01(443, t.qid) * 97200000)
         else floor(u01(443, t.qid) * 5000) end::bigint as late_ms,
"""

# Gaps-and-islands over all queries of a warehouse. pad_end adds the largest possible start-up
# wait and stop lag, so the real wait and the STOPPING->STOPPED lag can never make an island
# overlap the next one.
ISLANDS = f"""
create or replace temp table q_timed as
with q_all as (
    select {Q_COLUMNS} from q_bulk
    union all
    select {Q_COLUMNS} from q_dbt
    union all
    select {Q_COLUMNS} from q_genie
),
a as (
    select
        q.*,
        w.auto_stop_minutes * 60000 as auto_stop_ms,
        w.startup_min_ms,
        w.startup_max_ms,
        q.start_ms + q.wac_ms + q.comp_ms + q.exec_ms + q.fetch_ms + w.startup_max_ms
            + 30000 as pad_end_ms,
    from q_all as q
    join wh as w on w.ws_idx = q.ws_idx and w.j = q.j
),
b as (
    select
        *,
        max(pad_end_ms) over (
            partition by ws_idx, j order by start_ms, qid
            rows between unbounded preceding and 1 preceding
        ) as prev_pad_end_ms,
    from a
),
c as (
    select
        *,
        prev_pad_end_ms is null or start_ms > prev_pad_end_ms + auto_stop_ms as is_first,
    from b
),
d as (
    -- same window as in b, so DuckDB sorts once; an island starts at its latest first query
    select
        *,
        sum(is_first::integer) over (
            partition by ws_idx, j order by start_ms, qid rows unbounded preceding
        ) as island_no,
        max(case when is_first then start_ms end) over (
            partition by ws_idx, j order by start_ms, qid rows unbounded preceding
        ) as island_start_ms,
    from c
),
e as (
    select
        *,
        startup_min_ms + floor(u01(450, hash(ws_idx, j, island_no))
                               * (startup_max_ms - startup_min_ms))::bigint as startup_ms,
        island_start_ms + startup_ms - start_ms as raw_wait_ms,
    from d
)
select
    * exclude (raw_wait_ms, pad_end_ms, prev_pad_end_ms, is_first),
    case when raw_wait_ms >= 2000 then raw_wait_ms else 0 end as wfc_ms,
    wfc_ms + wac_ms + comp_ms + exec_ms + fetch_ms as total_ms,
    start_ms + total_ms as end_ms,
from e
"""

# One row per warehouse "on" interval (from the first query's arrival to auto-stop).
WAREHOUSE_ON = """
create or replace temp table wh_on as
select
    q.ws_idx,
    q.j,
    q.island_no,
    min(q.island_start_ms) as on_start_ms,
    min(q.island_start_ms) + min(q.startup_ms) as running_ms,
    max(q.end_ms) as last_end_ms,
    max(q.end_ms) + min(q.auto_stop_ms) as stopping_ms,
    max(q.end_ms) + min(q.auto_stop_ms) + 10000
        + floor(u01(451, hash(q.ws_idx, q.j, q.island_no)) * 20000)::bigint as on_end_ms,
    count(*) as n_queries,
from q_timed as q
group by q.ws_idx, q.j, q.island_no
"""


def activity_sql() -> list[str]:
    """Statements building runs, Genie conversations/messages, all queries and warehouse uptime."""
    return [
        JOB_RUNS,
        DBT_QUERIES,
        DBT_Q_ALL,
        GENIE_SPACES,
        GENIE_CONVS,
        GENIE_MSGS,
        GENIE_Q_ALL,
        BULK_DAYS,
        BULK_QUERIES,
        ISLANDS,
        WAREHOUSE_ON,
    ]
