{#
    Reconciliation: nothing of system.billing.usage is lost by the incremental staging (late rows
    too). Every source record with a key and a usage_date, up to the latest usage_date staged,
    is either in stg_system__billing_usage or held in stg_system__rows_quarantined (as
    billing.usage). One row per record that is neither, with its usage and delivery dates.

    What it catches: a correction (RETRACTION / RESTATEMENT) delivered later than
    var('billing_correction_horizon_days') after the window it corrects. The hourly run does not
    look that far back (macros/incremental/late_rows_horizon.sql), so the record is in no mart
    yet: this test makes it visible on full test runs, until the weekly task (horizon 365 days)
    or a --full-refresh picks it up. The missing DBUs are in `detail`.

    Bounded by date: on incremental runs only the data tests' window (data_tests_window_start, a
    literal that prunes billing.usage and the quarantine's billing branch); everything on
    --full-refresh or with var data_tests_lookback_days null.
#}
{%- set start = genie_analytics.data_tests_window_start(ref('stg_system__billing_usage'), 'usage_date') %}
with

source_records as (
    select
        record_id,
        usage_date,
        ingestion_date,
        usage_quantity
    from {{ source('billing', 'usage') }}
    where
        nullif(trim(cast(record_id as string)), '') is not null
        and usage_date is not null
        and {{ genie_analytics.window_predicate('usage_date', start) }}
),

staged as (
    select
        record_id,
        usage_date
    from {{ ref('stg_system__billing_usage') }}
    where {{ genie_analytics.window_predicate('usage_date', start) }}
),

staged_until as (
    select max(usage_date) as max_usage_date
    from staged
),

quarantined as (
    select distinct key_value as record_id
    from {{ ref('stg_system__rows_quarantined') }}
    where
        source_table = 'billing.usage'
        and {{ genie_analytics.window_predicate('row_date', start) }}
),

final as (
    select
        'not_staged' as problem,
        cast(source_records.record_id as string) as record_id,
        source_records.usage_date,
        source_records.ingestion_date,
        'usage_quantity ' || cast(source_records.usage_quantity as string)
        || ': delivered after the correction horizon (var billing_correction_horizon_days)?'
        || ' the weekly task or --full-refresh picks it up' as detail
    from source_records
    cross join staged_until
    left join staged
        on cast(source_records.record_id as string) = staged.record_id
    left join quarantined
        on cast(source_records.record_id as string) = quarantined.record_id
    where
        staged.record_id is null
        and quarantined.record_id is null
        and source_records.usage_date <= staged_until.max_usage_date
)

select * from final
