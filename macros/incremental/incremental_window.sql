{#
    The ONE rule for "which days does this incremental run read". Every incremental
    model, and every data test that scales with it, asks these macros:

      incremental_window_start(...)  -> 'YYYY-MM-DD' (first whole UTC day re-read) or none (all)
      window_predicate(column, start) -> `column >= cast('YYYY-MM-DD' as date)` (or `1 = 1`)
      is_unset(value)                 -> true for none, '', 'none', 'None', 'null' (a var left empty)

    The start is computed in Jinja at run time (run_query of the model's own watermark) and
    rendered as a LITERAL date, so the partition / clustering column is compared with a constant
    the engine prunes on (never a subquery or a cross join, which prune nothing). Every clock
    read is run_started_at (one value for the whole run, so the model body and its replace_where
    predicate, both rendered from the same call, get the same day even across midnight).

    Arguments are documented in macros/_macros.yml.
#}

{% macro is_unset(value) -%}
    {{- return(value is none or (value | string | trim) in ('', 'none', 'None', 'null', 'NULL')) -}}
{%- endmacro %}


{#- 'YYYY-MM-DD...' text, date or datetime -> datetime.date; none/'' -> none. -#}
{% macro as_date(value) -%}
    {%- if genie_analytics.is_unset(value) -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(modules.datetime.date.fromisoformat((value | string | trim)[:10])) -}}
{%- endmacro %}


{#- The run's start as a naive UTC datetime (run_started_at is UTC, tz-aware in dbt 1.11). -#}
{% macro run_started_at_utc() -%}
    {{- return(run_started_at if run_started_at.tzinfo is none
        else run_started_at.astimezone(modules.pytz.utc).replace(tzinfo=none)) -}}
{%- endmacro %}


{% macro incremental_window_start(
    watermark_column=none,
    lookback_days=0,
    lookback_minutes=none,
    watermark=none,
    upstream=[],
    also_from=[],
    floor_var='backfill_start_date',
    first_build_start=none,
    open_rows_condition=none
) -%}
    {%- set dt = modules.datetime -%}
    {%- set floor_date = genie_analytics.as_date(var(floor_var, none)) if floor_var else none -%}
    {%- set first_date = genie_analytics.as_date(first_build_start) if first_build_start is not none else floor_date -%}
    {%- set candidates = [] -%}
    {%- set incremental = execute and is_incremental() -%}
    {%- if incremental -%}
        {#- 0. This model's last successful run, from the incremental run log
            (macros/incremental/incremental_run_log.sql): when known, the days upstream models
            rewrote since then, and this model's open rows, come from the log, not from scans. -#}
        {%- set last_run = genie_analytics.last_logged_run(this) if (this is not none and (upstream or open_rows_condition)) else none -%}
        {%- set logged_upstream = [] -%}
        {%- if last_run is not none -%}
            {%- set data_upstream = [] -%}
            {%- for spec in upstream -%}
                {%- set changed_column = spec.get('changed_column', '_refreshed_at') -%}
                {#- The log holds the first replaced day of the upstream's own date column, and
                    of the secondary date column it logs (secondary_date_column); a spec on any
                    other column asks the data. -#}
                {%- if changed_column != '_refreshed_at' -%}
                    {%- set rewrites = {'known': false} -%}
                {%- elif genie_analytics.reread_date_column(spec['relation']) == spec['date_column'] -%}
                    {%- set rewrites = genie_analytics.logged_rewrites_since(spec['relation'], last_run['run_started_at']) -%}
                {%- else -%}
                    {%- set rewrites = genie_analytics.logged_secondary_rewrites_since(spec['relation'], spec['date_column'], last_run['run_started_at']) -%}
                {%- endif -%}
                {%- if rewrites['known'] -%}
                    {%- if rewrites['from'] is not none -%}
                        {%- do logged_upstream.append(rewrites['from']) -%}
                    {%- endif -%}
                {%- else -%}
                    {#- Asked of the data, with the log's last run as this model's marker (or the
                        marker_column value the log kept for it, never a scan of this table). -#}
                    {%- if changed_column == '_refreshed_at' -%}
                        {%- set logged_marker = last_run['run_started_at'] -%}
                    {%- elif last_run['marker_column'] == changed_column and not genie_analytics.is_unset(last_run['marker_value']) -%}
                        {%- set logged_marker = last_run['marker_value'] -%}
                    {%- else -%}
                        {%- set logged_marker = none -%}
                    {%- endif -%}
                    {%- do data_upstream.append(dict(spec, own_marker=logged_marker)) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set upstream = data_upstream -%}
        {%- endif -%}
        {#- 1. The model's own watermark (one query for it and the upstream markers). -#}
        {%- set mark = watermark -%}
        {%- set own_markers = {} -%}
        {%- set selects = [] -%}
        {%- if watermark is none and watermark_column is not none -%}
            {%- do selects.append('max(' ~ watermark_column ~ ') as watermark') -%}
        {%- endif -%}
        {#- An upstream marker column this table does not have yet (added by
            on_schema_change='append_new_columns' in this very run) is skipped for this run. -#}
        {%- set own_columns = (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) if (upstream and this is not none) else [] -%}
        {%- set usable = [] -%}
        {%- for spec in upstream -%}
            {%- if spec.get('own_marker') is not none or spec.get('changed_column', '_refreshed_at') | lower in own_columns -%}
                {%- do usable.append(spec) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set upstream = usable -%}
        {%- for spec in upstream -%}
            {%- if spec.get('own_marker') is none -%}
                {%- do selects.append('max(' ~ spec.get('changed_column', '_refreshed_at') ~ ') as marker_' ~ loop.index) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- (`this` is none inside a dbt unit test: no table to read a watermark from.) -#}
        {%- if selects and this is not none -%}
            {%- set row = run_query('select ' ~ (selects | join(', ')) ~ ' from ' ~ this).rows[0] -%}
            {%- if watermark is none and watermark_column is not none -%}
                {%- set mark = row['watermark'] -%}
            {%- endif -%}
            {%- for spec in upstream -%}
                {%- if spec.get('own_marker') is none -%}
                    {%- do own_markers.update({loop.index: row['marker_' ~ loop.index]}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- for spec in upstream -%}
            {%- if spec.get('own_marker') is not none -%}
                {%- do own_markers.update({loop.index: spec['own_marker']}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not genie_analytics.is_unset(mark) -%}
            {%- if lookback_minutes is not none -%}
                {%- set mark_text = (mark | string | trim)[:19] | replace('T', ' ') -%}
                {%- set mark_at = dt.datetime.strptime(mark_text ~ (' 00:00:00' if mark_text | length == 10 else ''), '%Y-%m-%d %H:%M:%S') -%}
                {%- do candidates.append((mark_at - dt.timedelta(minutes=lookback_minutes | int)).date()) -%}
            {%- else -%}
                {%- do candidates.append(genie_analytics.as_date(mark) - dt.timedelta(days=lookback_days | int)) -%}
            {%- endif -%}
            {#- 2. Days an upstream model rewrote (or a source changed) since this model's last
                run: rows of `relation` whose `changed_column` is past this model's own max of
                it, compared with a LITERAL (file statistics skip untouched files). -#}
            {%- for spec in upstream -%}
                {%- set own_marker = own_markers[loop.index] -%}
                {%- set changed_column = spec.get('changed_column', '_refreshed_at') -%}
                {%- if genie_analytics.is_unset(own_marker) -%}
                    {%- set changed_filter = '1 = 1' -%}
                {%- elif spec.get('changed_type', 'timestamp') == 'date' -%}
                    {%- set changed_filter = changed_column ~ ' ' ~ spec.get('op', '>') ~ " cast('" ~ (own_marker | string)[:10] ~ "' as date)" -%}
                {%- else -%}
                    {%- set changed_filter = changed_column ~ ' ' ~ spec.get('op', '>') ~ " cast('" ~ (own_marker | string)[:26] ~ "' as timestamp)" -%}
                {%- endif -%}
                {%- set query = 'select min(' ~ spec['date_column'] ~ ') as changed_from from ' ~ spec['relation'] ~ ' where ' ~ changed_filter -%}
                {%- set changed_from = genie_analytics.as_date(run_query(query).columns[0].values()[0]) -%}
                {%- if changed_from is not none -%}
                    {%- do candidates.append(changed_from) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for logged_day in logged_upstream -%}
                {%- do candidates.append(logged_day) -%}
            {%- endfor -%}
            {#- 3. Rows of this model still open (open_rows_condition, e.g. a cost not final
                yet): the earliest day holding one, from the log's last 'end' row, or asked of
                the table when the log has no run of this model. -#}
            {%- if open_rows_condition -%}
                {%- if last_run is not none -%}
                    {%- set open_from = last_run['open_from'] -%}
                {%- else -%}
                    {%- set open_from = genie_analytics.as_date(run_query('select min(' ~ watermark_column ~ ') from ' ~ this ~ ' where ' ~ open_rows_condition).columns[0].values()[0]) -%}
                {%- endif -%}
                {%- if open_from is not none -%}
                    {%- do candidates.append(open_from) -%}
                {%- endif -%}
            {%- endif -%}
            {#- 4. Further first dates: a SELECT returning one date (run now) or a date value. -#}
            {%- for extra in also_from -%}
                {%- if extra is string and ' from ' in (extra | lower) -%}
                    {%- set extra_date = genie_analytics.as_date(run_query(extra).columns[0].values()[0]) -%}
                {%- else -%}
                    {%- set extra_date = genie_analytics.as_date(extra) -%}
                {%- endif -%}
                {%- if extra_date is not none -%}
                    {%- do candidates.append(extra_date) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {%- set start_date = (candidates | min) if candidates else first_date -%}
    {%- if start_date is not none and floor_date is not none and start_date < floor_date -%}
        {%- set start_date = floor_date -%}
    {%- endif -%}
    {{- return(none if start_date is none else start_date.isoformat()) -}}
{%- endmacro %}


{#
    `column >= <window start + offset_days>` with the date as a literal; `1 = 1` when the start
    is none (read everything). data_type 'date' compares a DATE column; 'timestamp' compares a
    timestamp column with midnight UTC of that day, so the column is never wrapped in a cast
    (a cast of the column defeats partition pruning on some engines).
#}
{% macro window_predicate(column, window_start, offset_days=0, data_type='date') -%}
    {%- set day = genie_analytics.as_date(window_start) -%}
    {%- if day is none -%}
        1 = 1
    {%- else -%}
        {%- set day = day + modules.datetime.timedelta(days=offset_days | int) -%}
        {%- if data_type == 'timestamp' -%}
            {{ column }} >= cast('{{ day.isoformat() }} 00:00:00' as timestamp)
        {%- else -%}
            {{ column }} >= cast('{{ day.isoformat() }}' as date)
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#
    The window start of `window_call` (the Jinja text of an incremental_window_start(...) call,
    the same text the model's config passes to incremental_by_day_config), rendered now: the
    model's body and its replace_where predicate then come from ONE written call. None at parse
    time and when the call returns none (read everything).
#}
{% macro render_window_start(window_call) -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set value = render('{{ ' ~ (window_call | trim) ~ ' }}') | trim -%}
    {{- return(none if genie_analytics.is_unset(value) else value) -}}
{%- endmacro %}


{#
    First day genie_hourly_trends keeps ('YYYY-MM-DD'): the latest query_date of `relation`
    minus var('hourly_trends_days') - 1, read at compile time from the days >= `from_date`
    only (the latest day is inside any re-read window); none before execution, on an empty
    relation or one not built yet (compile_time_value).
#}
{% macro hourly_trends_first_day(relation, from_date) -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query = 'select max(query_date) from ' ~ relation ~ ' where ' ~ genie_analytics.window_predicate('query_date', from_date) -%}
    {%- set latest = genie_analytics.as_date(genie_analytics.compile_time_value(query, [relation])) -%}
    {{- return(none if latest is none else (latest - modules.datetime.timedelta(days=(var('hourly_trends_days') | int) - 1)).isoformat()) -}}
{%- endmacro %}
