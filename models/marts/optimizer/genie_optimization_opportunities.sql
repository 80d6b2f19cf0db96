{#
    The optimiser's findings, ranked by money: one row per rule per workload fingerprint (QUERY
    rules, from int_query_rule_findings) or per warehouse (WAREHOUSE rules, from
    genie_warehouse_utilization), over the lookback window ending on optimizer_as_of_date.

    opportunity_id is md5(workspace_id | optimization_type | fingerprint or warehouse_id): the
    same workload keeps the same id from run to run. Priority follows the estimated saving
    (vars optimizer_priority_*_usd), not the rule. A finding is OPEN while it recurred within the
    last optimizer_resolved_after_days days of the window, RESOLVED otherwise.
#}
{#- tag daily: built from int_query_rule_findings (daily) and the window's query
    texts; runs with it in the bundle's daily job (genie_analytics_daily), not hourly. -#}
{{ config(tags=['daily']) }}
{#- The as-of day as a literal (compile time, optimizer_as_of_date) in the window bounds, so
    the date partitions prune; the as_of CTE keeps it as a column. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('genie_query_performance'), 'query_date') %}

with

findings as (
    select * from {{ ref('int_query_rule_findings') }}
),

queries as (
    select * from {{ ref('genie_query_performance') }}
),

utilization as (
    select * from {{ ref('genie_warehouse_utilization') }}
),

rules as (
    select * from {{ ref('optimization_rules') }}
),

as_of as (
    select {{ as_of_sql }} as as_of_date
),

ranked_findings as (
    {# The most expensive execution of each workload represents it (example query, user, evidence). #}
    select
        *,
        row_number() over (
            partition by workspace_id, optimization_type, query_fingerprint
            order by cost_usd desc, duration_ms desc, statement_id asc
        ) as cost_rank
    from findings
),

query_opportunities as (
    select
        workspace_id,
        optimization_type,
        query_fingerprint,
        max(case when cost_rank = 1 then statement_id end) as query_id,
        max(case when cost_rank = 1 then warehouse_id end) as warehouse_id,
        max(case when cost_rank = 1 then executed_by end) as user_id,
        max(case when cost_rank = 1 then query_source_type end) as query_source_type,
        max(case when cost_rank = 1 then query_source_id end) as query_source_id,
        max(case when cost_rank = 1 then evidence end) as top_execution_evidence,
        count(*) as executions,
        count(distinct executed_by) as users_count,
        sum(cost_usd) as total_cost_usd,
        sum(cost_dbu) as total_cost_dbu,
        sum(estimated_savings_usd) as estimated_savings_usd,
        sum(estimated_savings_dbu) as estimated_savings_dbu,
        min(started_at) as first_seen_at,
        max(started_at) as last_seen_at
    from ranked_findings
    group by workspace_id, optimization_type, query_fingerprint
),

query_texts as (
    select
        workspace_id,
        query_id,
        substr(query_text, 1, 300) as sample_query_text
    from queries
),

warehouse_window as (
    select
        utilization.*,
        as_of.as_of_date
    from utilization
    cross join as_of
    where
        utilization.usage_date <= {{ as_of_sql }}
        and utilization.usage_date > {{ genie_analytics.date_add_days(as_of_sql, - var('optimizer_lookback_days')) }}
),

warehouse_opportunities as (
    {# IDLE_WAREHOUSE: the current auto-stop is longer than allowed and idle time was billed. #}
    select
        workspace_id,
        'IDLE_WAREHOUSE' as optimization_type,
        cast(null as string) as query_fingerprint,
        cast(null as string) as query_id,
        warehouse_id,
        cast(null as string) as user_id,
        cast(null as string) as query_source_type,
        cast(null as string) as query_source_id,
        'auto_stop_minutes=' || cast(max(auto_stop_minutes) as string)
        || ', idle_hours=' || cast(round(sum(idle_ms) / 3600000.0, 1) as string)
        || ', busy_hours=' || cast(round(sum(busy_ms) / 3600000.0, 1) as string)
        || ', idle_usd=' || cast(round(sum(idle_usd), 2) as string) as top_execution_evidence,
        sum(case when idle_usd > 0 then 1 else 0 end) as executions,
        0 as users_count,
        sum(idle_usd) as total_cost_usd,
        sum(idle_dbu) as total_cost_dbu,
        sum(auto_stop_saving_usd) as estimated_savings_usd,
        sum(
            case
                when idle_usd > 0 then idle_dbu * auto_stop_saving_usd / idle_usd
                else 0.0
            end
        ) as estimated_savings_dbu,
        cast(min(case when idle_usd > 0 then usage_date end) as timestamp) as first_seen_at,
        cast(max(case when idle_usd > 0 then usage_date end) as timestamp) as last_seen_at
    from warehouse_window
    group by workspace_id, warehouse_id
    having
        max(case when usage_date = as_of_date then auto_stop_minutes end)
        > {{ var('optimizer_max_auto_stop_minutes') }}
        or (
            max(case when usage_date = as_of_date then 1 else 0 end) = 0
            and max(auto_stop_minutes) > {{ var('optimizer_max_auto_stop_minutes') }}
        )
),

all_opportunities as (
    select
        query_opportunities.*,
        query_texts.sample_query_text
    from query_opportunities
    left join query_texts
        on
            query_opportunities.workspace_id = query_texts.workspace_id
            and query_opportunities.query_id = query_texts.query_id
    union all
    select
        warehouse_opportunities.*,
        cast(null as string) as sample_query_text
    from warehouse_opportunities
    where total_cost_usd > 0
),

final as (
    select
        md5(
            all_opportunities.workspace_id || '|' || all_opportunities.optimization_type || '|'
            || coalesce(all_opportunities.query_fingerprint, all_opportunities.warehouse_id, '')
        ) as opportunity_id,
        all_opportunities.workspace_id,
        all_opportunities.optimization_type,
        all_opportunities.query_fingerprint,
        all_opportunities.query_id,
        all_opportunities.warehouse_id,
        all_opportunities.user_id,
        all_opportunities.query_source_type,
        all_opportunities.query_source_id,
        all_opportunities.sample_query_text,
        case
            when all_opportunities.estimated_savings_usd >= {{ var('optimizer_priority_high_usd') }} then 'High'
            when all_opportunities.estimated_savings_usd >= {{ var('optimizer_priority_medium_usd') }} then 'Medium'
            else 'Low'
        end as priority,
        rules.description,
        rules.recommended_fix,
        rules.implementation_effort,
        rules.savings_assumption,
        'executions=' || cast(all_opportunities.executions as string)
        || '; cost_usd=' || cast(round(all_opportunities.total_cost_usd, 2) as string)
        || '; top: ' || all_opportunities.top_execution_evidence as evidence,
        all_opportunities.executions,
        all_opportunities.users_count,
        all_opportunities.total_cost_usd,
        all_opportunities.total_cost_dbu,
        all_opportunities.estimated_savings_usd,
        all_opportunities.estimated_savings_dbu,
        all_opportunities.first_seen_at,
        all_opportunities.last_seen_at,
        all_opportunities.first_seen_at as created_at,
        case
            when
                cast(all_opportunities.last_seen_at as date)
                > {{ genie_analytics.date_add_days(as_of_sql, - var('optimizer_resolved_after_days')) }}
                then 'OPEN'
            else 'RESOLVED'
        end as status,
        as_of.as_of_date
    from all_opportunities
    inner join rules
        on all_opportunities.optimization_type = rules.optimization_type
    cross join as_of
)

select * from final
