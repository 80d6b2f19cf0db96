{#
    Issue 14's pre-aggregated dashboard marts (genie_daily_fingerprint_performance,
    genie_query_source_daily_costs) keep every query and every attributed dollar of
    genie_query_performance: per workspace and day, query counts equal and USD within 1e-6.
    Returns the days that differ.
#}
{#- Days checked: the retained window of genie_query_performance (its older days move to its
    archive, issue 16, while these small daily marts keep them), and on incremental runs only
    the data tests' window, as a literal the engine prunes on (issue 13). -#}
{%- set start = genie_analytics.later_date(genie_analytics.retained_from_date(),
    genie_analytics.data_tests_window_start(ref('genie_query_performance'), 'query_date')) %}
with

queries as (
    select
        workspace_id,
        query_date,
        count(*) as total_queries,
        coalesce(sum(estimated_cost_usd), 0) as total_cost_usd
    from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', start) }}
    group by workspace_id, query_date
),

by_fingerprint as (
    select
        workspace_id,
        query_date,
        sum(total_queries) as total_queries,
        coalesce(sum(total_cost_usd), 0) as total_cost_usd
    from {{ ref('genie_daily_fingerprint_performance') }}
    where {{ genie_analytics.window_predicate('query_date', start) }}
    group by workspace_id, query_date
),

by_source as (
    select
        workspace_id,
        query_date,
        sum(total_queries) as total_queries,
        coalesce(sum(total_cost_usd), 0) as total_cost_usd
    from {{ ref('genie_query_source_daily_costs') }}
    where {{ genie_analytics.window_predicate('query_date', start) }}
    group by workspace_id, query_date
),

compared as (
    select
        coalesce(queries.workspace_id, by_fingerprint.workspace_id, by_source.workspace_id)
            as workspace_id,
        coalesce(queries.query_date, by_fingerprint.query_date, by_source.query_date)
            as query_date,
        queries.total_queries as queries_in_query_mart,
        by_fingerprint.total_queries as queries_by_fingerprint,
        by_source.total_queries as queries_by_source,
        queries.total_cost_usd as usd_in_query_mart,
        by_fingerprint.total_cost_usd as usd_by_fingerprint,
        by_source.total_cost_usd as usd_by_source
    from queries
    full outer join by_fingerprint
        on
            queries.workspace_id = by_fingerprint.workspace_id
            and queries.query_date = by_fingerprint.query_date
    full outer join by_source
        on
            coalesce(queries.workspace_id, by_fingerprint.workspace_id) = by_source.workspace_id
            and coalesce(queries.query_date, by_fingerprint.query_date) = by_source.query_date
)

select * from compared
where
    queries_in_query_mart is null
    or queries_by_fingerprint is null
    or queries_by_source is null
    or queries_in_query_mart != queries_by_fingerprint
    or queries_in_query_mart != queries_by_source
    or abs(usd_in_query_mart - usd_by_fingerprint) > 1e-6
    or abs(usd_in_query_mart - usd_by_source) > 1e-6
