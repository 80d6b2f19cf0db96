{#
    Retention (README "Security and retention"). A mart that takes
        +post-hook: "{{ genie_analytics.apply_retention('<date column>') }}"
    (dbt_project.yml) keeps the days from `retention_start_date()` on; older days move to
    `<mart>_archive` (same schema, same columns), which keeps days from
    `retention_archive_start_date()` on; older archived days are deleted.

        as_of            = var('retention_as_of_date') ('YYYY-MM-DD'; empty = today, UTC)
        active from      = as_of - retention_active_days      (default 90)
        archive from     = as_of - retention_archive_days     (default 365)

    Why a post-hook and not an archive model: the rows to archive exist only in the mart (it is
    incremental: its sources are not re-read that far back), so they must be copied before they
    are removed, in the same model's run; an archive model would run after the mart and find
    them gone, or would leave them in the mart for downstream models of the same run. The hook
    runs after every build of the mart, full refresh included, so a full refresh and the
    incremental runs leave the same rows (incremental == full refresh holds).

    The move, in an order that is safe to repeat and to restart after a crash at any step (each
    step is idempotent, and no step removes a row that is not already copied):
        1. create the archive if missing (empty, the mart's columns);
        2. replace, in the archive, the days the mart still holds before `active from`
           (and not before `archive from`) by the mart's rows of those days;
        3. delete those days (everything before `active from`) from the mart;
        4. delete archived days before `archive from`.
    A second run finds nothing before `active from` in the mart and changes nothing.

    Engines (dispatched): DuckDB and Databricks (Delta: DELETE; deletion vectors, set in
    dbt_project.yml, keep it cheap) delete and insert; Spark's parquet tables cannot DELETE, so
    there step 2 is a dynamic partition overwrite and steps 3-4 drop the date partitions (the
    marts are partitioned by their date on Spark: partition_by_date()).
#}

{% macro retention_as_of() -%}
    {%- set value = var('retention_as_of_date') -%}
    {%- if value is none or (value | string | trim) in ('', 'none', 'None', 'null') -%}
        {{ return(modules.datetime.datetime.utcnow().date()) }}
    {%- endif -%}
    {{ return(modules.datetime.date.fromisoformat((value | string | trim)[:10])) }}
{%- endmacro %}

{# First day the marts keep (a date). #}
{% macro retention_start_date() -%}
    {{ return(genie_analytics.retention_as_of() - modules.datetime.timedelta(days=var('retention_active_days') | int)) }}
{%- endmacro %}

{# First day the archives keep (a date). #}
{% macro retention_archive_start_date() -%}
    {{ return(genie_analytics.retention_as_of() - modules.datetime.timedelta(days=var('retention_archive_days') | int)) }}
{%- endmacro %}

{# The later of backfill_start_date and the retention start, 'YYYY-MM-DD': the first day the
   cost marts hold, for tests that compare them with their sources over the retained window. #}
{% macro retained_from_date() -%}
    {%- set start = genie_analytics.retention_start_date() -%}
    {%- set backfill = var('backfill_start_date') -%}
    {%- if backfill is not none and (backfill | string | trim) not in ('', 'none', 'None', 'null') -%}
        {%- set backfill = modules.datetime.date.fromisoformat((backfill | string | trim)[:10]) -%}
        {%- if backfill > start -%}{%- set start = backfill -%}{%- endif -%}
    {%- endif -%}
    {{ return(start.isoformat()) }}
{%- endmacro %}

{% macro archive_relation(relation) -%}
    {{ return(api.Relation.create(database=relation.database, schema=relation.schema,
        identifier=relation.identifier ~ '_archive', type='table')) }}
{%- endmacro %}


{% macro apply_retention(date_column) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'retry') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set active_from = genie_analytics.retention_start_date() -%}
    {%- set archive_from = genie_analytics.retention_archive_start_date() -%}
    {%- if archive_from > active_from -%}
        {%- do exceptions.raise_compiler_error(
            'retention_archive_days (' ~ var('retention_archive_days') ~ ') must be at least retention_active_days ('
            ~ var('retention_active_days') ~ ')') -%}
    {%- endif -%}
    {%- set archive = genie_analytics.archive_relation(this) -%}
    {%- do genie_analytics.retention_create_archive(archive, this, date_column) -%}
    {%- do genie_analytics.retention_copy_days(archive, this, date_column, archive_from, active_from) -%}
    {%- do genie_analytics.retention_delete_before(this, date_column, active_from) -%}
    {%- do genie_analytics.retention_delete_before(archive, date_column, archive_from) -%}
    {{ return('') }}
{%- endmacro %}


{# 1. The archive, created empty with the mart's columns when missing. #}
{% macro retention_create_archive(archive, source, date_column) -%}
    {{ return(adapter.dispatch('retention_create_archive', 'genie_analytics')(archive, source, date_column)) }}
{%- endmacro %}

{% macro default__retention_create_archive(archive, source, date_column) -%}
    {%- do run_query('create table if not exists ' ~ archive ~ ' as select * from ' ~ source ~ ' where 1 = 0') -%}
{%- endmacro %}

{% macro spark__retention_create_archive(archive, source, date_column) -%}
    {%- do run_query('create table if not exists ' ~ archive ~ ' using parquet partitioned by (' ~ date_column
        ~ ') as select * from ' ~ source ~ ' where 1 = 0') -%}
{%- endmacro %}

{% macro databricks__retention_create_archive(archive, source, date_column) -%}
    {#- The archive holds the same rows as the mart: the same row filter and the same masks,
        both in the CREATE (the mart's columns and types, each masked column with its MASK:
        macros/governance/column_masks_at_create.sql). The ALTERs after it mask an archive
        created before the masks were part of its CREATE (idempotent). -#}
    {%- do run_query('create table if not exists ' ~ archive ~ ' '
        ~ genie_analytics.masked_column_list_sql(source, genie_analytics.masks_at_create(model))
        ~ ' using delta cluster by (' ~ date_column ~ ')'
        ~ ' with row filter ' ~ target.database ~ '.' ~ target.schema ~ '.genie_workspace_row_filter'
        ~ ' on (workspace_id)'
        ~ " tblproperties ('delta.enableDeletionVectors' = 'true')") -%}
    {%- for statement in genie_analytics.column_mask_statements(archive, model) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
{%- endmacro %}


{# 2. Replace the archive's copy of the mart's days in [archive_from, active_from). #}
{% macro retention_copy_days(archive, source, date_column, archive_from, active_from) -%}
    {{ return(adapter.dispatch('retention_copy_days', 'genie_analytics')(archive, source, date_column, archive_from, active_from)) }}
{%- endmacro %}

{% macro default__retention_copy_days(archive, source, date_column, archive_from, active_from) -%}
    {%- set columns = adapter.get_columns_in_relation(archive) | map(attribute='name') | list -%}
    {%- set column_list = get_quoted_csv(columns) -%}
    {%- set days = date_column ~ " >= cast('" ~ archive_from.isoformat() ~ "' as date) and "
        ~ date_column ~ " < cast('" ~ active_from.isoformat() ~ "' as date)" -%}
    {%- do run_query('delete from ' ~ archive ~ ' where ' ~ date_column ~ ' in (select distinct '
        ~ date_column ~ ' from ' ~ source ~ ' where ' ~ days ~ ')') -%}
    {%- do run_query('insert into ' ~ archive ~ ' (' ~ column_list ~ ') select ' ~ column_list
        ~ ' from ' ~ source ~ ' where ' ~ days) -%}
{%- endmacro %}

{% macro spark__retention_copy_days(archive, source, date_column, archive_from, active_from) -%}
    {#- Positional, in the archive's column order: the mart's columns with the partition column
        last, as Spark laid out the archive it created from the mart (the archive itself is not
        in dbt's relation cache, which dbt-spark's get_columns_in_relation reads). A column the
        mart gained after the archive was created is not archived. -#}
    {%- set archive_columns = run_query('select * from ' ~ archive ~ ' limit 0').column_names | list -%}
    {%- set columns = [] -%}
    {%- for name in archive_columns -%}{%- do columns.append(name) -%}{%- endfor -%}
    {%- do run_query('set spark.sql.sources.partitionOverwriteMode = dynamic') -%}
    {%- do run_query('insert overwrite table ' ~ archive ~ ' partition (' ~ date_column ~ ') select '
        ~ (columns | join(', ')) ~ ' from ' ~ source ~ ' where ' ~ date_column ~ " >= cast('"
        ~ archive_from.isoformat() ~ "' as date) and " ~ date_column ~ " < cast('" ~ active_from.isoformat() ~ "' as date)") -%}
{%- endmacro %}


{# 3./4. Every row of `relation` before `before` (a date) removed. #}
{% macro retention_delete_before(relation, date_column, before) -%}
    {{ return(adapter.dispatch('retention_delete_before', 'genie_analytics')(relation, date_column, before)) }}
{%- endmacro %}

{% macro default__retention_delete_before(relation, date_column, before) -%}
    {%- do run_query('delete from ' ~ relation ~ ' where ' ~ date_column ~ " < cast('" ~ before.isoformat() ~ "' as date)") -%}
{%- endmacro %}

{% macro spark__retention_delete_before(relation, date_column, before) -%}
    {%- set days = run_query('select distinct cast(' ~ date_column ~ ' as string) from ' ~ relation
        ~ ' where ' ~ date_column ~ " < cast('" ~ before.isoformat() ~ "' as date)") -%}
    {%- for row in days.rows -%}
        {%- do run_query('alter table ' ~ relation ~ ' drop if exists partition (' ~ date_column ~ " = '" ~ row[0] ~ "')") -%}
    {%- endfor -%}
{%- endmacro %}

{% macro databricks__retention_delete_before(relation, date_column, before) -%}
    {%- do run_query('delete from ' ~ relation ~ ' where ' ~ date_column ~ " < cast('" ~ before.isoformat() ~ "' as date)") -%}
{%- endmacro %}

{% macro databricks__retention_copy_days(archive, source, date_column, archive_from, active_from) -%}
    {{ return(genie_analytics.default__retention_copy_days(archive, source, date_column, archive_from, active_from)) }}
{%- endmacro %}


{#
    The first day a retained mart reads ('YYYY-MM-DD'): the later of its incremental re-read
    start `from_date` (none = everything) and retention_start_date(). Each retained mart bounds
    its reads with it, so a first build or --full-refresh never rebuilds days older than the
    retention start from an upstream mart that no longer holds them (the hook would then archive
    those half-empty rows over the good copies).
#}
{% macro retention_floor(from_date) -%}
    {%- set start = genie_analytics.retention_start_date() -%}
    {%- if from_date is not none and (from_date | string | trim) not in ('', 'none', 'None', 'null') -%}
        {%- set given = modules.datetime.date.fromisoformat((from_date | string | trim)[:10]) -%}
        {%- if given > start -%}{%- set start = given -%}{%- endif -%}
    {%- endif -%}
    {{ return(start.isoformat()) }}
{%- endmacro %}
