{#
    Late rows found within a HORIZON. Some sources deliver rows for days long
    past: billing.usage corrections (RETRACTION / RESTATEMENT rows; Databricks documents a
    delivery delay only for ORIGINAL rows, "typically within 12 hours") and access.audit rows of
    a lagging workspace. Finding them by their delivery date (ingestion_date) or by
    "not loaded yet" cannot prune the usage-date / event-date partitions: it reads the whole
    history on every run. These macros look for them only within a horizon of days before the
    model's window (vars billing_correction_horizon_days, genie_audit_late_horizon_days), as
    LITERAL dates the engine prunes on.

    Rows later than the horizon are not picked up by the hourly run. They are not lost silently:
    the full tests (var data_tests_lookback_days null: `make test`, and the bundle's weekly
    full task) report them (tests/singular/staging/assert_stg_billing_usage_drops_no_record,
    tests/singular/genie/assert_genie_audit_rows_all_accounted_for), and the weekly task re-reads
    with a horizon of the system tables' retention (365 days), which picks them up (README
    "Incremental runs").
#}


{#
    'YYYY-MM-DD': the first usage_date of `relation` (billing.usage, or a table staged from it)
    holding a row delivered on or after the latest ingestion_date {{ this }} holds, looked for
    only in usage_date >= (this model's max(usage_date) - lookback_days - horizon_days). None on
    a first build, before execution, or when no such row exists. Used as an also_from date of
    incremental_window_start, so a correction inside the horizon re-reads its day.
#}
{% macro billing_corrections_from(relation, lookback_days, horizon_days) -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- if not genie_analytics.relations_exist([relation, this]) -%}
        {#- Inside a dbt unit test (a fixture CTE) or before relation is built: no horizon search. -#}
        {{- return(none) -}}
    {%- endif -%}
    {%- set latest = genie_analytics.as_date(run_query('select max(usage_date) from ' ~ this).columns[0].values()[0]) -%}
    {%- if latest is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set first = (latest - modules.datetime.timedelta(days=(lookback_days | int) + (horizon_days | int))).isoformat() -%}
    {%- set delivered = genie_analytics.as_date(run_query('select max(ingestion_date) from ' ~ this
        ~ ' where ' ~ genie_analytics.window_predicate('usage_date', first)).columns[0].values()[0]) -%}
    {%- if delivered is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query = 'select min(usage_date) from ' ~ relation ~ ' where '
        ~ genie_analytics.window_predicate('usage_date', first)
        ~ " and ingestion_date >= cast('" ~ delivered.isoformat() ~ "' as date)" -%}
    {%- set found = genie_analytics.as_date(run_query(query).columns[0].values()[0]) -%}
    {{- return(none if found is none else found.isoformat()) -}}
{%- endmacro %}


{#
    `date_column >= '<latest day - days_back>'` with the latest day of `relation` read now
    (max(date_column): partition values / file statistics only), as a literal; `1 = 1` before
    execution, inside a unit test or on an empty relation. For "the newest row" lookups
    (a data horizon, a staleness check) that would otherwise read the whole table.
#}
{% macro latest_days_predicate(relation, date_column, days_back=1) -%}
    {#- compile_time_value: none before execution, in a unit test, or before relation is built. -#}
    {%- set latest = genie_analytics.as_date(genie_analytics.compile_time_value(
        'select max(' ~ date_column ~ ') from ' ~ relation, [relation])) -%}
    {%- if latest is none -%}
        {{- return('1 = 1') -}}
    {%- endif -%}
    {{- return(genie_analytics.window_predicate(date_column, latest.isoformat(), offset_days=-1 * (days_back | int))) -}}
{%- endmacro %}


{#
    'YYYY-MM-DD': the first day `relation` holds (min(date_column): partition values / file
    statistics only), read now; none before execution, inside a unit test or when it is empty.
    The or_before date of a copy that must drop the days its source no longer holds (e.g. after
    the source's retention moved them to its archive): genie_api_query_lookup.
#}
{% macro first_day_held(relation, date_column) -%}
    {%- set first = genie_analytics.as_date(genie_analytics.compile_time_value(
        'select min(' ~ date_column ~ ') from ' ~ relation, [relation])) -%}
    {{- return(none if first is none else first.isoformat()) -}}
{%- endmacro %}
