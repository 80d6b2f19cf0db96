{#
    SCD2 of job definitions: one row per (workspace_id, job_id, valid_from); valid_to is the next
    version's change_time, null for the current version. job_id is unique only within a
    workspace. Columns from trigger onward are null on rows written before ~Dec 2025.
#}
{# sqlfluff reads struct field access (e.g. trigger.schedule.timezone_id) as a table-qualified column, so RF03 (consistent qualification) cannot hold here. #}
-- noqa: disable=RF03
{% if genie_analytics.system_source_exists('lakeflow', 'jobs') %}
    with

    source as (
        select * from {{ source('lakeflow', 'jobs') }}
    ),

    versions as (
        {# Same-row deliveries collapse; null keys and conflicting versions of one change go to stg_system__rows_quarantined. #}
        {{ genie_analytics.scd2_versions('source', ['workspace_id', 'job_id']) }}
    ),

    renamed as (
        select
            -- ids
            job_id,
            workspace_id,
            account_id,
            creator_id,
            run_as as run_as_id,

            -- strings
            name as job_name,
            description as job_description,
            trigger_type,
            trigger.schedule.quartz_cron_expression as schedule_cron_expression,
            trigger.schedule.timezone_id as schedule_timezone_id,
            run_as_user_name,
            creator_user_name,
            tags,

            -- numerics
            timeout_seconds,

            -- booleans
            coalesce(paused, false) as is_paused,
            valid_to is null as is_current,
            delete_time is not null as is_deleted,

            -- timestamps
            create_time as created_at,
            delete_time as deleted_at,
            change_time as valid_from,
            valid_to
        from versions
    )

    select * from renamed

{% else %}
    {#- lakeflow is an optional system schema: absent, zero rows of the same columns (the shape
        check warned once, naming the schema). #}
    {{ genie_analytics.empty_select([
            ['job_id', dbt.type_string()],
            ['workspace_id', dbt.type_string()],
            ['account_id', dbt.type_string()],
            ['creator_id', dbt.type_string()],
            ['run_as_id', dbt.type_string()],
            ['job_name', dbt.type_string()],
            ['job_description', dbt.type_string()],
            ['trigger_type', dbt.type_string()],
            ['schedule_cron_expression', dbt.type_string()],
            ['schedule_timezone_id', dbt.type_string()],
            ['run_as_user_name', dbt.type_string()],
            ['creator_user_name', dbt.type_string()],
            ['tags', genie_analytics.type_string_map()],
            ['timeout_seconds', dbt.type_bigint()],
            ['is_paused', dbt.type_boolean()],
            ['is_current', dbt.type_boolean()],
            ['is_deleted', dbt.type_boolean()],
            ['created_at', dbt.type_timestamp()],
            ['deleted_at', dbt.type_timestamp()],
            ['valid_from', dbt.type_timestamp()],
            ['valid_to', dbt.type_timestamp()],
        ]) }}
{% endif %}
