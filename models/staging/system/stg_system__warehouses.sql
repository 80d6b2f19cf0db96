{#
    SCD2 of SQL warehouse configurations: one row per (workspace_id, warehouse_id, valid_from).
    A version is valid from its change_time until the next version's change_time (valid_to,
    null for the current version). Point-in-time joins use
    `valid_from <= t and t < coalesce(valid_to, open_ended_timestamp())`.
#}
with

source as (
    select * from {{ source('compute', 'warehouses') }}
),

versions as (
    {# Same-row deliveries collapse; null keys and conflicting versions of one change go to stg_system__rows_quarantined. #}
    {{ genie_analytics.scd2_versions('source', ['workspace_id', 'warehouse_id']) }}
),

renamed as (
    select
        -- ids
        warehouse_id,
        workspace_id,
        account_id,

        -- strings
        warehouse_name,
        warehouse_type,
        warehouse_channel,
        warehouse_size,
        tags,

        -- numerics
        min_clusters,
        max_clusters,
        auto_stop_minutes,

        -- booleans
        valid_to is null as is_current,
        delete_time is not null as is_deleted,

        -- timestamps
        change_time as valid_from,
        valid_to,
        delete_time as deleted_at
    from versions
)

select * from renamed
