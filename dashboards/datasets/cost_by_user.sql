-- USD and DBUs attributed to queries (cost-final ones) per user (executed_by), from
-- genie_daily_performance; queries without a user are the visible line '(none)'. The 20 users
-- with the most USD, and the rest summed as one line '(other users)', so the chart is readable
-- and its bars still add up to the period's total.
with per_user as (
    select
        coalesce(user_id, '(none)') as executed_by,
        sum(total_queries) as query_count,
        sum(total_cost_usd) as cost_usd,
        sum(total_cost_dbu) as cost_dbu
    from genie_daily_performance
    where
        (:workspace = 'all' or cast(workspace_id as string) = :workspace)
        and query_date between :date_range.min and :date_range.max
    group by coalesce(user_id, '(none)')
),

ranked as (
    select
        *,
        row_number() over (order by cost_usd desc nulls last, executed_by) as cost_rank
    from per_user
)

select
    case when cost_rank <= 20 then executed_by else '(other users)' end as executed_by,
    sum(query_count) as query_count,
    sum(cost_usd) as cost_usd,
    sum(cost_dbu) as cost_dbu
from ranked
group by case when cost_rank <= 20 then executed_by else '(other users)' end
