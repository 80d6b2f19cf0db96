{#
    One row per (workspace_id, message_id, statement_id): every statement a landed Genie message
    ran, as the Genie API lists them: the statement_id of each query attachment (a message that
    Genie corrected holds several) and the legacy query_result.statement_id (message_details),
    distinct. The one place that says which statements belong to a message:
    int_genie_message_statements adds their query-history and cost columns,
    genie_message_performance counts them (a statement query history does not hold yet counts,
    with no cost).
#}

with

messages as (
    select * from {{ ref('stg_genie_api__message_details') }}
),

attachments as (
    select * from {{ ref('stg_genie_api__message_attachments') }}
),

final as (
    select
        workspace_id,
        message_id,
        statement_id
    from attachments
    where attachment_kind = 'query' and statement_id is not null
    union
    select
        workspace_id,
        message_id,
        statement_id
    from messages
    where statement_id is not null
)

select * from final
