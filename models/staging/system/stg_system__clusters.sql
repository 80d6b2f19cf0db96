{#
    SCD2 of cluster configurations: one row per (workspace_id, cluster_id, valid_from); valid_to
    is the next version's change_time, null for the current version.
#}
with

source as (
    select * from {{ source('compute', 'clusters') }}
),

versions as (
    {# Same-row deliveries collapse; null keys and conflicting versions of one change go to stg_system__rows_quarantined. #}
    {{ genie_analytics.scd2_versions('source', ['workspace_id', 'cluster_id']) }}
),

renamed as (
    select
        -- ids
        cluster_id,
        workspace_id,
        account_id,
        driver_instance_pool_id,
        worker_instance_pool_id,
        policy_id,

        -- strings
        cluster_name,
        owned_by,
        cluster_source,
        driver_node_type,
        worker_node_type,
        dbr_version,
        data_security_mode,
        tags,

        -- numerics
        worker_count,
        min_autoscale_workers,
        max_autoscale_workers,
        auto_termination_minutes,

        -- booleans
        coalesce(enable_elastic_disk, false) as is_elastic_disk_enabled,
        valid_to is null as is_current,
        delete_time is not null as is_deleted,

        -- dates
        change_date,

        -- timestamps
        create_time as created_at,
        delete_time as deleted_at,
        change_time as valid_from,
        valid_to
    from versions
)

select * from renamed
