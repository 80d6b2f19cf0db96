-- History of the statement's query shape (its fingerprint) per day in the period: runs, p95
-- duration (ms, percentile_cont) and attributed USD, pre-aggregated per fingerprint and day in
-- genie_daily_fingerprint_performance (sorted by fingerprint); the statement's fingerprint from
-- genie_api_query_lookup (indexed by query_id).
with statement_rows as (
    -- Only the id filters this lookup (DuckDB then uses the ART index on query_id; with a second
    -- filter it scans a row group), and LIMIT keeps the workspace filter above it: a statement
    -- id has one row per workspace, far fewer than 10,000.
    select
        workspace_id,
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
    h.query_date,
    h.total_queries as run_count,
    h.p95_duration_ms,
    h.total_cost_usd as cost_usd
from genie_daily_fingerprint_performance as h
inner join q
    on h.workspace_id = q.workspace_id and h.query_fingerprint = q.query_fingerprint
where h.query_date between :date_range.min and :date_range.max
