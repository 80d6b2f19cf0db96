{#
    First DATE an incremental cost model re-computes, as 'YYYY-MM-DD', or none for "everything"
    (a first build or --full-refresh without var('backfill_start_date')).

    Incremental runs take the earliest of:
      - max(`date_column`) of {{ this }} minus `lookback_days` (late rows inside the lookback);
      - each query in `also_from`: a SELECT returning one DATE (or null), run against the
        current state of the warehouse. The cost models use it to follow what an upstream cost
        model rewrote in this run (rows stamped after this model's last refresh) and what this
        model itself still holds as provisional (cost not final yet).
    Never earlier than var('backfill_start_date') when that is set.

    Whole days, never a strict `> max()` watermark: the caller filters `date_column >= ` this
    date, so a merge (DuckDB, Databricks) or a partition overwrite (Spark) replaces complete days.
#}
{% macro cost_reread_from_date(date_column, lookback_days, also_from=[]) -%}
    {%- set backfill_start = var('backfill_start_date', none) -%}
    {%- if backfill_start is not none and backfill_start | string | trim in ('', 'none', 'None', 'null') -%}
        {%- set backfill_start = none -%}
    {%- endif -%}
    {%- set candidates = [] -%}
    {%- if is_incremental() and execute -%}
        {%- set max_query -%}
            select max({{ date_column }}) as max_date from {{ this }}
        {%- endset -%}
        {%- set max_date = run_query(max_query).columns[0].values()[0] -%}
        {%- if max_date is not none -%}
            {%- set max_date = modules.datetime.date.fromisoformat((max_date | string)[:10]) -%}
            {%- do candidates.append(max_date - modules.datetime.timedelta(days=lookback_days | int)) -%}
            {%- for extra_query in also_from -%}
                {%- set extra_date = run_query(extra_query).columns[0].values()[0] -%}
                {%- if extra_date is not none -%}
                    {%- do candidates.append(modules.datetime.date.fromisoformat((extra_date | string)[:10])) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {%- if candidates -%}
        {%- set from_date = candidates | min -%}
        {%- if backfill_start is not none -%}
            {%- set start_date = modules.datetime.date.fromisoformat(backfill_start | string) -%}
            {%- set from_date = [from_date, start_date] | max -%}
        {%- endif -%}
        {{ return(from_date.isoformat()) }}
    {%- elif backfill_start is not none -%}
        {{ return(backfill_start | string) }}
    {%- else -%}
        {{ return(none) }}
    {%- endif -%}
{%- endmacro %}


{# `column >= from_date` as SQL, or `1 = 1` when there is no bound. #}
{% macro cost_date_predicate(column_expression, from_date) -%}
    {%- if from_date is none -%}
        1 = 1
    {%- else -%}
        cast({{ column_expression }} as date) >= cast('{{ from_date }}' as date)
    {%- endif -%}
{%- endmacro %}


{#
    The run's timestamp, stamped on every row a cost model writes (`_refreshed_at`). Downstream
    cost models re-compute the rows of queries/windows that an upstream model rewrote after
    their own last refresh; not part of the compared business columns.
#}
{% macro cost_refreshed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
