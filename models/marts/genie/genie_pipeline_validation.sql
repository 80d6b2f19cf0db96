{#
    One row that says whether the Genie pipeline is whole: audit rows in scope vs bronze +
    rejected, silver vs landed, fetch errors by type, and the load configuration that produced
    it. Singular tests in tests/singular/genie/ assert on this row; dashboards can show it.

    "In scope" = message-action audit rows from the earliest window start recorded in bronze /
    rejected up to the latest event they hold (rows that arrive later are the next run's).
#}

{%- set start_date = genie_analytics.as_date(var('genie_start_date')) -%}
{%- set start_date_literal = 'null' if start_date is none else "'" ~ start_date.isoformat() ~ "'" -%}
{#- Audit rows in scope: the loaded scope as literals (compile-time query of bronze /
    rejected), summed from the daily counts (int_genie_audit_events_counted_daily) for every day
    wholly inside it, i.e. whose latest event is not after the latest loaded event; only the days
    from the first one that is not (partial_from: normally the latest day, or none) are counted
    from the audit log, pruned on event_date by a literal. -#}
{%- set loaded = genie_analytics.genie_loaded_scope() -%}
{%- set daily_counts = ref('int_genie_audit_events_counted_daily') -%}
{%- set partial_from = none -%}
{%- if loaded['first_date'] is not none -%}
    {%- set partial_from = genie_analytics.as_date(genie_analytics.compile_time_value(
        'select min(event_date) from ' ~ daily_counts ~ ' where '
        ~ genie_analytics.window_predicate('event_date', loaded['first_date'])
        ~ " and last_event_at > cast('" ~ loaded['max_event_at'] ~ "' as timestamp)", [daily_counts])) -%}
{%- endif -%}
{%- set summed_days_predicate = '1 = 0' if loaded['first_date'] is none else
    genie_analytics.window_predicate('event_date', loaded['first_date'])
    ~ ((" and event_date < cast('" ~ partial_from.isoformat() ~ "' as date)") if partial_from is not none else '') -%}
{%- set counted_days_predicate = '1 = 0' if (loaded['first_date'] is none or partial_from is none) else
    genie_analytics.window_predicate('event_date', genie_analytics.later_date(loaded['first_date'], partial_from))
    ~ " and event_time <= cast('" ~ loaded['max_event_at'] ~ "' as timestamp)" %}

with

validated as (
    select * from {{ ref('int_genie_audit_events_validated') }}
),

daily_counts as (
    select * from {{ ref('int_genie_audit_events_counted_daily') }}
),

bronze as (
    select * from {{ ref('genie_audit_message_events') }}
),

rejected as (
    select * from {{ ref('genie_audit_rejected_events') }}
),

silver as (
    select * from {{ ref('genie_messages_to_fetch') }}
),

landed as (
    select * from {{ ref('stg_genie_api__message_details') }}
),

fetch_errors as (
    select * from {{ ref('stg_genie_api__message_fetch_errors') }}
),

loaded_events as (
    select
        event_key,
        _window_start_at,
        event_time
    from rejected
    union all
    select
        event_id as event_key,
        _window_start_at,
        event_time
    from bronze
),

scope as (
    select
        cast(min(_window_start_at) as date) as initial_start_date,
        cast(max(_window_start_at) as date) as effective_start_date,
        max(event_time) as max_event_at
    from loaded_events
),

summed_days as (
    select sum(audit_row_count) as audit_row_count
    from daily_counts
    where {{ summed_days_predicate }}
),

counted_days as (
    select count(distinct event_key) as audit_row_count
    from validated
    where {{ counted_days_predicate }}
),

in_scope as (
    select coalesce(summed_days.audit_row_count, 0) + counted_days.audit_row_count as audit_rows_in_scope
    from summed_days
    cross join counted_days
),

bronze_counts as (
    select
        count(*) as bronze_row_count,
        count(distinct concat(workspace_id, ':', message_id)) as bronze_message_count
    from bronze
),

rejected_counts as (
    select
        count(*) as rejected_row_count,
        sum(case when rejection_reason = 'missing_event_id' then 1 else 0 end)
            as rejected_missing_event_id_count,
        sum(case when rejection_reason = 'unknown_workspace' then 1 else 0 end)
            as rejected_unknown_workspace_count,
        sum(case when rejection_reason = 'failed_request_without_message_id' then 1 else 0 end)
            as rejected_failed_request_count,
        sum(case when rejection_reason = 'unparsable_response_json' then 1 else 0 end)
            as rejected_unparsable_json_count,
        sum(case when rejection_reason = 'missing_message_id' then 1 else 0 end)
            as rejected_missing_message_id_count,
        sum(case when rejection_reason = 'incomplete_message_ids' then 1 else 0 end)
            as rejected_incomplete_ids_count,
        sum(case when rejection_reason = 'malformed_ids' then 1 else 0 end)
            as rejected_malformed_ids_count
    from rejected
),

silver_counts as (
    select count(*) as silver_row_count
    from silver
),

landed_counts as (
    select
        count(*) as landed_row_count,
        sum(case when silver.message_id is not null then 1 else 0 end) as landed_in_silver_count,
        sum(case when landed.fetch_state = 'PENDING' then 1 else 0 end) as landed_pending_count,
        sum(case when landed.fetch_state = 'STALE' then 1 else 0 end) as landed_stale_count
    from landed
    left join silver
        on
            landed.workspace_id = silver.workspace_id
            and landed.message_id = silver.message_id
),

error_counts as (
    select
        count(*) as fetch_error_row_count,
        sum(case when not fetch_errors.is_resolved then 1 else 0 end) as fetch_error_unresolved_count,
        sum(case when not fetch_errors.is_resolved and fetch_errors.error_type = 'NOT_FOUND' then 1 else 0 end)
            as fetch_error_not_found_count,
        sum(case when not fetch_errors.is_resolved and fetch_errors.error_type = 'AUTH_ERROR' then 1 else 0 end)
            as fetch_error_auth_error_count,
        sum(case when not fetch_errors.is_resolved and fetch_errors.error_type = 'RATE_LIMITED' then 1 else 0 end)
            as fetch_error_rate_limited_count,
        sum(case when not fetch_errors.is_resolved and fetch_errors.error_type = 'TIMEOUT' then 1 else 0 end)
            as fetch_error_timeout_count,
        sum(case when not fetch_errors.is_resolved and fetch_errors.error_type = 'NO_TOKEN' then 1 else 0 end)
            as fetch_error_no_token_count,
        sum(case when not fetch_errors.is_resolved and fetch_errors.error_type = 'FAILED' then 1 else 0 end)
            as fetch_error_failed_count,
        sum(
            case when not fetch_errors.is_resolved and fetch_errors.error_type = 'MALFORMED_RESPONSE' then 1 else 0 end
        ) as fetch_error_malformed_response_count,
        sum(case when not fetch_errors.is_resolved and landed.message_id is not null then 1 else 0 end)
            as landed_but_unresolved_error_count
    from fetch_errors
    left join landed
        on
            fetch_errors.workspace_id = landed.workspace_id
            and fetch_errors.message_id = landed.message_id
),

final as (
    select
        -- strings
        '{{ var("genie_load_mode") }}' as configured_load_mode,
        cast({{ start_date_literal }} as date) as configured_start_date,

        -- numerics: configuration
        cast({{ var('genie_days_lookback') | int }} as bigint) as configured_days_lookback,
        cast({{ var('genie_lookback_minutes') | int }} as bigint) as configured_lookback_minutes,
        cast({{ var('genie_watermark_lookback_minutes') | int }} as bigint)
            as configured_watermark_lookback_minutes,

        -- numerics: audit -> bronze / rejected
        cast(in_scope.audit_rows_in_scope as bigint) as audit_rows_in_scope,
        cast(bronze_counts.bronze_row_count as bigint) as bronze_row_count,
        cast(bronze_counts.bronze_message_count as bigint) as bronze_message_count,
        cast(rejected_counts.rejected_row_count as bigint) as rejected_row_count,
        cast(coalesce(rejected_counts.rejected_missing_event_id_count, 0) as bigint)
            as rejected_missing_event_id_count,
        cast(coalesce(rejected_counts.rejected_unknown_workspace_count, 0) as bigint)
            as rejected_unknown_workspace_count,
        cast(coalesce(rejected_counts.rejected_failed_request_count, 0) as bigint)
            as rejected_failed_request_count,
        cast(coalesce(rejected_counts.rejected_unparsable_json_count, 0) as bigint)
            as rejected_unparsable_json_count,
        cast(coalesce(rejected_counts.rejected_missing_message_id_count, 0) as bigint)
            as rejected_missing_message_id_count,
        cast(coalesce(rejected_counts.rejected_incomplete_ids_count, 0) as bigint)
            as rejected_incomplete_ids_count,
        cast(coalesce(rejected_counts.rejected_malformed_ids_count, 0) as bigint)
            as rejected_malformed_ids_count,

        -- numerics: silver -> landed
        cast(silver_counts.silver_row_count as bigint) as silver_row_count,
        cast(landed_counts.landed_row_count as bigint) as landed_row_count,
        cast(coalesce(landed_counts.landed_in_silver_count, 0) as bigint) as landed_in_silver_count,
        cast(coalesce(landed_counts.landed_pending_count, 0) as bigint) as landed_pending_count,
        cast(coalesce(landed_counts.landed_stale_count, 0) as bigint) as landed_stale_count,
        cast(error_counts.fetch_error_row_count as bigint) as fetch_error_row_count,
        cast(coalesce(error_counts.fetch_error_unresolved_count, 0) as bigint) as fetch_error_unresolved_count,
        cast(coalesce(error_counts.fetch_error_not_found_count, 0) as bigint) as fetch_error_not_found_count,
        cast(coalesce(error_counts.fetch_error_auth_error_count, 0) as bigint) as fetch_error_auth_error_count,
        cast(coalesce(error_counts.fetch_error_rate_limited_count, 0) as bigint)
            as fetch_error_rate_limited_count,
        cast(coalesce(error_counts.fetch_error_timeout_count, 0) as bigint) as fetch_error_timeout_count,
        cast(coalesce(error_counts.fetch_error_no_token_count, 0) as bigint) as fetch_error_no_token_count,
        cast(coalesce(error_counts.fetch_error_failed_count, 0) as bigint) as fetch_error_failed_count,
        cast(coalesce(error_counts.fetch_error_malformed_response_count, 0) as bigint)
            as fetch_error_malformed_response_count,
        cast(coalesce(error_counts.landed_but_unresolved_error_count, 0) as bigint)
            as landed_but_unresolved_error_count,
        cast(
            silver_counts.silver_row_count
            - coalesce(landed_counts.landed_in_silver_count, 0)
            as bigint
        ) as messages_not_landed_count,

        -- dates
        scope.initial_start_date,
        scope.effective_start_date,

        -- timestamps
        scope.max_event_at,
        cast({{ dbt.current_timestamp() }} as timestamp) as validated_at
    from scope
    cross join in_scope
    cross join bronze_counts
    cross join rejected_counts
    cross join silver_counts
    cross join landed_counts
    cross join error_counts
)

select * from final
