{#
    genie_api_opportunity_lookup holds exactly the QUERY-rule rows of
    genie_optimization_opportunities (query_id not null) with the same values: the deep dive and
    the API read the lookup, the Optimisation page the mart, and they must agree. Returns every
    row that is in one and not the other (compared on every column of the lookup).
#}
{%- set columns = [
    'query_fingerprint', 'workspace_id', 'optimization_type', 'query_id', 'priority', 'status',
    'description', 'recommended_fix', 'evidence', 'executions', 'estimated_savings_usd',
    'estimated_savings_dbu',
] %}

with

expected as (
    select {{ columns | join(', ') }}
    from {{ ref('genie_optimization_opportunities') }}
    where query_id is not null
),

actual as (
    select {{ columns | join(', ') }}
    from {{ ref('genie_api_opportunity_lookup') }}
),

missing as (
    select
        'missing from the lookup' as problem,
        {{ columns | join(', ') }}
    from (
        select {{ columns | join(', ') }} from expected
        except
        select {{ columns | join(', ') }} from actual
    ) as m
),

extra as (
    select
        'not in the opportunities mart' as problem,
        {{ columns | join(', ') }}
    from (
        select {{ columns | join(', ') }} from actual
        except
        select {{ columns | join(', ') }} from expected
    ) as e
)

select problem, {{ columns | join(', ') }} from missing
union all
select problem, {{ columns | join(', ') }} from extra
