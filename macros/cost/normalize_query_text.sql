{#
    Query text normalised so that runs of the same query shape compare equal (its md5,
    stg_system__query_history.query_fingerprint, groups them).
    Shared by the cost marts and the query optimiser. Null or blank text (workspaces with
    customer-managed keys get an empty statement_text) normalises to null, so it gets no
    fingerprint and no text-based finding; so does text that normalises to
    nothing (only tabs/newlines, or only a comment: every branch ends in nullif(trim(..), ''),
    whitespace being collapsed to single spaces before the trim where it can occur).

    The text is read by SQL's lexical rules (Databricks SQL, "Identifiers" and "STRING type"
    pages of the SQL reference): a `--` or `/*` inside a string literal or a back-quoted
    identifier is text, not a comment, and a quote inside a comment is not a literal.
    Databricks delimits identifiers with back-quotes (`x`, `` escapes one); both single- and
    double-quoted tokens are STRING literals, escaped by doubling the quote or by a backslash,
    except raw literals r'...' / r"..." (R in any case), in which a backslash is text. Block
    comments nest (`/* a /* b */ c */` is one comment; spelled out to three levels, RE2 having
    no recursion; deeper ones fall back to the first `*/`).

    Steps, in order (each a regexp that RE2 and java.util.regex read the same way):
      1. lowercase;
      2. lexical pass: ONE alternation matched left to right,
             `identifier` | r'raw' | r"raw" | 'literal' | "literal" | /* comment */ | -- comment
         replaced by its first group (identifier or literal, kept whole), so comments are
         removed and only comments (a regex removing comments alone cannot tell a `--` in a
         literal from a comment);
      3. literal pass: the same alternation without comments plus whole-token numbers
         (integers, decimals, exponents; digits inside identifiers such as t1 stay):
         identifiers are replaced by themselves followed by `?`, literals and numbers by `?`;
      4. the `?` step 3 appended to each identifier is removed (after step 3 the only
         back-quotes left delimit identifiers, so this pass is lexically safe);
      5. IN-lists of placeholders collapsed: in (?, ?, ?) -> in (?);
      6. runs of whitespace (space, tab, newline, carriage return, form feed, vertical tab:
         spelled out, since RE2's \s lacks the vertical tab that Java's has) -> one space,
         then trimmed.
    Steps 3-4 exist because a regexp replacement is one template for every alternative: the
    template `<group 1>?` keeps an identifier (group 1) and turns a literal (no group) into
    `?`. A comment is removed without a space: `a/*x*/b` reads `ab` (rare in generated SQL).
    Spacing around operators is not rewritten, so `a=1` and `a = 1` remain two shapes.
#}
{% macro normalize_query_text(text_expression) -%}
    {#- Most texts need fewer passes, and regex replaces are the cost of this model, so one
        cheap regex SEARCH on the raw text picks the pipeline. Each shortcut drops only passes
        that provably change nothing for the texts it takes:
          - no `--`, no `/*`, no back-quote and only single spaces as whitespace: steps 2 and 4
            find nothing, and since replacing a literal by `?` never makes two whitespace
            characters adjacent, step 6 is the identity too (trim still runs);
          - additionally no `in(` / `in (`: with single spaces only, step 5 cannot match
            either, and a `?` replacing a literal never creates one.
        The shortcut tests use the same regex dialect as the passes, so each engine skips
        exactly what its own regexes would not change. -#}
    {%- set lowered = 'lower(' ~ text_expression ~ ')' -%}
    {%- set group_1 = genie_analytics.regexp_group_reference(1) -%}
    {#- Each token is written "unrolled" (Friedl): a loop iterates once per escape or nested
        part, never once per character, so java.util.regex (which recurses per iteration of a
        group) cannot overflow its stack on a long literal or comment, and no token can match
        a text two ways (no exponential backtracking on an unterminated one). -#}
    {%- set identifier = '`[^`]*(?:``[^`]*)*`' -%}
    {#- Raw literals r'...' / r"..." (R in any case; we lowercase first): no escapes inside, a
        backslash is text. Listed before the escaped forms; \b keeps the r a token start. -#}
    {%- set raw_strings = '\\br\\x27[^\\x27]*\\x27|\\br"[^"]*"' -%}
    {%- set strings = raw_strings
        ~ '|\\x27[^\\x27\\\\]*(?:(?:\\\\.|\\x27\\x27)[^\\x27\\\\]*)*\\x27'
        ~ '|"[^"\\\\]*(?:(?:\\\\.|"")[^"\\\\]*)*"' -%}
    {%- set number = '\\b[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?\\b' -%}
    {#- Block comments nest in Spark/Databricks SQL (`/* a /* b */ c */` is one comment).
        RE2 has no recursion, so nesting is spelled out to three levels (the comment and two
        nested ones); a deeper one falls back to the first `*/` (the pre-nesting reading).
        Inside a comment: runs of other characters, `*`s not followed by `/`, `/`s not
        followed by `*`, or a nested comment; it ends at `*+/`. -#}
    {%- set ns = namespace(comment='/+\\*[^*/]*(?:(?:\\*+[^*/]|/+[^*/])[^*/]*)*\\*+/') -%}
    {%- for level in range(2) -%}
        {%- set ns.comment = ('/\\*' if loop.last else '/+\\*')
            ~ '[^*/]*(?:(?:\\*+[^*/]|/+[^*/]|' ~ ns.comment ~ ')[^*/]*)*\\*+/' -%}
    {%- endfor -%}
    {%- set block_comment = ns.comment ~ '|/\\*.*?\\*/' -%}
    {#- Whitespace spelled out, not \s: RE2's \s lacks the vertical tab that Java's has. -#}
    {%- set space = '[ \\t\\n\\r\\f\\x0B]' -%}
    {%- set lexical = '(?s)(' ~ identifier ~ '|' ~ strings ~ ')|' ~ block_comment ~ '|--[^\\n]*' -%}
    {%- set literals = '(?s)(' ~ identifier ~ ')|' ~ strings ~ '|' ~ number -%}
    {%- set identifier_mark = '(' ~ identifier ~ ')\\?' -%}
    {%- set in_lists = '\\bin' ~ space ~ '*\\(' ~ space ~ '*\\?(?:' ~ space ~ '*,' ~ space ~ '*\\?)*' ~ space ~ '*\\)' -%}
    {%- set without_comments = genie_analytics.regexp_replace_all(lowered, lexical, group_1) -%}
    {%- set full = genie_analytics.regexp_replace_all(
        genie_analytics.regexp_replace_all(
            genie_analytics.regexp_replace_all(
                genie_analytics.regexp_replace_all(without_comments, literals, group_1 ~ '?'),
                identifier_mark, group_1),
            in_lists, 'in (?)'),
        space ~ '+', ' ') -%}
    {%- set without_literals = genie_analytics.regexp_replace_all(lowered, literals, group_1 ~ '?') -%}
    case
        when nullif(trim({{ text_expression }}), '') is null
            then null
        when {{ genie_analytics.regexp_contains(text_expression, '--|/\\*|`|[\\t\\n\\r\\f\\x0B]|  ') }}
            then nullif(trim({{ full }}), '')
        when {{ genie_analytics.regexp_contains(lowered, 'in ?\\(') }}
            then nullif(trim({{ genie_analytics.regexp_replace_all(without_literals, in_lists, 'in (?)') }}), '')
        else nullif(trim({{ without_literals }}), '')
    end
{%- endmacro %}
