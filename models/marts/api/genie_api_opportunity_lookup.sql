{#
    The optimiser's QUERY findings keyed by the query shape, for the two readers that look them up
    one statement at a time: the dashboard's query deep dive (dashboards/datasets/dive_findings.sql)
    and GET /api/v1/query-performance/{query_id}. genie_optimization_opportunities is laid out in
    the optimiser's order, so finding one fingerprint there reads the whole mart (bench/NOTES.md).
    Here the rows of QUERY rules (query_id is not null;
    WAREHOUSE rules have no fingerprint or statement) are stored sorted by lookup_key (the
    fingerprint, or the example statement's id for statements without text to fingerprint), so a
    reader joins on one key: on DuckDB the join's key filter is pushed into the scan and min/max
    statistics skip the other row groups; on Databricks liquid clustering on lookup_key gives the
    same file skipping. (One key, not "fingerprint = x or query_id = y": an OR in a join is a
    nested loop over the whole table.) No index on DuckDB: an indexed table swapped in beside other models failed DuckDB
    2.0 builds ("__dbt_backup does not exist", bench/run.py REST_BUILD); the sort is enough.
    Same rows and values as genie_optimization_opportunities (singular test
    assert_opportunity_lookup_equals_query_opportunities).
#}
{#- Tagged daily like genie_optimization_opportunities, which it copies: the daily job rebuilds
    it right after the mart (the hourly job excludes tag:daily). #}
{{ config(liquid_clustered_by=['lookup_key'], tags=['daily']) }}

with

opportunities as (
    select * from {{ ref('genie_optimization_opportunities') }}
),

final as (
    select
        coalesce(query_fingerprint, 'statement:' || query_id) as lookup_key,
        query_fingerprint,
        workspace_id,
        optimization_type,
        query_id,
        priority,
        status,
        description,
        recommended_fix,
        evidence,
        executions,
        estimated_savings_usd,
        estimated_savings_dbu
    from opportunities
    where query_id is not null
)

select * from final
order by lookup_key, workspace_id, optimization_type
