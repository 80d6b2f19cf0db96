"""The statements the service runs: constants with named parameters, nothing else.

Sources (columns read by name; see the folder YAMLs for their descriptions):
- genie_api_query_lookup: one row per query, sorted by query_id so a point lookup reads one
  row group (models/marts/api);
- genie_api_opportunity_lookup: the optimiser's QUERY findings sorted by fingerprint, so the
  opportunities of one fingerprint are read without scanning genie_optimization_opportunities;
- genie_daily_performance: per workspace, user and day (cost marts), re-aggregated with weights.
"""

# Two point reads: the query (indexed by query_id), then the opportunities of its fingerprint.
# (One join of both was slower on DuckDB: the join is planned before the id is known.) Neither
# has an ORDER BY: DuckDB's sort operator was a third of each read's CPU (bench/NOTES.md); the
# few rows are ordered in Python (main.py).
# Only the columns the response returns: each column of a row not yet in DuckDB's memory costs
# one block read (start_time, end_time and statement_type were read and never returned).
QUERY_BY_ID = """
select
    query_id, workspace_id, executed_by, warehouse_id, query_date, execution_status,
    duration_ms, rows_read, bytes_read, compute_cost_dbu, estimated_cost_usd, cost_status,
    is_cost_final, query_fingerprint
from genie_api_query_lookup
where query_id = $query_id
"""

# Read by every query-endpoint request and small (one row per QUERY finding of the optimiser):
# the DuckDB backend serves it from an uncompressed in-memory copy (warehouse.py).
MEMORY_TABLES = ("genie_api_opportunity_lookup",)

OPPORTUNITIES_BY_FINGERPRINT = """
select
    optimization_type, description, priority, recommended_fix, status,
    estimated_savings_usd, estimated_savings_dbu
from genie_api_opportunity_lookup
where workspace_id = $workspace_id and query_fingerprint = $query_fingerprint
"""

# One row per day with queries; the totals are computed from these rows in Python (sums, and
# averages weighted by query count: an average of averages would be wrong). success_rate =
# FINISHED queries / all queries. user_id matches whatever its case (e-mails: Databricks
# identities are case-insensitive; a principal is lower-cased too, auth.py).
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
    and ($user_id is null or lower(user_id) = lower($user_id))
group by query_date
order by query_date
"""

# The first and last day genie_daily_performance holds (all workspaces): the metrics' trend has a
# row for every day between them, zeros where a workspace had no queries.
DAYS_HELD = """
select min(query_date) as first_day, max(query_date) as last_day
from genie_daily_performance
"""
