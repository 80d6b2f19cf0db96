-- One statement (parameter statement_id): what ran, where, its cost and its share of the billing
-- windows it overlapped (compute_cost_dbu / usage_quantity, genie_cost_attribution).
select
    q.query_id as statement_id,
    cast(q.workspace_id as string) as workspace_id,
    q.warehouse_id,
    q.user_id as executed_by,
    q.query_source_type,
    q.execution_status,
    q.start_time,
    q.duration_ms,
    q.estimated_cost_usd,
    q.compute_cost_dbu,
    a.usage_quantity as billing_windows_dbu,
    a.billing_window_count,
    q.compute_cost_dbu / nullif(a.usage_quantity, 0) as billing_window_share,
    q.query_fingerprint,
    substr(q.query_text, 1, 1000) as query_text
from genie_query_performance as q
left join genie_cost_attribution as a
    on q.workspace_id = a.workspace_id and q.query_id = a.query_id and a.query_id = :statement_id
where
    q.query_id = :statement_id
    and (:workspace = 'all' or cast(q.workspace_id as string) = :workspace)
