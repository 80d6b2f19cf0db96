{#
    Per workspace, day and hour of the last var('hourly_trends_days') (default 30) days. The
    days count back from the latest query_date in the data, not from today, so an idle account
    or a sandbox with fixed dates still shows its last month.
#}
with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

latest as (
    select max(query_date) as latest_query_date from queries
),

recent as (
    select queries.*
    from queries
    cross join latest
    where queries.query_date > {{ genie_analytics.date_add_days('latest.latest_query_date', -1 * var('hourly_trends_days', 30)) }}
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
        sum(case when execution_status = 'FAILED' then 1 else 0 end) as failed_queries
    from recent
    group by
        workspace_id,
        query_date,
        query_hour
)

select * from final
