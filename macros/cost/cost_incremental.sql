{#
    The run's timestamp, stamped on every row a cost model writes (`_refreshed_at`). Downstream
    cost models re-compute the rows of queries/windows that an upstream model rewrote after
    their own last refresh; not part of the compared business columns.
#}
{% macro cost_refreshed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
