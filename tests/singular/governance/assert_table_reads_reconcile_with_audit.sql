{#
    genie_table_reads against its source, over every day it holds: for each day and
    table of this project, the mart's read_count and failed_read_count add up to the Unity
    Catalog read events of stg_system__audit_table_reads (failed = response.status_code >= 400),
    and every such read has a principal (user_identity.email, else identity_metadata.run_by).
    Also a violation: audit reads of project tables exist but the mart is empty (on the sandbox
    they always exist: genie_sandbox generates getTable reads of the project's marts).
    Rows returned = violations.
#}
{%- set project_tables = genie_analytics.project_table_names() -%}
{#- Days checked: from the first day the mart holds, read now as a literal (not a subquery, which
    prunes nothing), and on incremental runs only the data tests' window
    (data_tests_window_start); everything on --full-refresh or with data_tests_lookback_days null. -#}
{%- set first_held = genie_analytics.first_day_held(ref('genie_table_reads'), 'event_date') -%}
{%- set start = genie_analytics.later_date(first_held,
    genie_analytics.data_tests_window_start(ref('genie_table_reads'), 'event_date')) -%}
{%- set source_days = '1 = 0' if first_held is none else genie_analytics.window_predicate('r.event_date', start) %}

with

source_reads as (
    select
        r.event_date,
        r.table_full_name,
        count(*) as read_count,
        sum(case when r.response_status_code >= 400 then 1 else 0 end) as failed_read_count,
        sum(case when coalesce(r.user_email, r.run_by) is null then 1 else 0 end) as unattributed_count
    from {{ ref('stg_system__audit_table_reads') }} as r
    where
        concat(r.table_schema, '.', r.table_name) in (
            {%- for name in project_tables %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor %}
            {%- if not project_tables %}''{% endif -%}
        )
        and {{ source_days }}
    group by r.event_date, r.table_full_name
),

mart_reads as (
    select
        event_date,
        table_full_name,
        sum(read_count) as read_count,
        sum(failed_read_count) as failed_read_count,
        sum(case when user_email is null then read_count else 0 end) as unattributed_count
    from {{ ref('genie_table_reads') }}
    where {{ genie_analytics.window_predicate('event_date', start) }}
    group by event_date, table_full_name
),

compared as (
    select
        coalesce(s.event_date, m.event_date) as event_date,
        coalesce(s.table_full_name, m.table_full_name) as table_full_name,
        coalesce(s.read_count, 0) as source_read_count,
        coalesce(m.read_count, 0) as mart_read_count,
        coalesce(s.failed_read_count, 0) as source_failed_read_count,
        coalesce(m.failed_read_count, 0) as mart_failed_read_count,
        coalesce(s.unattributed_count, 0) as source_unattributed_count,
        coalesce(m.unattributed_count, 0) as mart_unattributed_count
    from source_reads as s
    full outer join mart_reads as m
        on s.event_date = m.event_date and s.table_full_name = m.table_full_name
),

empty_mart as (
    select
        cast(null as date) as event_date,
        'genie_table_reads is empty' as table_full_name,
        (
            select count(*) from {{ ref('stg_system__audit_table_reads') }}
            where {{ genie_analytics.window_predicate('event_date', start) }} and concat(table_schema, '.', table_name) in (
                {%- for name in project_tables %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor %}
                {%- if not project_tables %}''{% endif -%}
            )
        ) as source_read_count,
        0 as mart_read_count,
        0 as source_failed_read_count,
        0 as mart_failed_read_count,
        0 as source_unattributed_count,
        0 as mart_unattributed_count
    where not exists (select 1 from {{ ref('genie_table_reads') }})
),

violations as (
    select * from compared
    where
        source_read_count != mart_read_count
        or source_failed_read_count != mart_failed_read_count
        or mart_unattributed_count != source_unattributed_count
    union all
    select * from empty_mart
    where source_read_count > 0
)

select * from violations
