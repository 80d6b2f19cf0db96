{#
    Per workspace, user and day: volume, duration percentiles (percentile_cont semantics:
    linear interpolation, macro percentile_cont), cost and failures. A table rebuilt from
    genie_query_performance, which is already incremental; aggregating it is cheap.
    Percentiles are rounded to 0.001 ms so that both engines (and hand-computed unit tests) agree
    on the last binary digit of the interpolation.
#}
with

queries as (
    select * from {{ ref('genie_query_performance') }}
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
        sum(case when is_cost_final then 0 else 1 end) as cost_pending_queries
    from queries
    group by
        workspace_id,
        user_id,
        query_date
)

select * from final
