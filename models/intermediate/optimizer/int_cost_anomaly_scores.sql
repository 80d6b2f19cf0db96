{#
    Each entity-day of the lookback window scored against its trailing baseline: the
    var optimizer_anomaly_baseline_days (28) days before it.

    Seasonality: the expected cost is the mean of the same weekday in the baseline when it has
    at least var optimizer_anomaly_min_weekday_points such days (4 in a full 28-day baseline),
    else the mean of all baseline days. The spread is the standard deviation of all baseline
    days (it includes the weekday swings, so it errs toward fewer alarms):
        cost_z_score = (cost_usd - expected_cost_usd) / baseline_cost_stddev_usd
    null when the baseline never varied. Failure rate: the same against the mean and spread of
    the baseline days that ran queries (no weekday adjustment: failures do not follow the
    calendar the way spend does).
#}
{{ config(materialized='table') }}

{#- The as-of day as a literal (compile time, optimizer_as_of_date) in the window bounds, so
    the date partitions prune; the as_of CTE keeps it as a column. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('int_cost_anomaly_daily_series'), 'usage_date') %}

with

series as (
    select * from {{ ref('int_cost_anomaly_daily_series') }}
),

as_of as (
    select {{ as_of_sql }} as as_of_date
),

evaluated as (
    select series.*
    from series
    cross join as_of
    where series.usage_date > {{ genie_analytics.date_add_days(as_of_sql, - var('optimizer_lookback_days')) }}
),

baseline as (
    select
        evaluated.dimension_type,
        evaluated.dimension_id,
        evaluated.workspace_id,
        evaluated.usage_date,
        count(history.usage_date) as baseline_days,
        avg(history.cost_usd) as baseline_cost_mean_usd,
        stddev_samp(history.cost_usd) as baseline_cost_stddev_usd,
        sum(case when history.day_of_week = evaluated.day_of_week then 1 else 0 end) as weekday_points,
        avg(case when history.day_of_week = evaluated.day_of_week then history.cost_usd end) as weekday_cost_mean_usd,
        avg(history.failure_rate) as baseline_failure_rate,
        stddev_samp(history.failure_rate) as baseline_failure_rate_stddev
    from evaluated
    inner join series as history
        on
            evaluated.dimension_type = history.dimension_type
            and evaluated.dimension_id = history.dimension_id
            and evaluated.workspace_id = history.workspace_id
            and evaluated.usage_date > history.usage_date
            and history.usage_date >= {{ genie_analytics.date_add_days('evaluated.usage_date', - var('optimizer_anomaly_baseline_days')) }}
    group by
        evaluated.dimension_type,
        evaluated.dimension_id,
        evaluated.workspace_id,
        evaluated.usage_date
),

scored as (
    select
        evaluated.*,
        coalesce(baseline.baseline_days, 0) as baseline_days,
        coalesce(baseline.weekday_points, 0) as weekday_points,
        baseline.baseline_cost_mean_usd,
        baseline.baseline_cost_stddev_usd,
        case
            when baseline.weekday_points >= {{ var('optimizer_anomaly_min_weekday_points') }}
                then baseline.weekday_cost_mean_usd
            else baseline.baseline_cost_mean_usd
        end as expected_cost_usd,
        baseline.baseline_failure_rate,
        baseline.baseline_failure_rate_stddev
    from evaluated
    left join baseline
        on
            evaluated.dimension_type = baseline.dimension_type
            and evaluated.dimension_id = baseline.dimension_id
            and evaluated.workspace_id = baseline.workspace_id
            and evaluated.usage_date = baseline.usage_date
),

final as (
    select
        *,
        cost_usd - expected_cost_usd as cost_delta_usd,
        (cost_usd - expected_cost_usd) / nullif(baseline_cost_stddev_usd, 0) as cost_z_score,
        (failure_rate - baseline_failure_rate) / nullif(baseline_failure_rate_stddev, 0) as failure_rate_z_score
    from scored
)

select
    *,
    coalesce(
        baseline_days >= {{ var('optimizer_anomaly_min_baseline_days') }}
        and abs(cost_z_score) >= {{ var('optimizer_anomaly_z_threshold') }}
        and abs(cost_delta_usd) >= {{ var('optimizer_anomaly_min_cost_delta_usd') }},
        false
    ) as is_cost_anomaly,
    coalesce(
        baseline_days >= {{ var('optimizer_anomaly_min_baseline_days') }}
        and query_count >= {{ var('optimizer_anomaly_min_queries') }}
        and failure_rate_z_score >= {{ var('optimizer_anomaly_z_threshold') }},
        false
    ) as is_failure_anomaly
from final
