{#
    The product's published "Dashboard Data API" (GET /api/v1/dashboard/metrics): for one workspace, a date
    range and an optional user, the totals and the daily trend, answered from the pre-aggregated
    genie_daily_performance (milliseconds at 10M queries a day; `make bench` measures it against
    computing the same answer from the raw system tables).

        dbt compile --select dashboard_metrics

    then run the compiled SQL (target/compiled/.../analyses/dashboard_metrics.sql) in a client
    that binds the named parameters workspace_id (string), start_date and end_date (dates) and
    user_id (string, or null for every user): nothing is pasted into the SQL text (markers from
    macro query_parameter: `$name` on DuckDB, `:name` on Databricks). For example
        duckdb.connect(...).execute(sql, {"workspace_id": "123", "start_date": date(2026, 10, 1),
                                          "end_date": date(2026, 10, 7), "user_id": None})
    The HTTP API (genie_analytics_api, GET /api/v1/dashboard/metrics) runs the same query.
#}

with

daily as (
    {#- The parameter markers ($name on the lint target DuckDB) are not lexable in sqlfluff's
        sparksql dialect; linting is off for these lines only. #}
    select * from {{ ref('genie_daily_performance') }} -- noqa: disable=all
    where
        workspace_id = {{ genie_analytics.query_parameter('workspace_id') }}
        and query_date between cast({{ genie_analytics.query_parameter('start_date') }} as date)
        and cast({{ genie_analytics.query_parameter('end_date') }} as date)
        and (
            {{ genie_analytics.query_parameter('user_id') }} is null
            or user_id = {{ genie_analytics.query_parameter('user_id') }}
        )
    -- noqa: enable=all
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
