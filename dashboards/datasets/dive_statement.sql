-- One statement (parameter statement_id): what ran, where, its cost and its share of the billing
-- windows it overlapped (compute_cost_dbu / billing_windows_dbu). One index lookup in
-- genie_api_query_lookup (sorted and indexed by query_id), not a scan of the query marts.
with statement_rows as (
    -- Only the id filters this lookup (DuckDB then uses the ART index on query_id; with a second
    -- filter it scans a row group), and LIMIT keeps the workspace filter above it: a statement
    -- id has one row per workspace, far fewer than 10,000.
    select *
    from genie_api_query_lookup
    where query_id = :statement_id
    limit 10000
)

select
    query_id as statement_id,
    cast(workspace_id as string) as workspace_id,
    warehouse_id,
    executed_by,
    query_source_type,
    execution_status,
    start_time,
    duration_ms,
    estimated_cost_usd,
    compute_cost_dbu,
    billing_windows_dbu,
    billing_window_count,
    compute_cost_dbu / nullif(billing_windows_dbu, 0) as billing_window_share,
    query_fingerprint,
    query_text
from statement_rows
where :workspace = 'all' or cast(workspace_id as string) = :workspace
