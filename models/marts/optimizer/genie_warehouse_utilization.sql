{#
    One row per SQL warehouse and UTC day: on time (warehouse_events), busy time (union of
    query intervals), idle time and idle cost, peak concurrency, queueing, and a right-sizing
    and auto-stop recommendation with its saving. Method in _optimizer__docs.md.

    Incremental by whole days (grain workspace_id, warehouse_id, usage_date): every day from
    max(usage_date) - var('cost_lookback_days') is REPLACED (reread_days_strategy), so late
    queries, events and billing corrections inside the lookback replace their days, and a
    warehouse-day that no longer exists (an open warehouse's on-time up to the data horizon,
    until its STOPPED event arrives) is removed rather than kept by a MERGE.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('usage_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('genie_cost_reconciliation'), 'date_column': 'window_date'}, {'relation': ref('genie_query_performance'), 'date_column': 'query_date'}])
{%- endset -%}
{{ genie_analytics.incremental_by_day_config('usage_date', window_call) }}
{%- set from_date = genie_analytics.render_window_start(window_call) %}

with

on_intervals as (
    select * from {{ ref('int_warehouse_on_intervals') }}
    where {{ genie_analytics.window_predicate('usage_date', from_date) }}
),

queries as (
    select * from {{ ref('genie_query_performance') }}
    where
        warehouse_id is not null
        and {{ genie_analytics.window_predicate('end_time', from_date, data_type='timestamp') }}
        {#- For pruning on the date column: no statement runs longer than cost_max_query_days. #}
        and {{ genie_analytics.window_predicate('query_date', from_date, offset_days=-1 * var('cost_max_query_days')) }}
),

busy_intervals as (
    {#- int_warehouse_busy_intervals' SQL over this window's queries only (macro). -#}
    {{ genie_analytics.warehouse_busy_intervals('queries', from_date) }}
),

reconciliation as (
    {# Only warehouses observable from this region: billing of another region's warehouse
       (reconciliation_line warehouse_not_in_region) or without a warehouse_id is never idle
       and never a finding. #}
    select * from {{ ref('genie_cost_reconciliation') }}
    where
        reconciliation_line = 'warehouse_window'
        and {{ genie_analytics.window_predicate('window_date', from_date) }}
),

warehouses as (
    select * from {{ ref('stg_system__warehouses') }}
    where is_current
),

on_daily as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        sum(on_ms) as on_ms,
        count(*) as on_interval_count
    from on_intervals
    group by workspace_id, warehouse_id, usage_date
),

busy_daily as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        sum(busy_ms) as busy_ms,
        count(*) as busy_interval_count
    from busy_intervals
    group by workspace_id, warehouse_id, usage_date
),

query_daily as (
    select
        workspace_id,
        warehouse_id,
        query_date as usage_date,
        count(*) as query_count,
        sum(coalesce(waiting_at_capacity_duration_ms, 0)) as queued_at_capacity_ms,
        sum(coalesce(waiting_for_compute_duration_ms, 0)) as waiting_for_compute_ms,
        sum(case when coalesce(waiting_at_capacity_duration_ms, 0) > 0 then 1 else 0 end) as queued_query_count
    from queries
    where {{ genie_analytics.window_predicate('query_date', from_date) }}
    group by workspace_id, warehouse_id, query_date
),

concurrency_events as (
    {# +1 when a query starts, -1 when it ends; ends sort first at equal times. #}
    select
        workspace_id,
        warehouse_id,
        start_time as event_at,
        1 as delta,
        query_id
    from queries
    where start_time is not null and end_time > start_time
    union all
    select
        workspace_id,
        warehouse_id,
        end_time as event_at,
        -1 as delta,
        query_id
    from queries
    where start_time is not null and end_time > start_time
),

running_concurrency as (
    select
        workspace_id,
        warehouse_id,
        cast(event_at as date) as usage_date,
        sum(delta) over (
            partition by workspace_id, warehouse_id
            order by event_at, delta, query_id
            rows between unbounded preceding and current row
        ) as running_queries
    from concurrency_events
),

concurrency_daily as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        max(running_queries) as peak_concurrency
    from running_concurrency
    group by workspace_id, warehouse_id, usage_date
),

cost_daily as (
    select
        workspace_id,
        warehouse_id,
        window_date as usage_date,
        sum(billed_usd) as billed_usd,
        sum(idle_usd) as idle_usd,
        sum(billed_dbu) as billed_dbu,
        sum(idle_dbu) as idle_dbu
    from reconciliation
    group by workspace_id, warehouse_id, window_date
),

day_keys as (
    select
        workspace_id,
        warehouse_id,
        usage_date
    from on_daily
    union
    select
        workspace_id,
        warehouse_id,
        usage_date
    from busy_daily
    union
    select
        workspace_id,
        warehouse_id,
        usage_date
    from cost_daily
),

joined as (
    select
        day_keys.workspace_id,
        day_keys.warehouse_id,
        day_keys.usage_date,
        warehouses.warehouse_name,
        warehouses.warehouse_type,
        warehouses.warehouse_size,
        warehouses.min_clusters,
        warehouses.max_clusters,
        warehouses.auto_stop_minutes,
        {#- A warehouse running a query is on, whatever its (possibly late) events say: on-time
            is at least busy time, a lower bound of the union of the event and busy intervals
            (e.g. a STARTING event not yet delivered while its queries already are). -#}
        greatest(coalesce(on_daily.on_ms, 0), coalesce(busy_daily.busy_ms, 0)) as on_ms,
        coalesce(busy_daily.busy_ms, 0) as busy_ms,
        coalesce(on_daily.on_interval_count, 0) as start_count,
        coalesce(query_daily.query_count, 0) as query_count,
        coalesce(concurrency_daily.peak_concurrency, 0) as peak_concurrency,
        coalesce(query_daily.queued_query_count, 0) as queued_query_count,
        coalesce(query_daily.queued_at_capacity_ms, 0) as queued_at_capacity_ms,
        coalesce(query_daily.waiting_for_compute_ms, 0) as waiting_for_compute_ms,
        coalesce(cost_daily.billed_usd, 0.0) as billed_usd,
        coalesce(cost_daily.idle_usd, 0.0) as idle_usd,
        coalesce(cost_daily.billed_dbu, 0.0) as billed_dbu,
        coalesce(cost_daily.idle_dbu, 0.0) as idle_dbu
    from day_keys
    left join on_daily
        on
            day_keys.workspace_id = on_daily.workspace_id
            and day_keys.warehouse_id = on_daily.warehouse_id
            and day_keys.usage_date = on_daily.usage_date
    left join busy_daily
        on
            day_keys.workspace_id = busy_daily.workspace_id
            and day_keys.warehouse_id = busy_daily.warehouse_id
            and day_keys.usage_date = busy_daily.usage_date
    left join query_daily
        on
            day_keys.workspace_id = query_daily.workspace_id
            and day_keys.warehouse_id = query_daily.warehouse_id
            and day_keys.usage_date = query_daily.usage_date
    left join concurrency_daily
        on
            day_keys.workspace_id = concurrency_daily.workspace_id
            and day_keys.warehouse_id = concurrency_daily.warehouse_id
            and day_keys.usage_date = concurrency_daily.usage_date
    left join cost_daily
        on
            day_keys.workspace_id = cost_daily.workspace_id
            and day_keys.warehouse_id = cost_daily.warehouse_id
            and day_keys.usage_date = cost_daily.usage_date
    left join warehouses
        on
            day_keys.workspace_id = warehouses.workspace_id
            and day_keys.warehouse_id = warehouses.warehouse_id
),

recommended as (
    select
        *,
        greatest(on_ms - busy_ms, 0) as idle_ms,
        case when on_ms > 0 then cast(least(busy_ms, on_ms) as double) / on_ms end as busy_fraction,
        case
            when auto_stop_minutes > {{ var('optimizer_max_auto_stop_minutes') }}
                then {{ var('optimizer_recommended_auto_stop_minutes') }}
            else auto_stop_minutes
        end as recommended_auto_stop_minutes,
        case
            when
                busy_ms > 0
                and cast(queued_at_capacity_ms as double) / busy_ms >= {{ var('optimizer_scale_out_min_queue_fraction') }}
                then 'SCALE_OUT'
            when
                on_ms > 0
                and cast(busy_ms as double) / on_ms <= {{ var('optimizer_downsize_max_busy_fraction') }}
                and peak_concurrency <= 1
                and queued_at_capacity_ms = 0
                and warehouse_size is not null
                and warehouse_size != '2X_SMALL'
                then 'DOWNSIZE'
            else 'KEEP'
        end as size_recommendation
    from joined
),

final as (
    select
        workspace_id,
        warehouse_id,
        usage_date,
        warehouse_name,
        warehouse_type,
        warehouse_size,
        min_clusters,
        max_clusters,
        auto_stop_minutes,
        on_ms,
        busy_ms,
        idle_ms,
        busy_fraction,
        start_count,
        query_count,
        peak_concurrency,
        queued_query_count,
        queued_at_capacity_ms,
        waiting_for_compute_ms,
        billed_dbu,
        idle_dbu,
        billed_usd,
        idle_usd,
        size_recommendation,
        recommended_auto_stop_minutes,
        {# Shortening auto-stop from A to R minutes removes (A - R) / A of each idle tail. #}
        case
            when auto_stop_minutes > recommended_auto_stop_minutes
                then idle_usd * (auto_stop_minutes - recommended_auto_stop_minutes) / auto_stop_minutes
            else 0.0
        end as auto_stop_saving_usd,
        case
            when size_recommendation = 'DOWNSIZE'
                then greatest(billed_usd - idle_usd, 0.0) * {{ var('optimizer_downsize_saving_fraction') }}
            else 0.0
        end as right_size_saving_usd,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from recommended
)

select
    *,
    auto_stop_saving_usd + right_size_saving_usd as estimated_savings_usd
from final
