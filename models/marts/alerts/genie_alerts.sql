{#
    The alerts people are told about (Slack/Teams by `genie-analytics-api alerts`, Databricks SQL
    alerts in the bundle). One row per alert_key = md5(alert_type | entity | day or episode), so
    the same condition is one alert however often this model is rebuilt, and the sender posts
    each key once. Only days after as_of_date - alerts_lookback_days are kept (as_of_date = the
    latest query date, as in the optimiser).

    COST_SPIKE / FAILURE_RATE_SPIKE: genie_cost_anomalies rows (seasonal same-weekday baseline,
        z-score and minimum-delta rules documented there) of dimension WORKSPACE or WAREHOUSE;
        reused, not recomputed. alert_key = md5(type | anomaly_id).
    LONG_RUNNING_QUERY: a query whose duration_ms reached optimizer_long_running_min_duration_ms
        (the optimiser's LONG_RUNNING threshold). alert_key = md5(type | workspace | query_id).
    GENIE_FAILURE_RATE: a Genie space and day with at least alerts_genie_min_messages messages of
        which at least alerts_genie_max_failure_rate ended FAILED (genie_message_performance).
    STALE_SYSTEM_TABLE: system.query.history or system.billing.usage whose newest row is older
        than alerts_stale_after_hours (compared with the build's current time). alert_key =
        md5(type | table | newest timestamp): one alert per stale episode, a new one when the
        table moves and stalls again. Not limited by the lookback window.

    What it reads: as_of_date is read now (max(query_date): partition values only) and
    rendered as a literal, so genie_query_performance is read for the alert window's days only
    (var alerts_lookback_days: the window IS the alert rule, so this model reads that many days,
    not lookback + 1: bench/partitions_read.py lists it as a documented exception); the newest
    system-table rows are looked for on their tables' latest days (latest_days_predicate).
#}
{#- none in a unit test or before genie_query_performance is built (compile_time_value). -#}
{%- set as_of = genie_analytics.as_date(genie_analytics.compile_time_value(
    'select max(query_date) from ' ~ ref('genie_query_performance'), [ref('genie_query_performance')])) -%}
{%- set alert_from = none if as_of is none else (as_of - modules.datetime.timedelta(days=var('alerts_lookback_days') | int)).isoformat() -%}
{%- set from_date_sql = dbt.dateadd('day', '-' ~ var('alerts_lookback_days'), 'max(query_date)') if alert_from is none
    else "max(cast('" ~ alert_from ~ "' as date))" %}

with

anomalies as (
    select * from {{ ref('genie_cost_anomalies') }}
),

queries as (
    select * from {{ ref('genie_query_performance') }}
    where {{ genie_analytics.window_predicate('query_date', alert_from, offset_days=1) }}
),

genie_messages as (
    select * from {{ ref('genie_message_performance') }}
),

query_history as (
    select * from {{ ref('stg_system__query_history') }}
    where {{ genie_analytics.latest_days_predicate(ref('stg_system__query_history'), 'query_date', var('cost_max_query_days')) }}
),

billing_usage as (
    select * from {{ ref('stg_system__billing_usage') }}
    where {{ genie_analytics.latest_days_predicate(ref('stg_system__billing_usage'), 'usage_date', 1) }}
),

as_of as (
    {# The literal when known; inside a dbt unit test (fixtures, no table to ask) from the data. #}
    select {{ from_date_sql }} as from_date
    from queries
),

cost_and_failure_spikes as (
    select
        case
            when anomalies.anomaly_metric = 'COST' then 'COST_SPIKE'
            else 'FAILURE_RATE_SPIKE'
        end as alert_type,
        anomalies.anomaly_id as alert_entity_key,
        anomalies.workspace_id,
        anomalies.dimension_type as entity_type,
        anomalies.dimension_id as entity_id,
        anomalies.usage_date as alert_date,
        case
            when anomalies.anomaly_metric = 'COST' then anomalies.cost_usd
            else anomalies.failure_rate
        end as observed_value,
        case
            when anomalies.anomaly_metric = 'COST' then anomalies.expected_cost_usd
            else anomalies.baseline_failure_rate
        end as expected_value,
        cast({{ var('optimizer_anomaly_z_threshold') }} as double) as threshold_value,
        case when anomalies.anomaly_metric = 'COST' then 'USD' else 'share' end as unit,
        case
            when anomalies.anomaly_metric = 'COST' and anomalies.cost_delta_usd >= 100 then 'HIGH'
            else 'MEDIUM'
        end as severity,
        anomalies.z_score
    from anomalies
    cross join as_of
    where
        anomalies.dimension_type in ('WORKSPACE', 'WAREHOUSE')
        and anomalies.direction = 'SPIKE'
        and anomalies.usage_date > as_of.from_date
),

long_running as (
    select
        'LONG_RUNNING_QUERY' as alert_type,
        queries.workspace_id || '|' || queries.query_id as alert_entity_key,
        queries.workspace_id,
        'QUERY' as entity_type,
        queries.query_id as entity_id,
        queries.query_date as alert_date,
        cast(queries.duration_ms as double) as observed_value,
        cast(null as double) as expected_value,
        cast({{ var('optimizer_long_running_min_duration_ms') }} as double) as threshold_value,
        'ms' as unit,
        'MEDIUM' as severity,
        cast(null as double) as z_score
    from queries
    cross join as_of
    where
        queries.duration_ms >= {{ var('optimizer_long_running_min_duration_ms') }}
        and queries.query_date > as_of.from_date
),

genie_daily as (
    select
        workspace_id,
        space_id,
        message_created_date,
        count(*) as message_count,
        sum(case when message_status = 'FAILED' then 1 else 0 end) as failed_count
    from genie_messages
    group by workspace_id, space_id, message_created_date
),

genie_failures as (
    select
        'GENIE_FAILURE_RATE' as alert_type,
        genie_daily.workspace_id || '|' || genie_daily.space_id || '|'
        || cast(genie_daily.message_created_date as string) as alert_entity_key,
        genie_daily.workspace_id,
        'GENIE_SPACE' as entity_type,
        genie_daily.space_id as entity_id,
        genie_daily.message_created_date as alert_date,
        cast(genie_daily.failed_count as double)
        / cast(genie_daily.message_count as double) as observed_value,
        cast(null as double) as expected_value,
        cast({{ var('alerts_genie_max_failure_rate') }} as double) as threshold_value,
        'share' as unit,
        'MEDIUM' as severity,
        cast(null as double) as z_score
    from genie_daily
    cross join as_of
    where
        genie_daily.message_count >= {{ var('alerts_genie_min_messages') }}
        and cast(genie_daily.failed_count as double)
        >= {{ var('alerts_genie_max_failure_rate') }} * cast(genie_daily.message_count as double)
        and genie_daily.message_created_date > as_of.from_date
),

newest_rows as (
    select
        'system.query.history' as table_name,
        max(ended_at) as newest_at
    from query_history
    union all
    select
        'system.billing.usage' as table_name,
        max(usage_end_at) as newest_at
    from billing_usage
),

stale_tables as (
    select
        'STALE_SYSTEM_TABLE' as alert_type,
        table_name || '|' || cast(newest_at as string) as alert_entity_key,
        cast(null as string) as workspace_id,
        'SYSTEM_TABLE' as entity_type,
        table_name as entity_id,
        cast(newest_at as date) as alert_date,
        cast({{ dbt.datediff('newest_at', genie_analytics.current_timestamp_utc(), 'hour') }} as double)
            as observed_value,
        cast(null as double) as expected_value,
        cast({{ var('alerts_stale_after_hours') }} as double) as threshold_value,
        'hours' as unit,
        'HIGH' as severity,
        cast(null as double) as z_score
    from newest_rows
    where
        newest_at is not null
        and {{ dbt.datediff('newest_at', genie_analytics.current_timestamp_utc(), 'hour') }}
        >= {{ var('alerts_stale_after_hours') }}
),

all_alerts as (
    select * from cost_and_failure_spikes
    union all
    select * from long_running
    union all
    select * from genie_failures
    union all
    select * from stale_tables
),

final as (
    select
        md5(alert_type || '|' || alert_entity_key) as alert_key,
        alert_type,
        severity,
        workspace_id,
        entity_type,
        entity_id,
        alert_date,
        observed_value,
        expected_value,
        threshold_value,
        unit,
        z_score,
        case alert_type
            when 'COST_SPIKE' then 'Cost spike on ' || lower(entity_type) || ' ' || entity_id
            when 'FAILURE_RATE_SPIKE'
                then 'Failure-rate spike on ' || lower(entity_type) || ' ' || entity_id
            when 'LONG_RUNNING_QUERY' then 'Long-running query ' || entity_id
            when 'GENIE_FAILURE_RATE' then 'Genie space ' || entity_id || ' failing'
            else 'System table ' || entity_id || ' is stale'
        end as title,
        case alert_type
            when 'COST_SPIKE'
                then
                    'Cost ' || cast(round(observed_value, 2) as string)
                    || ' USD on ' || cast(alert_date as string) || ' against an expected '
                    || cast(round(expected_value, 2) as string) || ' USD (same-weekday baseline).'
            when 'FAILURE_RATE_SPIKE'
                then
                    'Failure rate ' || cast(round(observed_value, 3) as string)
                    || ' on ' || cast(alert_date as string) || ' against a baseline of '
                    || cast(round(expected_value, 3) as string) || '.'
            when 'LONG_RUNNING_QUERY'
                then
                    'Ran ' || cast(round(observed_value / 60000, 1) as string)
                    || ' minutes on ' || cast(alert_date as string) || ' (threshold '
                    || cast(round(threshold_value / 60000, 1) as string) || ' minutes).'
            when 'GENIE_FAILURE_RATE'
                then
                    cast(round(observed_value * 100, 1) as string)
                    || '% of Genie messages failed on ' || cast(alert_date as string) || '.'
            else
                'Newest row is ' || cast(observed_value as string) || ' hours old (threshold '
                || cast(threshold_value as string) || ' hours).'
        end as message
    from all_alerts
)

select * from final
