-- Optimisation opportunities ranked by estimated saving (genie_optimization_opportunities): the
-- rule, its evidence (executions, cost, the rule's numbers), the fix and the status; the top 100.
select
    cast(workspace_id as string) as workspace_id,
    optimization_type,
    priority,
    status,
    coalesce(substr(sample_query_text, 1, 200), warehouse_id) as subject,
    executions,
    total_cost_usd,
    estimated_savings_usd,
    evidence,
    recommended_fix,
    last_seen_at
from genie_optimization_opportunities
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and cast(last_seen_at as date) >= :date_range.min
    and cast(first_seen_at as date) <= :date_range.max
order by estimated_savings_usd desc
limit 100
