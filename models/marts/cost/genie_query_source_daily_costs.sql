{#
    Per workspace, day and query source type (JOB, DASHBOARD, GENIE_SPACE, DBT, NOTEBOOK, ...,
    OTHER; genie_query_performance.query_source_type): queries, attributed USD and DBUs. The
    dashboard's cost-by-query-source chart reads this table instead of grouping every query of
    the period at view time, which grows with the day's queries (bench/NOTES.md).
    Totals equal genie_query_performance's. Incremental by query_date like
    genie_daily_performance: only the re-read days are re-computed, and replaced whole.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('query_date', window_call) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

queries as (
    select
        workspace_id,
        query_date,
        query_source_type,
        compute_cost_dbu,
        estimated_cost_usd
    from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

final as (
    select
        workspace_id,
        query_date,
        query_source_type,
        count(*) as total_queries,
        sum(compute_cost_dbu) as total_cost_dbu,
        sum(estimated_cost_usd) as total_cost_usd,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from queries
    group by
        workspace_id,
        query_date,
        query_source_type
)

select * from final
