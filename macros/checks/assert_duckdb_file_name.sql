{#
    on-run-start check for the local DuckDB target: DuckDB names the catalog after the file, and
    DuckDB 2.0 cannot bind views over "x"."x".model when the catalog and the schema share a name
    ("Ambiguous reference to catalog or schema"). Fail at once with the fix instead of deep in
    the DAG. A no-op on every other adapter.
#}
{% macro assert_duckdb_file_name() %}
    {{ return(adapter.dispatch('assert_duckdb_file_name', 'genie_analytics')()) }}
{% endmacro %}

{% macro default__assert_duckdb_file_name() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__assert_duckdb_file_name() %}
    {%- if execute and target.database | lower == target.schema | lower -%}
        {{ exceptions.raise_compiler_error(
            "The DuckDB file is named like the schema ('" ~ target.schema ~ "'), which DuckDB "
            ~ "cannot bind in views. Name the file differently, e.g. "
            ~ "GENIE_ANALYTICS_DUCKDB=data/warehouse.duckdb (the default).") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
