{#
    Data tests that scale: on an incremental run a data test of a large incremental
    model looks only at the days the run re-read, not at the whole 900M-row table.

    - dbt_project.yml sets `+where: "__reread_window__"` on every data test of the project; the
      override of dbt's get_where_subquery below replaces the placeholder with
      `<date column> >= <literal first day>` for a model built with incremental_by_day_config
      (its meta.reread_date_column), and with nothing for any other model.
    - The first day is data_tests_window_start: max(<date column>) - var('data_tests_lookback_days')
      of the tested table (compile-time query, rendered as a literal). Everything is tested on
      --full-refresh, or when the var is null (`make test` runs the full tests that way).
    - Singular tests of those models call data_tests_window_start themselves.
#}

{% macro data_tests_window_start(relation, date_column) -%}
    {%- if not execute or flags.FULL_REFRESH or genie_analytics.is_unset(var('data_tests_lookback_days')) -%}
        {{- return(none) -}}
    {%- endif -%}
    {#- none (test everything) when the table is not built yet (compile_time_value). -#}
    {%- set latest = genie_analytics.as_date(genie_analytics.compile_time_value('select max(' ~ date_column ~ ') from ' ~ relation, [relation])) -%}
    {%- if latest is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return((latest - modules.datetime.timedelta(days=var('data_tests_lookback_days') | int)).isoformat()) -}}
{%- endmacro %}


{#- The later of two 'YYYY-MM-DD' dates, none meaning "no bound". -#}
{% macro later_date(first, second) -%}
    {%- set a = genie_analytics.as_date(first) -%}
    {%- set b = genie_analytics.as_date(second) -%}
    {%- if a is none or b is none -%}
        {{- return(((a or b).isoformat()) if (a or b) else none) -}}
    {%- endif -%}
    {{- return(([a, b] | max).isoformat()) -}}
{%- endmacro %}


{#- meta.reread_date_column of the model whose table `relation` is (incremental_by_day_config sets it), or none. -#}
{% macro reread_date_column(relation) -%}
    {%- if not execute or relation is string -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and (node.alias or node.name) == relation.identifier
            and node.schema == relation.schema -%}
            {{- return(node.config.meta.get('reread_date_column')) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(none) -}}
{%- endmacro %}


{#- dbt's get_where_subquery (global_project/macros/materializations/tests/where_subquery.sql),
    with the __reread_window__ placeholder resolved as described above. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') or '' -%}
    {%- if '__reread_window__' in where -%}
        {%- set column = genie_analytics.reread_date_column(relation) -%}
        {%- set predicate = '1 = 1' if column is none
            else genie_analytics.window_predicate(column, genie_analytics.data_tests_window_start(relation, column)) -%}
        {%- set where = where | replace('__reread_window__', predicate) -%}
    {%- endif -%}
    {%- if where and (where | trim) != '1 = 1' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
