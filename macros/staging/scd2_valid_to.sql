{#
    The one validity rule of the SCD2 staging models (stg_system__warehouses, stg_system__clusters,
    stg_system__jobs): a version is valid until the entity's next version's change_time, null
    for the current version. Returns that expression (a window function over the model's
    accepted rows); the model names it valid_to and tests it for null as is_current. Both uses
    render the same expression, which Spark and DuckDB evaluate as one window.

    Why an expression and not a CTE adding the column: on Spark 4, the view shaped as
    `select *, lead(...) as next_change_time from <classified rows>` kept a plain
    `where cluster_id is null` over it running for many minutes without finishing (the local
    Spark build's not_null test), while the same view with the window written in the final
    select answers it like any other small view.
    `entity_columns`: the columns one entity's versions share, e.g. ['workspace_id', 'warehouse_id'].
#}
{% macro scd2_valid_to(entity_columns) -%}
    lead(change_time) over (
        partition by {{ entity_columns | join(', ') }} order by change_time
    )
{%- endmacro %}
