{#
    Nothing is lost between the per-query findings and the opportunities: every (workspace,
    rule, fingerprint) of int_query_rule_findings is one opportunity whose executions, cost and
    saving equal the findings' totals. Returns the groups that differ.
#}
with

findings as (
    select
        workspace_id,
        optimization_type,
        coalesce(query_fingerprint, '') as query_fingerprint,
        count(*) as executions,
        sum(cost_usd) as total_cost_usd,
        sum(estimated_savings_usd) as estimated_savings_usd
    from {{ ref('int_query_rule_findings') }}
    group by workspace_id, optimization_type, coalesce(query_fingerprint, '')
),

opportunities as (
    select
        workspace_id,
        optimization_type,
        coalesce(query_fingerprint, '') as query_fingerprint,
        executions,
        total_cost_usd,
        estimated_savings_usd
    from {{ ref('genie_optimization_opportunities') }}
    where optimization_type != 'IDLE_WAREHOUSE'
),

final as (
    select
        findings.workspace_id,
        findings.optimization_type,
        findings.query_fingerprint,
        findings.executions as finding_executions,
        opportunities.executions as opportunity_executions
    from findings
    left join opportunities
        on
            findings.workspace_id = opportunities.workspace_id
            and findings.optimization_type = opportunities.optimization_type
            and findings.query_fingerprint = opportunities.query_fingerprint
    where
        opportunities.executions is null
        or findings.executions != opportunities.executions
        or abs(findings.total_cost_usd - opportunities.total_cost_usd) > 0.000001
        or abs(findings.estimated_savings_usd - opportunities.estimated_savings_usd) > 0.000001
)

select * from final
