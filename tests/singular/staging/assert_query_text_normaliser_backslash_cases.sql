{#
    The query-text normaliser (macro normalize_query_text) on texts holding a backslash, on every
    engine: dbt-spark / dbt-databricks write unit-test fixture strings into SQL literals without
    escaping backslashes, so these cases cannot be fixtures there (the other cases are the unit
    test query_history_normaliser_respects_sql_lexical_rules). Each text is written with ^ for
    a single quote and ~ for a backslash, replaced by chr(39) and chr(92), so the same SQL reads
    the same text on DuckDB, Spark and Databricks.
    Databricks SQL reference, "STRING type": a backslash escapes the next character in a
    literal, except in a raw literal r'...' / r"..." (R in any case), where it is text.
    Returns the cases whose normalised text differs from the expected one (pass = no rows).
#}
with

cases as (
    select
        'backslash_escaped_quote' as case_id,
        'select ^it~^s -- fine^, c from t order by c' as template,
        'select ?, c from t order by c' as expected
    union all
    select
        'raw_single_quoted' as case_id,
        'select r^~^ as a, x from t where b = ^--^ order by c' as template,
        'select ? as a, x from t where b = ? order by c' as expected
    union all
    select
        'raw_double_quoted_upper_r' as case_id,
        'select R"a~" as a, x from t where b = ^--^ order by c' as template,
        'select ? as a, x from t where b = ? order by c' as expected
    union all
    select
        'raw_without_comment_marks' as case_id,
        'select r^~^ as a from t where b = ^x^' as template,
        'select ? as a from t where b = ?' as expected
    union all
    select
        'escaped_double_quote' as case_id,
        'select "a~"b" as x from t order by 1' as template,
        'select ? as x from t order by ?' as expected
),

texts as (
    select
        case_id,
        replace(replace(template, '^', chr(39)), '~', chr(92)) as statement_text,
        expected
    from cases
),

normalized as (
    select
        case_id,
        statement_text,
        expected,
        {{ genie_analytics.normalize_query_text('statement_text') }} as normalized_statement_text
    from texts
),

final as (
    select * from normalized
    where coalesce(normalized_statement_text, '(null)') <> expected
)

select * from final
