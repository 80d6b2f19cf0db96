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
