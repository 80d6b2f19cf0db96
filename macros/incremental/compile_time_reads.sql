{#
    The ONE guard for values read from the warehouse while a model or test is compiled
    (README "Incremental models"). Macros that inline a date as a literal (optimizer_as_of_date,
    hourly_trends_first_day, data_tests_window_start, first_window_date_ending_after,
    genie_loaded_scope) read it with run_query at compile time; on an empty target (a fresh
    clone's `dbt compile`, sqlfluff's dbt templater before the first build) the relation does
    not exist yet and the query raised a database error, so dbt failed and sqlfluff skipped the
    file. They call compile_time_value instead, which answers none when it cannot read, and fall
    back to the SQL form of the same value (a scalar subquery) or to "no bound" (read everything):
    what a first build would read anyway. The literal only ever narrows a read.

      relations_exist(relations) -> true when executing and every relation is a table or view
                                   of the warehouse (false for a unit test's fixture CTE,
                                   whose name starts with __dbt__cte__, and before execution)
      compile_time_value(query, relations) -> the first column of the first row of `query`
                                   (run_query), or none when relations_exist is false
#}

{% macro relations_exist(relations) -%}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for relation in relations -%}
        {%- if relation is none or relation is string or (relation | string).startswith('__dbt__cte__') -%}
            {{- return(false) -}}
        {%- endif -%}
        {%- if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
            {{- return(false) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(true) -}}
{%- endmacro %}


{% macro compile_time_value(query, relations) -%}
    {%- if not genie_analytics.relations_exist(relations) -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(run_query(query).columns[0].values()[0]) -}}
{%- endmacro %}
