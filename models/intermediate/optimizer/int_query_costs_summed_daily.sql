{#
    One row per (dimension_type, dimension_id, workspace_id, usage_date, query_fingerprint):
    the queries of genie_query_performance started that day under each of the three entities the
    anomaly detection scores (WORKSPACE, its SQL WAREHOUSE, the USER who ran them: executed_by),
    split by workload (query fingerprint; null for queries without statement text): query count,
    failed queries and attributed USD.

    The anomaly models' small daily table: int_cost_anomaly_daily_series sums it over
    the fingerprints and genie_cost_anomalies takes its drivers from it, so neither reads 58 days
    of genie_query_performance on every run; and the entity unpivot is written here once (it was
    written twice, in both of them). Incremental by query day: each run re-computes
    the days from incremental_window_start (its own latest day minus var cost_lookback_days, or
    the first day genie_query_performance replaced since this model's last run: a cost priced
    later moves the day's sums) and replaces them whole.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('usage_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('usage_date', window_call, clustered_by=['workspace_id', 'dimension_type', 'dimension_id']) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

queries as (
    select
        workspace_id,
        warehouse_id,
        user_id,
        query_date,
        query_fingerprint,
        estimated_cost_usd,
        is_failed
    from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

dimensions as (
    select 'WORKSPACE' as dimension_type
    union all
    select 'WAREHOUSE' as dimension_type
    union all
    select 'USER' as dimension_type
),

entity_queries as (
    {# Each query once under each dimension; a query without a warehouse or user is left out of that dimension only. #}
    select
        dimensions.dimension_type,
        case dimensions.dimension_type
            when 'WORKSPACE' then queries.workspace_id
            when 'WAREHOUSE' then queries.warehouse_id
            else queries.user_id
        end as dimension_id,
        queries.workspace_id,
        queries.query_date,
        queries.query_fingerprint,
        queries.estimated_cost_usd,
        queries.is_failed
    from queries
    cross join dimensions
),

final as (
    select
        dimension_type,
        dimension_id,
        workspace_id,
        query_date as usage_date,
        query_fingerprint,
        count(*) as query_count,
        sum(case when is_failed then 1 else 0 end) as failed_count,
        sum(coalesce(estimated_cost_usd, 0.0)) as cost_usd,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from entity_queries
    where dimension_id is not null
    group by
        dimension_type,
        dimension_id,
        workspace_id,
        query_date,
        query_fingerprint
)

select * from final
