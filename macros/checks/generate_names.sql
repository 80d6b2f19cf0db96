{#
    The schema and the database (catalog) of every node, validated when dbt PARSES the project
    (before anything runs). dbt calls generate_schema_name / generate_database_name for each
    model, seed, snapshot and test while parsing, long before it runs anything; since dbt 1.11
    creates the target schemas before the on-run-start hooks, validating only there
    (assert_safe_config_identifiers) let a GENIE_ANALYTICS_SCHEMA or GENIE_ANALYTICS_CATALOG
    holding a quote reach CREATE SCHEMA first. Here the name each adapter's own implementation
    gives (dispatched in the dbt namespace, unchanged: dbt-databricks' catalog logic, dbt-spark's
    none) goes through validated_identifier, which raises one compiler error naming the setting
    and the value. A none database (Spark) is not a name and passes as none.
#}
{% macro generate_schema_name(custom_schema_name=none, node=none) -%}
    {%- set name = adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node) | trim -%}
    {{ return(genie_analytics.validated_identifier(name, 'the schema of ' ~ genie_analytics.genie_node_label(node) ~ ' (target ' ~ target.name ~ ' schema, env GENIE_ANALYTICS_SCHEMA on Databricks)')) }}
{%- endmacro %}


{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- set name = adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node) -%}
    {%- if name is none or (name | string | trim) in ('', 'None') -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(genie_analytics.validated_identifier(name | string | trim, 'the database (catalog) of ' ~ genie_analytics.genie_node_label(node) ~ ' (target ' ~ target.name ~ ' database, env GENIE_ANALYTICS_CATALOG on Databricks)')) }}
{%- endmacro %}


{% macro genie_node_label(node) -%}
    {{ return(node.resource_type ~ ' ' ~ node.name if node is not none and node.name is defined else 'the project') }}
{%- endmacro %}
