{#
    Busy time of each SQL warehouse: the union of its queries' [start_time, end_time)
    intervals, cut at UTC midnight, one row per maximal busy stretch (gaps and islands).
    Overlapping queries count once, so busy time can never exceed wall-clock time.

    Islands: in start order, a query opens a new stretch when it starts after every earlier
    query of that warehouse and day has ended (the running max of their ends). The SQL is the
    macro warehouse_busy_intervals, which genie_warehouse_utilization runs over its re-read
    window only.
#}
with

queries as (
    select * from {{ ref('genie_query_performance') }}
    where
        warehouse_id is not null
        and start_time is not null
        and end_time > start_time
),

final as (
    {{ genie_analytics.warehouse_busy_intervals('queries') }}
)

select * from final
