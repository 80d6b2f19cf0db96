{#
    UTC timestamp from epoch milliseconds (BIGINT), as the Genie REST API reports
    `created_timestamp` / `last_updated_timestamp`. Null in, null out.
#}
{% macro epoch_ms_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'genie_analytics')(expression)) }}
{%- endmacro %}

{% macro default__epoch_ms_to_timestamp(expression) -%}
    to_timestamp(cast({{ expression }} as double) / 1000.0)
{%- endmacro %}

{% macro duckdb__epoch_ms_to_timestamp(expression) -%}
    {# epoch_ms returns a naive TIMESTAMP in UTC, unlike to_timestamp (TIMESTAMPTZ). #}
    epoch_ms(cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__epoch_ms_to_timestamp(expression) -%}
    timestamp_millis(cast({{ expression }} as bigint))
{%- endmacro %}
