{#
    The one shape of the SCD2 staging models (stg_system__warehouses, stg_system__clusters,
    stg_system__jobs): the accepted rows of classify_system_rows() output (`_quarantine_reason`
    null; duplicates collapsed, conflicting versions quarantined there) plus `next_change_time`,
    the entity's next version's change_time (null for the current version). The model names it
    `valid_to` and derives `is_current` from it, so the window is written and computed once.
    `relation`: the classified CTE; `entity_columns`: the columns one entity's versions share
    (e.g. ['workspace_id', 'warehouse_id']); versions are ordered by change_time.
#}
{% macro scd2_versions(relation, entity_columns) -%}
    select
        *,
        lead(change_time) over (
            partition by {{ entity_columns | join(', ') }} order by change_time
        ) as next_change_time
    from {{ relation }}
    where _quarantine_reason is null
{%- endmacro %}
