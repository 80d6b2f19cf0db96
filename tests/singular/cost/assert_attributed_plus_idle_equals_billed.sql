{#
    Step 6 of the cost attribution: per workspace, warehouse and day, the DBUs (and USD)
    attributed to queries plus the idle ones plus the unobservable lines (no warehouse_id,
    another region's warehouse) equal what billing.usage billed, to 1e-9 relative.
    The three sides come from three places: billed straight from the RAW billing.usage rows
    (raw_billing_rows: no staging filter; the rows held in quarantine are subtracted, they are
    a visible line of genie_data_quality), attributed from the (query, window) allocation rows, idle from
    the reconciliation mart. Rows returned = days that do not add up.
#}
{#- Days checked: the retained window (backfill_start_date or the retention start, the later:
    the cost marts hold no older day, macros/governance/retention.sql), and on
    incremental runs only the data tests'
    window (data_tests_window_start: everything on --full-refresh or with
    var data_tests_lookback_days null), as a literal the engine prunes on. -#}
{%- set start = genie_analytics.later_date(genie_analytics.retained_from_date(),
    genie_analytics.data_tests_window_start(ref('genie_cost_reconciliation'), 'window_date')) %}

with

billed as (
    {# Raw billing.usage (same-row deliveries once), minus the rows held in quarantine. #}
    select
        workspace_id,
        warehouse_id,
        window_date,
        sum(usage_dbu) as billed_dbu
    from ({{ genie_analytics.raw_billing_rows(start) }}) as raw_rows
    where
        is_sql_warehouse_usage
        and not is_held
        and {{ genie_analytics.window_predicate('window_date', start) }}
    group by workspace_id, warehouse_id, window_date
),

billed_usd as (
    select
        workspace_id,
        warehouse_id,
        window_date,
        sum(billed_usd) as billed_usd
    from {{ ref('int_billing_windows_netted') }}
    where {{ genie_analytics.window_predicate('window_date', start) }}
    group by workspace_id, warehouse_id, window_date
),

attributed as (
    select
        workspace_id,
        warehouse_id,
        window_date,
        sum(attributed_dbu) as attributed_dbu,
        sum(attributed_usd) as attributed_usd
    from {{ ref('int_queries_allocated_to_billing_windows') }}
    where {{ genie_analytics.window_predicate('window_date', start) }}
    group by workspace_id, warehouse_id, window_date
),

idle as (
    select
        workspace_id,
        warehouse_id,
        window_date,
        sum(idle_dbu + unobservable_dbu) as idle_dbu,
        sum(idle_usd + unobservable_usd) as idle_usd
    from {{ ref('genie_cost_reconciliation') }}
    where {{ genie_analytics.window_predicate('window_date', start) }}
    group by workspace_id, warehouse_id, window_date
),

compared as (
    select
        billed.workspace_id,
        billed.warehouse_id,
        billed.window_date,
        billed.billed_dbu,
        coalesce(attributed.attributed_dbu, 0.0) as attributed_dbu,
        coalesce(idle.idle_dbu, 0.0) as idle_dbu,
        billed_usd.billed_usd,
        coalesce(attributed.attributed_usd, 0.0) as attributed_usd,
        coalesce(idle.idle_usd, 0.0) as idle_usd,
        idle.workspace_id is not null as is_in_reconciliation
    from billed
    left join billed_usd
        on
            billed.workspace_id = billed_usd.workspace_id
            and billed.warehouse_id = billed_usd.warehouse_id
            and billed.window_date = billed_usd.window_date
    left join attributed
        on
            billed.workspace_id = attributed.workspace_id
            and billed.warehouse_id = attributed.warehouse_id
            and billed.window_date = attributed.window_date
    left join idle
        on
            billed.workspace_id = idle.workspace_id
            and billed.warehouse_id = idle.warehouse_id
            and billed.window_date = idle.window_date
),

failures as (
    select * from compared
    where
        not is_in_reconciliation
        or abs(billed_dbu - attributed_dbu - idle_dbu) > 1e-9 * greatest(abs(billed_dbu), 1e-6)
        or (
            billed_usd is not null
            and abs(billed_usd - attributed_usd - idle_usd) > 1e-9 * greatest(abs(billed_usd), 1e-6)
        )
)

select * from failures
