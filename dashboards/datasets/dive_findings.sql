-- Optimiser findings on the statement itself or on its query shape (same fingerprint): the
-- statement's id and fingerprint from genie_api_query_lookup (indexed by query_id), then the
-- findings of that fingerprint from genie_api_opportunity_lookup, joined on its lookup_key (the
-- fingerprint, or 'statement:' || the statement id when there was no text to fingerprint). The
-- table is sorted by lookup_key, so the join's key filter reaches the scan, which reads that
-- key's rows only: one equi-join, where "fingerprint or statement id" would be a nested loop.
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
    select distinct coalesce(query_fingerprint, 'statement:' || query_id) as lookup_key
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
from genie_api_opportunity_lookup as o
inner join q on o.lookup_key = q.lookup_key
