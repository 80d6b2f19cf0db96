-- Writes temp table wh.
-- warehouses, one row per warehouse with its whole story in columns
create or replace temp table wh as
with base as (
    select
        w.workspace_idx,
        warehouse_idx::integer as warehouse_idx,
        w.workspace_id,
        hex16({salt_warehouse_id}, w.workspace_idx * 1000 + warehouse_idx) as warehouse_id,
        warehouse_idx % 4 as role,
        ['Shared SQL', 'BI Serverless', 'ETL Classic', 'Analyst Sandbox'][1 + warehouse_idx % 4]
            || case when warehouse_idx >= 4 then ' ' || (warehouse_idx // 4 + 1)::varchar else '' end
            as warehouse_name,
        ['PRO', 'SERVERLESS', 'CLASSIC', 'SERVERLESS'][1 + warehouse_idx % 4] as warehouse_type,
        -- size index into {warehouse_sizes}
        case warehouse_idx % 4
            when 0 then 2 + floor(u01({salt_warehouse_size}, w.workspace_idx * 1000 + warehouse_idx) * 2)::integer
            when 1 then 2 + floor(u01({salt_warehouse_size}, w.workspace_idx * 1000 + warehouse_idx) * 2)::integer
            when 2 then 4 + floor(u01({salt_warehouse_size}, w.workspace_idx * 1000 + warehouse_idx) * 2)::integer
            else floor(u01({salt_warehouse_size}, w.workspace_idx * 1000 + warehouse_idx) * 2)::integer
        end as size_i,
        case warehouse_idx % 4 when 0 then 3 when 1 then 4 else 1 end as max_clusters,
        (w.workspace_idx = 0 and warehouse_idx = 3) as is_idle,
        case
            when w.workspace_idx = 0 and warehouse_idx = 3 then 120
            when warehouse_idx % 4 = 0 then 10
            when warehouse_idx % 4 = 1 then 5
            when warehouse_idx % 4 = 2 then 15
            else 10
        end as auto_stop_minutes,
        (w.workspace_idx = {workspaces} - 1 and warehouse_idx = 2) as is_deleted,
        (w.workspace_idx = 0 and warehouse_idx = 0) as is_resized,
        case warehouse_idx % 4
            when 0 then 3.0 when 1 then 4.0 when 2 then 2.0 else 1.0
        end * case when w.workspace_idx = 0 and warehouse_idx = 3 then 0.004 else 1.0 end as weight,
        case warehouse_idx % 4
            when 0 then map(['cost-center', 'team'],
                            ['cc-' || (100 + w.workspace_idx)::varchar, 'analytics'])
            when 1 then map(['team'], ['bi'])
            when 2 then map(['cost-center', 'team'],
                            ['cc-' || (200 + w.workspace_idx)::varchar, 'data-eng'])
            else map([]::varchar[], []::varchar[])
        end as tags,
        {start_ms} - (30 + floor(u01({salt_warehouse_create_days_ago}, w.workspace_idx * 1000 + warehouse_idx) * 300))::bigint * 86400000::bigint
            as create_ms,
    from ws as w, range({warehouses_per_workspace}) as r(warehouse_idx)
)
select
    *,
    {warehouse_sizes}[size_i + 1] as warehouse_size,
    {warehouse_sizes}[least(size_i + 1, 5) + 1] as resized_to,
    {warehouse_size_dbu}[size_i + 1] as dbu_rate,
    {warehouse_size_dbu}[least(size_i + 1, 5) + 1] as resized_dbu_rate,
    {warehouse_size_cores}[size_i + 1] as cores,
    case when is_deleted then {start_ms} + ({days} * 24 // 2) * 3600000::bigint + 1234567 end
        as delete_ms,
    case when is_resized then {start_ms} + ({days} * 24 // 3) * 3600000::bigint end as resize_ms,
    case warehouse_type
        when 'SERVERLESS' then 4000 when 'PRO' then 90000 else 150000
    end as startup_min_ms,
    case warehouse_type
        when 'SERVERLESS' then 10000 when 'PRO' then 180000 else 240000
    end as startup_max_ms,
    case warehouse_type
        when 'PRO' then 'PREMIUM_SQL_PRO_COMPUTE'
        when 'SERVERLESS' then 'PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA'
        else 'PREMIUM_SQL_CLASSIC_COMPUTE'
    end as sku_name,
from base
