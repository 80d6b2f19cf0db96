{#
    SCD2 rule across the three versioned staging models: every entity has exactly one current
    version, and that version is the one with no valid_to. Returns offending entities.
#}
with

versions as (
    select
        'warehouse' as entity_type,
        workspace_id,
        warehouse_id as entity_id,
        is_current,
        valid_to
    from {{ ref('stg_system__warehouses') }}
    union all
    select
        'cluster' as entity_type,
        workspace_id,
        cluster_id as entity_id,
        is_current,
        valid_to
    from {{ ref('stg_system__clusters') }}
    union all
    select
        'job' as entity_type,
        workspace_id,
        job_id as entity_id,
        is_current,
        valid_to
    from {{ ref('stg_system__jobs') }}
),

final as (
    select
        entity_type,
        workspace_id,
        entity_id,
        sum(case when is_current then 1 else 0 end) as current_versions,
        sum(case when valid_to is null then 1 else 0 end) as open_versions
    from versions
    group by entity_type, workspace_id, entity_id
    having
        sum(case when is_current then 1 else 0 end) != 1
        or sum(case when valid_to is null then 1 else 0 end) != 1
        or sum(case when is_current and valid_to is not null then 1 else 0 end) > 0
)

select * from final
