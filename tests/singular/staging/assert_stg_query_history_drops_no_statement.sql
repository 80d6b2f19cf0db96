{#
    Reconciliation: nothing of system.query.history is lost. Each
    source row is either staged or quarantined, decided here from the raw columns, not by the
    macro under test (classify_system_rows):
      - a row whose workspace_id or statement_id is null or blank ('null_key'), or, with a key,
        whose start_time is null ('null_start_time'), cannot be staged: per reason, the rows of
        the source must be exactly the query.history rows of stg_system__rows_quarantined;
      - every other (workspace_id, statement_id) since var('backfill_start_date') is in
        stg_system__query_history (dedup and the incremental lookback never lose a statement).
        Statements started after the last build cannot be in staging yet, so that comparison
        stops at the staged max(query_date).
    Returns one row per missing statement or per reason whose counts differ (pass = no rows).

    Bounded by date: from var('backfill_start_date'), and on incremental runs the
    staged comparison covers only the data tests' window (data_tests_window_start; everything on
    --full-refresh or with var data_tests_lookback_days null), compared as a literal so
    system.query.history is pruned. The held-row counts compare with stg_system__rows_quarantined,
    which is bounded by var('backfill_start_date') only.
#}
{%- set start = genie_analytics.later_date(var('backfill_start_date'),
    genie_analytics.data_tests_window_start(ref('stg_system__query_history'), 'query_date')) %}
with

source_rows as (
    select
        workspace_id,
        statement_id,
        start_time,
        case
            when
                nullif(trim(cast(workspace_id as string)), '') is null
                or nullif(trim(cast(statement_id as string)), '') is null
                then 'null_key'
            when start_time is null then 'null_start_time'
        end as held_reason
    from {{ source('query', 'history') }}
),

source_statements as (
    select distinct
        workspace_id,
        statement_id,
        cast(start_time as date) as query_date
    from source_rows
    where
        held_reason is null
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

missing_statements as (
    select
        'not_staged' as problem,
        cast(source_statements.workspace_id as string) as workspace_id,
        cast(source_statements.statement_id as string) as statement_id,
        cast(source_statements.query_date as string) as detail
    from source_statements
    cross join staged_until
    left join staged_statements
        on
            source_statements.workspace_id = staged_statements.workspace_id
            and source_statements.statement_id = staged_statements.statement_id
    where
        staged_statements.statement_id is null
        and source_statements.query_date <= staged_until.max_query_date
),

held_in_source as (
    {# A held row with a start_time before var('backfill_start_date') is outside the build; one
       without a start_time has no date and is always held. #}
    select
        held_reason,
        count(*) as source_rows
    from source_rows
    where
        held_reason is not null
    {% if var('backfill_start_date') -%}
            and (start_time is null or cast(start_time as date) >= cast('{{ var("backfill_start_date") }}' as date))
        {%- endif %}
    group by held_reason
),

held_in_quarantine as (
    select
        quarantine_reason as held_reason,
        count(*) as quarantined_rows
    from {{ ref('stg_system__rows_quarantined') }}
    where source_table = 'query.history'
    group by quarantine_reason
),

held_mismatches as (
    select
        'held_rows_differ' as problem,
        cast(null as string) as workspace_id,
        cast(null as string) as statement_id,
        coalesce(held_in_source.held_reason, held_in_quarantine.held_reason)
        || ': ' || cast(coalesce(held_in_source.source_rows, 0) as string) || ' in the source, '
        || cast(coalesce(held_in_quarantine.quarantined_rows, 0) as string) || ' quarantined' as detail
    from held_in_source
    full outer join held_in_quarantine
        on held_in_source.held_reason = held_in_quarantine.held_reason
    where coalesce(held_in_source.source_rows, 0) <> coalesce(held_in_quarantine.quarantined_rows, 0)
),

final as (
    select * from missing_statements
    union all
    select * from held_mismatches
)

select * from final
