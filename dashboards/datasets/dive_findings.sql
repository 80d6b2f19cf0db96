-- Optimiser findings on the statement itself or on its query shape (same fingerprint): the
-- statement's id and fingerprint from genie_api_query_lookup (indexed by query_id), then one
-- filtered scan of the (small) opportunities mart.
with statement_rows as (
    -- Only the id filters this lookup (DuckDB then uses the ART index on query_id; with a second
    -- filter it scans a row group), and LIMIT keeps the workspace filter above it: a statement
    -- id has one row per workspace, far fewer than 10,000.
    select
        workspace_id,
        query_id,
        query_fingerprint
    from genie_api_query_lookup
    where query_id = :statement_id
    limit 10000
),

q as (
    select *
    from statement_rows
    where :workspace = 'all' or cast(workspace_id as string) = :workspace
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
where
    o.query_id in (select q.query_id from q)
    or o.query_fingerprint in (select q.query_fingerprint from q)
