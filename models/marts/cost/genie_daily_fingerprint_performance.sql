{#
    Per workspace, query fingerprint (the normalised statement text) and day: runs, p95 duration
    and cost. The dashboard's query deep dive shows the history of one statement's fingerprint;
    computed at view time from genie_query_performance that means scanning (and sorting for the
    percentile) every query of the period, 169-319 ms at the small bench scale and seconds at
    10M queries a day, so it reads this table instead.
    Rows are written sorted by fingerprint, so a lookup of one fingerprint skips the row groups
    of the others (DuckDB zone maps; liquid clustering on Databricks).
    Queries without a fingerprint (no statement text) are their own row (query_fingerprint null),
    so the totals equal genie_query_performance's.
    percentile_cont semantics (macro percentile_cont), rounded to 0.001 ms like
    genie_daily_performance. Incremental by query_date like genie_daily_performance:
    only the re-read days are re-computed, and replaced whole.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('query_date', window_call, clustered_by=['workspace_id', 'query_fingerprint']) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

queries as (
    select
        workspace_id,
        query_fingerprint,
        query_date,
        duration_ms,
        compute_cost_dbu,
        estimated_cost_usd
    from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

final as (
    select
        workspace_id,
        query_fingerprint,
        query_date,
        count(*) as total_queries,
        round({{ genie_analytics.percentile_cont('duration_ms', 0.95) }}, 3) as p95_duration_ms,
        sum(compute_cost_dbu) as total_cost_dbu,
        sum(estimated_cost_usd) as total_cost_usd,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from queries
    group by
        workspace_id,
        query_fingerprint,
        query_date
)

select * from final
order by workspace_id, query_fingerprint
