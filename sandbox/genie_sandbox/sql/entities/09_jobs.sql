-- Writes temp table jobs.
-- jobs (5 per workspace). k=0 is the dbt build on warehouse 0; k=4 gets deleted.
create or replace temp table jobs as
select
    w.workspace_idx,
    w.workspace_id,
    k::integer as k,
    (100000000000000 + hash({seed}, {salt_job_id}, w.workspace_idx, k) % 899999999999999)::varchar
        as job_id,
    ['dbt_daily_build', 'ingest_orders_hourly', 'feature_pipeline',
     'nightly_backfill', 'legacy_export'][k + 1] as name,
    ['dbt build of the analytics project', 'Load new orders from the landing zone',
     'Recompute ML features', 'Reprocess late events', 'Export to the old SFTP'][k + 1]
        as description,
    ['0 0 5 * * ?', '0 5 * * * ?', '0 30 0/6 * * ?', '0 0 1 * * ?', '0 0 3 * * ?'][k + 1]
        as cron,
    [0, 2, 4, 8, 1][k + 1] as workers,
    [0.0, 1.0, 2.0, 2.0, 1.0][k + 1] as node_dbu,
    [0.0, 720000.0, 2100000.0, 6000000.0, 600000.0][k + 1] as median_ms,
    case when k = 0 then 'dbt' else 'etl' end as sp_name,
    case k when 4 then {start_ms} + ({days} * 24 // 2) * 3600000::bigint + 7200000 end as delete_ms,
    case k when 2 then {start_ms} + ({days} * 24 // 3) * 3600000::bigint + 1800000 end as change_ms,
    {start_ms} - (40 + floor(u01({salt_job_create_days_ago}, w.workspace_idx * 10 + k) * 200))::bigint * 86400000::bigint
        as create_ms,
    case k when 0 then map(['team', 'cost-center'], ['analytics', 'cc-400'])
           when 1 then map(['team'], ['data-eng'])
           when 2 then map(['team', 'cost-center'], ['ml', 'cc-500'])
           else map([]::varchar[], []::varchar[]) end as tags,
from ws as w, range(5) as r(k)
