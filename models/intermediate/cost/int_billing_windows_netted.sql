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
    select * from {{ ref('int_billing_usage_priced') }}
    where warehouse_id is not null
),

netted as (
    select
        workspace_id,
        warehouse_id,
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
        max(list_price_usd) as list_price_usd,
        max(discount_fraction) as discount_fraction,
        sum(usage_list_usd) as billed_list_usd,
        sum(usage_usd) as billed_usd
    from priced_usage
    group by
        workspace_id,
        warehouse_id,
        sku_name,
        usage_start_at,
        usage_end_at
),

final as (
    select
        workspace_id,
        warehouse_id,
        sku_name,
        window_start_at,
        window_end_at,
        window_date,
        cloud,
        usage_unit,
        billing_origin_product,
        billed_dbu,
        list_price_usd,
        discount_fraction,
        billed_list_usd,
        billed_usd,
        record_count,
        correction_record_count,
        last_ingestion_date
    from netted
)

select * from final
