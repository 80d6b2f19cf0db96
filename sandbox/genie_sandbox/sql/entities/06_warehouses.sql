-- Writes temp table wh.
-- warehouses, one row per warehouse with its whole story in columns
create or replace temp table wh as
with base as (
    select
        w.ws_idx,
        j::integer as j,
        w.workspace_id,
        hex16({salt_warehouse_id}, w.ws_idx * 1000 + j) as warehouse_id,
        j % 4 as role,
        ['Shared SQL', 'BI Serverless', 'ETL Classic', 'Analyst Sandbox'][1 + j % 4]
            || case when j >= 4 then ' ' || (j // 4 + 1)::varchar else '' end
            as warehouse_name,
        ['PRO', 'SERVERLESS', 'CLASSIC', 'SERVERLESS'][1 + j % 4] as warehouse_type,
        -- size index into {warehouse_sizes}
        case j % 4
            when 0 then 2 + floor(u01({salt_warehouse_size}, w.ws_idx * 1000 + j) * 2)::integer
            when 1 then 2 + floor(u01({salt_warehouse_size}, w.ws_idx * 1000 + j) * 2)::integer
            when 2 then 4 + floor(u01({salt_warehouse_size}, w.ws_idx * 1000 + j) * 2)::integer
            else floor(u01({salt_warehouse_size}, w.ws_idx * 1000 + j) * 2)::integer
        end as size_i,
        case j % 4 when 0 then 3 when 1 then 4 else 1 end as max_clusters,
        (w.ws_idx = 0 and j = 3) as is_idle,
        case
            when w.ws_idx = 0 and j = 3 then 120
            when j % 4 = 0 then 10
            when j % 4 = 1 then 5
            when j % 4 = 2 then 15
            else 10
        end as auto_stop_minutes,
        (w.ws_idx = {workspaces} - 1 and j = 2) as is_deleted,
        (w.ws_idx = 0 and j = 0) as is_resized,
        case j % 4
            when 0 then 3.0 when 1 then 4.0 when 2 then 2.0 else 1.0
        end * case when w.ws_idx = 0 and j = 3 then 0.004 else 1.0 end as weight,
        case j % 4
            when 0 then map(['cost-center', 'team'],
                            ['cc-' || (100 + w.ws_idx)::varchar, 'analytics'])
            when 1 then map(['team'], ['bi'])
            when 2 then map(['cost-center', 'team'],
                            ['cc-' || (200 + w.ws_idx)::varchar, 'data-eng'])
            else map([]::varchar[], []::varchar[])
        end as tags,
        {start_ms} - (30 + floor(u01({salt_warehouse_create_days_ago}, w.ws_idx * 1000 + j) * 300))::bigint * 86400000::bigint
            as create_ms,
    from ws as w, range({warehouses_per_workspace}) as r(j)
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
