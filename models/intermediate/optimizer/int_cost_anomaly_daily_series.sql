{#
    Daily query cost, query count and failures per workspace, SQL warehouse and user, with a
    row for every day from the entity's first query to optimizer_as_of_date (zero-filled), so a
    quiet day counts in the baseline instead of vanishing from it.
#}
{{ config(materialized='table') }}

{#- The as-of day as a literal (compile time, optimizer_as_of_date) in the window bounds, so
    the date partitions prune; the as_of CTE keeps it as a column. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('genie_query_performance'), 'query_date') %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

as_of as (
    select {{ genie_analytics.optimizer_as_of_date(ref('genie_query_performance'), 'query_date') }} as as_of_date
),

windowed as (
    {# Baseline days before the evaluated lookback are needed too. #}
    select queries.*
    from queries
    cross join as_of
    where
        queries.query_date <= {{ as_of_sql }}
        and queries.query_date > {{ genie_analytics.date_add_days(
            as_of_sql,
            - (var('optimizer_lookback_days') | int) - (var('optimizer_anomaly_baseline_days') | int)
        ) }}
),

entity_days as (
    select
        'WORKSPACE' as dimension_type,
        workspace_id as dimension_id,
        workspace_id,
        query_date as usage_date,
        sum(coalesce(estimated_cost_usd, 0.0)) as cost_usd,
        count(*) as query_count,
        sum(case when is_failed then 1 else 0 end) as failed_count
    from windowed
    group by workspace_id, query_date
    union all
    select
        'WAREHOUSE' as dimension_type,
        warehouse_id as dimension_id,
        workspace_id,
        query_date as usage_date,
        sum(coalesce(estimated_cost_usd, 0.0)) as cost_usd,
        count(*) as query_count,
        sum(case when is_failed then 1 else 0 end) as failed_count
    from windowed
    where warehouse_id is not null
    group by workspace_id, warehouse_id, query_date
    union all
    select
        'USER' as dimension_type,
        user_id as dimension_id,
        workspace_id,
        query_date as usage_date,
        sum(coalesce(estimated_cost_usd, 0.0)) as cost_usd,
        count(*) as query_count,
        sum(case when is_failed then 1 else 0 end) as failed_count
    from windowed
    where user_id is not null
    group by workspace_id, user_id, query_date
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
