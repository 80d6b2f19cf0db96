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
