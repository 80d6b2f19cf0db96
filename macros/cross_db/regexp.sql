{#
    True when `expression` contains a match of the regular expression `pattern` (RE2 and
    java.util.regex read it the same way; write a quote as \x27). DuckDB: regexp_matches;
    Spark: rlike, whose string literal needs its backslashes doubled.
#}
{% macro regexp_contains(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'genie_analytics')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_contains(expression, pattern) -%}
    coalesce(regexp_matches({{ expression }}, '{{ pattern }}'), false)
{%- endmacro %}

{% macro spark__regexp_contains(expression, pattern) -%}
    coalesce({{ expression }} rlike '{{ pattern | replace("\\", "\\\\") }}', false)
{%- endmacro %}


{#
    Every match of a regular expression replaced. `pattern` is written once, in the syntax RE2
    (DuckDB) and java.util.regex (Spark) share; write a quote as \x27, not '. DuckDB string
    literals keep backslashes as they are; Spark's string literals treat a backslash as an
    escape, so the Spark variant doubles them.
#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'genie_analytics')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ replacement | replace("\\", "\\\\") }}')
{%- endmacro %}


{#
    A capture group's reference in a regexp_replace_all() replacement: `\1` for RE2 (DuckDB),
    `$1` for java.util.regex (Spark, Databricks). An unmatched group is replaced by nothing on
    both engines.
#}
{% macro regexp_group_reference(group_number) -%}
    {{ return(adapter.dispatch('regexp_group_reference', 'genie_analytics')(group_number)) }}
{%- endmacro %}

{% macro default__regexp_group_reference(group_number) -%}
    {{ return('\\' ~ group_number) }}
{%- endmacro %}

{% macro spark__regexp_group_reference(group_number) -%}
    {{ return('$' ~ group_number) }}
{%- endmacro %}
