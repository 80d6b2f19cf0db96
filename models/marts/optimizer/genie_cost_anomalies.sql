{#
    Days on which a workspace, SQL warehouse or user spent (or failed) far outside its trailing
    28-day baseline with day-of-week seasonality (int_cost_anomaly_scores has every scored day
    and the method). One row per entity, day and anomaly_metric (COST or FAILURE_RATE), with the
    three workloads (query fingerprints) whose cost or failures moved most against their own
    daily average over the baseline days: the drivers (driver_n_delta in USD for COST, in failed
    queries for FAILURE_RATE).
#}
{{ config(materialized='table') }}

with

scores as (
    select * from {{ ref('int_cost_anomaly_scores') }}
),

queries as (
    select * from {{ ref('genie_query_performance') }}
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

query_entities as (
    {# Each query under the three dimensions, to split an entity's day by workload. #}
    select
        'WORKSPACE' as dimension_type,
        workspace_id as dimension_id,
        workspace_id,
        query_date,
        query_fingerprint,
        coalesce(estimated_cost_usd, 0.0) as cost_usd,
        case when is_failed then 1 else 0 end as failed_count
    from queries
    union all
    select
        'WAREHOUSE' as dimension_type,
        warehouse_id as dimension_id,
        workspace_id,
        query_date,
        query_fingerprint,
        coalesce(estimated_cost_usd, 0.0) as cost_usd,
        case when is_failed then 1 else 0 end as failed_count
    from queries
    where warehouse_id is not null
    union all
    select
        'USER' as dimension_type,
        user_id as dimension_id,
        workspace_id,
        query_date,
        query_fingerprint,
        coalesce(estimated_cost_usd, 0.0) as cost_usd,
        case when is_failed then 1 else 0 end as failed_count
    from queries
    where user_id is not null
),

driver_deltas as (
    select
        anomalies.dimension_type,
        anomalies.dimension_id,
        anomalies.workspace_id,
        anomalies.usage_date,
        anomalies.anomaly_metric,
        query_entities.query_fingerprint,
        sum(
            case
                when query_entities.query_date = anomalies.usage_date
                    then case when anomalies.anomaly_metric = 'COST' then query_entities.cost_usd else query_entities.failed_count end
                else 0
            end
        )
        - sum(
            case
                when query_entities.query_date < anomalies.usage_date
                    then case when anomalies.anomaly_metric = 'COST' then query_entities.cost_usd else query_entities.failed_count end
                else 0
            end
        ) / max(anomalies.baseline_days) as driver_delta
    from anomalies
    inner join query_entities
        on
            anomalies.dimension_type = query_entities.dimension_type
            and anomalies.dimension_id = query_entities.dimension_id
            and anomalies.workspace_id = query_entities.workspace_id
            and anomalies.usage_date >= query_entities.query_date
            and query_entities.query_date >= {{ genie_analytics.date_add_days('anomalies.usage_date', - var('optimizer_anomaly_baseline_days')) }}
    group by
        anomalies.dimension_type,
        anomalies.dimension_id,
        anomalies.workspace_id,
        anomalies.usage_date,
        anomalies.anomaly_metric,
        query_entities.query_fingerprint
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
