-- Writes temp table ap_on.
-- All-purpose clusters are up on weekdays during office hours (the personal one 60% of days).
create or replace temp table ap_on as
with d as (
    select c.*, d
    from ap_clusters as c, range({days}) as r(d)
    where isodow(date '{start_date}' + d::integer) < 6
      and (c.c = 0 or u01({salt_all_purpose_cluster_is_on}, c.workspace_idx * 100000 + c.c * 10000 + d) < 0.6)
),
x as (
    select
        *,
        {start_ms} + d * 86400000::bigint + 28800000
            + floor(u01({salt_all_purpose_cluster_start}, workspace_idx * 100000 + c * 10000 + d) * 3600000)::bigint
            as on_start_ms,
        {start_ms} + d * 86400000::bigint + 61200000
            + floor(u01({salt_all_purpose_cluster_stop}, workspace_idx * 100000 + c * 10000 + d) * 7200000)::bigint as on_end_ms,
    from d
)
select * from x where delete_ms is null or on_end_ms < delete_ms
