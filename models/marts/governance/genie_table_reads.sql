{#
    Who read this project's tables (the project observes itself): Unity Catalog read
    events (stg_system__audit_table_reads) of the relations this project builds or lands
    (project_table_names(): models, seeds, snapshots, archives, Genie landing tables, matched on
    schema.table), per day, workspace, principal, table and action.

    Incremental: whole event_date days re-read from max(event_date) - query_history_lookback_days
    (the audit log is large; late audit rows inside the lookback are picked up), replaced whole
    (incremental_by_day_config: REPLACE WHERE / delete + insert / partition overwrite).
#}
{%- set window_call = "genie_analytics.incremental_window_start('event_date', lookback_days=var('query_history_lookback_days'))" -%}
{{ genie_analytics.incremental_by_day_config('event_date', window_call) }}
{%- set window_start = genie_analytics.render_window_start(window_call) %}
{%- set project_tables = genie_analytics.project_table_names() %}
{%- set quoted_tables = [] %}
{%- for name in project_tables %}{% do quoted_tables.append("'" ~ name ~ "'") %}{% endfor %}

with

reads as (
    select * from {{ ref('stg_system__audit_table_reads') }}
    where
        {{ genie_analytics.window_predicate('event_date', window_start) }}
        and concat(table_schema, '.', table_name) in ({{ quoted_tables | join(', ') if quoted_tables else "''" }})
),

final as (
    select
        event_date,
        workspace_id,
        coalesce(user_email, run_by) as user_email,
        table_full_name,
        table_catalog,
        table_schema,
        table_name,
        action_name,
        count(*) as read_count,
        sum(case when coalesce(response_status_code, 200) >= 400 then 1 else 0 end) as failed_read_count,
        min(event_at) as first_read_at,
        max(event_at) as last_read_at
    from reads
    group by
        event_date,
        workspace_id,
        coalesce(user_email, run_by),
        table_full_name,
        table_catalog,
        table_schema,
        table_name,
        action_name
)

select * from final
