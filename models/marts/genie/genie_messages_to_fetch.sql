{#
    Silver: one row per (workspace_id, message_id) seen in bronze, with where to fetch it. This is
    what `genie-ingest messages` reads (its columns are that command's input contract); it skips messages already in
    message_details itself. It covers everything bronze holds, not only the last window, so a
    message the ingestion could not land in one run is offered again in the next.

    space_id / conversation_id: a message belongs to one conversation in one space; if audit
    events ever disagree, the value of the earliest event wins (the singular test
    genie_message_ids_consistent reports such messages).
#}

with

events as (
    select * from {{ ref('genie_audit_message_events') }}
),

workspaces as (
    select * from {{ ref('stg_system__workspaces') }}
),

ranked as (
    select
        workspace_id,
        message_id,
        space_id,
        conversation_id,
        event_time,
        row_number() over (
            partition by workspace_id, message_id
            order by event_time asc, event_id asc
        ) as event_rank
    from events
),

per_message as (
    select
        workspace_id,
        message_id,
        min(event_time) as first_event_at,
        max(event_time) as last_event_at,
        count(*) as event_count
    from ranked
    group by workspace_id, message_id
),

first_ids as (
    select
        workspace_id,
        message_id,
        space_id,
        conversation_id
    from ranked
    where event_rank = 1
),

final as (
    select
        per_message.workspace_id,
        per_message.message_id,
        first_ids.space_id,
        first_ids.conversation_id,
        per_message.first_event_at,
        per_message.last_event_at,
        cast(per_message.event_count as bigint) as event_count,
        workspaces.workspace_name,
        workspaces.workspace_url
    from per_message
    inner join first_ids
        on
            per_message.workspace_id = first_ids.workspace_id
            and per_message.message_id = first_ids.message_id
    left join workspaces
        on per_message.workspace_id = workspaces.workspace_id
)

select * from final
