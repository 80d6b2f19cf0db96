{#
    Query duration percentiles per day, for each workspace and for every workspace together
    (workspace_scope 'all'): percentiles cannot be re-aggregated from genie_daily_performance's
    per-user rows, and computing them at view time means sorting every query of the period
    (slow at scale: bench/NOTES.md), so the dashboard's latency chart reads this table.
    percentile_cont semantics (macro percentile_cont), rounded to 0.001 ms like
    genie_daily_performance. Incremental by query_date like genie_daily_performance:
    only the re-read days are sorted again, and replaced whole.
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
        duration_ms
    from {{ ref('genie_query_performance') }}
    where
        duration_ms is not null
        and {{ genie_analytics.window_predicate('query_date', from_date) }}
),

scoped as (
    select
        workspace_id as workspace_scope,
        query_date,
        duration_ms
    from queries
    union all
    select
        'all' as workspace_scope,
        query_date,
        duration_ms
    from queries
),

final as (
    select
        workspace_scope,
        query_date,
        count(*) as query_count,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.5) }}, 3) as p50_duration_ms,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.95) }}, 3) as p95_duration_ms,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.99) }}, 3) as p99_duration_ms,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from scoped
    group by
        workspace_scope,
        query_date
)

select * from final
