{#
    One row per job run (workspace_id, job_id, job_run_id) that has usage in billing.usage
    (usage_metadata.job_run_id: job compute and serverless jobs; jobs on all-purpose clusters
    carry no run id and cannot be costed per run). Netted over record types, priced like every
    other cost mart; the job's name from its current lakeflow.jobs version; duration and result
    from lakeflow.job_run_timeline (hour slices summed; the result sits on the last slice).
#}
with

priced_usage as (
    select * from {{ ref('int_billing_usage_priced') }}
    where job_run_id is not null
),

jobs as (
    select * from {{ ref('stg_system__jobs') }}
    where is_current
),

run_slices as (
    select * from {{ ref('stg_system__job_run_timeline') }}
),

run_usage as (
    select
        workspace_id,
        job_id,
        job_run_id,
        min(sku_name) as sku_name,
        count(distinct sku_name) as sku_count,
        min(billing_origin_product) as billing_origin_product,
        min(usage_start_at) as first_usage_at,
        max(usage_end_at) as last_usage_at,
        cast(sum(usage_quantity) as double) as billed_dbu,
        sum(usage_list_usd) as billed_list_usd,
        sum(usage_usd) as billed_usd
    from priced_usage
    group by workspace_id, job_id, job_run_id
),

runs as (
    select
        workspace_id,
        run_id,
        min(job_id) as job_id,
        min(period_start_at) as run_started_at,
        max(period_end_at) as run_ended_at,
        sum(
            {{ genie_analytics.epoch_microseconds('period_end_at') }}
            - {{ genie_analytics.epoch_microseconds('period_start_at') }}
        ) / 1000000.0 as run_duration_seconds,
        max(case when is_last_slice then result_state end) as result_state,
        max(case when is_last_slice then termination_code end) as termination_code,
        min(trigger_type) as trigger_type,
        min(run_type) as run_type,
        min(run_name) as run_name
    from run_slices
    group by workspace_id, run_id
),

joined as (
    select
        run_usage.*,
        jobs.job_name,
        runs.run_name,
        runs.run_started_at,
        runs.run_ended_at,
        runs.run_duration_seconds,
        runs.result_state,
        runs.termination_code,
        runs.trigger_type,
        runs.run_type,
        coalesce(runs.result_state in ('FAILED', 'ERROR', 'TIMEDOUT', 'TIMED_OUT'), false) as is_failed_run
    from run_usage
    left join jobs
        on
            run_usage.workspace_id = jobs.workspace_id
            and run_usage.job_id = jobs.job_id
    left join runs
        on
            run_usage.workspace_id = runs.workspace_id
            and run_usage.job_run_id = runs.run_id
),

job_baselines as (
    select
        workspace_id,
        job_id,
        count(*) as job_run_count,
        {{ genie_analytics.percentile_cont('billed_usd', 0.9) }} as job_p90_cost_usd
    from joined
    group by workspace_id, job_id
),

final as (
    select
        joined.workspace_id,
        joined.job_id,
        joined.job_run_id,
        joined.job_name,
        joined.run_name,
        joined.sku_name,
        joined.sku_count,
        joined.billing_origin_product,
        joined.result_state,
        joined.termination_code,
        joined.trigger_type,
        joined.run_type,
        cast(coalesce(joined.run_started_at, joined.first_usage_at) as date) as run_date,
        joined.run_started_at,
        joined.run_ended_at,
        joined.first_usage_at,
        joined.last_usage_at,
        joined.run_duration_seconds,
        joined.billed_dbu,
        joined.billed_list_usd,
        joined.billed_usd,
        joined.is_failed_run,
        case when joined.is_failed_run then joined.billed_usd else 0.0 end as failed_run_cost_usd,
        job_baselines.job_run_count,
        job_baselines.job_p90_cost_usd,
        coalesce(job_baselines.job_run_count >= 5 and joined.billed_usd > job_baselines.job_p90_cost_usd, false)
            as is_cost_outlier
    from joined
    left join job_baselines
        on
            joined.workspace_id = job_baselines.workspace_id
            and joined.job_id = job_baselines.job_id
)

select * from final
