-- Estimated saving (USD) per optimisation rule, open opportunities seen in the period.
select
    optimization_type,
    count(*) as opportunity_count,
    sum(estimated_savings_usd) as estimated_savings_usd
from genie_optimization_opportunities
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and cast(last_seen_at as date) >= :date_range.min
    and cast(first_seen_at as date) <= :date_range.max
group by optimization_type
