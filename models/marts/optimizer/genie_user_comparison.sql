{#
    Each user's and each workspace's cost and performance over the lookback window
    (var optimizer_lookback_days up to optimizer_as_of_date) against their peers: users against
    the other users of their workspace, workspaces against the other workspaces of the account.
    Ranks are percent_rank (0 = lowest, 1 = highest; ties share the lower rank), so 0.95 on
    cost means "spends more than 95 % of the peers".
#}
{#- tag daily: exact p50/p95 duration of every user and workspace over the 30-day
    window, and the share of queries with a finding (int_query_rule_findings, daily); kept
    exact, so the model runs in the bundle's daily job (genie_analytics_daily), not hourly. -#}
{{ config(tags=['daily']) }}

{#- The as-of day as a literal (compile time, optimizer_as_of_date) in the window bounds, so
    the date partitions prune; the as_of CTE keeps it as a column. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('genie_query_performance'), 'query_date') %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

findings as (
    select * from {{ ref('int_query_rule_findings') }}
),

as_of as (
    select {{ as_of_sql }} as as_of_date
),

windowed as (
    select queries.*
    from queries
    cross join as_of
    where
        queries.query_date <= {{ as_of_sql }}
        and queries.query_date > {{ genie_analytics.date_add_days(as_of_sql, - var('optimizer_lookback_days')) }}
),

flagged_queries as (
    select distinct
        workspace_id,
        statement_id
    from findings
    where optimization_type not in ('COLD_START', 'QUEUEING')
),

entity_queries as (
    select
        'USER' as entity_type,
        windowed.user_id as entity_id,
        windowed.workspace_id as peer_group,
        windowed.*,
        flagged_queries.statement_id is not null as has_finding
    from windowed
    left join flagged_queries
        on
            windowed.workspace_id = flagged_queries.workspace_id
            and windowed.query_id = flagged_queries.statement_id
    where windowed.user_id is not null
    union all
    select
        'WORKSPACE' as entity_type,
        windowed.workspace_id as entity_id,
        'ACCOUNT' as peer_group,
        windowed.*,
        flagged_queries.statement_id is not null as has_finding
    from windowed
    left join flagged_queries
        on
            windowed.workspace_id = flagged_queries.workspace_id
            and windowed.query_id = flagged_queries.statement_id
),

aggregated as (
    select
        entity_type,
        entity_id,
        peer_group,
        min(workspace_id) as workspace_id,
        count(*) as query_count,
        count(distinct query_fingerprint) as workload_count,
        sum(coalesce(estimated_cost_usd, 0.0)) as cost_usd,
        sum(coalesce(bytes_read, 0)) as read_bytes,
        {{ genie_analytics.percentile_cont('duration_ms', 0.5) }} as p50_duration_ms,
        {{ genie_analytics.percentile_cont('duration_ms', 0.95) }} as p95_duration_ms,
        avg(case when is_failed then 1.0 else 0.0 end) as failure_rate,
        avg(case when has_finding then 1.0 else 0.0 end) as flagged_query_fraction
    from entity_queries
    group by entity_type, entity_id, peer_group
),

final as (
    select
        entity_type,
        entity_id,
        case when entity_type = 'USER' then workspace_id end as workspace_id,
        peer_group,
        count(*) over (partition by entity_type, peer_group) as peer_count,
        query_count,
        workload_count,
        cost_usd,
        cost_usd / query_count as cost_per_query_usd,
        read_bytes,
        p50_duration_ms,
        p95_duration_ms,
        failure_rate,
        flagged_query_fraction,
        percent_rank() over (partition by entity_type, peer_group order by cost_usd) as cost_percentile_rank,
        percent_rank() over (partition by entity_type, peer_group order by query_count) as query_count_percentile_rank,
        percent_rank() over (partition by entity_type, peer_group order by cost_usd / query_count)
            as cost_per_query_percentile_rank,
        percent_rank() over (partition by entity_type, peer_group order by p95_duration_ms) as p95_duration_percentile_rank,
        percent_rank() over (partition by entity_type, peer_group order by failure_rate) as failure_rate_percentile_rank,
        percent_rank() over (partition by entity_type, peer_group order by flagged_query_fraction)
            as flagged_query_percentile_rank
    from aggregated
)

select * from final
