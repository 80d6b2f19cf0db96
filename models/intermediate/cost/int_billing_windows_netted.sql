{#
    A table, not a view: DuckDB 2.0 cannot create a view that references
    "genie_analytics"."genie_analytics".<model> (catalog = file stem = schema name; Binder
    Error "Ambiguous reference to catalog or schema"). Small: billing rows, not queries.
#}
{{ config(materialized='table') }}

{#
    Step 1 of the attribution: one row per SQL-warehouse billing window, netted over all record
    types (ORIGINAL + RETRACTION (negative) + RESTATEMENT), so corrections can never double
    count. Step 5: the window is priced at the list price in effect at its start (see
    int_billing_usage_priced); every record of one window shares SKU and start, hence one price.
#}
with

priced_usage as (
    {# SQL-warehouse usage: records with a warehouse_id, and SQL records that lack one (kept as
       their own reconciliation line, never dropped). #}
    select * from {{ ref('int_billing_usage_priced') }}
    where warehouse_id is not null or billing_origin_product = 'SQL'
),

known_warehouses as (
    {# A warehouse is observable in this region if ANY regional table knows it:
       compute.warehouses has a row only when a warehouse changes (365-day
       retention), so an unchanged warehouse, or one whose rows were all quarantined, is known
       only from its events, its queries or its quarantined rows. #}
    select
        workspace_id,
        warehouse_id
    from {{ ref('stg_system__warehouses') }}
    union
    select
        workspace_id,
        warehouse_id
    from {{ ref('stg_system__warehouse_events') }}
    union
    select
        workspace_id,
        warehouse_id
    from {{ ref('stg_system__query_history') }}
    where warehouse_id is not null
    union
    select
        warehouses.workspace_id,
        warehouses.warehouse_id
    from (
        select distinct
            workspace_id,
            warehouse_id
        from priced_usage
        where warehouse_id is not null
    ) as warehouses
    inner join {{ ref('stg_system__rows_quarantined') }} as quarantined
        on
            quarantined.source_table = 'compute.warehouses'
            and substr(quarantined.key_value, 1, length(warehouses.workspace_id) + length(warehouses.warehouse_id) + 2)
            = warehouses.workspace_id || '|' || warehouses.warehouse_id || '|'
),

netted as (
    select
        workspace_id,
        coalesce(warehouse_id, '(missing)') as warehouse_id,
        min(case when warehouse_id is null then 1 else 0 end) as is_missing_warehouse_id,
        sku_name,
        usage_start_at as window_start_at,
        usage_end_at as window_end_at,
        min(cloud) as cloud,
        min(usage_unit) as usage_unit,
        min(billing_origin_product) as billing_origin_product,
        cast(usage_start_at as date) as window_date,
        sum(usage_quantity) as billed_dbu,
        count(*) as record_count,
        sum(case when record_type <> 'ORIGINAL' then 1 else 0 end) as correction_record_count,
        max(ingestion_date) as last_ingestion_date,
        sum(case when is_priced then 0 else usage_quantity end) as unpriced_dbu,
        max(list_price_usd) as list_price_usd,
        max(discount_fraction) as discount_fraction,
        sum(usage_list_usd) as billed_list_usd,
        sum(usage_usd) as billed_usd
    from priced_usage
    group by
        workspace_id,
        coalesce(warehouse_id, '(missing)'),
        sku_name,
        usage_start_at,
        usage_end_at
),

final as (
    select
        netted.workspace_id,
        netted.warehouse_id,
        netted.sku_name,
        netted.window_start_at,
        netted.window_end_at,
        netted.window_date,
        {# Which reconciliation line the window's money goes to:
           warehouse_window = observable here, split into attributed + idle;
           no_warehouse_id = SQL usage without usage_metadata.warehouse_id;
           warehouse_not_in_region = a warehouse no regional table knows (known_warehouses;
           billing.usage covers every region of the account, query.history and compute.* only
           this one), so neither its queries nor its idle time are observable here. #}
        case
            when netted.is_missing_warehouse_id = 1 then 'no_warehouse_id'
            when known_warehouses.warehouse_id is null then 'warehouse_not_in_region'
            else 'warehouse_window'
        end as reconciliation_line,
        netted.cloud,
        netted.usage_unit,
        netted.billing_origin_product,
        netted.billed_dbu,
        netted.unpriced_dbu,
        netted.list_price_usd,
        netted.discount_fraction,
        netted.billed_list_usd,
        netted.billed_usd,
        netted.record_count,
        netted.correction_record_count,
        netted.last_ingestion_date
    from netted
    left join known_warehouses
        on
            netted.workspace_id = known_warehouses.workspace_id
            and netted.warehouse_id = known_warehouses.warehouse_id
)

select * from final
