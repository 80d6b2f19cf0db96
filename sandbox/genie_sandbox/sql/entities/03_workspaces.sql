-- Writes temp table ws.
-- workspaces (16-digit ids, url on a loopback port per workspace)
create or replace temp table ws as
select
    i::integer as workspace_idx,
    num16({salt_workspace_id}, i)::varchar as workspace_id,
    ['acme-prod', 'acme-analytics', 'acme-data-science', 'acme-finance',
     'acme-marketing', 'acme-dev'][1 + i % 6]
        || case when i >= 6 then '-' || (i // 6 + 1)::varchar else '' end
        as workspace_name,
    'http://127.0.0.1:' || ({api_port} + i)::varchar as workspace_url,
    ts_ms({start_ms} - (400 + floor(u01({salt_workspace_create_days_ago}, i) * 600))::bigint * 86400000::bigint) as create_time,
    1.0 / (1.0 + 0.6 * i) as weight,
from range({workspaces}) as t(i)
