{#
    The far-future timestamp that stands in for "still valid" (price_end_time null, the
    current SCD2 row) in range joins, so a join can use `start <= t and t < end` without an
    `or end is null` branch that stops engines from using a range/merge join.
#}
{% macro open_ended_timestamp() -%}
    cast('9999-12-31 23:59:59' as timestamp)
{%- endmacro %}
