{#
    The one shape of the SCD2 staging models (stg_system__warehouses, stg_system__clusters,
    stg_system__jobs), written once: the accepted versions of a system SCD table with their
    validity end.

    `relation`: the CTE of raw source rows; `entity_columns`: the columns one entity's versions
    share (e.g. ['workspace_id', 'warehouse_id']); change_time orders the versions.

    Returns one select of every source column (plus classify_system_rows' _-prefixed columns)
    and `valid_to`: the entity's next version's change_time, null for the current version, so
    a version is valid on [change_time, valid_to). The window is written and computed once; the
    model derives is_current as `valid_to is null`.

    Which rows are versions is classify_system_rows' rule, keyed on entity + change_time:
    deliveries of one change that differ only in delete_time (the same change delivered before
    and after the deletion) collapse to the deleting one; null keys and conflicting versions of
    one change are left out here and listed by stg_system__rows_quarantined, which takes the same
    rule from scd2_classification. The window is evaluated after the WHERE, i.e. over accepted
    versions only.
#}
{% macro scd2_versions(relation, entity_columns) -%}
    {%- set rule = genie_analytics.scd2_classification(entity_columns) -%}
    select
        classified.*,
        lead(classified.change_time) over (
            partition by {% for column in entity_columns %}classified.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
            order by classified.change_time
        ) as valid_to
    from (
        {{ genie_analytics.classify_system_rows(relation, rule['keys'], ignore_columns=rule['ignore'], keep_order=rule['keep_order']) }}
    ) as classified
    where classified._quarantine_reason is null
{%- endmacro %}


{#
    The classification rule of a system SCD table, for classify_system_rows (through
    scd2_versions) and stg_system__rows_quarantined alike: key = the entity's columns +
    change_time; delete_time is a delivery detail, not content; of deliveries equal but for it,
    the deleting one is kept. Returns {'keys': [...], 'ignore': [...], 'keep_order': '...'}.
#}
{% macro scd2_classification(entity_columns) -%}
    {{ return({
        'keys': entity_columns + ['change_time'],
        'ignore': ['delete_time'],
        'keep_order': 'delete_time desc nulls last',
    }) }}
{%- endmacro %}
