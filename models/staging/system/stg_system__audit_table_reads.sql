{#
    Unity Catalog table reads from `system.access.audit` (the project observes who
    reads its own tables): service_name 'unityCatalog', the actions of
    var('audit_table_read_actions') (default getTable, the metadata lookup every SQL read of a
    Unity Catalog table makes), one row per event_id. The table read is
    request_params['full_name_arg'] (catalog.schema.table), split into its three parts; a name
    with fewer parts (or none) keeps the row with null for the missing parts, on every engine
    (split_part_or_null: Spark's ANSI mode would otherwise fail the whole model on one row).
    Same-row deliveries collapse; null keys and conflicting versions go to
    stg_system__rows_quarantined, as for every system table.
#}
-- noqa: disable=RF03
with

source as (
    select * from {{ source('access', 'audit') }}
    where {{ genie_analytics.audit_table_read_filter() }}
),

classified as (
    {{ genie_analytics.classify_system_rows('source', ['event_id'], required_columns=['event_time'], partition_date_column='event_date') }}
),

deduplicated as (
    select * from classified
    where _quarantine_reason is null
),

named as (
    select
        *,
        lower(trim({{ genie_analytics.map_get('request_params', 'full_name_arg') }})) as full_name
    from deduplicated
),

renamed as (
    select
        -- ids
        event_id,
        workspace_id,
        account_id,
        request_id,

        -- strings
        service_name,
        action_name,
        full_name as table_full_name,
        {{ genie_analytics.split_part_or_null('full_name', '.', 1) }} as table_catalog,
        {{ genie_analytics.split_part_or_null('full_name', '.', 2) }} as table_schema,
        {{ genie_analytics.split_part_or_null('full_name', '.', 3) }} as table_name,
        user_identity.email as user_email,
        identity_metadata.run_by as run_by,
        source_ip_address,
        user_agent,
        response.error_message as response_error_message,

        -- numerics
        response.status_code as response_status_code,

        -- dates
        event_date,

        -- timestamps
        event_time as event_at
    from named
)

select * from renamed
