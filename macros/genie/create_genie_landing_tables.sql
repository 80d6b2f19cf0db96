{#
    on-run-start: create the landing schema and the four tables genie-ingest writes
    when they do not exist yet, so the first `dbt build` (which runs before any ingestion) can
    read them as sources, and `genie-ingest` finds its tables on a fresh account.

    The DDL is generated from the `genie_api` source YAML (sources whose meta says
    `genie_landing: true`): its columns and their `data_type`. The wheel declares the same
    shape in genie_ingest/records.py (it cannot read the dbt project);
    ingestion/tests/test_landing_shape.py makes the two agree column by column. Existing tables are never
    altered or dropped.

    Type names (string, bigint, int, date, timestamp, boolean) are accepted by DuckDB (string
    is an alias of varchar), Spark and Databricks; what differs is dispatched:
        table format: DuckDB none; Spark (local stand-in) `using parquet`; Databricks `using delta`.
        key: DuckDB gets `primary key (<meta.unique_key>)`, which genie-ingest's DuckDB sink
             needs for `insert ... on conflict`; Spark/Databricks none (their sink MERGEs).

    Wire it after the system-table shape check in dbt_project.yml:
        on-run-start:
          - "{{ genie_analytics.assert_system_tables_shape() }}"
          - "{{ genie_analytics.create_genie_landing_tables() }}"
#}
{% macro create_genie_landing_tables() %}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'test', 'seed', 'snapshot', 'retry', 'run-operation') -%}
        {{ return('') }}
    {%- endif -%}
    {#- Names from env/vars are validated before any DDL (also when run as a run-operation,
        where the on-run-start hooks do not run). -#}
    {%- do genie_analytics.assert_safe_config_identifiers() -%}
    {%- set created_schemas = [] -%}
    {%- set created = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- if (node.source_meta or {}).get('genie_landing', false) -%}
            {%- set relation = api.Relation.create(
                database=node.database,
                schema=node.schema,
                identifier=node.identifier,
            ) -%}
            {%- set schema_key = (node.database ~ '.' ~ node.schema) -%}
            {%- if schema_key not in created_schemas -%}
                {%- do adapter.create_schema(relation.without_identifier()) -%}
                {%- do created_schemas.append(schema_key) -%}
            {%- endif -%}
            {%- if adapter.get_relation(database=node.database, schema=node.schema, identifier=node.identifier) is none -%}
                {%- set column_ddl = [] -%}
                {%- for column in node.columns.values() -%}
                    {%- if not column.data_type -%}
                        {%- do exceptions.raise_compiler_error(
                            'source ' ~ node.source_name ~ '.' ~ node.name ~ ' column ' ~ column.name
                            ~ ' has no data_type; create_genie_landing_tables() needs one per column'
                        ) -%}
                    {%- endif -%}
                    {%- do column_ddl.append(column.name ~ ' ' ~ column.data_type) -%}
                {%- endfor -%}
                {%- set unique_key = (node.meta or {}).get('unique_key', []) -%}
                {%- set ddl -%}
                    create table if not exists {{ relation }} (
                        {{ column_ddl | join(',\n                        ') }}
                        {{- genie_analytics.landing_table_key_clause(unique_key) }}
                    ) {{ genie_analytics.landing_table_format_clause() }}
                {%- endset -%}
                {%- do run_query(ddl) -%}
                {%- do created.append(relation | string) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {#- DuckDB runs DDL in a transaction: commit so every later connection sees the tables. -#}
    {%- if created -%}
        {%- do adapter.commit() -%}
        {{ log('Created empty Genie landing table(s): ' ~ (created | join(', ')), info=true) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro landing_table_key_clause(unique_key) -%}
    {{ return(adapter.dispatch('landing_table_key_clause', 'genie_analytics')(unique_key)) }}
{%- endmacro %}

{% macro default__landing_table_key_clause(unique_key) -%}
{%- endmacro %}

{% macro duckdb__landing_table_key_clause(unique_key) -%}
    {%- if unique_key -%}
        , primary key ({{ unique_key | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{% macro landing_table_format_clause() -%}
    {{ return(adapter.dispatch('landing_table_format_clause', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__landing_table_format_clause() -%}
{%- endmacro %}

{% macro spark__landing_table_format_clause() -%}
    using parquet
{%- endmacro %}

{% macro databricks__landing_table_format_clause() -%}
    using delta
{%- endmacro %}
