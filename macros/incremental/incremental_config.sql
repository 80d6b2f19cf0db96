{#
    Per-engine incremental configuration. Every incremental model is incremental by day: it
    re-reads whole days from incremental_window_start() and REPLACES them
    (incremental_by_day_config below, one line in the model):

    - Databricks (Delta): `replace_where` (INSERT INTO ... REPLACE WHERE <date> >= <window start>);
    - DuckDB: the same strategy name, run as delete-then-insert of that predicate (a MERGE would
      keep rows that no longer exist, and is slower: bench/NOTES.md);
    - Spark (local stand-in, parquet tables, which cannot MERGE or DELETE): `insert_overwrite` of
      the date partitions, after a pre-hook drops the window's partitions.

    dbt-databricks dispatches databricks__ -> spark__ -> default__, hence explicit databricks__
    variants where Databricks must differ from open-source Spark.
#}


{#
    partition_by for a date column: always on Spark (insert_overwrite needs partitions); on
    Databricks only when var('use_partitioning') is true (liquid clustering is the default
    there); never on DuckDB, which has no table partitions (returns none, so the key is inert).
#}
{% macro partition_by_date(column_name) -%}
    {{ return(adapter.dispatch('partition_by_date', 'genie_analytics')(column_name)) }}
{%- endmacro %}

{% macro default__partition_by_date(column_name) -%}
    {{ return(column_name if var('use_partitioning') else none) }}
{%- endmacro %}

{% macro duckdb__partition_by_date(column_name) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__partition_by_date(column_name) -%}
    {{ return(column_name) }}
{%- endmacro %}

{% macro databricks__partition_by_date(column_name) -%}
    {{ return(column_name if var('use_partitioning') else none) }}
{%- endmacro %}


{#
    liquid_clustered_by for Databricks (Delta liquid clustering), unless the project opted into
    classic partitioning with var('use_partitioning'); the two cannot be combined. Inert
    elsewhere.
#}
{% macro liquid_clustered_by(column_names) -%}
    {{ return(adapter.dispatch('liquid_clustered_by', 'genie_analytics')(column_names)) }}
{%- endmacro %}

{% macro default__liquid_clustered_by(column_names) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro databricks__liquid_clustered_by(column_names) -%}
    {{ return(none if var('use_partitioning') else column_names) }}
{%- endmacro %}


{#
    Whole-day replacement for incremental models whose rows can MOVE or VANISH when a day is
    re-read: an audit event that moves between the accepted and rejected
    Genie tables, a row whose day no longer produces it. A MERGE only upserts, so the old row
    would stay; delete+insert keyed on the date only deletes days the new rows still contain.
    These models instead replace EVERY day from the re-read window's first date on, whatever
    the new rows hold:

    - Databricks: dbt-databricks' `replace_where` strategy, `INSERT INTO t REPLACE WHERE
      <date_column> >= '<window start>' TABLE <new rows>` (one atomic Delta write; needs
      file_format delta, which dbt_project.yml sets, and works on SQL warehouses);
    - DuckDB: the same strategy name, implemented below as delete-then-insert of the predicate;
    - Spark (local parquet stand-in, no DELETE): insert_overwrite of the date partitions the new
      rows hold, as before (a day whose rows ALL vanished is not cleared there).

    Usage (the window start is computed at RUN time, by the same macro call the model body uses:
    dbt renders config() once at parse time, so the predicate is kept as a template and rendered
    by get_incremental_replace_where_sql below):
        {{ config(
            materialized='incremental',
            incremental_strategy=genie_analytics.reread_days_strategy(),
            incremental_predicates=genie_analytics.reread_days_predicates(
                'event_date', "genie_analytics.genie_audit_window_start()"),
            ...
        ) }}
#}
{% macro reread_days_strategy() -%}
    {{ return(adapter.dispatch('reread_days_strategy', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__reread_days_strategy() -%}
    {{ return('replace_where') }}
{%- endmacro %}

{% macro spark__reread_days_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro databricks__reread_days_strategy() -%}
    {{ return('replace_where') }}
{%- endmacro %}


{#
    incremental_predicates for reread_days_strategy(): one predicate TEMPLATE,
    `<date_column> >= <first re-read date>`, where `from_date_call` is the Jinja expression
    (a macro call, as text) that returns the first re-read date ('YYYY-MM-DD', or none for
    "everything") at run time. `or_before_call`, when given, is another such call whose date
    also replaces (deletes) every day BEFORE it: `(<date_column> >= <from> or <date_column> <
    <before>)`, for a model that keeps only its last N days (genie_hourly_trends). None on
    Spark, whose insert_overwrite takes no predicate.
#}
{% macro reread_days_predicates(date_column, from_date_call, or_before_call=none) -%}
    {{ return(adapter.dispatch('reread_days_predicates', 'genie_analytics')(date_column, from_date_call, or_before_call)) }}
{%- endmacro %}

{% macro default__reread_days_predicates(date_column, from_date_call, or_before_call=none) -%}
    {{ return(["{{ genie_analytics.reread_days_predicate('" ~ date_column ~ "', " ~ from_date_call
        ~ ((", or_before=" ~ or_before_call) if or_before_call else "") ~ ") }}"]) }}
{%- endmacro %}

{% macro spark__reread_days_predicates(date_column, from_date_call, or_before_call=none) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro databricks__reread_days_predicates(date_column, from_date_call, or_before_call=none) -%}
    {{ return(genie_analytics.default__reread_days_predicates(date_column, from_date_call, or_before_call)) }}
{%- endmacro %}


{# `date_column >= date 'from_date'` (or before `or_before`), or `1 = 1` (replace everything) when from_date is none. #}
{% macro reread_days_predicate(date_column, from_date, or_before=none) -%}
    {%- set before = genie_analytics.as_date(or_before) -%}
    {%- if genie_analytics.as_date(from_date) is none or before is none -%}
        {{ genie_analytics.window_predicate(date_column, from_date) }}
    {%- else -%}
        ({{ genie_analytics.window_predicate(date_column, from_date) }} or {{ date_column }} < cast('{{ before.isoformat() }}' as date))
    {%- endif -%}
{%- endmacro %}


{#
    The config() of an incremental model that re-reads whole days of `date_column` from
    `window_call` (the Jinja text of the incremental_window_start(...) call the body also
    uses) and replaces them (reread_days_strategy: REPLACE WHERE on Databricks, delete +
    insert on DuckDB, partition overwrite on Spark). The one config of every incremental model
    (integration_tests/test_incremental_strategies.py fails on one written by hand):

    - clustered_by: the liquid clustering keys (Databricks) after the date; a list that names
      the date column itself is the whole key, in its order (genie_api_query_lookup clusters
      by query_id first, for its point lookups).
    - or_before_call: the Jinja text of a call returning a date ('YYYY-MM-DD' or none) before
      which every day is ALSO replaced (deleted), for a model that keeps only its last N days
      or drops the days its source no longer holds (reread_days_predicates).
    - open_rows_condition, secondary_date_column, marker_column: what the run log's 'end' row
      records (run_log_post_hooks).
    - post_hooks: further post-hooks, run after the run log's (e.g. a point-lookup index).
#}
{% macro incremental_by_day_config(date_column, window_call, clustered_by=['workspace_id'], or_before_call=none, open_rows_condition=none, secondary_date_column=none, marker_column=none, post_hooks=[]) -%}
    {%- set window_call = window_call | trim -%}
    {%- set cluster_keys = clustered_by if date_column in clustered_by else [date_column] + clustered_by -%}
    {#- pre_hook: the run log's 'start' row FIRST: on Spark the next hook drops the window's
        partitions, after which the window would render from a lower watermark. -#}
    {{ config(
        materialized='incremental',
        incremental_strategy=genie_analytics.reread_days_strategy(),
        incremental_predicates=genie_analytics.reread_days_predicates(date_column, window_call, or_before_call=or_before_call),
        partition_by=genie_analytics.partition_by_date(date_column),
        liquid_clustered_by=genie_analytics.liquid_clustered_by(cluster_keys),
        on_schema_change='append_new_columns',
        meta={'reread_date_column': date_column},
        pre_hook=genie_analytics.run_log_pre_hooks(window_call)
            + genie_analytics.clear_reread_days_hooks(date_column, window_call, or_before_call=or_before_call),
        post_hook=genie_analytics.run_log_post_hooks(date_column, open_rows_condition, secondary_date_column, marker_column)
            + post_hooks,
    ) }}
{%- endmacro %}


{#- The incremental run log's hooks (macros/incremental/incremental_run_log.sql): a 'start'
    row with the window before the model replaces its days, an 'end' row after. -#}
{% macro run_log_pre_hooks(window_call) -%}
    {{ return(["{{ genie_analytics.log_reread_window_start(" ~ (window_call | trim) ~ ") }}"]) }}
{%- endmacro %}

{% macro run_log_post_hooks(date_column, open_rows_condition=none, secondary_date_column=none, marker_column=none) -%}
    {{ return(["{{ genie_analytics.log_reread_window_end('" ~ date_column ~ "'"
        ~ ((", open_rows_condition=" ~ (open_rows_condition | tojson)) if open_rows_condition else "")
        ~ ((", secondary_date_column=" ~ (secondary_date_column | tojson)) if secondary_date_column else "")
        ~ ((", marker_column=" ~ (marker_column | tojson)) if marker_column else "") ~ ") }}"]) }}
{%- endmacro %}


{#
    Spark's insert_overwrite replaces only the date partitions the new rows hold: a re-read day
    whose rows ALL vanished (every statement of a day re-dated, a warehouse-day that no longer
    exists, a day that left genie_hourly_trends' window) would keep its old rows, which REPLACE
    WHERE (Databricks) and delete + insert (DuckDB) remove. On Spark a pre-hook therefore drops
    every partition of the target from the window start on (and before `or_before_call`'s date,
    when given) before the insert: the same rows as the other engines. Not atomic: a failed
    insert leaves those days empty, and the next run re-reads them (its watermark is lower).
    No hook on the other engines.
#}
{% macro clear_reread_days_hooks(date_column, from_date_call, or_before_call=none) -%}
    {{ return(adapter.dispatch('clear_reread_days_hooks', 'genie_analytics')(date_column, from_date_call, or_before_call)) }}
{%- endmacro %}

{% macro default__clear_reread_days_hooks(date_column, from_date_call, or_before_call=none) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro spark__clear_reread_days_hooks(date_column, from_date_call, or_before_call=none) -%}
    {{ return(["{{ genie_analytics.spark_drop_reread_partitions('" ~ date_column ~ "', " ~ from_date_call
        ~ ((", or_before=" ~ or_before_call) if or_before_call else "") ~ ") }}"]) }}
{%- endmacro %}

{% macro databricks__clear_reread_days_hooks(date_column, from_date_call, or_before_call=none) -%}
    {{ return([]) }}
{%- endmacro %}


{#- Drops (run_query, one statement each) the target's partitions on or after from_date and
    before or_before, listed with SHOW PARTITIONS (metadata, no data read); the hook itself
    then runs `select 1`. Only on incremental runs of an existing table. -#}
{% macro spark_drop_reread_partitions(date_column, from_date, or_before=none) -%}
    {%- set start = genie_analytics.as_date(from_date) -%}
    {%- set before = genie_analytics.as_date(or_before) -%}
    {%- if execute and is_incremental() and start is not none -%}
        {%- for row in run_query('show partitions ' ~ this) -%}
            {%- set spec = row[0] | string -%}
            {%- set day = genie_analytics.as_date(spec.split('=')[-1]) if spec.startswith(date_column ~ '=') else none -%}
            {%- if day is not none and (day >= start or (before is not none and day < before)) -%}
                {%- do run_query('alter table ' ~ this ~ ' drop if exists partition (' ~ date_column ~ " = '" ~ day.isoformat() ~ "')") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}


{#
    The `replace_where` incremental strategy. Overrides the adapter's dispatcher of the same
    name (the root project's macro wins), to render the predicate templates at run time, then
    dispatches as dbt-databricks does: its databricks__ variant (INSERT INTO ... REPLACE WHERE)
    on Databricks, the duckdb__ variant below on DuckDB. A model on this strategy without a
    predicate is refused: replace_where without one would append.
#}
{% macro get_incremental_replace_where_sql(arg_dict) -%}
    {%- set predicates = arg_dict.get('incremental_predicates') -%}
    {%- if not predicates -%}
        {%- do exceptions.raise_compiler_error(
            'incremental_strategy replace_where needs incremental_predicates (see reread_days_predicates)'
        ) -%}
    {%- endif -%}
    {%- set rendered = [] -%}
    {%- for predicate in ([predicates] if predicates is string else predicates) -%}
        {%- do rendered.append(render(predicate) | trim) -%}
    {%- endfor -%}
    {%- do arg_dict.update({'incremental_predicates': rendered}) -%}
    {{ return(adapter.dispatch('get_incremental_replace_where_sql', 'dbt')(arg_dict)) }}
{%- endmacro %}

{% macro duckdb__get_incremental_replace_where_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where {{ arg_dict['incremental_predicates'] | join(' and ') }};

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- Spark (the local parquet stand-in) never takes this strategy (reread_days_strategy gives it
    insert_overwrite), but dbt resolves the dispatch when it parses the override above, so the
    Spark variant must exist; it refuses to run. -#}
{% macro spark__get_incremental_replace_where_sql(arg_dict) -%}
    {%- do exceptions.raise_compiler_error(
        'replace_where is not used on Spark: reread_days_strategy() gives insert_overwrite there'
    ) -%}
{%- endmacro %}


{#- dbt searches the dispatch namespace package by package (this project first, for every
    prefix, then the adapter's), so the spark__ variant above would shadow dbt-databricks' own
    databricks__ one on Databricks (dbt-databricks dispatches databricks__ -> spark__): this
    variant hands Databricks to the adapter's REPLACE WHERE statement (get_replace_where_sql in
    dbt-databricks' strategies.sql). -#}
{% macro databricks__get_incremental_replace_where_sql(arg_dict) -%}
    {{ return(get_replace_where_sql(arg_dict)) }}
{%- endmacro %}
