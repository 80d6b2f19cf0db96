{#
    Daily query cost, query count and failures per workspace, SQL warehouse and user, with a
    row for every day from the entity's first query to optimizer_as_of_date (zero-filled), so a
    quiet day counts in the baseline instead of vanishing from it. Summed from the small daily
    table int_query_costs_summed_daily (per entity, day and fingerprint), not from
    genie_query_performance.
#}
{{ config(materialized='table') }}

{#- The as-of day as a literal (compile time, optimizer_as_of_date) in the window bounds, so
    the date partitions prune; the as_of CTE keeps it as a column. The daily table holds every
    query day of genie_query_performance under dimension WORKSPACE, so its latest usage_date is
    genie_query_performance's latest query_date. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('int_query_costs_summed_daily'), 'usage_date') %}

with

daily as (
    select * from {{ ref('int_query_costs_summed_daily') }}
),

as_of as (
    select {{ as_of_sql }} as as_of_date
),

entity_days as (
    {# Baseline days before the evaluated lookback are needed too. #}
    select
        dimension_type,
        dimension_id,
        workspace_id,
        usage_date,
        sum(cost_usd) as cost_usd,
        cast(sum(query_count) as {{ dbt.type_bigint() }}) as query_count,
        sum(failed_count) as failed_count
    from daily
    where
        usage_date <= {{ as_of_sql }}
        and usage_date > {{ genie_analytics.date_add_days(
            as_of_sql,
            - (var('optimizer_lookback_days') | int) - (var('optimizer_anomaly_baseline_days') | int)
        ) }}
    group by dimension_type, dimension_id, workspace_id, usage_date
),

entities as (
    select
        entity_days.dimension_type,
        entity_days.dimension_id,
        entity_days.workspace_id,
        min(entity_days.usage_date) as first_date,
        max(as_of.as_of_date) as last_date
    from entity_days
    cross join as_of
    group by entity_days.dimension_type, entity_days.dimension_id, entity_days.workspace_id
),

spine as (
    select
        dimension_type,
        dimension_id,
        workspace_id,
        {{ genie_analytics.explode_array(genie_analytics.day_buckets('first_date', 'last_date')) }} as day_bucket
    from entities
),

final as (
    select
        spine.dimension_type,
        spine.dimension_id,
        spine.workspace_id,
        cast(spine.day_bucket as date) as usage_date,
        {{ genie_analytics.day_of_week('spine.day_bucket') }} as day_of_week,
        coalesce(entity_days.cost_usd, 0.0) as cost_usd,
        coalesce(entity_days.query_count, 0) as query_count,
        coalesce(entity_days.failed_count, 0) as failed_count,
        case
            when coalesce(entity_days.query_count, 0) > 0
                then cast(entity_days.failed_count as double) / entity_days.query_count
        end as failure_rate
    from spine
    left join entity_days
        on
            spine.dimension_type = entity_days.dimension_type
            and spine.dimension_id = entity_days.dimension_id
            and spine.workspace_id = entity_days.workspace_id
            and cast(spine.day_bucket as date) = entity_days.usage_date
)

select * from final
