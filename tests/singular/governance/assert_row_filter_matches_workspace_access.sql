{#
    The row filter policy, checked on DuckDB: the one predicate the Databricks row
    filter function carries (workspace_access_predicate, rendered from seed workspace_access by
    macros/governance/workspace_access_policy.sql) is evaluated here for every principal of the
    seed and for a stranger, with the caller's identity as a literal instead of current_user() /
    is_account_group_member(). Each must see exactly the workspaces the seed grants it: an
    is_admin row every workspace, other rows their workspace_id, a stranger none, and no one a
    workspace the seed does not name (here '0', the account-level id, and '9999999999999999').
    Rows returned = (principal, workspace) pairs where policy and seed disagree.
#}
{%- set rows = genie_analytics.workspace_access_rows() if execute else [] -%}
{%- set identities = [] -%}
{%- for row in rows or [] -%}
    {%- set identity = (row.principal_type, row.principal) -%}
    {%- if identity not in identities -%}{%- do identities.append(identity) -%}{%- endif -%}
{%- endfor -%}
{%- do identities.append(('USER', 'stranger@example.com')) %}

with

access as (
    select
        lower(trim(principal)) as principal,
        case when upper(trim(principal_type)) = 'GROUP' then 'GROUP' else 'USER' end as principal_kind,
        cast(workspace_id as string) as workspace_id,
        is_admin
    from {{ ref('workspace_access') }}
),

workspaces as (
    select workspace_id from access
    where workspace_id is not null
    union
    select '0'
    union
    select '9999999999999999'
),

evaluated as (
    {%- for kind, principal in identities %}
        {%- set is_group = kind == 'GROUP' %}
        select
            '{{ 'GROUP' if is_group else 'USER' }}' as principal_kind,
            '{{ principal }}' as principal,
            workspaces.workspace_id,
            coalesce({{ genie_analytics.workspace_access_predicate(
                rows, 'workspaces.workspace_id',
                "'nobody'" if is_group else "'" ~ principal ~ "'",
                "({group} = '" ~ principal ~ "')" if is_group else 'false') }}, false) as is_visible
        from workspaces
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

expected as (
    select
        evaluated.principal_kind,
        evaluated.principal,
        evaluated.workspace_id,
        evaluated.is_visible,
        coalesce(bool_or(access.is_admin or access.workspace_id = evaluated.workspace_id), false) as is_granted
    from evaluated
    left join access
        on
            evaluated.principal = access.principal
            and evaluated.principal_kind = access.principal_kind
    group by 1, 2, 3, 4
)

select * from expected
where is_visible != is_granted
