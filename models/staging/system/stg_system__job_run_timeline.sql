{#
    One row per clock-hour slice of a job run (workspace_id, run_id, period_start_at).
    result_state / termination_code are set only on a run's last slice.
#}
{% if genie_analytics.system_source_exists('lakeflow', 'job_run_timeline') %}
    with

    source as (
        select * from {{ source('lakeflow', 'job_run_timeline') }}
    ),

    classified as (
        {# Same-row deliveries collapse; null keys and conflicting versions go to stg_system__rows_quarantined. #}
        {{ genie_analytics.classify_system_rows('source', ['workspace_id', 'run_id', 'period_start_time'], required_columns=[]) }}
    ),

    deduplicated as (
        select * from classified
        where _quarantine_reason is null
    ),

    renamed as (
        select
            -- ids
            run_id,
            job_id,
            workspace_id,
            account_id,
            source_task_run_id,
            root_task_run_id,
            compute_ids,

            -- strings
            run_name,
            run_type,
            trigger_type,
            result_state,
            termination_code,
            termination_type,

            -- numerics
            setup_duration_seconds,
            queue_duration_seconds,
            execution_duration_seconds,
            cleanup_duration_seconds,
            run_duration_seconds,

            -- booleans
            result_state is not null as is_last_slice,

            -- dates
            cast(period_start_time as date) as period_start_date,

            -- timestamps
            period_start_time as period_start_at,
            period_end_time as period_end_at
        from deduplicated
    )

    select * from renamed

{% else %}
    {#- lakeflow is an optional system schema: absent, zero rows of the same columns (the shape
        check warned once, naming the schema). #}
    {{ genie_analytics.empty_select([
            ['run_id', dbt.type_string()],
            ['job_id', dbt.type_string()],
            ['workspace_id', dbt.type_string()],
            ['account_id', dbt.type_string()],
            ['source_task_run_id', dbt.type_string()],
            ['root_task_run_id', dbt.type_string()],
            ['compute_ids', genie_analytics.type_string_array()],
            ['run_name', dbt.type_string()],
            ['run_type', dbt.type_string()],
            ['trigger_type', dbt.type_string()],
            ['result_state', dbt.type_string()],
            ['termination_code', dbt.type_string()],
            ['termination_type', dbt.type_string()],
            ['setup_duration_seconds', dbt.type_bigint()],
            ['queue_duration_seconds', dbt.type_bigint()],
            ['execution_duration_seconds', dbt.type_bigint()],
            ['cleanup_duration_seconds', dbt.type_bigint()],
            ['run_duration_seconds', dbt.type_bigint()],
            ['is_last_slice', dbt.type_boolean()],
            ['period_start_date', "date"],
            ['period_start_at', dbt.type_timestamp()],
            ['period_end_at', dbt.type_timestamp()],
        ]) }}
{% endif %}
