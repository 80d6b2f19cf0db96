with

source as (
    select * from {{ source('compute', 'warehouse_events') }}
),

renamed as (
    select
        -- ids
        workspace_id,
        warehouse_id,
        account_id,

        -- strings
        event_type,

        -- numerics
        cluster_count,

        -- dates
        cast(event_time as date) as event_date,

        -- timestamps
        event_time as event_at
    from source
)

select * from renamed
