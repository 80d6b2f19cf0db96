-- Writes system table access.workspaces_latest.
insert into access.workspaces_latest
select (select account_id from acct), workspace_id, workspace_name, workspace_url, create_time,
       'RUNNING'
from ws
