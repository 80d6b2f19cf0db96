-- Writes temp table ap_clusters.
-- all-purpose clusters (2 per workspace); job clusters come with job runs.
create or replace temp table ap_clusters as
select
    w.workspace_idx,
    w.workspace_id,
    c::integer as c,
    strftime(ts_ms({start_ms} - 90 * 86400000::bigint), '%m%d') || '-'
        || lpad((100000 + hash({seed}, {salt_all_purpose_cluster_id}, w.workspace_idx, c) % 899999)::varchar, 6, '0')
        || '-' || substr(hex16({salt_all_purpose_cluster_id}, w.workspace_idx * 10 + c), 1, 8) as cluster_id,
    case c when 0 then 'shared-analytics'
           else (select first_name from users where user_idx = 1 % {users}) || '-personal'
    end as cluster_name,
    (select email from users where user_idx = (w.workspace_idx + c) % {users}) as owned_by,
    case c when 0 then 4 else 1 end as worker_count,
    case c when 0 then 6 end as resized_worker_count,
    case c when 0 then {start_ms} + ({days} * 24 // 2) * 3600000::bigint end as resize_ms,
    case c when 1 then {start_ms} + ({days} * 24 * 3 // 4) * 3600000::bigint + 600000 end
        as delete_ms,
    {start_ms} - (20 + floor(u01({salt_all_purpose_cluster_create_days_ago}, w.workspace_idx * 10 + c) * 100))::bigint * 86400000::bigint
        as create_ms,
    case c when 0 then 'i3.2xlarge' else 'm5d.xlarge' end as node_type,
    case c when 0 then 2.0 else 1.0 end as node_dbu,
    case c when 0 then map(['cost-center', 'team'], ['cc-300', 'data-science'])
           else map([]::varchar[], []::varchar[]) end as tags,
from ws as w, range(2) as r(c)
