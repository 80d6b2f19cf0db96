{#
    Steps 2-4 of the attribution, at the grain (query, billing window): every deduplicated query
    of a SQL warehouse x every netted billing window of the same workspace and warehouse it
    overlaps, with its share of the window's DBUs and USD. Method in the model docs.

    Incremental: re-computes whole window_date days from the earlier of max(window_date) -
    var('cost_lookback_days') and the first window_date whose billing changed since the last
    run (a RETRACTION/RESTATEMENT ingested later than the lookback: int_billing_windows_netted
    rows with last_ingestion_date >= this model's max(last_ingestion_date); the same rule as
    genie_cost_reconciliation, so the two agree).
    A window's shares depend on every query overlapping it, including queries that started the
    day(s) before, so the queries read are those still running at the start of the first
    re-computed day (ended_at >= from_date), not those that started on it; for pruning, only
    queries that started at most var('cost_max_query_days') days before it (Databricks'
    statement timeout is 2 days). Those days are REPLACED, not merged (reread_days_strategy):
    a (query, window) pair that no longer exists after a billing restatement is removed.
#}
{%- set window_call -%}
    genie_analytics.incremental_window_start('window_date', lookback_days=var('cost_lookback_days'), upstream=[{'relation': ref('int_billing_windows_netted'), 'date_column': 'window_date', 'changed_column': 'last_ingestion_date', 'changed_type': 'date', 'op': '>='}])
{%- endset -%}
{#- The run log (macros/incremental/incremental_run_log.sql) keeps the first query_date this run
    wrote (secondary_date_column: the day genie_cost_attribution, laid out by query/cost date,
    re-reads from) and the latest last_ingestion_date of the windows it wrote (marker_column:
    the billing changes already read), so neither needs a scan of this table next run. -#}
{{ genie_analytics.incremental_by_day_config('window_date', window_call, secondary_date_column='query_date', marker_column='last_ingestion_date') }}
{%- set from_date = genie_analytics.render_window_start(window_call) -%}
{#- A full build has no lower bound: a floor date keeps the predicates (and the SQL's shape) the same. -#}
{%- set queries_from = from_date if from_date is not none else '1900-01-01' -%}
{%- set weight_column = var('cost_attribution_weight') -%}
{%- if weight_column not in ('total_task_duration_ms', 'execution_duration_ms') -%}
    {{ exceptions.raise_compiler_error("var cost_attribution_weight must be total_task_duration_ms or execution_duration_ms, got " ~ weight_column) }}
{%- endif %}

with

billing_windows as (
    {# Only windows observable from this region with a warehouse_id; the other lines
       (no_warehouse_id, warehouse_not_in_region) have no queries to share them. #}
    select * from {{ ref('int_billing_windows_netted') }}
    where
        reconciliation_line = 'warehouse_window'
        and {{ genie_analytics.window_predicate('window_date', from_date) }}
),

queries as (
    select * from {{ ref('stg_system__query_history') }}
    where
        warehouse_id is not null
        {# Still running (no end yet): its task time is unknown, it is allocated once it ends. #}
        and ended_at is not null
        and {{ genie_analytics.window_predicate('ended_at', queries_from, data_type='timestamp') }}
        and {{ genie_analytics.window_predicate('query_date', queries_from, offset_days=-1 * var('cost_max_query_days')) }}
),

query_spans as (
    {# Bad values are bounded or excluded from the weights, see
       statement_weight_exclusion_reason: the span is cut at the 2-day statement timeout
       (a far-future end_time cannot absorb windows nor explode into hours), a negative span
       is zero-length, and a statement whose weight is negative or impossible gets weight 0:
       it stays in its windows with no share, the others split the window. #}
    select
        workspace_id,
        warehouse_id,
        statement_id,
        query_date,
        started_at,
        {{ genie_analytics.statement_ended_at_bounded('started_at', 'ended_at') }} as ended_at,
        {{ genie_analytics.statement_weight_exclusion_reason('started_at', 'ended_at', weight_column) }} as weight_exclusion_reason,
        case
            when {{ genie_analytics.statement_weight_exclusion_reason('started_at', 'ended_at', weight_column) }} is not null then 0.0
            else cast(coalesce({{ weight_column }}, 0) as double)
        end as weight_basis_ms
    from queries
),

query_hours as (
    select
        *,
        {{ dbt.date_trunc('hour', 'started_at') }} as first_hour_at,
        {{ genie_analytics.explode_array(genie_analytics.hour_buckets(
            dbt.date_trunc('hour', 'started_at'), dbt.date_trunc('hour', 'ended_at'))) }} as hour_at
    from query_spans
),

window_hours as (
    select
        *,
        {{ dbt.date_trunc('hour', 'window_start_at') }} as first_hour_at,
        {{ genie_analytics.explode_array(genie_analytics.hour_buckets(
            dbt.date_trunc('hour', 'window_start_at'), dbt.date_trunc('hour', 'window_end_at'))) }} as hour_at
    from billing_windows
),

overlapping as (
    {# Equality on (workspace, warehouse, clock hour) finds candidates cheaply; a pair meets in
       every hour both span, so only the first common hour (the later of the two first hours)
       is kept; then the exact half-open overlap test. A zero-length query belongs to the
       window that contains its start. #}
    select
        query_hours.workspace_id,
        query_hours.warehouse_id,
        query_hours.statement_id,
        query_hours.query_date,
        query_hours.started_at,
        query_hours.ended_at,
        query_hours.weight_basis_ms,
        query_hours.weight_exclusion_reason,
        window_hours.sku_name,
        window_hours.window_start_at,
        window_hours.window_end_at,
        window_hours.window_date,
        window_hours.billed_dbu,
        window_hours.billed_usd,
        window_hours.list_price_usd,
        window_hours.last_ingestion_date,
        {{ genie_analytics.epoch_microseconds('query_hours.ended_at') }}
        - {{ genie_analytics.epoch_microseconds('query_hours.started_at') }} as query_duration_us,
        {{ genie_analytics.epoch_microseconds(
            'case when query_hours.ended_at < window_hours.window_end_at then query_hours.ended_at else window_hours.window_end_at end') }}
        - {{ genie_analytics.epoch_microseconds(
            'case when query_hours.started_at > window_hours.window_start_at then query_hours.started_at else window_hours.window_start_at end') }}
            as overlap_us
    from query_hours
    inner join window_hours
        on
            query_hours.workspace_id = window_hours.workspace_id
            and query_hours.warehouse_id = window_hours.warehouse_id
            and query_hours.hour_at = window_hours.hour_at
    where
        query_hours.hour_at = greatest(query_hours.first_hour_at, window_hours.first_hour_at)
        and query_hours.started_at < window_hours.window_end_at
        and (
            query_hours.ended_at > window_hours.window_start_at
            or (query_hours.ended_at = query_hours.started_at and query_hours.started_at >= window_hours.window_start_at)
        )
),

weighted as (
    select
        *,
        case
            when query_duration_us = 0 then 1.0
            else cast(overlap_us as double) / cast(query_duration_us as double)
        end as overlap_fraction
    from overlapping
),

shared as (
    select
        *,
        weight_basis_ms * overlap_fraction as weight_ms,
        sum(weight_basis_ms * overlap_fraction) over (
            partition by workspace_id, warehouse_id, sku_name, window_start_at, window_end_at
        ) as window_weight_ms,
        count(*) over (
            partition by workspace_id, warehouse_id, sku_name, window_start_at, window_end_at
        ) as window_query_count
    from weighted
),

final as (
    select
        workspace_id,
        warehouse_id,
        sku_name,
        window_start_at,
        window_end_at,
        window_date,
        statement_id,
        query_date,
        started_at,
        ended_at,
        cast(overlap_us as bigint) as overlap_us,
        overlap_fraction,
        weight_ms,
        weight_exclusion_reason,
        window_weight_ms,
        window_query_count,
        billed_dbu,
        billed_usd,
        list_price_usd,
        last_ingestion_date,
        case when window_weight_ms > 0 then weight_ms / window_weight_ms else 0.0 end as window_share,
        case
            when window_weight_ms > 0 then cast(billed_dbu as double) * weight_ms / window_weight_ms
            else 0.0
        end as attributed_dbu,
        case
            when window_weight_ms > 0 then billed_usd * weight_ms / window_weight_ms
            else 0.0
        end as attributed_usd,
        {{ genie_analytics.cost_refreshed_at() }} as _refreshed_at
    from shared
)

select * from final
