{#
    Every aibiGenie audit event of a message action (var genie_message_actions), with its message
    ids coalesced from the two places Databricks puts them and ONE verdict: rejection_reason is
    null for a usable event, else the first failed rule below. The bronze and rejected models
    are the two halves of this view, so an event can never be in neither.

    Ids: request_params first (get, feedback, comment actions), else the response.result JSON
    (create/start actions, whose request has no message id yet). Each id is coalesced on its
    own; blank strings count as missing.

    Rules, in order:
      missing_event_id                  no audit event_id (no key to deduplicate on)
      unknown_workspace                 workspace_id not in access.workspaces_latest (no URL to call)
      failed_request_without_message_id the call failed (status >= 400) and named no message
      unparsable_response_json          no message id in request_params and response.result is not JSON
      missing_message_id                no message id anywhere
      incomplete_message_ids            a message id but no space_id or conversation_id (the API
                                        needs all three)
      malformed_ids                     an id that is not of the shape Genie issues: 32 hex
                                        digits, or the same as a hyphenated 8-4-4-4-12 UUID
                                        (the ids of the Genie REST API's paths and responses; every id of the sandbox).
                                        Ids go into REST paths: `abc?x=1`, `abc#f` or
                                        `../../x` would fetch one message under several keys or
                                        call another endpoint.

    Ephemeral: inlined into its three readers, so their event_date window filter reaches
    access.audit's partitions. (A DuckDB 2.0 view here also fails: a view over
    "genie_analytics"."genie_analytics".x, catalog and schema of the same name, is rejected as
    an ambiguous reference.)
#}
{{ config(materialized='ephemeral') }}

{%- set message_id_expression = 'coalesce(request_message_id_clean, result_message_id_clean)' %}
{%- set genie_id_shape = '^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$' %}

with

audit as (
    select * from {{ ref('stg_system__audit') }}
    where action_name in ('{{ var("genie_message_actions") | join("', '") }}')
),

workspaces as (
    select * from {{ ref('stg_system__workspaces') }}
),

ids_coalesced as (
    select
        audit.*,
        nullif(trim(audit.request_message_id), '') as request_message_id_clean,
        nullif(trim(audit.result_message_id), '') as result_message_id_clean,
        coalesce(
            nullif(trim(audit.request_space_id), ''),
            nullif(trim(audit.result_space_id), '')
        ) as coalesced_space_id,
        coalesce(
            nullif(trim(audit.request_conversation_id), ''),
            nullif(trim(audit.result_conversation_id), '')
        ) as coalesced_conversation_id,
        workspaces.workspace_id is not null as is_known_workspace
    from audit
    left join workspaces
        on audit.workspace_id = workspaces.workspace_id
),

validated as (
    select
        -- ids
        coalesce(
            nullif(trim(event_id), ''),
            concat('no-event-id:', md5(concat_ws(
                '|',
                workspace_id,
                action_name,
                cast(event_at as string),
                request_id,
                user_email,
                response_result
            )))
        ) as event_key,
        nullif(trim(event_id), '') as event_id,
        workspace_id,
        coalesced_space_id as space_id,
        coalesced_conversation_id as conversation_id,
        coalesce(request_message_id_clean, result_message_id_clean) as message_id,
        request_space_id,
        request_conversation_id,
        request_message_id,
        result_space_id,
        result_conversation_id,
        result_message_id,

        -- strings
        action_name,
        user_email,
        upper(request_feedback_rating) as feedback_rating,
        case
            when request_message_id_clean is not null then 'request_params'
            when result_message_id_clean is not null then 'response_result'
        end as id_source,
        response_result,
        response_error_message,
        case
            when nullif(trim(event_id), '') is null
                then 'missing_event_id'
            when not is_known_workspace
                then 'unknown_workspace'
            when
                coalesce(request_message_id_clean, result_message_id_clean) is null
                and response_status_code >= 400
                then 'failed_request_without_message_id'
            when
                request_message_id_clean is null
                and response_result is not null
                and not is_result_json_valid
                then 'unparsable_response_json'
            when coalesce(request_message_id_clean, result_message_id_clean) is null
                then 'missing_message_id'
            when coalesced_space_id is null or coalesced_conversation_id is null
                then 'incomplete_message_ids'
            when
                not (
                    {{ genie_analytics.regexp_contains('coalesced_space_id', genie_id_shape) }}
                    and {{ genie_analytics.regexp_contains('coalesced_conversation_id', genie_id_shape) }}
                    and {{ genie_analytics.regexp_contains(message_id_expression, genie_id_shape) }}
                )
                then 'malformed_ids'
        end as rejection_reason,

        -- numerics
        response_status_code as status_code,

        -- booleans
        is_result_json_valid,

        -- dates
        event_date,

        -- timestamps
        event_at as event_time
    from ids_coalesced
)

select * from validated
