with

source as (
    select * from {{ source('access', 'workspaces_latest') }}
),

classified as (
    {# Same-row deliveries collapse; null keys and conflicting versions go to stg_system__rows_quarantined. #}
    {{ genie_analytics.classify_system_rows('source', ['workspace_id'], required_columns=[]) }}
),

deduplicated as (
    select * from classified
    where _quarantine_reason is null
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
    from deduplicated
)

select * from renamed
