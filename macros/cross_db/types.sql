{# SQL types of an array and a map of strings (system tables' compute_ids, tags). #}
{% macro type_string_array() -%}
    {{ return(adapter.dispatch('type_string_array', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__type_string_array() -%}
    {{ return('varchar[]') }}
{%- endmacro %}

{% macro spark__type_string_array() -%}
    {{ return('array<string>') }}
{%- endmacro %}

{% macro type_string_map() -%}
    {{ return(adapter.dispatch('type_string_map', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__type_string_map() -%}
    {{ return('map(varchar, varchar)') }}
{%- endmacro %}

{% macro spark__type_string_map() -%}
    {{ return('map<string, string>') }}
{%- endmacro %}
