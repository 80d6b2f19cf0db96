-- Values of the workspace filter: 'all' (every workspace) and each workspace that billed or ran queries.
select 'all' as workspace_id
union all
select distinct cast(workspace_id as string) as workspace_id
from genie_cost_reconciliation
