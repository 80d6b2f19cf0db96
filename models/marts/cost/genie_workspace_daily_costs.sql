{#
    Chargeback: DBUs and USD per workspace, usage_date, billing_origin_product and sku_name,
    split by custom tag: one row per tag key/value carried by the spend (a record with three
    tags counts under each of its three keys), and one row with tag_key = '(untagged)' for
    spend that carries no tag at all. Sum amount_* over ONE tag_key (or over the untagged row)
    only; the group totals and the untagged share are repeated on every row of the group.
#}
with

priced_usage as (
    select * from {{ ref('int_billing_usage_priced') }}
),

usage_rows as (
    select
        workspace_id,
        usage_date,
        coalesce(billing_origin_product, '(unknown)') as billing_origin_product,
        sku_name,
        custom_tags,
        {{ genie_analytics.map_size('custom_tags') }} as tag_count,
        cast(usage_quantity as double) as usage_quantity,
        {# No USD list price: usage_usd is 0 and the DBUs show as unpriced_dbu. #}
        case when is_priced then 0.0 else cast(usage_quantity as double) end as unpriced_dbu,
        usage_usd,
        usage_list_usd
    from priced_usage
),

tagged as (
    select
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        usage_quantity,
        unpriced_dbu,
        usage_usd,
        usage_list_usd,
        {{ genie_analytics.explode_map('custom_tags', 'tag_key', 'tag_value') }}
    from usage_rows
    where tag_count > 0
),

untagged as (
    select
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        usage_quantity,
        unpriced_dbu,
        usage_usd,
        usage_list_usd,
        '(untagged)' as tag_key,
        '(untagged)' as tag_value
    from usage_rows
    where tag_count = 0
),

by_tag as (
    select
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        tag_key,
        coalesce(tag_value, '') as tag_value,
        sum(usage_quantity) as amount_dbu,
        sum(unpriced_dbu) as amount_unpriced_dbu,
        sum(usage_usd) as amount_usd,
        sum(usage_list_usd) as amount_list_usd
    from (
        select * from tagged
        union all
        select * from untagged
    ) as all_rows
    group by
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        tag_key,
        coalesce(tag_value, '')
),

group_totals as (
    select
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        sum(usage_quantity) as total_dbu,
        sum(unpriced_dbu) as total_unpriced_dbu,
        sum(usage_usd) as total_usd,
        sum(case when tag_count = 0 then usage_usd else 0.0 end) as untagged_usd
    from usage_rows
    group by
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name
),

final as (
    select
        by_tag.workspace_id,
        by_tag.usage_date,
        by_tag.billing_origin_product,
        by_tag.sku_name,
        by_tag.tag_key,
        by_tag.tag_value,
        by_tag.amount_dbu,
        by_tag.amount_unpriced_dbu,
        by_tag.amount_usd,
        by_tag.amount_list_usd,
        group_totals.total_dbu,
        group_totals.total_unpriced_dbu,
        group_totals.total_usd,
        group_totals.untagged_usd,
        case
            when group_totals.total_usd <> 0 then group_totals.untagged_usd / group_totals.total_usd
        end as untagged_share
    from by_tag
    inner join group_totals
        on
            by_tag.workspace_id = group_totals.workspace_id
            and by_tag.usage_date = group_totals.usage_date
            and by_tag.billing_origin_product = group_totals.billing_origin_product
            and by_tag.sku_name = group_totals.sku_name
)

select * from final
