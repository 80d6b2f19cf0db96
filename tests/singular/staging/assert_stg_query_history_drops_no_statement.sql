{#
    Reconciliation: every (workspace_id, statement_id) of system.query.history since
    var('backfill_start_date') is in stg_system__query_history. Dedup and the incremental
    lookback must never lose a statement. Returns the missing keys (pass = no rows).
    Statements started after the last build cannot be in staging yet, so the comparison stops
    at the staged max(query_date).
#}
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
    {% if var('backfill_start_date', none) -%}
            and cast(start_time as date) >= cast('{{ var("backfill_start_date") }}' as date)
        {%- endif %}
),

staged_statements as (
    select
        workspace_id,
        statement_id,
        query_date
    from {{ ref('stg_system__query_history') }}
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
