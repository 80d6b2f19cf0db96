{#
    A named parameter marker for SQL that a client runs with bound values (never pasted text):
    `$name` on DuckDB (its Python/CLI named parameters), `:name` on Spark/Databricks (the SQL
    editor, dashboards, databricks-sql-connector and the Statement Execution API).
    `name` must be an identifier; anything else is a compile error.
#}
{% macro query_parameter(name) %}
    {%- if not modules.re.fullmatch('[a-z_][a-z0-9_]*', name) -%}
        {{ exceptions.raise_compiler_error("query_parameter: not an identifier: " ~ name) }}
    {%- endif -%}
    {{ return(adapter.dispatch('query_parameter', 'genie_analytics')(name)) }}
{% endmacro %}

{% macro default__query_parameter(name) %}:{{ name }}{% endmacro %}

{% macro duckdb__query_parameter(name) %}${{ name }}{% endmacro %}
