{#
    Helpers of the optimiser marts (models/marts/optimizer). Engine differences dispatch
    default__ (DuckDB) / spark__ (open-source Spark and, by fallback, Databricks).
#}

{#
    True when `expression` contains a match of the regular expression `pattern` (RE2 and
    java.util.regex read it the same way; write a quote as \x27). DuckDB: regexp_matches;
    Spark: rlike, whose string literal needs its backslashes doubled.
#}
{% macro regexp_contains(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'genie_analytics')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_contains(expression, pattern) -%}
    coalesce(regexp_matches({{ expression }}, '{{ pattern }}'), false)
{%- endmacro %}

{% macro spark__regexp_contains(expression, pattern) -%}
    coalesce({{ expression }} rlike '{{ pattern | replace("\\", "\\\\") }}', false)
{%- endmacro %}


{#
    ARRAY of the DATEs from `first_day` to `last_day`, both included (empty when first > last
    on Spark; DuckDB likewise). Explode it with explode_array() and cast the element to date.
#}
{% macro day_buckets(first_day, last_day) -%}
    {{ return(adapter.dispatch('day_buckets', 'genie_analytics')(first_day, last_day)) }}
{%- endmacro %}

{% macro default__day_buckets(first_day, last_day) -%}
    generate_series(cast({{ first_day }} as date), cast({{ last_day }} as date), interval 1 day)
{%- endmacro %}

{% macro spark__day_buckets(first_day, last_day) -%}
    sequence(cast({{ first_day }} as date), cast({{ last_day }} as date), interval 1 day)
{%- endmacro %}


{#
    The day every optimiser window ends on, as a SQL DATE expression: var('optimizer_as_of_date')
    when set, else the latest `date_column` of `relation`. Anchoring on the data rather than
    current_date keeps the marts meaningful over a fixed-date sandbox or a paused pipeline.
    The latest date is read at compile time (run_query) and inlined as a literal (issue 13), so
    the window bounds prune the date partitions; inside a dbt unit test (the relation is a
    fixture CTE) it stays a scalar subquery.
#}
{% macro optimizer_as_of_date(relation, date_column) -%}
    {%- set as_of = var('optimizer_as_of_date', none) -%}
    {%- if not genie_analytics.is_unset(as_of) -%}
        cast('{{ as_of }}' as date)
    {%- elif execute and not (relation | string).startswith('__dbt__cte__') -%}
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


{# Milliseconds between two TIMESTAMPs (b - a), from the cost helper's microsecond epochs. #}
{% macro timestamp_diff_ms(start_expression, end_expression) -%}
    cast(
        ({{ genie_analytics.epoch_microseconds(end_expression) }}
        - {{ genie_analytics.epoch_microseconds(start_expression) }}) / 1000 as bigint
    )
{%- endmacro %}


{# Day of week 1 (Sunday) .. 7 (Saturday) on both engines (DuckDB dayofweek is 0-based). #}
{% macro day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('day_of_week', 'genie_analytics')(date_expression)) }}
{%- endmacro %}

{% macro default__day_of_week(date_expression) -%}
    (cast(dayofweek(cast({{ date_expression }} as date)) as integer) + 1)
{%- endmacro %}

{% macro spark__day_of_week(date_expression) -%}
    dayofweek(cast({{ date_expression }} as date))
{%- endmacro %}
