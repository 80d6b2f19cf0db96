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


{# Milliseconds between two TIMESTAMPs (b - a), from the cost helper's microsecond epochs. #}
{% macro timestamp_diff_ms(start_expression, end_expression) -%}
    cast(
        ({{ genie_analytics.epoch_microseconds(end_expression) }}
        - {{ genie_analytics.epoch_microseconds(start_expression) }}) / 1000 as bigint
    )
{%- endmacro %}
