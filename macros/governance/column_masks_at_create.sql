{#
    Column masks inside CREATE on Databricks (README "Security and retention").

    dbt-databricks' table materialisation (V1, the project's default) builds a table with
    `create or replace table <t> ... as <query>` (databricks__create_table_as); the masks were set
    by the post-hook apply_column_masks, a statement later, so a rebuilt (or first) table was
    readable unmasked in between. Unity Catalog accepts a mask only in a column definition
    (`<column> <type> MASK <function>`, CREATE TABLE / ADD COLUMN) or in ALTER COLUMN (Databricks
    SQL reference, "Column mask clause"), so a table whose columns are masked is now created the
    way dbt-databricks' own materialisation V2 creates a table with `column_mask` configs
    (create_table_at, V2 only; the project does not switch the behaviour flag
    use_materialization_v2, which changes how every model is built):

        1. create or replace temporary view <t>__dbt_mask_tmp as <query>      -- the column types
        2. create or replace table <t> (<column> <type> [MASK <function>], ...) using delta
               [with row filter ...] [cluster by ...] [comment ...] [tblproperties ...]
        3. insert into <t> by name select * from <t>__dbt_mask_tmp          -- dbt's 'main' statement

    Statement 2 is the adapter's get_create_table_sql with the columns the adapter's
    parse_columns_and_constraints enriches (DatabricksColumn.render_for_create writes MASK); only
    which columns carry which mask is ours (column_mask_functions()). Between 2 and 3 a reader sees
    the new table empty, never unmasked. The post-hook still runs (idempotent; it masks a table
    created before this macro existed on its next incremental run).

    Which models: those with the apply_column_masks post-hook (the marts, dbt_project.yml) that
    declare a masked column in their YAML, materialised as table or incremental (first build
    and --full-refresh: both call create_table_as). Everything else, temporary relations and
    Python models keep the adapter's CTAS. Overrides dbt-databricks' databricks__create_table_as
    (the root project's dispatch candidate wins) and calls it, as dbt.databricks__create_table_as,
    for everything it does not handle. Databricks only: DuckDB and Spark have no masks.
#}

{% macro databricks__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {%- set masks = {} if temporary or language != 'sql' else genie_analytics.masks_at_create(model) -%}
    {%- if not masks -%}
        {{ return(dbt.databricks__create_table_as(temporary, relation, compiled_code, language)) }}
    {%- endif -%}
    {{ return(genie_analytics.create_masked_table_as(relation, compiled_code, masks)) }}
{%- endmacro %}


{# {lower-case column: mask function} for a node that is masked at create, else {}. #}
{% macro masks_at_create(node) -%}
    {%- if node is none or node.get('resource_type') != 'model'
            or node.config.materialized not in ('table', 'incremental')
            or not genie_analytics.has_column_mask_hook(node) -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set functions = genie_analytics.column_mask_functions() -%}
    {%- set masks = {} -%}
    {%- for name in node.columns.keys() -%}
        {%- if name | lower in functions -%}
            {%- do masks.update({name | lower: functions[name | lower]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(masks) }}
{%- endmacro %}


{# True when the node's post-hooks include apply_column_masks (as dbt_project.yml sets them). #}
{% macro has_column_mask_hook(node) -%}
    {%- for hook in node.config.get('post-hook') or [] -%}
        {%- if 'apply_column_masks' in (hook.sql if hook is mapping else hook | string) -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{# Steps 1 and 2 above (run here), step 3 returned as the statement dbt runs as 'main'. The
   masks are matched on the query's actual columns, case-insensitively. #}
{% macro create_masked_table_as(relation, compiled_code, masks) -%}
    {%- set intermediate = make_intermediate_relation(relation, '__dbt_mask_tmp') -%}
    {%- do run_query(get_create_intermediate_table(intermediate, compiled_code, 'sql')) -%}
    {%- set columns = adapter.get_columns_in_relation(intermediate) -%}
    {%- set create_sql = genie_analytics.masked_create_table_sql(relation, columns, masks, compiled_code) -%}
    {%- do run_query(create_sql) -%}
    {{ return('insert into ' ~ relation.render() ~ ' by name select * from ' ~ intermediate.render()) }}
{%- endmacro %}


{# The relation's columns (DatabricksColumn) with a MASK on each masked one. #}
{% macro masked_columns(columns, masks) -%}
    {%- set model_columns = {} -%}
    {%- for column in columns -%}
        {%- set entry = {'name': column.name} -%}
        {%- if column.name | lower in masks -%}
            {%- do entry.update({'column_mask': {'function': masks[column.name | lower]}}) -%}
        {%- endif -%}
        {%- do model_columns.update({column.name: entry}) -%}
    {%- endfor -%}
    {{ return(adapter.parse_columns_and_constraints(columns, model_columns, [], false, model.name)[0]) }}
{%- endmacro %}


{# CREATE OR REPLACE TABLE with the column list, each masked column with its MASK clause. #}
{% macro masked_create_table_sql(relation, columns, masks, compiled_code) -%}
    {{ return(get_create_table_sql(relation.enrich([]), genie_analytics.masked_columns(columns, masks), compiled_code)) }}
{%- endmacro %}


{# The column list `(<column> <type> [MASK <function>], ...)` of an existing relation, for a
   table created empty with the same columns (the retention archive). #}
{% macro masked_column_list_sql(source, masks) -%}
    {%- set rendered = [] -%}
    {%- for column in genie_analytics.masked_columns(adapter.get_columns_in_relation(source), masks) -%}
        {%- do rendered.append(column.render_for_create()) -%}
    {%- endfor -%}
    {{ return('(' ~ (rendered | join(', ')) ~ ')') }}
{%- endmacro %}
