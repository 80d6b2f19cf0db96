{#
    DATE `n_days` after `date_expression` (negative goes back). Null in, null out.

    dbt.dateadd is not used here: on Spark it wraps its argument in assert_not_null(), so the
    lookback filter would raise on an empty incremental table (max() of nothing is null), and it
    returns a timestamp where we want a date.
#}
{% macro date_add_days(date_expression, n_days) -%}
    {{ return(adapter.dispatch('date_add_days', 'genie_analytics')(date_expression, n_days)) }}
{%- endmacro %}

{% macro default__date_add_days(date_expression, n_days) -%}
    cast({{ dbt.dateadd('day', n_days, date_expression) }} as date)
{%- endmacro %}

{% macro duckdb__date_add_days(date_expression, n_days) -%}
    cast(cast({{ date_expression }} as date) + cast({{ n_days }} as integer) as date)
{%- endmacro %}

{% macro spark__date_add_days(date_expression, n_days) -%}
    date_add(cast({{ date_expression }} as date), cast({{ n_days }} as int))
{%- endmacro %}
