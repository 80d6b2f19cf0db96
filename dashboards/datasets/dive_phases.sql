-- The statement's phases in ms (queue = waiting for compute + at capacity), long form; one index
-- lookup in genie_api_query_lookup.
with statement_rows as (
    -- Only the id filters this lookup (DuckDB then uses the ART index on query_id; with a second
    -- filter it scans a row group), and LIMIT keeps the workspace filter above it: a statement
    -- id has one row per workspace, far fewer than 10,000.
    select
        *
    from genie_api_query_lookup
    where query_id = :statement_id
    limit 10000
),

q as (
    select *
    from statement_rows
    where :workspace = 'all' or cast(workspace_id as string) = :workspace
)

select 1 as phase_order, 'waiting for compute' as phase, waiting_for_compute_duration_ms as duration_ms from q
union all
select 2 as phase_order, 'waiting at capacity' as phase, waiting_at_capacity_duration_ms as duration_ms from q
union all
select 3 as phase_order, 'compilation' as phase, compilation_duration_ms as duration_ms from q
union all
select 4 as phase_order, 'execution' as phase, execution_duration_ms as duration_ms from q
union all
select 5 as phase_order, 'result fetch' as phase, result_fetch_duration_ms as duration_ms from q
