{#
    Every deduplicated query of query.history has exactly one row in genie_cost_attribution and
    in genie_query_performance, and neither holds a query that is not in query.history (whatever
    its compute, status or cost state). Rows returned = queries missing or extra.
#}
{#- Days checked: the retained window (backfill_start_date or the retention start, the later:
    the cost marts hold no older day, macros/governance/retention.sql), and on
    incremental runs only the data tests'
    window (data_tests_window_start: everything on --full-refresh or with
    var data_tests_lookback_days null), as a literal the engine prunes on. -#}
{%- set start = genie_analytics.later_date(genie_analytics.retained_from_date(),
    genie_analytics.data_tests_window_start(ref('genie_cost_attribution'), 'cost_date')) %}

with

queries as (
    select
        workspace_id,
        statement_id
    from {{ ref('stg_system__query_history') }}
    where {{ genie_analytics.window_predicate('query_date', start) }}
),

costs as (
    select
        workspace_id,
        query_id as statement_id
    from {{ ref('genie_cost_attribution') }}
    where {{ genie_analytics.window_predicate('cost_date', start) }}
),

performance as (
    select
        workspace_id,
        query_id as statement_id
    from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', start) }}
),

missing_in_costs as (
    select
        queries.workspace_id,
        queries.statement_id,
        'missing in genie_cost_attribution' as problem
    from queries
    left join costs
        on queries.workspace_id = costs.workspace_id and queries.statement_id = costs.statement_id
    where costs.statement_id is null
),

missing_in_performance as (
    select
        queries.workspace_id,
        queries.statement_id,
        'missing in genie_query_performance' as problem
    from queries
    left join performance
        on queries.workspace_id = performance.workspace_id and queries.statement_id = performance.statement_id
    where performance.statement_id is null
),

extra_in_costs as (
    select
        costs.workspace_id,
        costs.statement_id,
        'not in query.history (genie_cost_attribution)' as problem
    from costs
    left join queries
        on costs.workspace_id = queries.workspace_id and costs.statement_id = queries.statement_id
    where queries.statement_id is null
),

extra_in_performance as (
    select
        performance.workspace_id,
        performance.statement_id,
        'not in query.history (genie_query_performance)' as problem
    from performance
    left join queries
        on performance.workspace_id = queries.workspace_id and performance.statement_id = queries.statement_id
    where queries.statement_id is null
)

select * from missing_in_costs
union all
select * from missing_in_performance
union all
select * from extra_in_costs
union all
select * from extra_in_performance
