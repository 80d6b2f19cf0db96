"""The statements the service runs: constants with named parameters, nothing else.

Sources (columns read by name; see the folder YAMLs for their descriptions):
- genie_api_query_lookup: one row per query, sorted by query_id so a point lookup reads one
  row group (models/marts/api);
- genie_optimization_opportunities: the opportunities of a query's fingerprint (optimiser);
- genie_daily_performance: per workspace, user and day (cost marts), re-aggregated with weights.
"""

# One statement per request: the query's row joined to the opportunities of its fingerprint
# (one row per opportunity; opportunity columns null when there is none).
QUERY_BY_ID = """
select
    q.query_id, q.workspace_id, q.user_id, q.warehouse_id, q.query_date, q.start_time,
    q.end_time, q.execution_status, q.statement_type, q.duration_ms, q.rows_read, q.bytes_read,
    q.compute_cost_dbu, q.estimated_cost_usd, q.cost_status, q.is_cost_final,
    q.query_fingerprint,
    o.optimization_type, o.description, o.priority, o.recommended_fix, o.status,
    o.estimated_savings_usd, o.estimated_savings_dbu
from genie_api_query_lookup as q
left join genie_optimization_opportunities as o
    on o.workspace_id = q.workspace_id and o.query_fingerprint = q.query_fingerprint
where q.query_id = $query_id
order by q.workspace_id, o.estimated_savings_usd desc, o.optimization_type
"""

# One row per day; the totals are computed from these rows in Python (sums, and averages
# weighted by query count: an average of averages would be wrong). success_rate = FINISHED
# queries / all queries.
METRICS_DAILY = """
select
    query_date,
    sum(total_queries) as query_count,
    sum(avg_duration_ms * total_queries) as duration_ms_sum,
    sum(total_cost_dbu) as total_cost_dbu,
    sum(total_cost_usd) as total_cost_usd,
    sum(success_rate * total_queries) as finished_queries,
    sum(failed_queries) as failed_queries,
    sum(cost_pending_queries) as cost_pending_queries
from genie_daily_performance
where workspace_id = $workspace_id
    and query_date between $start_date and $end_date
    and ($user_id is null or user_id = $user_id)
group by query_date
order by query_date
"""
