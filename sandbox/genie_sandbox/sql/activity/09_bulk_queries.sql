-- Writes temp table q_bulk.
-- The bulk: ad-hoc, dashboard, notebook, BI-tool queries with planted problems.
create or replace temp table q_bulk as
with base as (
    select
        bd.first_query_offset + r.i as qid,
        bd.day_ms
            + ((case when u01({salt_bulk_query_in_business_hours}, bd.first_query_offset + r.i) < 0.9
                    then floor((14.0 + 2.7 * nrm({salt_bulk_query_business_hour}, bd.first_query_offset + r.i)) * 3600000::bigint)
                    else floor(u01({salt_bulk_query_any_hour}, bd.first_query_offset + r.i) * 86400000::bigint) end)::bigint % 86400000
               + 86400000) % 86400000 as start_ms,
        floor(u01({salt_bulk_query_traffic_bucket}, bd.first_query_offset + r.i) * 10000)::integer as bucket,
    from bulk_days as bd, range(bd.n) as r(i)
),
routed as (
    select
        b.qid,
        b.start_ms,
        p.workspace_idx,
        case when w.delete_ms is not null and b.start_ms >= w.delete_ms - 14400000 then 0
             else p.warehouse_idx end as warehouse_idx,
    from base as b
    join wh_pick as p on p.bucket = b.bucket
    join wh as w on w.workspace_idx = p.workspace_idx and w.warehouse_idx = p.warehouse_idx
),
classed as (
    select
        r.*,
        w.cores,
        u01({salt_bulk_query_problem_class}, r.qid) as class_draw,
        case
            when class_draw < 0.015 then 1 when class_draw < 0.030 then 2 when class_draw < 0.034 then 3
            when class_draw < 0.054 then 4 when class_draw < 0.074 then 5 when class_draw < 0.094 then 6
            when class_draw < 0.099 then 7 when class_draw < 0.119 then 8 when class_draw < 0.129 then 9
            else 0
        end as problem_class,
        u01({salt_bulk_query_kind}, r.qid) as kind_draw,
        case
            when problem_class in (1, 2, 3, 4, 5, 6, 8) then 'SELECT'
            when problem_class = 7 then case when kind_draw < 0.7 then 'SELECT' else 'MERGE' end
            when problem_class = 9 then 'INSERT'
            when kind_draw < 0.76 then 'SELECT'
            when kind_draw < 0.84 then 'CACHED'
            when kind_draw < 0.88 then 'METADATA'
            when kind_draw < 0.925 then 'INSERT'
            when kind_draw < 0.95 then 'MERGE'
            when kind_draw < 0.965 then 'CREATE'
            when kind_draw < 0.973 then 'COPY'
            when kind_draw < 0.979 then 'UPDATE'
            when kind_draw < 0.985 then 'DELETE'
            else 'SELECT'
        end as kind,
        case kind when 'CACHED' then 'SELECT' when 'METADATA' then 'SHOW' else kind end
            as stmt_type,
        case
            when problem_class = 7 then 'FAILED'
            when problem_class > 0 or kind in ('CACHED', 'METADATA') then 'FINISHED'
            when u01({salt_bulk_query_status}, r.qid) < 0.012 then 'FAILED'
            when u01({salt_bulk_query_status}, r.qid) < 0.017 then 'CANCELED'
            else 'FINISHED'
        end as status,
        case
            when problem_class in (1, 3, 5) then 0
            when kind in ('INSERT', 'MERGE', 'CREATE', 'COPY', 'UPDATE', 'DELETE')
                then case when u01({salt_bulk_query_table_tier}, r.qid) < 0.5 then 0 else 1 end
            when u01({salt_bulk_query_table_tier}, r.qid) < 0.35 then 0
            when u01({salt_bulk_query_table_tier}, r.qid) < 0.70 then 1
            else 2
        end as tier,
        case tier
            when 0 then floor(u01({salt_bulk_query_table}, r.qid) * 6)
            when 1 then 6 + floor(u01({salt_bulk_query_table}, r.qid) * 8)
            else 14 + floor(u01({salt_bulk_query_table}, r.qid) * 10)
        end::integer as t_idx,
        case
            when kind = 'CACHED' then 1
            when u01({salt_bulk_query_source_kind}, r.qid) < 0.42 then 0
            when u01({salt_bulk_query_source_kind}, r.qid) < 0.62 then 1
            when u01({salt_bulk_query_source_kind}, r.qid) < 0.74 then 2
            when u01({salt_bulk_query_source_kind}, r.qid) < 0.77 then 3
            when u01({salt_bulk_query_source_kind}, r.qid) < 0.92 then 4
            else 5
        end as source_kind,
        floor({users} * pow(u01({salt_bulk_query_user}, r.qid), 1.8))::integer as user_idx,
    from routed as r
    join wh as w on w.workspace_idx = r.workspace_idx and w.warehouse_idx = r.warehouse_idx
),
scanned as (
    select
        c.*,
        t.avg_file_bytes,
        case
            when c.kind in ('CACHED', 'METADATA') then 0
            when c.status = 'FAILED' and c.problem_class = 0 then 0
            when c.problem_class = 5 then 2e10 * exp(u01({salt_bulk_query_read_bytes}, c.qid) * ln(100))
            when c.problem_class = 1 then 2e9 * exp(u01({salt_bulk_query_read_bytes}, c.qid) * ln(100))
            when c.problem_class = 3 then 5e10 * exp(u01({salt_bulk_query_read_bytes}, c.qid) * ln(20))
            when c.kind = 'COPY' then clamp(lognorm({salt_bulk_query_read_bytes}, c.qid, 1e8, 1.0), 1e5, 4e8)
            when c.tier = 0 then clamp(lognorm({salt_bulk_query_read_bytes}, c.qid, 6e9, 1.1), 1.1e9, 8e11)
            when c.tier = 1 then clamp(lognorm({salt_bulk_query_read_bytes}, c.qid, 2.5e8, 1.0), 1e6, 5e9)
            else clamp(lognorm({salt_bulk_query_read_bytes}, c.qid, 5e6, 1.2), 1e4, 3e8)
        end::bigint as read_bytes,
    from classed as c
    join tbls as t on t.t_idx = c.t_idx
),
timed as (
    select
        s.*,
        case
            when s.kind = 'CACHED' then floor(u01({salt_bulk_query_execution}, s.qid) * 30)
            when s.kind = 'METADATA' then 20 + floor(u01({salt_bulk_query_execution}, s.qid) * 280)
            when s.problem_class = 3 then 1920000 + floor(u01({salt_bulk_query_execution}, s.qid) * 7000000)
            when s.problem_class = 7 then 180000 + floor(u01({salt_bulk_query_execution}, s.qid) * 1140000)
            when s.problem_class = 4 then clamp(lognorm({salt_bulk_query_execution}, s.qid, 120000, 0.7), 20000, 1200000)
            when s.problem_class = 6 then clamp(lognorm({salt_bulk_query_execution}, s.qid, 4000, 1.0), 100, 600000)
            when s.status = 'FAILED' then 50 + floor(u01({salt_bulk_query_execution}, s.qid) * 4950)
            when s.kind in ('INSERT', 'MERGE', 'CREATE', 'COPY', 'UPDATE', 'DELETE')
                then clamp(lognorm({salt_bulk_query_execution}, s.qid, 20000, 1.0), 500, 1200000)
            else clamp(lognorm({salt_bulk_query_execution}, s.qid, 700 * pow(1.0 + s.read_bytes / 1e9, 0.6), 0.9),
                       30, 1200000)
        end::bigint as execution_ms,
        case
            when s.kind in ('CACHED', 'METADATA') then 5 + floor(u01({salt_bulk_query_compilation}, s.qid) * 45)
            else clamp(lognorm({salt_bulk_query_compilation}, s.qid, 180, 0.6), 10, 8000)
        end::bigint as compilation_ms,
        case
            when s.status <> 'FINISHED' or s.kind not in ('SELECT', 'CACHED') then 0
            when s.problem_class = 2 then 1000000 + floor(u01({salt_bulk_query_produced_rows}, s.qid) * 49000000)
            when s.problem_class = 1 then s.read_bytes // 400
            else clamp(floor(lognorm({salt_bulk_query_produced_rows}, s.qid, 40, 2.0)), 0, 10000)
        end::bigint as produced_rows,
        case
            when s.kind = 'CACHED' then 1 + floor(u01({salt_bulk_query_fetch}, s.qid) * 20)
            when s.problem_class = 2 then 2000 + floor(u01({salt_bulk_query_fetch}, s.qid) * 58000)
            else clamp(floor(5 + produced_rows * 0.02 + u01({salt_bulk_query_fetch}, s.qid) * 100), 1, 20000)
        end::bigint as fetch_ms,
        case when s.problem_class = 6 then 15000 + floor(u01({salt_bulk_query_wait_for_capacity}, s.qid) * 345000) else 0 end::bigint
            as wait_for_capacity_ms,
    from scanned as s
)
select
    t.qid,
    'bulk' as src,
    t.workspace_idx,
    t.warehouse_idx,
    t.start_ms,
    t.problem_class,
    t.kind,
    t.stmt_type,
    t.status,
    t.t_idx,
    t.source_kind,
    t.user_idx,
    t.compilation_ms,
    t.execution_ms,
    t.fetch_ms,
    t.wait_for_capacity_ms,
    t.read_bytes,
    t.produced_rows,
from timed as t
