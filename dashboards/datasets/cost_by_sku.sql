-- Every product's USD and DBUs per SKU (genie_workspace_daily_costs; total_* are the
-- (workspace, day, product, SKU) totals repeated on each tag row, so one value per group is taken).
with per_day as (
    select
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        max(total_usd) as cost_usd,
        max(total_dbu) as cost_dbu
    from genie_workspace_daily_costs
    where
        (:workspace = 'all' or cast(workspace_id as string) = :workspace)
        and usage_date between :date_range.min and :date_range.max
    group by workspace_id, usage_date, billing_origin_product, sku_name
)

select
    coalesce(sku_name, '(none)') as sku_name,
    sum(cost_usd) as cost_usd,
    sum(cost_dbu) as cost_dbu
from per_day
group by coalesce(sku_name, '(none)')
