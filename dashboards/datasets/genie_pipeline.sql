-- Pipeline validation for the filter: messages the audit log says to fetch
-- (genie_messages_to_fetch, first event in the period) against those landed (genie_message_performance).
with to_fetch as (
    select
        f.workspace_id,
        f.message_id,
        case when m.message_id is not null then 1 else 0 end as is_landed
    from genie_messages_to_fetch as f
    left join genie_message_performance as m
        on f.workspace_id = m.workspace_id and f.message_id = m.message_id
    where
        (:workspace = 'all' or cast(f.workspace_id as string) = :workspace)
        and cast(f.first_event_at as date) between :date_range.min and :date_range.max
)

select 1 as stage_order, 'to fetch' as stage, count(*) as message_count from to_fetch
union all
select 2 as stage_order, 'landed' as stage, coalesce(sum(is_landed), 0) as message_count from to_fetch
union all
select 3 as stage_order, 'not landed' as stage, count(*) - coalesce(sum(is_landed), 0) as message_count from to_fetch
