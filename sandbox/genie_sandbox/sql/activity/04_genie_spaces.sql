-- Writes temp table spaces.
create or replace temp table spaces as
select
    w.workspace_idx,
    w.workspace_id,
    s::integer as s,
    hex32({salt_genie_space_id}, w.workspace_idx * 100 + s) as space_id,
    ['Sales performance', 'Marketing funnel', 'Finance close', 'Customer support'][1 + s % 4]
        as title,
    ['Revenue, orders and regions for the sales team',
     'Campaign touches, channels and web traffic',
     'Transactions, invoices and cost centers for month-end close',
     'Support tickets and customer segments'][1 + s % 4] as description,
    [[0, 6, 16], [8, 19, 1], [3, 9, 22], [10, 7, 18]][1 + s % 4] as t_list,
    wh.warehouse_id,
    (w.workspace_idx = 0 and s = 3) as is_forbidden,
    case when w.workspace_idx = 0 and s = 3 then 0.3 else [4.0, 3.0, 2.0, 2.0][1 + s % 4] end
        as weight,
    (w.workspace_idx * 3 + s) % {users} as owner_user_idx,
    {start_ms} - (10 + floor(u01({salt_genie_space_create_days_ago}, w.workspace_idx * 100 + s) * 120))::bigint * 86400000::bigint
        + floor(u01({salt_genie_space_create_time_of_day}, w.workspace_idx * 100 + s) * 86400000::bigint)::bigint as create_ms,
from ws as w
cross join range(4) as r(s)
join wh on wh.workspace_idx = w.workspace_idx and wh.warehouse_idx = s % 2
