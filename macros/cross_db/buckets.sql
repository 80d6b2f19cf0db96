{#
    ARRAYs of clock hours and of days for exploding a span into buckets; explode them with
    explode_array(). DuckDB generate_series, Spark/Databricks sequence.
#}

{#
    ARRAY of the clock hours (truncated timestamps) from `first_hour` to `last_hour`, both
    included. Used to give every query and billing window the hour buckets it touches, so the
    overlap join can be an equality join on (workspace, warehouse, hour) instead of a range join.
#}
{% macro hour_buckets(first_hour, last_hour) -%}
    {{ return(adapter.dispatch('hour_buckets', 'genie_analytics')(first_hour, last_hour)) }}
{%- endmacro %}

{% macro default__hour_buckets(first_hour, last_hour) -%}
    generate_series({{ first_hour }}, {{ last_hour }}, interval 1 hour)
{%- endmacro %}

{% macro spark__hour_buckets(first_hour, last_hour) -%}
    sequence({{ first_hour }}, {{ last_hour }}, interval 1 hour)
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
