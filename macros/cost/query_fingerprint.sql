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
        did; same for the two comment forms.

        Most texts need fewer passes, and regex replaces are the cost of this model (~5 us a text
        for all four), so one cheap regex SEARCH on the raw text picks the pipeline. Each
        shortcut drops only passes that provably change nothing for the texts it takes:
          - no `--`, no `/*` and only single spaces as whitespace: the comment pass finds
            nothing, and since replacing a literal by `?` never makes two whitespace characters
            adjacent, the whitespace pass is the identity too (trim still runs);
          - additionally no `in(` / `in (`: with single spaces only, the IN-list pass cannot
            match either, and a `?` replacing a literal never creates one.
        The shortcut tests use the same regex dialect as the passes, so each engine skips
        exactly what its own regexes would not change. -#}
    {%- set lowered = 'lower(' ~ text_expression ~ ')' -%}
    {%- set comments = '(?s)/\\*.*?\\*/|--[^\\n]*' -%}
    {%- set literals = '\\x27(?:[^\\x27]|\\x27\\x27)*\\x27|\\b[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?\\b' -%}
    {%- set in_lists = '\\bin\\s*\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)' -%}
    {%- set no_comments = genie_analytics.regexp_replace_all(lowered, comments, ' ') -%}
    {%- set full = genie_analytics.regexp_replace_all(
        genie_analytics.regexp_replace_all(
            genie_analytics.regexp_replace_all(no_comments, literals, '?'), in_lists, 'in (?)'),
        '\\s+', ' ') -%}
    {%- set without_literals = genie_analytics.regexp_replace_all(lowered, literals, '?') -%}
    case
        when {{ genie_analytics.regexp_contains(text_expression, '--|/\\*|[^\\S ]|  ') }}
            then trim({{ full }})
        when {{ genie_analytics.regexp_contains(lowered, 'in ?\\(') }}
            then trim({{ genie_analytics.regexp_replace_all(without_literals, in_lists, 'in (?)') }})
        else trim({{ without_literals }})
    end
{%- endmacro %}


{# md5 (32 hex chars) of the normalised text: the key that groups repeated query shapes. #}
{% macro query_fingerprint(text_expression) -%}
    md5({{ genie_analytics.normalize_query_text(text_expression) }})
{%- endmacro %}
