with

source as (
    select * from {{ source('genie_api', 'message_attachments') }}
),

renamed as (
    select
        -- ids
        workspace_id,
        message_id,
        space_id,
        conversation_id,
        attachment_id,
        statement_id,
        ingestion_batch_id,

        -- strings
        attachment_kind,
        query_sql,
        query_title,
        query_description,
        text_content,
        attachment_json,

        -- numerics
        attachment_index,

        -- timestamps
        api_fetch_timestamp as api_fetched_at,
        _loaded_at
    from source
)

select * from renamed
