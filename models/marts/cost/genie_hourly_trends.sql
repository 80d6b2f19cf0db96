{#
    Per workspace, day and hour of the last var('hourly_trends_days') (default 30) days. The
    days count back from the latest query_date in the data, not from today, so an idle account
    or a sandbox with fixed dates still shows its last month.

    Incremental by query_date: each run re-computes the days from
    incremental_window_start (max(query_date) - var('cost_lookback_days'), or the first day
    genie_query_performance rewrote since this model's last run) and replaces them; the same
    replace predicate also removes the days that fell out of the last hourly_trends_days
    (`query_date >= window start or query_date < first kept day`), so the table equals a full
    build. Both dates are literals computed at compile time (macro hourly_trends_first_day),
    never a cross join with max(query_date).
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('query_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_query_performance'), 'date_column': 'query_date'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config(
    'query_date', window_call,
    or_before_call="genie_analytics.hourly_trends_first_day(ref('genie_query_performance'), " ~ (window_call | trim) ~ ")",
) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}
{%- set first_day = genie_analytics.hourly_trends_first_day(ref('genie_query_performance'), from_date) %}
{%- set read_from = first_day if (from_date is none or (first_day is not none and first_day > from_date)) else from_date %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

recent as (
    select * from queries
    where {{ genie_analytics.window_predicate('query_date', read_from) }}
),

final as (
    select
        workspace_id,
        query_date,
        query_hour,
        count(*) as query_count,
        avg(duration_ms) as avg_duration_ms,
        sum(compute_cost_dbu) as total_cost_dbu,
        sum(estimated_cost_usd) as total_cost_usd,
        count(distinct user_id) as active_users,
        sum(case when execution_status = 'FAILED' then 1 else 0 end) as failed_queries,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from recent
    group by
        workspace_id,
        query_date,
        query_hour
)

select * from final
