{#
    The audit window the Genie bronze models read, as a DATE literal: every run re-reads whole
    UTC days from that date on (`event_date >= window start`). Whole days keep partition
    pruning on access.audit's event_date, and make the whole-day replacement of every engine
    (reread_days_strategy: REPLACE WHERE on Databricks, delete + insert on DuckDB, partition
    overwrite by event_date on Spark) write the same rows.

    Load modes (var `genie_load_mode`; every var is documented in the README):

    - first build / --full-refresh, and mode `days_lookback` (initial load and catch-up):
      from var('genie_start_date') if set, else today (UTC) - var('genie_days_lookback').
    - `watermark` (DEFAULT): from the EARLIER of
        a. the target's own watermark, max(event_time) already loaded, minus
           var('genie_watermark_lookback_minutes'). A run after a gap of days therefore reads
           the whole gap by itself. The watermark compares event_time with event_time: never
           with the time of ingestion (a watermark of max(ingestion time) skips every audit row
           that arrives late or is back-dated), so such rows are not skipped;
        b. the first day holding a message-action audit row that is in neither bronze nor the
           rejected table although it is older than what they hold (genie_audit_unloaded_from,
           the same rule as tests/singular/genie/assert_genie_audit_rows_all_accounted_for).
           system.access.audit is delivered per workspace with different delays:
           rows of a lagging workspace can land after another workspace's latest
           event, i.e. before (a). (b) re-reads from their day, so a gap the accounted-for test
           reports heals on the next run instead of failing every later build. Re-reading a
           wider window is safe: each run replaces whole days from its window start
           (reread_days_strategy) and deduplicates on event_id.
      An empty target falls back to the first-build start.
    - `lookback_minutes`: from now (UTC) - var('genie_lookback_minutes'), for schedules that
      run every few minutes. Cheap, but a run after a gap misses the gap: prefer `watermark`.

    genie_start_date, when set, is also a floor in every mode (nothing before it is read).

    The rejected-events model passes for_rejected=true on incremental runs: it reads from the
    window start bronze recorded (see genie_bronze_recorded_window_start) so both always see the
    same audit rows.

    The mode picks the arguments of incremental_window_start (the one window rule, macros/
    incremental/incremental_window.sql). All inputs are resolved in Jinja and inlined as a literal, so Spark's insert_overwrite never
    reads the table it overwrites, and the unit tests can pin the watermark by overriding
    `genie_audit_watermark`.
#}

{% macro genie_audit_window_start(for_rejected=false) -%}
    {%- set mode = var('genie_load_mode') -%}
    {%- set modes = ['watermark', 'lookback_minutes', 'days_lookback'] -%}
    {%- if mode not in modes -%}
        {%- do exceptions.raise_compiler_error(
            "var genie_load_mode is '" ~ mode ~ "'; expected one of " ~ (modes | join(', '))
        ) -%}
    {%- endif -%}
    {%- set now = genie_analytics.run_started_at_utc() -%}
    {#- First build (and days_lookback): genie_start_date, else today - genie_days_lookback. -#}
    {%- set first_start = genie_analytics.as_date(var('genie_start_date'))
        or (now.date() - modules.datetime.timedelta(days=var('genie_days_lookback') | int)) -%}
    {%- if mode == 'days_lookback' or not is_incremental() -%}
        {%- set start = genie_analytics.incremental_window_start(floor_var='genie_start_date', first_build_start=first_start) -%}
    {%- elif for_rejected -%}
        {#- The window bronze recorded, read as a watermark with no lookback. -#}
        {%- set start = genie_analytics.incremental_window_start(
            watermark=genie_bronze_recorded_window_start(), lookback_days=0,
            floor_var='genie_start_date', first_build_start=first_start) -%}
    {%- elif mode == 'lookback_minutes' -%}
        {%- set start = genie_analytics.incremental_window_start(
            watermark=now.strftime('%Y-%m-%d %H:%M:%S'), lookback_minutes=var('genie_lookback_minutes'),
            floor_var='genie_start_date', first_build_start=first_start) -%}
    {%- else -%}
        {%- set mark = genie_audit_watermark() -%}
        {%- set start = genie_analytics.incremental_window_start(
            watermark=mark, lookback_minutes=var('genie_watermark_lookback_minutes'),
            also_from=([] if genie_analytics.is_unset(mark) else [genie_audit_unloaded_from()]),
            floor_var='genie_start_date', first_build_start=first_start) -%}
    {%- endif -%}
    {{- return(start) -}}
{%- endmacro %}


{#
    max(event_time) of the model being built ({{ this }}, the bronze table) as text
    ('YYYY-MM-DD HH:MM:SS...'), or none when it is empty or does not exist yet. Read with
    run_query at run time (see above for why).
#}
{% macro genie_audit_watermark() -%}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set result = run_query('select max(event_time) as max_event_time from ' ~ this) -%}
    {%- set value = result.columns[0].values()[0] -%}
    {{- return(none if value is none else (value | string)) -}}
{%- endmacro %}


{#
    The window start the last bronze run recorded (max of its _window_start_at), as a date
    text, or none. The rejected-events model reads the same window as bronze this way, instead
    of a watermark of its own that would skip rows after a gap: bronze records the window on
    every row it writes, and a window read from an older run only starts earlier (a superset).
#}
{% macro genie_bronze_recorded_window_start() -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set bronze = ref('genie_audit_message_events') -%}
    {#- relations_exist: false before bronze is built and for a unit test's fixture CTE. -#}
    {%- if not genie_analytics.relations_exist([bronze]) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set result = run_query('select max(_window_start_at) as window_start_at from ' ~ bronze) -%}
    {%- set value = result.columns[0].values()[0] -%}
    {{- return(none if value is none else (value | string)[:10]) -}}
{%- endmacro %}


{#
    First event_date ('YYYY-MM-DD') of a message-action audit row, read by no run yet, that is
    older than the latest event bronze / rejected hold, not older than the first window they
    recorded and not older than var('genie_audit_late_horizon_days') before the latest day bronze
    holds: the rows the accounted-for test reports as lost. None when there is none, or on
    the first build. Run-time query (run_query), keyed on the audit event_id (bronze's event_id,
    rejected's event_key); rows without an event_id are rejected under a derived key and are
    re-read only inside the watermark's window. Reads the stg_system__audit view by name in
    bronze's schema: bronze already depends on it (through int_genie_audit_events_validated),
    and a ref() here would make every bronze unit test need a fixture for it.
#}
{% macro genie_audit_unloaded_from() -%}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {#- Called while building bronze: bronze is {{ this }}; the rejected table is looked up by
        name in the same schema, not ref()'d (it depends on bronze: a ref would be a cycle). -#}
    {%- set bronze = this -%}
    {%- set rejected = adapter.get_relation(database=this.database, schema=this.schema, identifier='genie_audit_rejected_events') -%}
    {%- set audit = adapter.get_relation(database=this.database, schema=this.schema, identifier='stg_system__audit') -%}
    {%- if audit is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {#- The search looks back var('genie_audit_late_horizon_days') days from the latest day
        bronze holds (not the whole audit log on every run; a row later than that is
        reported by the full tests' assert_genie_audit_rows_all_accounted_for and picked up by
        the weekly task's larger horizon, macros/incremental/late_rows_horizon.sql). Both ends
        are literals, so access.audit and the two Genie tables prune on event_date. -#}
    {%- set latest = genie_analytics.as_date(run_query('select max(event_date) from ' ~ bronze).columns[0].values()[0]) -%}
    {%- if latest is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set horizon_from = (latest - modules.datetime.timedelta(days=var('genie_audit_late_horizon_days') | int)).isoformat() -%}
    {%- set horizon_predicate = genie_analytics.window_predicate('event_date', horizon_from) -%}
    {%- if rejected is none -%}
        {%- set loaded_keys = 'select event_id as event_key, event_time, _window_start_at from ' ~ bronze ~ ' where ' ~ horizon_predicate -%}
    {%- else -%}
        {%- set loaded_keys = 'select event_id as event_key, event_time, _window_start_at from ' ~ bronze ~ ' where ' ~ horizon_predicate
            ~ ' union all select event_key, event_time, _window_start_at from ' ~ rejected ~ ' where ' ~ horizon_predicate -%}
    {%- endif -%}
    {%- set scope = run_query('select cast(min(_window_start_at) as date), max(event_time) from (' ~ loaded_keys ~ ') as loaded').rows[0] -%}
    {%- if genie_analytics.is_unset(scope[0]) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set search_from = genie_analytics.later_date(horizon_from, (scope[0] | string)[:10]) -%}
    {%- set query -%}
        with loaded as ({{ loaded_keys }})
        select min(audit.event_date) as unloaded_from
        from {{ audit }} as audit
        where
            audit.action_name in ('{{ var("genie_message_actions") | join("', '") }}')
            and {{ genie_analytics.window_predicate('audit.event_date', search_from) }}
            and audit.event_at <= cast('{{ (scope[1] | string)[:26] }}' as timestamp)
            and nullif(trim(audit.event_id), '') is not null
            and not exists (
                select 1 from loaded where loaded.event_key = trim(audit.event_id)
            )
    {%- endset -%}
    {%- set value = run_query(query).columns[0].values()[0] -%}
    {{- return(none if value is none else (value | string)[:10]) -}}
{%- endmacro %}


{#
    What bronze + rejected have loaded so far, as literals for pruning: a dict with
    first_date ('YYYY-MM-DD', the earliest window start they recorded) and max_event_at
    ('YYYY-MM-DD HH:MM:SS.ffffff', the latest event they hold), both none when nothing is loaded
    or before execution. Read with run_query from the two (small) Genie tables, so
    genie_pipeline_validation and the accounted-for test compare system.access.audit's
    event_date with a constant instead of a cross join with a subquery (which prunes nothing).
#}
{% macro genie_loaded_scope() -%}
    {%- set empty = {'first_date': none, 'max_event_at': none} -%}
    {%- if not execute -%}
        {{- return(empty) -}}
    {%- endif -%}
    {%- set bronze = ref('genie_audit_message_events') -%}
    {%- set rejected = ref('genie_audit_rejected_events') -%}
    {#- Nothing loaded when either table is not built yet (compile on an empty target). -#}
    {%- if not genie_analytics.relations_exist([bronze, rejected]) -%}
        {{- return(empty) -}}
    {%- endif -%}
    {%- set query -%}
        select
            cast(min(_window_start_at) as date) as first_date,
            max(event_time) as max_event_at
        from (
            select _window_start_at, event_time from {{ bronze }}
            union all
            select _window_start_at, event_time from {{ rejected }}
        ) as loaded
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if genie_analytics.is_unset(row[0]) -%}
        {{- return(empty) -}}
    {%- endif -%}
    {{- return({'first_date': (row[0] | string)[:10], 'max_event_at': (row[1] | string)[:26]}) -}}
{%- endmacro %}
