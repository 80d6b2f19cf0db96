-- The statement's phases in ms (queue = waiting for compute + at capacity), long form.
with q as (
    select *
    from genie_query_performance
    where
        query_id = :statement_id
        and (:workspace = 'all' or cast(workspace_id as string) = :workspace)
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
