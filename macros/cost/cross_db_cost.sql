{#
    Engine-specific expressions the cost models need and dbt does not ship. Each dispatches
    default__ (DuckDB) / spark__ (open-source Spark and, by fallback, Databricks).
#}

{#
    Microseconds since the Unix epoch of a UTC TIMESTAMP, as BIGINT. Overlaps are measured in
    microseconds (the precision of the system tables' timestamps) so a fraction never loses the
    sub-millisecond part that `datediff('millisecond', ...)` would floor away.
#}
{% macro epoch_microseconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'genie_analytics')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(timestamp_expression) -%}
    epoch_us({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_microseconds(timestamp_expression) -%}
    unix_micros({{ timestamp_expression }})
{%- endmacro %}


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


{# One output row per element of an ARRAY, as a select-list expression. #}
{% macro explode_array(array_expression) -%}
    {{ return(adapter.dispatch('explode_array', 'genie_analytics')(array_expression)) }}
{%- endmacro %}

{% macro default__explode_array(array_expression) -%}
    unnest({{ array_expression }})
{%- endmacro %}

{% macro spark__explode_array(array_expression) -%}
    explode({{ array_expression }})
{%- endmacro %}


{#
    One output row per entry of a MAP, as select-list expressions naming the key and value
    columns. Rows whose map is null or empty produce no row on both engines.
#}
{% macro explode_map(map_expression, key_alias, value_alias) -%}
    {{ return(adapter.dispatch('explode_map', 'genie_analytics')(map_expression, key_alias, value_alias)) }}
{%- endmacro %}

{% macro default__explode_map(map_expression, key_alias, value_alias) -%}
    {# DuckDB unnests lists in the same select list in lock-step, so keys and values stay paired. #}
    unnest(map_keys({{ map_expression }})) as {{ key_alias }},
    unnest(map_values({{ map_expression }})) as {{ value_alias }}
{%- endmacro %}

{% macro spark__explode_map(map_expression, key_alias, value_alias) -%}
    explode({{ map_expression }}) as ({{ key_alias }}, {{ value_alias }})
{%- endmacro %}


{# Number of entries of a MAP; 0 for null. #}
{% macro map_size(map_expression) -%}
    {{ return(adapter.dispatch('map_size', 'genie_analytics')(map_expression)) }}
{%- endmacro %}

{% macro default__map_size(map_expression) -%}
    coalesce(cardinality({{ map_expression }}), 0)
{%- endmacro %}

{% macro spark__map_size(map_expression) -%}
    {# size(null) is -1 under the legacy flag and null otherwise; both mean "no entries". #}
    greatest(coalesce(size({{ map_expression }}), 0), 0)
{%- endmacro %}


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


{#
    Every match of a regular expression replaced. `pattern` is written once, in the syntax RE2
    (DuckDB) and java.util.regex (Spark) share; write a quote as \x27, not '. DuckDB string
    literals keep backslashes as they are; Spark's string literals treat a backslash as an
    escape, so the Spark variant doubles them.
#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'genie_analytics')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ replacement | replace("\\", "\\\\") }}')
{%- endmacro %}


{#
    A capture group's reference in a regexp_replace_all() replacement: `\1` for RE2 (DuckDB),
    `$1` for java.util.regex (Spark, Databricks). An unmatched group is replaced by nothing on
    both engines.
#}
{% macro regexp_group_reference(group_number) -%}
    {{ return(adapter.dispatch('regexp_group_reference', 'genie_analytics')(group_number)) }}
{%- endmacro %}

{% macro default__regexp_group_reference(group_number) -%}
    {{ return('\\' ~ group_number) }}
{%- endmacro %}

{% macro spark__regexp_group_reference(group_number) -%}
    {{ return('$' ~ group_number) }}
{%- endmacro %}
