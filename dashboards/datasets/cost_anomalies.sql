-- Cost and failure-rate anomalies (genie_cost_anomalies) with their top drivers made readable:
-- the workload (dbt model or query source) and sample query text of each driver fingerprint
-- (genie_query_workloads), not the hash.
with anomalies as (
    select *
    from genie_cost_anomalies
    where
        (:workspace = 'all' or cast(workspace_id as string) = :workspace)
        and usage_date between :date_range.min and :date_range.max
),

workloads as (
    select
        query_fingerprint,
        max(sample_query_text) as sample_query_text,
        max(coalesce(dbt_model_name, query_source_type)) as workload
    from genie_query_workloads
    where
        query_fingerprint in (select driver_1_fingerprint from anomalies)
        or query_fingerprint in (select driver_2_fingerprint from anomalies)
    group by query_fingerprint
)

select
    a.usage_date,
    cast(a.workspace_id as string) as workspace_id,
    a.dimension_type,
    a.dimension_id,
    a.anomaly_metric,
    a.direction,
    a.z_score,
    a.cost_usd,
    a.expected_cost_usd,
    a.cost_delta_usd,
    case
        when a.driver_1_fingerprint is not null
            then concat(
                coalesce(w1.workload, 'unknown workload'), ': ',
                coalesce(substr(w1.sample_query_text, 1, 200), a.driver_1_fingerprint)
            )
    end as driver_1,
    a.driver_1_delta,
    case
        when a.driver_2_fingerprint is not null
            then concat(
                coalesce(w2.workload, 'unknown workload'), ': ',
                coalesce(substr(w2.sample_query_text, 1, 200), a.driver_2_fingerprint)
            )
    end as driver_2,
    a.driver_2_delta
from anomalies as a
left join workloads as w1 on a.driver_1_fingerprint = w1.query_fingerprint
left join workloads as w2 on a.driver_2_fingerprint = w2.query_fingerprint
