{#
    Savings stay conservative: no finding, opportunity or warehouse-day claims more than the
    cost it refers to (a cent of float tolerance). Returns the offending rows.
#}
with

findings as (
    select
        'int_query_rule_findings' as model_name,
        workspace_id || '|' || statement_id || '|' || optimization_type as row_key,
        estimated_savings_usd as savings_usd,
        cost_usd
    from {{ ref('int_query_rule_findings') }}
),

opportunities as (
    select
        'genie_optimization_opportunities' as model_name,
        opportunity_id as row_key,
        estimated_savings_usd as savings_usd,
        total_cost_usd as cost_usd
    from {{ ref('genie_optimization_opportunities') }}
),

warehouse_days as (
    select
        'genie_warehouse_utilization' as model_name,
        workspace_id || '|' || warehouse_id || '|' || cast(usage_date as string) as row_key,
        estimated_savings_usd as savings_usd,
        billed_usd as cost_usd
    from {{ ref('genie_warehouse_utilization') }}
),

idle_savings as (
    select
        'genie_warehouse_utilization (auto-stop vs idle)' as model_name,
        workspace_id || '|' || warehouse_id || '|' || cast(usage_date as string) as row_key,
        auto_stop_saving_usd as savings_usd,
        idle_usd as cost_usd
    from {{ ref('genie_warehouse_utilization') }}
),

all_rows as (
    select * from findings
    union all
    select * from opportunities
    union all
    select * from warehouse_days
    union all
    select * from idle_savings
),

final as (
    select *
    from all_rows
    where
        savings_usd < 0
        or savings_usd > coalesce(cost_usd, 0.0) + 0.01
)

select * from final
