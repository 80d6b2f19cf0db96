{#
    Value of `key` in a map<string, string> column, or null when the key is absent.

    DuckDB (>= 1.2) and Spark both accept `map['key']`; on Databricks SQL warehouses ANSI mode
    is on and older runtimes raise on a missing key with `[]`, so Spark/Databricks use
    `try_element_at`, which always answers null for a missing key.
#}
{% macro map_get(map_column, key) -%}
    {{ return(adapter.dispatch('map_get', 'genie_analytics')(map_column, key)) }}
{%- endmacro %}

{% macro default__map_get(map_column, key) -%}
    {{ map_column }}['{{ key }}']
{%- endmacro %}

{% macro spark__map_get(map_column, key) -%}
    try_element_at({{ map_column }}, '{{ key }}')
{%- endmacro %}
