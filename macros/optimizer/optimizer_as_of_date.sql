{#
    The day every optimiser window ends on, as a SQL DATE expression: var('optimizer_as_of_date')
    when set, else the latest `date_column` of `relation`. Anchoring on the data rather than
    current_date keeps the marts meaningful over a fixed-date sandbox or a paused pipeline.
    The latest date is read at compile time (run_query) and inlined as a literal, so
    the window bounds prune the date partitions; when it cannot be read (a dbt unit test's
    fixture CTE, or a relation not built yet: `dbt compile` / sqlfluff on an empty target;
    relations_exist) it stays a scalar subquery, the same value computed by the engine.
#}
{% macro optimizer_as_of_date(relation, date_column) -%}
    {%- set as_of = var('optimizer_as_of_date') -%}
    {%- if not genie_analytics.is_unset(as_of) -%}
        cast('{{ as_of }}' as date)
    {%- elif genie_analytics.relations_exist([relation]) -%}
        {%- set latest = genie_analytics.as_date(run_query('select max(cast(' ~ date_column ~ ' as date)) from ' ~ relation).columns[0].values()[0]) -%}
        {%- if latest is none -%}
            cast(null as date)
        {%- else -%}
            cast('{{ latest.isoformat() }}' as date)
        {%- endif -%}
    {%- else -%}
        (select max(cast({{ date_column }} as date)) from {{ relation }})
    {%- endif -%}
{%- endmacro %}


{#
    First day ('YYYY-MM-DD') of the optimiser's lookback window (the days int_cost_anomaly_scores
    scores): optimizer_as_of_date (the var, else the latest `date_column` of `relation`, read at
    compile time) minus var('optimizer_lookback_days') - 1. None (no bound) when it cannot be
    read: a relation not built yet or empty (compile_time_value).
#}
{% macro optimizer_first_scored_day(relation, date_column) -%}
    {%- set as_of = var('optimizer_as_of_date') -%}
    {%- if genie_analytics.is_unset(as_of) -%}
        {%- set as_of = genie_analytics.compile_time_value('select max(cast(' ~ date_column ~ ' as date)) from ' ~ relation, [relation]) -%}
    {%- endif -%}
    {%- set day = genie_analytics.as_date(as_of) -%}
    {{- return(none if day is none else (day - modules.datetime.timedelta(days=(var('optimizer_lookback_days') | int) - 1)).isoformat()) -}}
{%- endmacro %}
