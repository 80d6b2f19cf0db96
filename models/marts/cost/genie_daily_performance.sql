{#
    Per workspace, user and day: volume, duration percentiles (percentile_cont semantics:
    linear interpolation, macro percentile_cont), cost and failures. 
    Percentiles are rounded to 0.001 ms so that both engines (and hand-computed unit tests) agree
    on the last binary digit of the interpolation.

    Incremental by query_date: each run re-computes (exact percentiles included) only
    the days from incremental_window_start: max(query_date) - var('cost_lookback_days'), or the
    first day genie_query_performance rewrote since this model's last run when earlier; those
    days are replaced whole.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('query_date', window_call) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

final as (
    select
        workspace_id,
        user_id,
        query_date,
        count(*) as total_queries,
        avg(duration_ms) as avg_duration_ms,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.5) }}, 3) as p50_duration_ms,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.95) }}, 3) as p95_duration_ms,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.99) }}, 3) as p99_duration_ms,
        sum(compute_cost_dbu) as total_cost_dbu,
        sum(estimated_cost_usd) as total_cost_usd,
        sum(bytes_read) as total_bytes_read,
        sum(case when execution_status = 'FAILED' then 1 else 0 end) as failed_queries,
        sum(case when execution_status = 'CANCELED' then 1 else 0 end) as canceled_queries,
        cast(sum(case when execution_status = 'FINISHED' then 1 else 0 end) as double)
        / cast(count(*) as double) as success_rate,
        sum(case when is_cost_final then 0 else 1 end) as cost_pending_queries,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from queries
    group by
        workspace_id,
        user_id,
        query_date
)

select * from final
