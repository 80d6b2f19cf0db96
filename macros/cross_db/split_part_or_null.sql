{#
    The `part_number`-th (1-based) `delimiter`-separated part of a string expression, or null
    when the string has fewer parts (or the part is empty).

    dbt's split_part answers '' or null on DuckDB for a missing part, `get(...)` (null) on
    Databricks, but `split(...)[n]` on Spark, which raises INVALID_ARRAY_INDEX under ANSI mode
    (Spark 4's default) for a short string. Spark and Databricks therefore use `get`, which is
    null out of bounds whatever the ANSI setting (Spark SQL functions reference, `get`). Note:
    dbt-spark 1.10 turns ANSI off in its own sessions (`make spark`), so there the old form
    answered null too; an ANSI Spark session (e.g. the databricks-check's) raised.
    `delimiter` is a plain string, not SQL (it is escaped here for Spark's regex split).
#}
{% macro split_part_or_null(string_text, delimiter, part_number) -%}
    {{ return(adapter.dispatch('split_part_or_null', 'genie_analytics')(string_text, delimiter, part_number)) }}
{%- endmacro %}

{% macro default__split_part_or_null(string_text, delimiter, part_number) -%}
    nullif({{ dbt.split_part(string_text, "'" ~ delimiter ~ "'", part_number) }}, '')
{%- endmacro %}

{% macro spark__split_part_or_null(string_text, delimiter, part_number) -%}
    nullif(get(split({{ string_text }}, '{{ modules.re.escape(delimiter) | replace("\\", "\\\\") }}'), {{ part_number - 1 }}), '')
{%- endmacro %}
