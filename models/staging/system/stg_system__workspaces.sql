with

source as (
    select * from {{ source('access', 'workspaces_latest') }}
),

renamed as (
    select
        -- ids
        workspace_id,
        account_id,

        -- strings
        workspace_name,
        workspace_url,
        status as workspace_status,

        -- timestamps
        create_time as created_at
    from source
)

select * from renamed
