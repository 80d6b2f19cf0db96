{#
    post_hook of a table read by point lookups (the API's genie_api_query_lookup): on DuckDB an
    ART index on the given columns, so `where query_id = ?` reads one row instead of a whole
    122,880-row group; elsewhere nothing (Databricks uses the model's liquid clustering for file
    skipping; the local Spark build is only a dialect check).
#}
{% macro create_point_lookup_index(columns) %}
    {{ return(adapter.dispatch('create_point_lookup_index', 'genie_analytics')(columns)) }}
{% endmacro %}

{% macro default__create_point_lookup_index(columns) %}{% endmacro %}

{% macro duckdb__create_point_lookup_index(columns) %}
    create index if not exists {{ this.identifier }}__{{ columns | join('__') }}
    on {{ this }} ({{ columns | join(', ') }})
{% endmacro %}
