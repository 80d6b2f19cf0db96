with

source as (
    select * from {{ source('genie_api', 'message_fetch_errors') }}
),

renamed as (
    select
        -- ids
        workspace_id,
        message_id,
        space_id,
        conversation_id,
        ingestion_batch_id,

        -- strings
        error_type,
        error_message,
        raw_response,

        -- numerics
        http_status,
        retry_count,

        -- booleans
        coalesce(resolved, false) as is_resolved,

        -- timestamps
        error_timestamp as errored_at,
        resolved_at,
        _loaded_at
    from source
)

select * from renamed
