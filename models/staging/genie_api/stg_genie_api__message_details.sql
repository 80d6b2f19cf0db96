with

source as (
    select * from {{ source('genie_api', 'message_details') }}
),

renamed as (
    select
        -- ids
        workspace_id,
        message_id,
        space_id,
        conversation_id,
        statement_id,
        user_id,
        ingestion_batch_id,

        -- strings
        workspace_name,
        content as question,
        status as message_status,
        query_sql,
        query_description,
        attachments_json,
        feedback_rating,
        error_type as message_error_type,
        error_message as message_error_message,
        {# rows landed before fetch_state existed were terminal by construction #}
        coalesce(fetch_state, 'TERMINAL') as fetch_state,
        message_json,
        api_fetch_status,
        api_fetch_error,

        -- numerics
        attachments_count,
        created_timestamp as created_epoch_ms,
        updated_timestamp as updated_epoch_ms,

        -- dates
        created_date,

        -- timestamps
        {{ genie_analytics.epoch_ms_to_timestamp('created_timestamp') }} as message_created_at,
        {{ genie_analytics.epoch_ms_to_timestamp('updated_timestamp') }} as message_updated_at,
        api_fetch_timestamp as api_fetched_at,
        ingestion_timestamp as ingested_at,
        _loaded_at
    from source
)

select * from renamed
