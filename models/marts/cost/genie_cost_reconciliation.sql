{#
    One row per SQL-warehouse billing window: what was billed, what the queries were
    attributed, and what stayed idle; billed = attributed + idle (step 6, tested per warehouse
    and day by tests/singular/cost/assert_attributed_plus_idle_equals_billed.sql).

    Incremental (incremental_window_start), whole window_date days REPLACED from the earliest
    of: max(window_date) - var('cost_lookback_days'); the earliest window the allocation model
    rewrote since this model's last refresh; the earliest window whose billing changed since
    (a late RETRACTION/RESTATEMENT: int_billing_windows_netted.last_ingestion_date >= this
    model's max(last_ingestion_date), the same rule as the allocation, so both agree).
#}
{#- Retention: nothing older than the retention start is rebuilt (retention_floor). -#}
{%- set window_call -%}
    genie_analytics.retention_floor(genie_analytics.incremental_window_start('window_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('int_queries_allocated_to_billing_windows'), 'date_column': 'window_date'}, {'relation': ref('int_billing_windows_netted'), 'date_column': 'window_date', 'changed_column': 'last_ingestion_date', 'changed_type': 'date', 'op': '>='}]))
{%- endset -%}
{#- marker_column: the run log keeps the latest last_ingestion_date of the windows this run
    wrote (the billing changes already read), so the next run does not scan this table for it. -#}
{{ genie_analytics.incremental_by_day_config('window_date', window_call, marker_column='last_ingestion_date') }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

billing_windows as (
    select * from {{ ref('int_billing_windows_netted') }}
    where {{ genie_analytics.window_predicate('window_date', from_date) }}
),

allocations as (
    select * from {{ ref('int_queries_allocated_to_billing_windows') }}
    where {{ genie_analytics.window_predicate('window_date', from_date) }}
),

window_allocations as (
    select
        workspace_id,
        warehouse_id,
        sku_name,
        window_start_at,
        window_end_at,
        count(*) as query_count,
        sum(weight_ms) as weight_ms,
        sum(attributed_dbu) as attributed_dbu,
        sum(attributed_usd) as attributed_usd
    from allocations
    group by
        workspace_id,
        warehouse_id,
        sku_name,
        window_start_at,
        window_end_at
),

joined as (
    select
        billing_windows.*,
        coalesce(window_allocations.query_count, 0) as query_count,
        coalesce(window_allocations.weight_ms, 0.0) as weight_ms,
        coalesce(window_allocations.attributed_dbu, 0.0) as attributed_dbu,
        window_allocations.attributed_usd,
        billing_windows.reconciliation_line = 'warehouse_window'
        and coalesce(window_allocations.weight_ms, 0.0) = 0.0 as is_idle,
        billing_windows.reconciliation_line <> 'warehouse_window' as is_unobservable
    from billing_windows
    left join window_allocations
        on
            billing_windows.workspace_id = window_allocations.workspace_id
            and billing_windows.warehouse_id = window_allocations.warehouse_id
            and billing_windows.sku_name = window_allocations.sku_name
            and billing_windows.window_start_at = window_allocations.window_start_at
            and billing_windows.window_end_at = window_allocations.window_end_at
),

final as (
    select
        workspace_id,
        warehouse_id,
        sku_name,
        window_start_at,
        window_end_at,
        window_date,
        {# billed = attributed + idle + unobservable, in DBU and in USD. #}
        reconciliation_line,
        cast(billed_dbu as double) as billed_dbu,
        attributed_dbu,
        case when is_idle then cast(billed_dbu as double) else 0.0 end as idle_dbu,
        case when is_unobservable then cast(billed_dbu as double) else 0.0 end as unobservable_dbu,
        cast(unpriced_dbu as double) as unpriced_dbu,
        billed_usd,
        case
            when is_idle or is_unobservable then 0.0
            else coalesce(attributed_usd, 0.0)
        end as attributed_usd,
        case when is_idle then billed_usd else 0.0 end as idle_usd,
        case when is_unobservable then billed_usd else 0.0 end as unobservable_usd,
        list_price_usd,
        discount_fraction,
        query_count,
        weight_ms,
        is_idle,
        record_count,
        correction_record_count,
        last_ingestion_date,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from joined
)

select * from final
