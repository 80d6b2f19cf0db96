{#
    Reconciliation: every (workspace_id, statement_id) of system.query.history since
    var('backfill_start_date') is in stg_system__query_history. Dedup and the incremental
    lookback must never lose a statement. Returns the missing keys (pass = no rows).
    Statements started after the last build cannot be in staging yet, so the comparison stops
    at the staged max(query_date).

    Bounded by date (issue 13): from var('backfill_start_date'), and on incremental runs only the
    data tests' window (data_tests_window_start; everything on --full-refresh or with var
    data_tests_lookback_days null), compared as a literal so system.query.history is pruned.
#}
{%- set start = genie_analytics.later_date(var('backfill_start_date', none),
    genie_analytics.data_tests_window_start(ref('stg_system__query_history'), 'query_date')) %}
with

source_statements as (
    select distinct
        workspace_id,
        statement_id,
        cast(start_time as date) as query_date
    from {{ source('query', 'history') }}
    {# A row with a null key or start_time cannot be staged; it is in stg_system__rows_quarantined
       (reason null_key / null_start_time), counted in genie_data_quality. #}
    where
        workspace_id is not null
        and statement_id is not null
        and start_time is not null
        and {{ genie_analytics.window_predicate('start_time', start, data_type='timestamp') }}
),

staged_statements as (
    select
        workspace_id,
        statement_id,
        query_date
    from {{ ref('stg_system__query_history') }}
    where {{ genie_analytics.window_predicate('query_date', start) }}
),

staged_until as (
    select max(query_date) as max_query_date
    from staged_statements
),

final as (
    select
        source_statements.workspace_id,
        source_statements.statement_id,
        source_statements.query_date
    from source_statements
    cross join staged_until
    left join staged_statements
        on
            source_statements.workspace_id = staged_statements.workspace_id
            and source_statements.statement_id = staged_statements.statement_id
    where
        staged_statements.statement_id is null
        and source_statements.query_date <= staged_until.max_query_date
)

select * from final
