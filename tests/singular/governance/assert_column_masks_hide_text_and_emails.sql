{#
    The column mask policy, checked on DuckDB over real mart rows: the two mask
    bodies the Databricks functions carry (text_mask_sql, email_mask_sql in
    macros/governance/workspace_access_policy.sql), evaluated for a caller outside the privileged
    group and for one inside it. Outside: every non-null query text is '[masked]'; every e-mail
    becomes 'user-' + 16 hex digits, the same address always the same pseudonym and two
    addresses never one (over the marts' users); a value without '@' (a service principal id)
    and null stay as they are. Inside: every value unchanged. Rows returned = violations.

    On incremental runs only the days of the data tests' window are checked
    (data_tests_window_start, a literal the engine prunes on); --full-refresh or var
    data_tests_lookback_days null (`make test`) checks every day.
#}
{%- set window_from = genie_analytics.data_tests_window_start(ref('genie_query_performance'), 'query_date') %}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', window_from) }}
),

texts as (
    select query_text as original_value from queries
),

emails as (
    select distinct user_id as original_value from queries
),

masked_texts as (
    select
        original_value,
        {{ genie_analytics.text_mask_sql('original_value', 'false') }} as outside_value,
        {{ genie_analytics.text_mask_sql('original_value', 'true') }} as inside_value
    from texts
),

masked_emails as (
    select
        original_value,
        {{ genie_analytics.email_mask_sql('original_value', 'false') }} as outside_value,
        {{ genie_analytics.email_mask_sql('original_value', 'true') }} as inside_value
    from emails
),

violations as (
    select
        'text' as mask,
        original_value,
        outside_value,
        'text visible outside the privileged group, or changed inside it' as problem
    from masked_texts
    where
        (original_value is null and outside_value is not null)
        or (original_value is not null and outside_value != '[masked]')
        or inside_value is distinct from original_value
    union all
    select
        'email' as mask,
        original_value,
        outside_value,
        'e-mail visible or malformed outside the privileged group, or changed inside it' as problem
    from masked_emails
    where
        (
            original_value like '%@%'
            and not (
                substr(outside_value, 1, 5) = 'user-'
                and length(outside_value) = 21
                and translate(substr(outside_value, 6), '0123456789abcdef', '') = ''
            )
        )
        or (original_value not like '%@%' and outside_value is distinct from original_value)
        or inside_value is distinct from original_value
    union all
    select
        'email' as mask,
        min(original_value) as original_value,
        outside_value,
        'two addresses share one pseudonym' as problem
    from masked_emails
    where original_value like '%@%'
    group by outside_value
    having count(*) > 1
)

select * from violations
