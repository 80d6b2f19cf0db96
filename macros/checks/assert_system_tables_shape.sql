{#
    on-run-start check: every system-table source in the graph exists and has every column its
    source YAML declares.

    Why: Databricks adds, renames and back-fills system-table columns (query_source fields,
    lakeflow columns arrived late 2025), and a missing column otherwise surfaces as a confusing
    SQL error deep inside some model after half the DAG has run. This collects ALL problems and
    raises ONE compiler error before any model SQL runs, e.g.
        system table system_tables.query.history is missing column(s): read_rows

    Which sources: those whose source-level meta has `system_table: true` (the five system
    sources); landed Genie API tables are not checked here. Runs only when dbt executes SQL
    (build / run / test / seed / snapshot / retry); parse, compile, docs and ls skip it. Set
    var('skip_system_tables_shape_check', true) to bypass in an emergency.

    Works on any adapter through adapter.get_relation / get_columns_in_relation (Spark reports
    top-level columns, which is what the YAML declares).
#}
{% macro assert_system_tables_shape() %}
    {%- if not execute or var('skip_system_tables_shape_check', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if flags.WHICH not in ('build', 'run', 'test', 'seed', 'snapshot', 'retry') -%}
        {{ return('') }}
    {%- endif -%}

    {%- set problems = [] -%}
    {%- set checked = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- set source_meta = node.source_meta or {} -%}
        {%- if source_meta.get('system_table', false) -%}
            {# On Spark the source database equals the schema (one metastore): print schema.table. #}
            {%- set display_database = none if node.database == node.schema else node.database -%}
            {%- set display_name = [display_database, node.schema, node.identifier] | select | join('.') -%}
            {%- do checked.append(display_name) -%}
            {%- set relation = adapter.get_relation(
                database=node.database,
                schema=node.schema,
                identifier=node.identifier,
            ) -%}
            {%- if relation is none -%}
                {%- do problems.append('system table ' ~ display_name ~ ' does not exist (or is not readable)') -%}
            {%- else -%}
                {%- set present = [] -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- do present.append(column.name | lower) -%}
                {%- endfor -%}
                {%- set missing = [] -%}
                {%- for column_name in node.columns.keys() -%}
                    {%- if column_name | lower not in present -%}
                        {%- do missing.append(column_name) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if missing -%}
                    {%- do problems.append(
                        'system table ' ~ display_name ~ ' is missing column(s): ' ~ (missing | join(', '))
                    ) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if problems -%}
        {%- do exceptions.raise_compiler_error(
            'System tables do not have the shape this project expects (target ' ~ target.name
            ~ ', ' ~ checked | length ~ ' tables checked):\n  - ' ~ (problems | join('\n  - '))
            ~ '\nCheck the catalog/var("system_catalog") and that the system schemas are enabled.'
        ) -%}
    {%- endif -%}
    {{ log('System table shape check passed: ' ~ checked | length ~ ' tables.', info=false) }}
    {{ return('') }}
{% endmacro %}
