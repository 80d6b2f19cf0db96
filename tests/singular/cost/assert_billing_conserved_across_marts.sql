{#
    Money is conserved across every cost mart, checked against the RAW billing.usage totals
    (nothing moved silently): straight from the source, only same-row deliveries counted once.
    Per workspace and usage_date:
      raw DBU = chargeback total (genie_workspace_daily_costs) + held DBU (quarantined rows);
    per workspace and window date, SQL-warehouse usage only:
      raw DBU - held DBU = reconciliation billed = attributed + idle + unobservable.
    USD: chargeback USD is never null. Rows returned = days that do not add up.
#}
{#- Days checked: the retained window (backfill_start_date or the retention start, the later:
    the cost marts hold no older day, macros/governance/retention.sql), and on
    incremental runs only the data tests'
    window (data_tests_window_start: everything on --full-refresh or with
    var data_tests_lookback_days null), as a literal the engine prunes on. -#}
{%- set start = genie_analytics.later_date(genie_analytics.retained_from_date(),
    genie_analytics.data_tests_window_start(ref('genie_cost_reconciliation'), 'window_date')) %}

with

raw_rows as (
    {{ genie_analytics.raw_billing_rows(start) }}
),

raw_daily as (
    select
        workspace_id,
        cast(usage_date as string) as day_key,
        sum(usage_dbu) as raw_dbu,
        sum(case when is_held then usage_dbu else 0.0 end) as held_dbu
    from raw_rows
    where {{ genie_analytics.window_predicate('usage_date', start) }}
    group by workspace_id, cast(usage_date as string)
),

chargeback_groups as (
    select
        workspace_id,
        usage_date,
        billing_origin_product,
        sku_name,
        max(total_dbu) as total_dbu,
        sum(case when amount_usd is null or total_usd is null then 1 else 0 end) as null_usd_rows
    from {{ ref('genie_workspace_daily_costs') }}
    where {{ genie_analytics.window_predicate('usage_date', start) }}
    group by workspace_id, usage_date, billing_origin_product, sku_name
),

chargeback_daily as (
    select
        workspace_id,
        cast(usage_date as string) as day_key,
        sum(total_dbu) as chargeback_dbu,
        sum(null_usd_rows) as null_usd_rows
    from chargeback_groups
    group by workspace_id, cast(usage_date as string)
),

raw_sql_daily as (
    select
        workspace_id,
        cast(window_date as string) as day_key,
        sum(case when is_held then 0.0 else usage_dbu end) as raw_kept_dbu
    from raw_rows
    where
        is_sql_warehouse_usage
        and {{ genie_analytics.window_predicate('window_date', start) }}
    group by workspace_id, cast(window_date as string)
),

reconciliation_daily as (
    select
        workspace_id,
        cast(window_date as string) as day_key,
        sum(billed_dbu) as billed_dbu,
        sum(attributed_dbu + idle_dbu + unobservable_dbu) as lines_dbu
    from {{ ref('genie_cost_reconciliation') }}
    where {{ genie_analytics.window_predicate('window_date', start) }}
    group by workspace_id, cast(window_date as string)
),

all_products as (
    select
        'all_products' as check_name,
        coalesce(raw_daily.workspace_id, chargeback_daily.workspace_id) as workspace_id,
        coalesce(raw_daily.day_key, chargeback_daily.day_key) as day_key,
        coalesce(raw_daily.raw_dbu, 0.0) as expected_dbu,
        coalesce(chargeback_daily.chargeback_dbu, 0.0) + coalesce(raw_daily.held_dbu, 0.0) as actual_dbu,
        coalesce(chargeback_daily.null_usd_rows, 0) as problem_count
    from raw_daily
    full outer join chargeback_daily
        on
            raw_daily.workspace_id = chargeback_daily.workspace_id
            and raw_daily.day_key = chargeback_daily.day_key
),

sql_warehouses as (
    select
        'sql_warehouses' as check_name,
        coalesce(raw_sql_daily.workspace_id, reconciliation_daily.workspace_id) as workspace_id,
        coalesce(raw_sql_daily.day_key, reconciliation_daily.day_key) as day_key,
        coalesce(raw_sql_daily.raw_kept_dbu, 0.0) as expected_dbu,
        coalesce(reconciliation_daily.billed_dbu, 0.0) as actual_dbu,
        case
            when
                abs(coalesce(reconciliation_daily.billed_dbu, 0.0) - coalesce(reconciliation_daily.lines_dbu, 0.0))
                > 1e-9 * greatest(abs(coalesce(reconciliation_daily.billed_dbu, 0.0)), 1e-6)
                then 1
            else 0
        end as problem_count
    from raw_sql_daily
    full outer join reconciliation_daily
        on
            raw_sql_daily.workspace_id = reconciliation_daily.workspace_id
            and raw_sql_daily.day_key = reconciliation_daily.day_key
),

compared as (
    select * from all_products
    union all
    select * from sql_warehouses
),

failures as (
    select * from compared
    where
        abs(expected_dbu - actual_dbu) > 1e-9 * greatest(abs(expected_dbu), 1e-6)
        or problem_count > 0
)

select * from failures
