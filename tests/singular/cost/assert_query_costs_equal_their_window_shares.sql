{#
    A query whose cost is final costs exactly the sum of its window shares (to 1e-9 relative),
    and every allocated query is in genie_cost_attribution: attributed DBUs do not leak between
    the allocation and the per-query mart. Rows returned = queries that differ.
    Over the retained window only: older queries' costs are in the archive. On
    incremental runs only the data tests' window (data_tests_window_start, literals the engine
    prunes on; the allocation pruned on its window_date too); everything on
    --full-refresh or with var data_tests_lookback_days null.
#}
{%- set start = genie_analytics.later_date(genie_analytics.retained_from_date(),
    genie_analytics.data_tests_window_start(ref('genie_cost_attribution'), 'cost_date')) %}
{#- The allocation is laid out by window_date: the queries started on or after `start` sit in
    windows ending after that day's midnight, the earliest of which is read from the small
    netted-windows table (first_window_date_ending_after, as genie_cost_attribution does), so
    the allocation's days prune too, not only its query_date. -#}
{%- set allocation_windows_from = genie_analytics.first_window_date_ending_after(ref('int_billing_windows_netted'), start) %}
with

shares as (
    select
        workspace_id,
        statement_id,
        sum(attributed_dbu) as attributed_dbu
    from {{ ref('int_queries_allocated_to_billing_windows') }}
    where
        {{ genie_analytics.window_predicate('query_date', start) }}
        and {{ genie_analytics.window_predicate('window_date', allocation_windows_from) }}
    group by workspace_id, statement_id
),

costs as (
    select * from {{ ref('genie_cost_attribution') }}
    where {{ genie_analytics.window_predicate('cost_date', start) }}
),

failures as (
    select
        shares.workspace_id,
        shares.statement_id,
        shares.attributed_dbu,
        costs.compute_cost_dbu,
        costs.cost_status
    from shares
    left join costs
        on shares.workspace_id = costs.workspace_id and shares.statement_id = costs.query_id
    where
        costs.query_id is null
        or (
            costs.cost_status = 'attributed'
            and abs(costs.compute_cost_dbu - shares.attributed_dbu) > 1e-9 * greatest(abs(shares.attributed_dbu), 1e-6)
        )
)

select * from failures
