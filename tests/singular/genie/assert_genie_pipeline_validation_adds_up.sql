{#
    The one-row pipeline validation must add up:
      - audit rows in scope = bronze rows + rejected rows;
      - rejected rows = the sum of the per-reason counts;
      - silver holds exactly the messages of bronze;
      - no message is both landed and carrying an unresolved fetch error (the ingestion marks an
        error resolved when a retry lands the message).
    Returns one row per broken rule.
#}

with

validation as (
    select * from {{ ref('genie_pipeline_validation') }}
),

checks as (
    select
        'audit rows in scope != bronze + rejected' as problem,
        audit_rows_in_scope as expected_value,
        bronze_row_count + rejected_row_count as actual_value
    from validation
    union all
    select
        'rejected rows != sum of per-reason counts' as problem,
        rejected_row_count as expected_value,
        rejected_missing_event_id_count
        + rejected_unknown_workspace_count
        + rejected_failed_request_count
        + rejected_unparsable_json_count
        + rejected_missing_message_id_count
        + rejected_incomplete_ids_count
        + rejected_malformed_ids_count as actual_value
    from validation
    union all
    select
        'silver rows != distinct messages in bronze' as problem,
        bronze_message_count as expected_value,
        silver_row_count as actual_value
    from validation
    union all
    select
        'messages landed but with an unresolved fetch error' as problem,
        0 as expected_value,
        landed_but_unresolved_error_count as actual_value
    from validation
),

final as (
    select * from checks
    where expected_value != actual_value
)

select * from final
