{#
    The incremental run log: one small table, `genie_incremental_runs` in the target
    schema, that says which days each incremental-by-day model replaced and when it last
    finished, so a downstream model learns which upstream days were rewritten since its own
    last run WITHOUT scanning the upstream table.

    Before it, incremental_window_start asked the upstream table itself:
    `select min(<date>) from <upstream> where _refreshed_at > <own max(_refreshed_at)>`. The
    filter is on a data column, not on the date the table is partitioned / clustered by, so
    Spark read every partition of genie_query_performance, genie_cost_attribution and the
    allocation for it, and Delta can skip files on it only when `_refreshed_at` is among the
    first 32 columns it keeps statistics for (it is not in those wide tables).

    Columns (one row per event):
      model_name      string     the model's identifier (`this.identifier`)
      run_started_at  timestamp  dbt's run_started_at (UTC) of the run
      event           string     'start': written by a pre-hook BEFORE the model replaces its
                                 days; 'end': written by a post-hook after it succeeded
      window_start    date       first day replaced (every day >= it was replaced); null =
                                 the whole table (first build, --full-refresh)
      open_from       date       'end' rows only: earliest day of the model that still holds
                                 rows the model must re-read next time (open_rows_condition,
                                 e.g. costs not final yet); null = none
      secondary_date_column string 'end' rows only: a second date column of the model (e.g.
                                 the allocation's query_date beside its window_date)
      secondary_from  date       'end' rows only: earliest secondary_date_column among the rows
                                 this run wrote (null = it wrote none), for a downstream model
                                 laid out by that column
      marker_column   string     'end' rows only: a column whose maximum marks how far an
                                 upstream source was read (e.g. last_ingestion_date)
      marker_value    string     'end' rows only: max(marker_column) over the rows this run
                                 wrote (a lower bound of the table's maximum, so the next run
                                 re-reads at least as much as with the table's maximum)

    Reading it (incremental_window_start): a model's own last run is its latest 'end' row; the
    days an upstream model rewrote since then are the 'start' rows of the upstream after that
    run. 'start' is written before the write, so an upstream that failed half-way still shows
    its window (a downstream re-reads a few days too many, never too few); 'end' only after the
    model's whole node succeeded, so a model that failed re-derives the same window next time.
    Whenever the log cannot answer (no 'end' row of the model yet: a table built before the
    log existed; an upstream rebuilt whole), the old data query is used, so the log only ever
    narrows a read, never changes a result.

    Created by on-run-start (create_incremental_run_log), never in a model's hook, so two models
    running at once (DuckDB threads: 2) never both create it. Rows are only appended (Delta
    blind appends never conflict); about 2 rows per model per run.

    Hand-written: dbt has no cross-model state; the log is the smallest durable one.
#}

{% macro incremental_run_log() -%}
    {#- dbt-spark's target has no database (Spark has no catalog level here). -#}
    {{ return(api.Relation.create(database=(target.database if target.database is defined else none), schema=target.schema, identifier='genie_incremental_runs', type='table')) }}
{%- endmacro %}


{#- on-run-start: the log table, when it does not exist yet (and its schema). -#}
{% macro create_incremental_run_log() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'test', 'seed', 'snapshot', 'retry') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set log = genie_analytics.incremental_run_log() -%}
    {%- if adapter.get_relation(database=log.database, schema=log.schema, identifier=log.identifier) is none -%}
        {%- do adapter.create_schema(log.without_identifier()) -%}
        {%- do run_query('create table if not exists ' ~ log ~ ' (model_name string, run_started_at timestamp, event string, window_start date, open_from date, secondary_date_column string, secondary_from date, marker_column string, marker_value string) ' ~ genie_analytics.landing_table_format_clause()) -%}
        {%- do adapter.commit() -%}
        {#- dbt cached the schema's relations before this hook: tell the cache, so the models'
            hooks of this very run (get_relation) find the table. -#}
        {%- do adapter.cache_added(log) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{#- True when the log table exists (cached per node: a dbt relation-cache lookup). -#}
{% macro incremental_run_log_exists() -%}
    {%- set log = genie_analytics.incremental_run_log() -%}
    {{ return(adapter.get_relation(database=log.database, schema=log.schema, identifier=log.identifier) is not none) }}
{%- endmacro %}


{#- run_started_at as the literal the log stores. -#}
{% macro run_log_timestamp() -%}
    cast('{{ genie_analytics.run_started_at_utc().strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}


{#- Pre-hook: `insert` of this run's 'start' row with `window_start` (the rendered window call). -#}
{% macro log_reread_window_start(window_start) -%}
    {%- if execute and genie_analytics.incremental_run_log_exists() -%}
        {%- set day = genie_analytics.as_date(window_start) if is_incremental() else none -%}
        insert into {{ genie_analytics.incremental_run_log() }}
        select
            '{{ this.identifier }}',
            {{ genie_analytics.run_log_timestamp() }},
            'start',
            {{ "cast('" ~ day.isoformat() ~ "' as date)" if day is not none else 'cast(null as date)' }},
            cast(null as date),
            cast(null as string),
            cast(null as date),
            cast(null as string),
            cast(null as string)
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{#- Post-hook: the 'end' row, with open_from = the earliest `date_column` among this run's
    window whose rows match `open_rows_condition` (rows before the window were not open, or the
    window would have started at them). -#}
{% macro log_reread_window_end(date_column, open_rows_condition=none, secondary_date_column=none, marker_column=none) -%}
    {%- if execute and genie_analytics.incremental_run_log_exists() -%}
        {%- set log = genie_analytics.incremental_run_log() -%}
        {%- set window_start = none -%}
        {%- if open_rows_condition or secondary_date_column or marker_column -%}
            {%- set rows = run_query("select max(window_start) as window_start, count(*) as starts, count(window_start) as dated from " ~ log
                ~ " where model_name = '" ~ this.identifier ~ "' and event = 'start' and run_started_at = " ~ genie_analytics.run_log_timestamp()).rows -%}
            {%- if rows and rows[0]['starts'] == rows[0]['dated'] -%}
                {%- set window_start = genie_analytics.as_date(rows[0]['window_start']) -%}
            {%- endif -%}
        {%- endif -%}
        insert into {{ log }}
        select
            '{{ this.identifier }}',
            {{ genie_analytics.run_log_timestamp() }},
            'end',
            cast(null as date),
            {%- if open_rows_condition %}
            (select min({{ date_column }}) from {{ this }} where ({{ open_rows_condition }}) and {{ genie_analytics.window_predicate(date_column, window_start) }}),
            {%- else %}
            cast(null as date),
            {%- endif %}
            {%- if secondary_date_column %}
            '{{ secondary_date_column }}',
            (select min({{ secondary_date_column }}) from {{ this }} where {{ genie_analytics.window_predicate(date_column, window_start) }}),
            {%- else %}
            cast(null as string),
            cast(null as date),
            {%- endif %}
            {%- if marker_column %}
            '{{ marker_column }}',
            (select cast(max({{ marker_column }}) as string) from {{ this }} where {{ genie_analytics.window_predicate(date_column, window_start) }})
            {%- else %}
            cast(null as string),
            cast(null as string)
            {%- endif %}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{#- The model's latest 'end' row as {'run_started_at': text, 'open_from': date or none}, or none
    when the log has none (or does not exist). -#}
{% macro last_logged_run(relation) -%}
    {%- if not execute or relation is none or not genie_analytics.incremental_run_log_exists() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set log = genie_analytics.incremental_run_log() -%}
    {%- set last = run_query("select cast(max(run_started_at) as string) as last_run from " ~ log
        ~ " where model_name = '" ~ relation.identifier ~ "' and event = 'end'").columns[0].values()[0] -%}
    {%- if genie_analytics.is_unset(last) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = run_query("select min(open_from) as open_from, max(marker_column) as marker_column, min(marker_value) as marker_value from " ~ log
        ~ " where model_name = '" ~ relation.identifier ~ "' and event = 'end' and run_started_at = cast('" ~ last ~ "' as timestamp)").rows[0] -%}
    {{ return({'run_started_at': last, 'open_from': genie_analytics.as_date(row['open_from']),
        'marker_column': row['marker_column'], 'marker_value': row['marker_value']}) }}
{%- endmacro %}


{#- The days `relation` (an incremental-by-day model) replaced after `since` (a timestamp text):
    {'known': true, 'from': date or none (none = no rewrite)}; {'known': false} when one of its
    runs since then replaced the whole table (the caller then asks the table itself). -#}
{% macro logged_rewrites_since(relation, since) -%}
    {%- set log = genie_analytics.incremental_run_log() -%}
    {%- set row = run_query("select min(window_start) as first_day, count(*) as starts, count(window_start) as dated from " ~ log
        ~ " where model_name = '" ~ relation.identifier ~ "' and event = 'start' and run_started_at > cast('" ~ since ~ "' as timestamp)").rows[0] -%}
    {%- if row['starts'] != row['dated'] -%}
        {{ return({'known': false}) }}
    {%- endif -%}
    {{ return({'known': true, 'from': genie_analytics.as_date(row['first_day'])}) }}
{%- endmacro %}


{#- The first `date_column` (a secondary date column `relation` logs, e.g. the allocation's
    query_date) among the rows `relation` wrote after `since`: {'known': true, 'from': date or
    none}; {'known': false} unless every run of it since then that started also ended and
    logged that column (the caller then asks the table itself). -#}
{% macro logged_secondary_rewrites_since(relation, date_column, since) -%}
    {%- set log = genie_analytics.incremental_run_log() -%}
    {%- set row = run_query("select count(*) as events, sum(case when event = 'start' then 1 else 0 end) as starts, "
        ~ "sum(case when event = 'end' and secondary_date_column = '" ~ date_column ~ "' then 1 else 0 end) as ends, "
        ~ "min(case when event = 'end' then secondary_from end) as first_day from " ~ log
        ~ " where model_name = '" ~ relation.identifier ~ "' and run_started_at > cast('" ~ since ~ "' as timestamp)").rows[0] -%}
    {%- if (row['events'] or 0) == 0 -%}
        {{ return({'known': true, 'from': none}) }}
    {%- endif -%}
    {%- if row['starts'] != row['ends'] -%}
        {{ return({'known': false}) }}
    {%- endif -%}
    {{ return({'known': true, 'from': genie_analytics.as_date(row['first_day'])}) }}
{%- endmacro %}
