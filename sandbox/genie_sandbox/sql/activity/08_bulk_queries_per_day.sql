-- Writes temp table bulk_days.
create or replace temp table bulk_days as
with d as (
    select
        d,
        {start_ms} + d * 86400000::bigint as day_ms,
        case
            when d = {days} - 1 and {last_day_queries} >= 0 then {last_day_queries}
            else round({queries_per_day}
                * case when isodow(date '{start_date}' + d::integer) >= 6 then 0.3 else 1.0 end
                * (0.92 + 0.16 * u01({salt_bulk_day_volume}, d)))::bigint
        end as n,
    from range({days}) as r(d)
)
select *, sum(n) over (order by d rows unbounded preceding) - n as first_query_offset
from d
