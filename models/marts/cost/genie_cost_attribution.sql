{#
    One row per deduplicated query (query_id = statement_id): its DBUs and USD, the sum of its
    shares of the billing windows it ran in (int_queries_allocated_to_billing_windows). Step 7:
    a query that ended after the last billing window its warehouse has so far gets no cost yet
    (cost_status awaiting_billing, is_cost_final false) and is re-computed by the next runs.

    Incremental (incremental_window_start), whole cost_date days REPLACED from the earliest of: max(cost_date) - lookback; the
    earliest query the allocation model rewrote since this model's last refresh; the earliest
    query whose cost is not final yet.
#}
{#- Retention: nothing older than the retention start is rebuilt (retention_floor). -#}
{%- set window_call -%}
    genie_analytics.retention_floor(genie_analytics.incremental_window_start('cost_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('int_queries_allocated_to_billing_windows'), 'date_column': 'query_date'}], open_rows_condition='not is_cost_final'))
{%- endset -%}
{#- The allocation replaces whole window_date days and logs the first query_date of the rows
    it wrote (secondary_date_column), which is the upstream day read here.
    open_rows_condition: days holding a cost not final yet are re-read (the run log keeps the
    earliest such day, so no scan of this table finds it). -#}
{{ genie_analytics.incremental_by_day_config('cost_date', window_call, open_rows_condition='not is_cost_final') }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}
{#- The allocation is laid out by window_date: its rows of queries started on or after
    from_date are in windows ending after that day's midnight, the earliest of which is read
    from the small netted-windows table at compile time (billing windows are not assumed to be
    one hour long; reference: databricks.md 1.2), so the allocation's days prune. -#}
{%- set allocation_windows_from = genie_analytics.first_window_date_ending_after(ref('int_billing_windows_netted'), from_date) %}

with

queries as (
    select * from {{ ref('stg_system__query_history') }}
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
),

allocations as (
    select * from {{ ref('int_queries_allocated_to_billing_windows') }}
    where
        {{ genie_analytics.window_predicate('query_date', from_date) }}
        and {{ genie_analytics.window_predicate('window_date', allocation_windows_from) }}
),

billing_windows as (
    select * from {{ ref('int_billing_windows_netted') }}
),

warehouse_billed_through as (
    {# The end of the last billing window each warehouse has so far (step 7). #}
    select
        workspace_id,
        warehouse_id,
        max(window_end_at) as billed_through_at
    from billing_windows
    group by workspace_id, warehouse_id
),

query_allocations as (
    select
        workspace_id,
        statement_id,
        min(sku_name) as sku_name,
        count(*) as billing_window_count,
        sum(attributed_dbu) as attributed_dbu,
        sum(attributed_usd) as attributed_usd,
        sum(cast(billed_dbu as double)) as usage_quantity
    from allocations
    group by workspace_id, statement_id
),

classified as (
    select
        queries.statement_id as query_id,
        queries.workspace_id,
        queries.warehouse_id,
        queries.executed_by as user_id,
        queries.executed_by_user_id,
        queries.execution_status,
        queries.query_date as cost_date,
        queries.started_at,
        queries.ended_at,
        query_allocations.sku_name,
        query_allocations.billing_window_count,
        query_allocations.attributed_dbu,
        query_allocations.attributed_usd,
        query_allocations.usage_quantity,
        warehouse_billed_through.billed_through_at,
        case
            when queries.warehouse_id is null then 'not_on_warehouse'
            when queries.ended_at is null then 'running'
            when
                warehouse_billed_through.billed_through_at is null
                {# The bounded end (statement timeout), so an end_time of 9999-12-31 does not
                   wait for billing for ever. #}
                or {{ genie_analytics.statement_ended_at_bounded('queries.started_at', 'queries.ended_at') }}
                > warehouse_billed_through.billed_through_at
                then 'awaiting_billing'
            else 'attributed'
        end as cost_status
    from queries
    left join query_allocations
        on
            queries.workspace_id = query_allocations.workspace_id
            and queries.statement_id = query_allocations.statement_id
    left join warehouse_billed_through
        on
            queries.workspace_id = warehouse_billed_through.workspace_id
            and queries.warehouse_id = warehouse_billed_through.warehouse_id
),

final as (
    select
        query_id,
        workspace_id,
        user_id,
        executed_by_user_id,
        warehouse_id,
        sku_name,
        execution_status,
        cost_status,
        cost_date,
        case when cost_status = 'attributed' then coalesce(attributed_dbu, 0.0) end as compute_cost_dbu,
        case when cost_status = 'attributed' then coalesce(attributed_usd, 0.0) end as estimated_cost_usd,
        case when cost_status = 'attributed' then coalesce(usage_quantity, 0.0) end as usage_quantity,
        coalesce(billing_window_count, 0) as billing_window_count,
        cost_status in ('attributed', 'not_on_warehouse') as is_cost_final,
        started_at,
        ended_at,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from classified
)

select * from final
