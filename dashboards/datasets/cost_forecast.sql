-- Month-end forecast per workspace and product with its interval (genie_cost_forecast: linear trend
-- over the last var('optimizer_forecast_trend_days') days, interval = z * residual stddev).
-- The forecast is as of the latest day with data, so only the workspace filter applies.
select
    cast(workspace_id as string) as workspace_id,
    billing_origin_product,
    as_of_date,
    month_to_date_usd,
    projected_month_usd,
    projected_month_lower_usd,
    projected_month_upper_usd
from genie_cost_forecast
where (:workspace = 'all' or cast(workspace_id as string) = :workspace)
