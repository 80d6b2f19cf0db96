{# sqlfluff reads struct field access (e.g. compute.warehouse_id) as a table-qualified column, so RF03 (consistent qualification) cannot hold here. #}
-- noqa: disable=RF03
with

source as (
    select * from {{ source('billing', 'list_prices') }}
),

classified as (
    {# Same-row deliveries collapse; null keys and conflicting versions go to stg_system__rows_quarantined. #}
    {{ genie_analytics.classify_system_rows('source', ['account_id', 'sku_name', 'cloud', 'usage_unit', 'currency_code', 'price_start_time'], required_columns=[]) }}
),

deduplicated as (
    select * from classified
    where _quarantine_reason is null
),

renamed as (
    select
        -- ids
        account_id,
        sku_name,
        cloud,
        usage_unit,
        currency_code,

        -- numerics
        {# decimal(38,18) is kept on purpose: price x quantity at 18 decimals, rounded only in marts. #}
        cast(pricing.default as decimal(38, 18)) as list_price,
        cast(pricing.promotional.default as decimal(38, 18)) as promotional_price,
        cast(pricing.effective_list.default as decimal(38, 18)) as effective_list_price,

        -- booleans
        price_end_time is null as is_current,

        -- timestamps
        price_start_time as price_start_at,
        price_end_time as price_end_at,
        coalesce(price_end_time, {{ genie_analytics.open_ended_timestamp() }}) as price_effective_end_at
    from deduplicated
)

select * from renamed
