with

source as (
    select * from {{ source('compute', 'warehouse_events') }}
),

classified as (
    {# Same-row deliveries collapse; null keys and conflicting versions go to stg_system__rows_quarantined. #}
    {{ genie_analytics.classify_system_rows('source', ['workspace_id', 'warehouse_id', 'event_time', 'event_type'], required_columns=[]) }}
),

deduplicated as (
    select * from classified
    where _quarantine_reason is null
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
    from deduplicated
)

select * from renamed
