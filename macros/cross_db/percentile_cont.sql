{#
    Continuous percentile (linear interpolation between the two nearest ranks), i.e. SQL's
    PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x), as an aggregate. DuckDB: quantile_cont;
    Spark / Databricks: percentile, which interpolates the same way (percentile_cont there is
    the same function with the WITHIN GROUP syntax).
#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'genie_analytics')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}
