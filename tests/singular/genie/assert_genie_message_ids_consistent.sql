{#
    A Genie message lives in one conversation of one space. Audit events of one
    (workspace_id, message_id) that name different space or conversation ids mean the id
    coalescing read the wrong field somewhere; silver then keeps the earliest event's ids.
    Warn rather than fail: the data is still usable, but someone should look.
#}
{{ config(severity='warn') }}

with

events as (
    select * from {{ ref('genie_audit_message_events') }}
),

final as (
    select
        workspace_id,
        message_id,
        count(distinct space_id) as space_id_count,
        count(distinct conversation_id) as conversation_id_count
    from events
    group by workspace_id, message_id
    having count(distinct space_id) > 1 or count(distinct conversation_id) > 1
)

select * from final
