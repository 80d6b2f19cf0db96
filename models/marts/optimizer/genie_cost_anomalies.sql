{#
    Days on which a workspace, SQL warehouse or user spent (or failed) far outside its trailing
    28-day baseline with day-of-week seasonality (int_cost_anomaly_scores has every scored day
    and the method). One row per entity, day and anomaly_metric (COST or FAILURE_RATE), with the
    three workloads (query fingerprints) whose cost or failures moved most against their own
    daily average over the baseline days: the drivers (driver_n_delta in USD for COST, in failed
    queries for FAILURE_RATE).
#}
{#- First scored day ('YYYY-MM-DD', compile time; none when it cannot be read: no bound):
    int_cost_anomaly_scores scores the days after as_of_date - optimizer_lookback_days. -#}
{%- set scored_from = genie_analytics.optimizer_first_scored_day(ref('int_query_costs_summed_daily'), 'usage_date') %}

with

scores as (
    select * from {{ ref('int_cost_anomaly_scores') }}
),

daily as (
    {# Per entity, day and fingerprint (int_query_costs_summed_daily), not every query. #}
    select * from {{ ref('int_query_costs_summed_daily') }}
),

anomalies as (
    select
        dimension_type,
        dimension_id,
        workspace_id,
        usage_date,
        'COST' as anomaly_metric,
        case when cost_delta_usd > 0 then 'SPIKE' else 'DROP' end as direction,
        cost_z_score as z_score,
        baseline_days
    from scores
    where is_cost_anomaly
    union all
    select
        dimension_type,
        dimension_id,
        workspace_id,
        usage_date,
        'FAILURE_RATE' as anomaly_metric,
        'SPIKE' as direction,
        failure_rate_z_score as z_score,
        baseline_days
    from scores
    where is_failure_anomaly
),

driver_deltas as (
    select
        anomalies.dimension_type,
        anomalies.dimension_id,
        anomalies.workspace_id,
        anomalies.usage_date,
        anomalies.anomaly_metric,
        daily.query_fingerprint,
        sum(
            case
                when daily.usage_date = anomalies.usage_date
                    then case when anomalies.anomaly_metric = 'COST' then daily.cost_usd else daily.failed_count end
                else 0
            end
        )
        - sum(
            case
                when daily.usage_date < anomalies.usage_date
                    then case when anomalies.anomaly_metric = 'COST' then daily.cost_usd else daily.failed_count end
                else 0
            end
        ) / max(anomalies.baseline_days) as driver_delta
    from anomalies
    inner join daily
        on
            anomalies.dimension_type = daily.dimension_type
            and anomalies.dimension_id = daily.dimension_id
            and anomalies.workspace_id = daily.workspace_id
            and anomalies.usage_date >= daily.usage_date
            and daily.usage_date >= {{ genie_analytics.date_add_days('anomalies.usage_date', - var('optimizer_anomaly_baseline_days')) }}
    {#- The scored days (the lookback window) and their baselines, as a literal: the daily
        table's older days are not read. #}
    where {{ genie_analytics.window_predicate('daily.usage_date', scored_from, offset_days=- (var('optimizer_anomaly_baseline_days') | int)) }}
    group by
        anomalies.dimension_type,
        anomalies.dimension_id,
        anomalies.workspace_id,
        anomalies.usage_date,
        anomalies.anomaly_metric,
        daily.query_fingerprint
),

ranked_drivers as (
    select
        *,
        row_number() over (
            partition by dimension_type, dimension_id, workspace_id, usage_date, anomaly_metric
            order by abs(driver_delta) desc, query_fingerprint
        ) as driver_rank
    from driver_deltas
),

drivers as (
    select
        dimension_type,
        dimension_id,
        workspace_id,
        usage_date,
        anomaly_metric,
        max(case when driver_rank = 1 then query_fingerprint end) as driver_1_fingerprint,
        max(case when driver_rank = 1 then driver_delta end) as driver_1_delta,
        max(case when driver_rank = 2 then query_fingerprint end) as driver_2_fingerprint,
        max(case when driver_rank = 2 then driver_delta end) as driver_2_delta,
        max(case when driver_rank = 3 then query_fingerprint end) as driver_3_fingerprint,
        max(case when driver_rank = 3 then driver_delta end) as driver_3_delta
    from ranked_drivers
    where driver_rank <= 3
    group by dimension_type, dimension_id, workspace_id, usage_date, anomaly_metric
),

final as (
    select
        md5(
            anomalies.dimension_type || '|' || anomalies.dimension_id || '|' || anomalies.workspace_id || '|'
            || cast(anomalies.usage_date as string) || '|' || anomalies.anomaly_metric
        ) as anomaly_id,
        anomalies.dimension_type,
        anomalies.dimension_id,
        anomalies.workspace_id,
        anomalies.usage_date,
        scores.day_of_week,
        anomalies.anomaly_metric,
        anomalies.direction,
        anomalies.z_score,
        scores.cost_usd,
        scores.expected_cost_usd,
        scores.cost_delta_usd,
        scores.baseline_cost_mean_usd,
        scores.baseline_cost_stddev_usd,
        scores.query_count,
        scores.failed_count,
        scores.failure_rate,
        scores.baseline_failure_rate,
        scores.baseline_days,
        scores.weekday_points,
        drivers.driver_1_fingerprint,
        drivers.driver_1_delta,
        drivers.driver_2_fingerprint,
        drivers.driver_2_delta,
        drivers.driver_3_fingerprint,
        drivers.driver_3_delta
    from anomalies
    inner join scores
        on
            anomalies.dimension_type = scores.dimension_type
            and anomalies.dimension_id = scores.dimension_id
            and anomalies.workspace_id = scores.workspace_id
            and anomalies.usage_date = scores.usage_date
    left join drivers
        on
            anomalies.dimension_type = drivers.dimension_type
            and anomalies.dimension_id = drivers.dimension_id
            and anomalies.workspace_id = drivers.workspace_id
            and anomalies.usage_date = drivers.usage_date
            and anomalies.anomaly_metric = drivers.anomaly_metric
)

select * from final
