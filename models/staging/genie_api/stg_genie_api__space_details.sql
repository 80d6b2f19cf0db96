with

source as (
    select * from {{ source('genie_api', 'genie_space_details') }}
),

renamed as (
    select
        -- ids
        workspace_id,
        space_id,
        warehouse_id,

        -- strings
        title as space_title,
        description as space_description,
        parent_path,
        etag,
        serialized_space,

        -- timestamps
        create_time as space_created_at,
        update_time as space_updated_at,
        api_fetch_timestamp as api_fetched_at,
        _loaded_at
    from source
)

select * from renamed
