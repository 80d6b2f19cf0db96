{#
    One sortable value made of several expressions, compared left to right (a row/struct value):
    DuckDB `row(a, b, c)`, Spark / Databricks `struct(a, b, c)`.

    Why: `row_number() over (partition by k order by <one key>) = 1` is rewritten by DuckDB into
    an arg_max aggregate plus a late row fetch, while the same filter over several ORDER BY keys
    runs a full window sort (the figures: bench/NOTES.md). Every part sorts in the same direction
    as the whole key,
    so callers coalesce nulls to a value below every real one for "desc nulls last".
#}
{% macro sort_key(expressions) -%}
    {{ return(adapter.dispatch('sort_key', 'genie_analytics')(expressions)) }}
{%- endmacro %}

{% macro default__sort_key(expressions) -%}
    row({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__sort_key(expressions) -%}
    struct({{ expressions | join(', ') }})
{%- endmacro %}
