{#
    on-run-start check: every system-table source in the graph exists and has every column its
    source YAML declares, and every nested struct field a column's `meta.fields` declares.

    Why: Databricks adds, renames and back-fills system-table columns (query_source fields,
    lakeflow columns arrived late 2025), and a missing column otherwise surfaces as a confusing
    SQL error deep inside some model after half the DAG has run. This collects ALL problems and
    raises ONE compiler error before any model SQL runs, e.g.
        system table system_tables.query.history is missing column(s): read_rows
        system table system_tables.query.history is missing field(s): query.history.compute.warehouse_id

    Nested fields: a struct column lists the fields the models read in its
    column meta, `meta: {fields: [warehouse_id, job_info.job_id]}` (dotted for deeper levels);
    each is looked up in the column's data type as the adapter reports it (DuckDB
    `STRUCT("a" T, ...)`, Spark / Databricks `struct<a:T,...>`) and a missing one is named
    `<schema>.<table>.<column>.<field>`.

    Required and optional schemas: a source whose source-level meta says
    `optional: true` (today only `lakeflow`, the jobs tables, which an account may not have
    enabled) may be absent: the check then logs ONE warning naming the schema, and its staging
    models build empty (macro system_source_exists). Every other system source (billing,
    compute, query, access) is required: absent is an error. An optional table that exists
    must still have its declared shape.

    Which sources: those whose source-level meta has `system_table: true`; landed Genie API
    tables are not checked here. Runs only when dbt executes SQL (build / run / test / seed /
    snapshot / retry); parse, compile, docs and ls skip it. Set
    var('skip_system_tables_shape_check'): true to bypass in an emergency.
#}
{% macro assert_system_tables_shape() %}
    {%- if not execute or var('skip_system_tables_shape_check') -%}
        {{ return('') }}
    {%- endif -%}
    {%- if flags.WHICH not in ('build', 'run', 'test', 'seed', 'snapshot', 'retry') -%}
        {{ return('') }}
    {%- endif -%}

    {%- set problems = [] -%}
    {%- set checked = [] -%}
    {%- set absent_optional = {} -%}
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
            {%- if relation is none and source_meta.get('optional', false) -%}
                {%- do absent_optional.setdefault(node.source_name, []).append(display_name) -%}
            {%- elif relation is none -%}
                {%- do problems.append('system table ' ~ display_name ~ ' does not exist (or is not readable)') -%}
            {%- else -%}
                {%- set present = {} -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- do present.update({column.name | lower: column.data_type}) -%}
                {%- endfor -%}
                {%- set missing = [] -%}
                {%- set missing_fields = [] -%}
                {%- for column_name, column in node.columns.items() -%}
                    {%- if column_name | lower not in present -%}
                        {%- do missing.append(column_name) -%}
                    {%- else -%}
                        {%- for field_path in (column.meta or {}).get('fields', []) -%}
                            {%- if not genie_analytics.struct_type_has_field(present[column_name | lower], field_path) -%}
                                {%- do missing_fields.append(node.schema ~ '.' ~ node.identifier ~ '.' ~ column_name ~ '.' ~ field_path) -%}
                            {%- endif -%}
                        {%- endfor -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if missing -%}
                    {%- do problems.append(
                        'system table ' ~ display_name ~ ' is missing column(s): ' ~ (missing | join(', '))
                    ) -%}
                {%- endif -%}
                {%- if missing_fields -%}
                    {%- do problems.append(
                        'system table ' ~ display_name ~ ' is missing field(s): ' ~ (missing_fields | join(', '))
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
    {%- for schema_name, tables in absent_optional.items() | sort -%}
        {%- do exceptions.warn(
            'Optional system schema `' ~ schema_name ~ '` is not enabled (or not readable): '
            ~ (tables | join(', ')) ~ ' absent; the models reading it build empty. Enable it with '
            ~ '`databricks system-schemas enable` to fill them.'
        ) -%}
    {%- endfor -%}
    {{ log('System table shape check passed: ' ~ checked | length ~ ' tables.', info=false) }}
    {{ return('') }}
{% endmacro %}


{#
    True when `type_string` (a column's data type as the adapter reports it) is a struct with
    the (possibly dotted) field path `field_path`. Hand-written: no dbt or adapter API parses a
    nested type string. Reads DuckDB's `STRUCT("a" VARCHAR, b STRUCT(c INTEGER))` and
    Spark / Databricks' `struct<a:string,b:struct<c:int>>`; field names compare case-blind.
#}
{% macro struct_type_has_field(type_string, field_path) -%}
    {%- set ns = namespace(type_string=(type_string or '') | trim, found=true) -%}
    {%- for field_name in field_path.split('.') -%}
        {%- if ns.found -%}
            {%- set fields = genie_analytics.struct_type_fields(ns.type_string) -%}
            {%- if field_name | lower in fields -%}
                {%- set ns.type_string = fields[field_name | lower] -%}
            {%- else -%}
                {%- set ns.found = false -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.found) }}
{%- endmacro %}


{# {field name (lowercase): field type string} of a struct type string; {} when not a struct. #}
{% macro struct_type_fields(type_string) -%}
    {%- set text = (type_string or '') | trim -%}
    {%- if not (text | lower).startswith('struct') -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set inner = text[7:-1] -%}
    {#- Split on the commas at nesting depth 0 (outside (), <> and quotes). -#}
    {%- set ns = namespace(depth=0, quoted=none, part='') -%}
    {%- set parts = [] -%}
    {%- for char in inner -%}
        {%- if ns.quoted is not none -%}
            {%- set ns.part = ns.part ~ char -%}
            {%- if char == ns.quoted -%}{%- set ns.quoted = none -%}{%- endif -%}
        {%- elif char in ('"', '`') -%}
            {%- set ns.quoted = char -%}
            {%- set ns.part = ns.part ~ char -%}
        {%- elif char in ('(', '<') -%}
            {%- set ns.depth = ns.depth + 1 -%}
            {%- set ns.part = ns.part ~ char -%}
        {%- elif char in (')', '>') -%}
            {%- set ns.depth = ns.depth - 1 -%}
            {%- set ns.part = ns.part ~ char -%}
        {%- elif char == ',' and ns.depth == 0 -%}
            {%- do parts.append(ns.part) -%}
            {%- set ns.part = '' -%}
        {%- else -%}
            {%- set ns.part = ns.part ~ char -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do parts.append(ns.part) -%}
    {%- set fields = {} -%}
    {%- for part in parts -%}
        {%- set match = modules.re.match('\\s*("[^"]*"|`[^`]*`|[^\\s:"`]+)\\s*:?\\s*(.*)$', part, modules.re.S) -%}
        {%- if match -%}
            {%- do fields.update({match.group(1).strip('"`') | lower: match.group(2) | trim}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(fields) }}
{%- endmacro %}


{#
    Whether a system-table source exists, for the staging models of OPTIONAL system schemas
    (source meta `optional: true`): they read the source when it exists and select zero rows of
    the same columns when it does not. True while parsing (execute is false), so the source()
    dependency is always recorded in the lineage.
#}
{% macro system_source_exists(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set relation = source(source_name, table_name) -%}
    {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is not none) }}
{%- endmacro %}


{#
    `select` of zero rows with the given columns, for a staging model whose optional system
    source is absent: `columns` is a list of [name, sql type] pairs in the model's output order.
#}
{% macro empty_select(columns) -%}
    select
    {%- for name, data_type in columns %}
        cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    where 1 = 0
{%- endmacro %}
