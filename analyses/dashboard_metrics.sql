{#
    The seeds' "Dashboard Data API" (GET /api/v1/dashboard/metrics): for one workspace, a date
    range and an optional user, the totals and the daily trend, answered from the pre-aggregated
    genie_daily_performance (milliseconds at 10M queries a day; `make bench` measures it against
    computing the same answer from the raw system tables).

        dbt compile --select dashboard_metrics \
            --vars '{dashboard_workspace_id: "123", dashboard_start_date: "2026-10-01",
                     dashboard_end_date: "2026-10-07"}'

    then run the compiled SQL (target/compiled/.../analyses/dashboard_metrics.sql) in any client.
#}

with

daily as (
    select * from {{ ref('genie_daily_performance') }}
    where
        workspace_id = '{{ var("dashboard_workspace_id", "") }}'
        and query_date between cast('{{ var("dashboard_start_date", "1970-01-01") }}' as date)
        and cast('{{ var("dashboard_end_date", "2999-12-31") }}' as date)
        and (
            '{{ var("dashboard_user_id", "") }}' = ''
            or user_id = '{{ var("dashboard_user_id", "") }}'
        )
),

trends as (
    select
        query_date,
        sum(total_queries) as query_count,
        sum(avg_duration_ms * total_queries) / sum(total_queries) as avg_duration_ms,
        sum(total_cost_dbu) as total_cost_dbu,
        sum(total_cost_usd) as total_cost_usd
    from daily
    group by query_date
),

totals as (
    select
        cast(null as date) as query_date,
        sum(total_queries) as query_count,
        sum(avg_duration_ms * total_queries) / sum(total_queries) as avg_duration_ms,
        sum(total_cost_dbu) as total_cost_dbu,
        sum(total_cost_usd) as total_cost_usd
    from daily
),

final as (
    select
        'total' as row_type,
        totals.*
    from totals
    union all
    select
        'day' as row_type,
        trends.*
    from trends
)

select * from final
