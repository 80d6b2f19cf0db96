{#
    The ONE place where configuration (dbt vars, env vars, profile settings) becomes a SQL
    identifier. Identifiers cannot be bound as parameters, and an
    adapter's quoting does not escape a quote inside the name, so `GENIE_LANDING_SCHEMA`
    containing `"` (DuckDB), a backtick (Spark, Databricks) or `'` (the information_schema
    lookups dbt runs with the name inside a string literal) would let the setting inject SQL.

    validated_identifier(value, setting): returns `value` when it is a plain name (letters,
    digits, `_` and `-`, not starting with `-`: the names Unity Catalog, Spark and DuckDB accept
    once quoted), else raises ONE compiler error naming the setting and the value.

    assert_safe_config_identifiers(): on-run-start (first hook) and before any landing DDL:
    checks every source's database (when set: Spark has none) and schema (var system_catalog, var genie_landing_catalog,
    env GENIE_LANDING_SCHEMA, ...) and the target's database and schema (profiles.yml env
    vars), before any statement uses them. The ingestion validates the same settings on its
    side (genie_ingest/settings.py).
#}
{% macro validated_identifier(value, setting) -%}
    {%- set text = value | string -%}
    {%- if not modules.re.match('^[A-Za-z0-9_][A-Za-z0-9_-]*$', text) -%}
        {%- do exceptions.raise_compiler_error(
            setting ~ ' is ' ~ (text | tojson) ~ ', which is not a plain SQL identifier (letters, '
            ~ 'digits, _ and -); refusing to put it into SQL.'
        ) -%}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}


{% macro assert_safe_config_identifiers() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- for node in graph.sources.values() -%}
        {%- set where = 'source ' ~ node.source_name ~ '.' ~ node.name -%}
        {%- if node.database -%}
            {%- do genie_analytics.validated_identifier(node.database, where ~ ' database (catalog)') -%}
        {%- endif -%}
        {%- do genie_analytics.validated_identifier(node.schema, where ~ ' schema') -%}
        {%- do genie_analytics.validated_identifier(node.identifier, where ~ ' identifier') -%}
    {%- endfor -%}
    {%- if target.database -%}
        {%- do genie_analytics.validated_identifier(target.database, 'target ' ~ target.name ~ ' database (catalog)') -%}
    {%- endif -%}
    {%- do genie_analytics.validated_identifier(target.schema, 'target ' ~ target.name ~ ' schema') -%}
    {{ return('') }}
{% endmacro %}
