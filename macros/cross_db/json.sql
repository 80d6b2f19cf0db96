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


{#
    A whole row of a relation alias as JSON text (maps and structs nested as objects).
    DuckDB: a table alias is a struct of its columns; Spark/Databricks: struct(alias.*).
#}
{% macro row_to_json(alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'genie_analytics')(alias)) }}
{%- endmacro %}

{% macro default__row_to_json(alias) -%}
    cast(to_json({{ alias }}) as string)
{%- endmacro %}

{% macro spark__row_to_json(alias) -%}
    to_json(struct({{ alias }}.*))
{%- endmacro %}


{#
    JSON text of a whole row without some top-level keys, for comparison only (the result is
    not always valid JSON). Hand-written: neither engine removes a key from JSON text
    (DuckDB's json_merge_patch has no Spark equivalent). Handles the value shapes of the
    columns it is used for (dates, timestamps: a quoted string or null; Spark's to_json omits
    null fields, DuckDB's writes null).
#}
{% macro json_without_keys(json_text, keys) -%}
    {%- if keys | length == 0 -%}
    {{ json_text }}
    {%- else -%}
    {%- set pattern = '"(?:' ~ (keys | join('|')) ~ ')":(?:null|"[^"]*"),?' -%}
    {{ return(adapter.dispatch('json_without_keys', 'genie_analytics')(json_text, pattern)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__json_without_keys(json_text, pattern) -%}
    replace(regexp_replace({{ json_text }}, '{{ pattern }}', '', 'g'), ',}', '}')
{%- endmacro %}

{% macro spark__json_without_keys(json_text, pattern) -%}
    replace(regexp_replace({{ json_text }}, '{{ pattern }}', ''), ',}', '}')
{%- endmacro %}


{#
    A struct or map expression as JSON text, e.g. to compare usage_metadata between records.
#}
{% macro to_json_text(expression) -%}
    {{ return(adapter.dispatch('to_json_text', 'genie_analytics')(expression)) }}
{%- endmacro %}

{% macro default__to_json_text(expression) -%}
    cast(to_json({{ expression }}) as string)
{%- endmacro %}

{% macro spark__to_json_text(expression) -%}
    to_json({{ expression }})
{%- endmacro %}
