{#
    Every billing.usage record priced in USD: the list price in effect at usage_start_time
    (price_start_at <= usage_start_at < price_end_at, same sku_name, cloud and usage_unit),
    minus the negotiated discount of the seed when one matches. One pricing rule for all cost
    marts (warehouse windows, job runs, chargeback).

    Incremental by whole days of usage_date (it was a table rebuilt from all of
    billing.usage every run): each run re-prices from max(usage_date) - var('cost_lookback_days'),
    from the first day stg_system__billing_usage replaced since the last run (the incremental
    run log), and from the first day holding a correction delivered since the last run within
    var('billing_correction_horizon_days') (billing_corrections_from); those days are replaced
    whole. A price or discount seed change for older days needs --full-refresh (as before for the
    cost marts).
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('usage_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('stg_system__billing_usage'), 'date_column': 'usage_date'}], also_from=[genie_analytics.billing_corrections_from(ref('stg_system__billing_usage'), var('cost_lookback_days'), var('billing_correction_horizon_days'))])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('usage_date', window_call) }}
{%- set window_start = genie_analytics.render_window_start(window_call) %}

with

usage as (
    select * from {{ ref('stg_system__billing_usage') }}
    where {{ genie_analytics.window_predicate('usage_date', window_start) }}
),

list_prices as (
    select * from {{ ref('stg_system__list_prices') }}
    where currency_code = 'USD'
),

negotiated_discounts as (
    select * from {{ ref('negotiated_discounts') }}
),

price_candidates as (
    select
        usage.record_id,
        usage.workspace_id,
        usage.warehouse_id,
        usage.job_id,
        usage.job_run_id,
        usage.sku_name,
        usage.cloud,
        usage.usage_unit,
        usage.record_type,
        usage.billing_origin_product,
        usage.custom_tags,
        usage.usage_quantity,
        usage.usage_date,
        usage.ingestion_date,
        usage.usage_start_at,
        usage.usage_end_at,
        cast(list_prices.effective_list_price as double) as list_price_usd,
        {# Price rows should not overlap; if they do, the latest-starting one wins instead of
           the record being counted twice. #}
        row_number() over (
            partition by usage.record_id
            order by list_prices.price_start_at desc nulls last
        ) as price_rank
    from usage
    left join list_prices
        on
            usage.sku_name = list_prices.sku_name
            and usage.cloud = list_prices.cloud
            and usage.usage_unit = list_prices.usage_unit
            and usage.usage_start_at >= list_prices.price_start_at
            and usage.usage_start_at < list_prices.price_effective_end_at
),

priced as (
    select * from price_candidates
    where price_rank = 1
),

discount_candidates as (
    {# A seed row matches on SKU and/or product (null = any) and its validity dates; the most
       specific row (SKU over product over catch-all), then the latest valid_from, wins. #}
    select
        priced.record_id,
        negotiated_discounts.discount_fraction,
        row_number() over (
            partition by priced.record_id
            order by
                case when negotiated_discounts.sku_name is not null then 0 else 1 end,
                case when negotiated_discounts.billing_origin_product is not null then 0 else 1 end,
                negotiated_discounts.valid_from desc
        ) as discount_rank
    from priced
    inner join negotiated_discounts
        on
            (negotiated_discounts.sku_name is null or priced.sku_name = negotiated_discounts.sku_name)
            and (
                negotiated_discounts.billing_origin_product is null
                or priced.billing_origin_product = negotiated_discounts.billing_origin_product
            )
            and priced.usage_date >= negotiated_discounts.valid_from
            and (negotiated_discounts.valid_until is null or priced.usage_date < negotiated_discounts.valid_until)
),

final as (
    select
        priced.record_id,
        priced.workspace_id,
        priced.warehouse_id,
        priced.job_id,
        priced.job_run_id,
        priced.sku_name,
        priced.cloud,
        priced.usage_unit,
        priced.record_type,
        priced.billing_origin_product,
        priced.custom_tags,
        priced.usage_quantity,
        priced.usage_date,
        priced.ingestion_date,
        priced.usage_start_at,
        priced.usage_end_at,
        priced.list_price_usd,
        {# No USD list price for the SKU at usage_start_at: the USD amounts are 0, never null
           (a null drops out of every USD sum), and is_priced = false makes the DBUs an explicit
           unpriced line downstream (unpriced_dbu). #}
        priced.list_price_usd is not null as is_priced,
        coalesce(cast(discount_candidates.discount_fraction as double), 0.0) as discount_fraction,
        coalesce(cast(priced.usage_quantity as double) * priced.list_price_usd, 0.0) as usage_list_usd,
        coalesce(
            cast(priced.usage_quantity as double)
            * priced.list_price_usd
            * (1.0 - coalesce(cast(discount_candidates.discount_fraction as double), 0.0)),
            0.0
        ) as usage_usd
    from priced
    left join discount_candidates
        on
            priced.record_id = discount_candidates.record_id
            and discount_candidates.discount_rank = 1
)

select * from final
