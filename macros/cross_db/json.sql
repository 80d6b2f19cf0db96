{#
    JSON helpers that never fail on malformed input.

    DuckDB's json functions raise on invalid JSON, so every extraction is guarded by
    `json_valid`. Spark's `get_json_object` already returns null on malformed JSON, and
    `get_json_object(x, '$')` is non-null exactly when `x` parses, which gives a validity test
    that works on Spark 3.x, Spark 4 and Databricks alike.
#}

{% macro is_valid_json(expression) -%}
    {{ return(adapter.dispatch('is_valid_json', 'genie_analytics')(expression)) }}
{%- endmacro %}

{% macro default__is_valid_json(expression) -%}
    coalesce(json_valid({{ expression }}), false)
{%- endmacro %}

{% macro spark__is_valid_json(expression) -%}
    coalesce(get_json_object({{ expression }}, '$') is not null, false)
{%- endmacro %}


{#
    Scalar at `json_path` (e.g. '$.message_id') of a JSON string as a string; null when the
    input is null, not valid JSON, or has no such path.
#}
{% macro json_extract_string(expression, json_path) -%}
    {{ return(adapter.dispatch('json_extract_string', 'genie_analytics')(expression, json_path)) }}
{%- endmacro %}

{% macro default__json_extract_string(expression, json_path) -%}
    case when json_valid({{ expression }}) then json_extract_string({{ expression }}, '{{ json_path }}') end
{%- endmacro %}

{% macro spark__json_extract_string(expression, json_path) -%}
    get_json_object({{ expression }}, '{{ json_path }}')
{%- endmacro %}
