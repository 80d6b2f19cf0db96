-- Optimiser findings on the statement itself or on its query shape (same fingerprint).
with q as (
    select
        query_id,
        query_fingerprint
    from genie_query_performance
    where
        query_id = :statement_id
        and (:workspace = 'all' or cast(workspace_id as string) = :workspace)
)

select
    o.optimization_type,
    o.priority,
    o.status,
    o.executions,
    o.estimated_savings_usd,
    o.evidence,
    o.recommended_fix
from genie_optimization_opportunities as o
inner join q
    on o.query_id = q.query_id or o.query_fingerprint = q.query_fingerprint
