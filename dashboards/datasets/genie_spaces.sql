-- Genie spaces in the period (conversations started in it, genie_conversation_metrics): messages,
-- conversations, users, feedback, failures, USD of the SQL Genie ran, per space and per conversation.
select
    cast(workspace_id as string) as workspace_id,
    -- Titles repeat across spaces and workspaces: the label carries the space id.
    case
        when max(space_title) is null then space_id
        else concat(max(space_title), ' · ', space_id)
    end as space,
    count(*) as conversation_count,
    sum(message_count) as message_count,
    count(distinct user_id) as user_count,
    sum(thumbs_up_count) as thumbs_up_count,
    sum(thumbs_down_count) as thumbs_down_count,
    sum(failed_message_count) as failed_message_count,
    sum(total_query_cost_usd) as cost_usd,
    sum(total_query_cost_usd) / count(*) as cost_per_conversation_usd
from genie_conversation_metrics
where
    (:workspace = 'all' or cast(workspace_id as string) = :workspace)
    and cast(first_message_at as date) between :date_range.min and :date_range.max
group by cast(workspace_id as string), space_id
