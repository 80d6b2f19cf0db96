{#
    Month-to-date spend per workspace and product (billing_origin_product) and a projection to
    the month's end, for the month of the as-of date (var optimizer_as_of_date, else the latest
    usage_date billed).

    Method (documented in _optimizer__docs.md, genie_cost_forecast): an ordinary least-squares
    line y = a + b x through the last var optimizer_forecast_trend_days daily costs (x = 1..N,
    missing days = 0), extended over the r days left in the month:
        remaining = r a + b (r N + r (r + 1) / 2), floored at 0
    and an interval of +/- z s sqrt(r), where s is the residual standard deviation of the fit
    (n - 2 degrees of freedom) and z = var optimizer_forecast_interval_z (1.96, about 95 % for
    independent normal daily errors; the slope's own uncertainty is ignored, so the interval is
    narrow for long horizons).
#}
{%- set trend_days = var('optimizer_forecast_trend_days') | int %}

with

usage as (
    select * from {{ ref('int_billing_usage_priced') }}
),

as_of as (
    select
        {{ genie_analytics.optimizer_as_of_date(ref('int_billing_usage_priced'), 'usage_date') }} as as_of_date
),

calendar as (
    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start_date,
        {{ genie_analytics.date_add_days(dbt.dateadd('month', 1, dbt.date_trunc('month', 'as_of_date')), -1) }} as month_end_date,
        {{ genie_analytics.date_add_days('as_of_date', 1 - trend_days) }} as trend_start_date
    from as_of
),

daily as (
    select
        usage.workspace_id,
        coalesce(usage.billing_origin_product, 'UNKNOWN') as billing_origin_product,
        usage.usage_date,
        sum(coalesce(usage.usage_usd, 0.0)) as cost_usd
    from usage
    cross join calendar
    where
        usage.usage_date <= calendar.as_of_date
        and usage.usage_date >= least(calendar.month_start_date, calendar.trend_start_date)
    group by usage.workspace_id, coalesce(usage.billing_origin_product, 'UNKNOWN'), usage.usage_date
),

series_keys as (
    select distinct
        workspace_id,
        billing_origin_product
    from daily
),

trend_spine as (
    select
        series_keys.workspace_id,
        series_keys.billing_origin_product,
        {{ genie_analytics.explode_array(genie_analytics.day_buckets('calendar.trend_start_date', 'calendar.as_of_date')) }} as day_bucket
    from series_keys
    cross join calendar
),

trend_points as (
    select
        trend_spine.workspace_id,
        trend_spine.billing_origin_product,
        cast({{ dbt.datediff('calendar.trend_start_date', 'cast(trend_spine.day_bucket as date)', 'day') }} + 1 as double) as x,
        coalesce(daily.cost_usd, 0.0) as y
    from trend_spine
    cross join calendar
    left join daily
        on
            trend_spine.workspace_id = daily.workspace_id
            and trend_spine.billing_origin_product = daily.billing_origin_product
            and cast(trend_spine.day_bucket as date) = daily.usage_date
),

fit as (
    select
        workspace_id,
        billing_origin_product,
        count(*) as trend_days,
        avg(y) as mean_daily_usd,
        coalesce(covar_pop(x, y) / nullif(var_pop(x), 0), 0.0) as slope_usd_per_day,
        avg(y) - coalesce(covar_pop(x, y) / nullif(var_pop(x), 0), 0.0) * avg(x) as intercept_usd
    from trend_points
    group by workspace_id, billing_origin_product
),

residuals as (
    select
        trend_points.workspace_id,
        trend_points.billing_origin_product,
        case
            when count(*) > 2
                then sqrt(
                    sum(power(trend_points.y - (fit.intercept_usd + fit.slope_usd_per_day * trend_points.x), 2))
                    / (count(*) - 2)
                )
        end as residual_stddev_usd
    from trend_points
    inner join fit
        on
            trend_points.workspace_id = fit.workspace_id
            and trend_points.billing_origin_product = fit.billing_origin_product
    group by trend_points.workspace_id, trend_points.billing_origin_product
),

month_to_date as (
    select
        daily.workspace_id,
        daily.billing_origin_product,
        sum(daily.cost_usd) as month_to_date_usd
    from daily
    cross join calendar
    where daily.usage_date >= calendar.month_start_date
    group by daily.workspace_id, daily.billing_origin_product
),

projected as (
    select
        fit.workspace_id,
        fit.billing_origin_product,
        calendar.as_of_date,
        calendar.month_start_date,
        calendar.month_end_date,
        cast({{ dbt.datediff('calendar.as_of_date', 'calendar.month_end_date', 'day') }} as {{ dbt.type_int() }}) as remaining_days,
        fit.trend_days,
        coalesce(month_to_date.month_to_date_usd, 0.0) as month_to_date_usd,
        fit.mean_daily_usd,
        fit.slope_usd_per_day,
        fit.intercept_usd,
        coalesce(residuals.residual_stddev_usd, 0.0) as residual_stddev_usd
    from fit
    cross join calendar
    left join month_to_date
        on
            fit.workspace_id = month_to_date.workspace_id
            and fit.billing_origin_product = month_to_date.billing_origin_product
    left join residuals
        on
            fit.workspace_id = residuals.workspace_id
            and fit.billing_origin_product = residuals.billing_origin_product
),

final as (
    select
        workspace_id,
        billing_origin_product,
        as_of_date,
        month_start_date,
        month_end_date,
        remaining_days,
        trend_days,
        month_to_date_usd,
        mean_daily_usd,
        slope_usd_per_day,
        intercept_usd,
        residual_stddev_usd,
        greatest(
            remaining_days * intercept_usd
            + slope_usd_per_day * (remaining_days * trend_days + remaining_days * (remaining_days + 1) / 2.0),
            0.0
        ) as projected_remaining_usd,
        {{ var('optimizer_forecast_interval_z') }} * residual_stddev_usd * sqrt(remaining_days) as interval_half_width_usd
    from projected
)

select
    *,
    month_to_date_usd + projected_remaining_usd as projected_month_usd,
    month_to_date_usd + greatest(projected_remaining_usd - interval_half_width_usd, 0.0) as projected_month_lower_usd,
    month_to_date_usd + projected_remaining_usd + interval_half_width_usd as projected_month_upper_usd
from final
