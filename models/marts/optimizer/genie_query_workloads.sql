{#
    One row per workload: a query fingerprint run by one source (dbt model, job, dashboard,
    alert, notebook, Genie space, saved query, or none), in the current period (the last
    var optimizer_workload_period_days days up to optimizer_as_of_date) against the period
    before it: executions, users, cost, p50/p95 duration and the trend between the two.
    A table: both periods move with the as-of date, so every run recomputes them.
#}
{#- tag daily: exact p50/p95 duration over each 7-day period (percentile_cont of
    every execution), which daily aggregates cannot reproduce; kept exact, so the model runs in
    the bundle's daily job (genie_analytics_daily), not hourly. -#}
{{ config(tags=['daily']) }}
{%- set period_days = var('optimizer_workload_period_days') | int %}

{#- The as-of day as a literal (compile time, optimizer_as_of_date) in the window bounds, so
    the date partitions prune; the as_of CTE keeps it as a column. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('genie_query_performance'), 'query_date') %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

as_of as (
    select {{ as_of_sql }} as as_of_date
),

periods as (
    select
        queries.*,
        coalesce(queries.query_source_id, queries.dbt_model_name, '') as workload_source_id,
        queries.query_date > {{ genie_analytics.date_add_days(as_of_sql, - period_days) }} as is_current_period,
        coalesce(queries.estimated_cost_usd, 0.0) as cost_usd,
        coalesce(queries.compute_cost_dbu, 0.0) as cost_dbu,
        as_of.as_of_date
    from queries
    cross join as_of
    where
        queries.query_date <= {{ as_of_sql }}
        and queries.query_date > {{ genie_analytics.date_add_days(as_of_sql, - 2 * period_days) }}
        and queries.query_fingerprint is not null
),

aggregated as (
    select
        workspace_id,
        query_fingerprint,
        query_source_type,
        workload_source_id,
        max(dbt_model_name) as dbt_model_name,
        substr(max(query_text), 1, 300) as sample_query_text,
        max(as_of_date) as period_end_date,
        sum(case when is_current_period then 1 else 0 end) as executions,
        count(distinct case when is_current_period then user_id end) as users_count,
        sum(case when is_current_period and is_failed then 1 else 0 end) as failed_executions,
        sum(case when is_current_period then cost_usd else 0.0 end) as cost_usd,
        sum(case when is_current_period then cost_dbu else 0.0 end) as cost_dbu,
        sum(case when is_current_period then coalesce(bytes_read, 0) else 0 end) as read_bytes,
        {{ genie_analytics.percentile_cont('case when is_current_period then duration_ms end', 0.5) }} as p50_duration_ms,
        {{ genie_analytics.percentile_cont('case when is_current_period then duration_ms end', 0.95) }} as p95_duration_ms,
        sum(case when is_current_period then 0 else 1 end) as previous_executions,
        sum(case when is_current_period then 0.0 else cost_usd end) as previous_cost_usd,
        {{ genie_analytics.percentile_cont('case when not is_current_period then duration_ms end', 0.5) }} as previous_p50_duration_ms,
        {{ genie_analytics.percentile_cont('case when not is_current_period then duration_ms end', 0.95) }} as previous_p95_duration_ms,
        min(start_time) as first_seen_at,
        max(start_time) as last_seen_at
    from periods
    group by
        workspace_id,
        query_fingerprint,
        query_source_type,
        workload_source_id
),

final as (
    select
        md5(workspace_id || '|' || query_fingerprint || '|' || query_source_type || '|' || workload_source_id) as workload_id,
        workspace_id,
        query_fingerprint,
        query_source_type,
        nullif(workload_source_id, '') as query_source_id,
        dbt_model_name,
        sample_query_text,
        {{ genie_analytics.date_add_days('period_end_date', - period_days + 1) }} as period_start_date,
        period_end_date,
        executions,
        users_count,
        failed_executions,
        cost_usd,
        cost_dbu,
        case when executions > 0 then cost_usd / executions end as cost_per_execution_usd,
        read_bytes,
        p50_duration_ms,
        p95_duration_ms,
        previous_executions,
        previous_cost_usd,
        previous_p50_duration_ms,
        previous_p95_duration_ms,
        cost_usd - previous_cost_usd as cost_change_usd,
        case when previous_cost_usd > 0 then (cost_usd - previous_cost_usd) / previous_cost_usd end as cost_change_fraction,
        case
            when previous_executions = 0 then 'NEW'
            when executions = 0 then 'GONE'
            when cost_usd > (1 + {{ var('optimizer_workload_trend_min_change') }}) * previous_cost_usd then 'GROWING'
            when cost_usd < (1 - {{ var('optimizer_workload_trend_min_change') }}) * previous_cost_usd then 'SHRINKING'
            else 'STABLE'
        end as trend,
        first_seen_at,
        last_seen_at
    from aggregated
)

select * from final
