{#
    Every workspace_access row grants something: an admin row (every workspace) or a row naming a
    workspace. A non-admin row without workspace_id would silently grant nothing. Returns the
    offending rows.
#}
select
    principal,
    principal_type,
    workspace_id,
    is_admin
from {{ ref('workspace_access') }}
where not is_admin and (workspace_id is null or trim(workspace_id) = '')
