{#
    Gold: adoption and feedback per Genie space, from the audit events in bronze (so it covers
    every space that had message activity, whether or not the API ingestion ran).

    Feedback counts are per message, using each message's LATEST rating event: a user who
    switches a thumbs down to up counts once, as up; NONE (a cleared rating) counts as neither.
#}

with

events as (
    select * from {{ ref('genie_audit_message_events') }}
),

spaces as (
    select * from {{ ref('stg_genie_api__space_details') }}
),

workspaces as (
    select * from {{ ref('stg_system__workspaces') }}
),

feedback_ranked as (
    select
        workspace_id,
        space_id,
        message_id,
        feedback_rating,
        row_number() over (
            partition by workspace_id, message_id
            order by event_time desc, event_id desc
        ) as feedback_rank
    from events
    where
        action_name in ('updateConversationMessageFeedback', 'genieSendMessageFeedback')
        and feedback_rating is not null
),

latest_feedback as (
    select
        workspace_id,
        space_id,
        sum(case when feedback_rating = 'POSITIVE' then 1 else 0 end) as thumbs_up_count,
        sum(case when feedback_rating = 'NEGATIVE' then 1 else 0 end) as thumbs_down_count
    from feedback_ranked
    where feedback_rank = 1
    group by workspace_id, space_id
),

activity as (
    select
        workspace_id,
        space_id,
        count(distinct conversation_id) as conversation_count,
        count(distinct message_id) as message_count,
        count(distinct user_email) as user_count,
        count(*) as event_count,
        sum(
            case when action_name = 'createConversationMessageComment' then 1 else 0 end
        ) as review_request_count,
        min(event_time) as first_event_at,
        max(event_time) as last_event_at
    from events
    group by workspace_id, space_id
),

final as (
    select
        -- ids
        activity.workspace_id,
        activity.space_id,

        -- strings
        workspaces.workspace_name,
        spaces.space_title,

        -- numerics
        cast(activity.conversation_count as bigint) as conversation_count,
        cast(activity.message_count as bigint) as message_count,
        cast(activity.user_count as bigint) as user_count,
        cast(activity.event_count as bigint) as event_count,
        cast(coalesce(latest_feedback.thumbs_up_count, 0) as bigint) as thumbs_up_count,
        cast(coalesce(latest_feedback.thumbs_down_count, 0) as bigint) as thumbs_down_count,
        cast(activity.review_request_count as bigint) as review_request_count,

        -- timestamps
        activity.first_event_at,
        activity.last_event_at
    from activity
    left join latest_feedback
        on
            activity.workspace_id = latest_feedback.workspace_id
            and activity.space_id = latest_feedback.space_id
    left join spaces
        on
            activity.workspace_id = spaces.workspace_id
            and activity.space_id = spaces.space_id
    left join workspaces
        on activity.workspace_id = workspaces.workspace_id
)

select * from final
