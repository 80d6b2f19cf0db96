-- Writes system table compute.warehouses.
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
