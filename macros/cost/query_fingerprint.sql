{#
    Query text normalised so that runs of the same query shape compare equal, and its md5.
    Shared by the cost marts and the query optimiser.

    Steps, in order (each a regexp that RE2 and java.util.regex read the same way):
      1. lowercase;
      2. block comments /* ... */ (across lines) and line comments -- ... removed;
      3. string literals '...' (with '' escapes) -> ?;
      4. numeric literals (integers, decimals, exponents) that are whole tokens -> ?
         (digits inside identifiers such as t1 or col_2024 stay);
      5. IN-lists of placeholders collapsed: in (?, ?, ?) -> in (?);
      6. runs of whitespace (spaces, tabs, newlines) -> one space, then trimmed.
    Spacing around operators is not rewritten, so `a=1` and `a = 1` remain two shapes: rare in
    machine-generated SQL, and it keeps the rules few and predictable.
#}
{% macro normalize_query_text(text_expression) -%}
    {#- Four passes, not six: comments of both kinds in one alternation, and string and numeric
        literals in another. Regex alternation takes the leftmost match, so a number inside a
        string literal is consumed with the string, exactly as "strings first, then numbers"
        did; same for the two comment forms. -#}
    {%- set lowered = 'lower(' ~ text_expression ~ ')' -%}
    {%- set no_comments = genie_analytics.regexp_replace_all(lowered, '(?s)/\\*.*?\\*/|--[^\\n]*', ' ') -%}
    {%- set no_literals = genie_analytics.regexp_replace_all(no_comments, '\\x27(?:[^\\x27]|\\x27\\x27)*\\x27|\\b[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?\\b', '?') -%}
    {%- set collapsed_in = genie_analytics.regexp_replace_all(no_literals, '\\bin\\s*\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)', 'in (?)') -%}
    {%- set single_spaced = genie_analytics.regexp_replace_all(collapsed_in, '\\s+', ' ') -%}
    trim({{ single_spaced }})
{%- endmacro %}


{# md5 (32 hex chars) of the normalised text: the key that groups repeated query shapes. #}
{% macro query_fingerprint(text_expression) -%}
    md5({{ genie_analytics.normalize_query_text(text_expression) }})
{%- endmacro %}
