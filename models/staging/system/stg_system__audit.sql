{#
    Genie (service_name 'aibiGenie') audit events only, narrowed to the columns the Genie models
    need. Message keys come from two places and both are exposed unmerged:
      - request_params (get / feedback / comment actions): request_space_id, ...
      - the response.result JSON (create / start actions, where the request has no message id
        yet): result_space_id, ... parsed only when the JSON is valid (is_result_json_valid).
    Coalescing, validation and rejection of bad rows happen downstream in the Genie models.
#}
{# sqlfluff reads struct field access (e.g. compute.warehouse_id) as a table-qualified column, so RF03 (consistent qualification) cannot hold here. #}
-- noqa: disable=RF03
with

source as (
    select * from {{ source('access', 'audit') }}
    where service_name = 'aibiGenie'
),

classified as (
    {# Same-row deliveries collapse; null keys and conflicting versions go to stg_system__rows_quarantined. #}
    {#- Deduplicated per event_date too, so the Genie models' event_date window reaches
        access.audit's partitions (classify_system_rows' partition_date_column). -#}
    {{ genie_analytics.classify_system_rows('source', ['event_id'], required_columns=['event_time'], partition_date_column='event_date') }}
),

deduplicated as (
    select * from classified
    where _quarantine_reason is null
),

renamed as (
    select
        -- ids
        event_id,
        workspace_id,
        account_id,
        request_id,
        {{ genie_analytics.map_get('request_params', 'space_id') }} as request_space_id,
        {{ genie_analytics.map_get('request_params', 'conversation_id') }} as request_conversation_id,
        {{ genie_analytics.map_get('request_params', 'message_id') }} as request_message_id,
        {{ genie_analytics.json_extract_string('response.result', '$.space_id') }} as result_space_id,
        {{ genie_analytics.json_extract_string('response.result', '$.conversation_id') }} as result_conversation_id,
        {{ genie_analytics.json_extract_string('response.result', '$.message_id') }} as result_message_id,

        -- strings
        service_name,
        action_name,
        audit_level,
        user_identity.email as user_email,
        user_agent,
        {{ genie_analytics.map_get('request_params', 'feedback_rating') }} as request_feedback_rating,
        response.error_message as response_error_message,
        response.result as response_result,

        -- numerics
        response.status_code as response_status_code,

        -- booleans
        {{ genie_analytics.is_valid_json('response.result') }} as is_result_json_valid,

        -- dates
        event_date,

        -- timestamps
        event_time as event_at
    from deduplicated
)

select * from renamed
