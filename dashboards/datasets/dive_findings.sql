-- Optimiser findings on the statement itself or on its query shape (same fingerprint): the
-- statement's id and fingerprint from genie_api_query_lookup (indexed by query_id), then the
-- findings of that fingerprint from genie_api_opportunity_lookup (sorted by fingerprint: the
-- join's key filter reaches the scan, which reads only that fingerprint's rows).
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
    select distinct
        query_id,
        query_fingerprint
    from statement_rows
    where :workspace = 'all' or cast(workspace_id as string) = :workspace
),

-- Two equi-joins instead of one OR condition: an OR in a join is a nested loop over the whole
-- mart. A finding's example statement has the finding's fingerprint, so the second join adds
-- only findings whose statements had no text to fingerprint.
findings as (
    select o.*
    from genie_api_opportunity_lookup as o
    inner join q on o.query_fingerprint = q.query_fingerprint
    union all
    select o.*
    from genie_api_opportunity_lookup as o
    inner join q on o.query_id = q.query_id
    where o.query_fingerprint is null
)

select
    optimization_type,
    priority,
    status,
    executions,
    estimated_savings_usd,
    evidence,
    recommended_fix
from findings
order by estimated_savings_usd desc, optimization_type
