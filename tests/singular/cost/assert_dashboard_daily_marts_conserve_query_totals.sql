{#
    The pre-aggregated dashboard marts (genie_daily_fingerprint_performance,
    genie_query_source_daily_costs) keep every query and every attributed dollar of
    genie_query_performance: per workspace and day, query counts equal and USD within 1e-6.
    Returns, per daily mart, the days that differ (or that one side lacks).
#}
{#- Days checked: the retained window of genie_query_performance (its older days move to its
    archive, while these small daily marts keep them), and on incremental runs only
    the data tests' window, as a literal the engine prunes on. -#}
{%- set start = genie_analytics.later_date(genie_analytics.retained_from_date(),
    genie_analytics.data_tests_window_start(ref('genie_query_performance'), 'query_date')) %}
{%- set daily_marts = ['genie_daily_fingerprint_performance', 'genie_query_source_daily_costs'] %}
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

expected as (
    {#- every day of genie_query_performance, once for each daily mart that must hold it #}
    {%- for mart in daily_marts %}
        select
            '{{ mart }}' as mart_name,
            workspace_id,
            query_date,
            total_queries,
            total_cost_usd
        from queries
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

by_mart as (
    {%- for mart in daily_marts %}
        select
            '{{ mart }}' as mart_name,
            workspace_id,
            query_date,
            sum(total_queries) as total_queries,
            coalesce(sum(total_cost_usd), 0) as total_cost_usd
        from {{ ref(mart) }}
        where {{ genie_analytics.window_predicate('query_date', start) }}
        group by workspace_id, query_date
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

compared as (
    select
        coalesce(expected.mart_name, by_mart.mart_name) as mart_name,
        coalesce(expected.workspace_id, by_mart.workspace_id) as workspace_id,
        coalesce(expected.query_date, by_mart.query_date) as query_date,
        expected.total_queries as queries_in_query_mart,
        by_mart.total_queries as queries_in_daily_mart,
        expected.total_cost_usd as usd_in_query_mart,
        by_mart.total_cost_usd as usd_in_daily_mart
    from expected
    full outer join by_mart
        on
            expected.mart_name = by_mart.mart_name
            and expected.workspace_id = by_mart.workspace_id
            and expected.query_date = by_mart.query_date
)

select * from compared
where
    queries_in_query_mart is null
    or queries_in_daily_mart is null
    or queries_in_query_mart != queries_in_daily_mart
    or abs(usd_in_query_mart - usd_in_daily_mart) > 1e-6
