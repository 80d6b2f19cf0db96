{#
    Predicate (use after `where`) that bounds what an incremental model re-reads.

    - Incremental run: whole days from `max(target_date_column) - lookback_days` of {{ this }}.
      Late-arriving or updated rows inside that window are re-read and re-deduplicated; a strict
      `> max()` watermark would drop them. The max is read with run_query at run time and inlined
      as a date literal: the engines can then prune the source on it, and Spark's
      insert_overwrite does not read the table it is overwriting. An empty target re-reads
      everything (bounded by start_date).
    - Every run, when `start_date` (e.g. var('backfill_start_date')) is set: nothing before it,
      so a first build or --full-refresh can be bounded.

    Arguments:
        source_column: timestamp or date expression of the incoming rows (e.g. start_time).
        target_date_column: DATE column of {{ this }} holding that value's date (e.g. query_date).
        lookback_days: whole days to re-read before the latest loaded date (int or var value).
        start_date: 'YYYY-MM-DD' or none.
#}
{% macro incremental_lookback_filter(source_column, target_date_column, lookback_days, start_date=none) -%}
    {%- set predicates = [] -%}
    {%- if start_date is not none and start_date | string | trim not in ('', 'none', 'None', 'null') -%}
        {%- do predicates.append("cast(" ~ source_column ~ " as date) >= cast('" ~ start_date ~ "' as date)") -%}
    {%- endif -%}
    {%- if is_incremental() and execute -%}
        {%- set max_query -%}
            select max({{ target_date_column }}) as max_date from {{ this }}
        {%- endset -%}
        {%- set max_date = run_query(max_query).columns[0].values()[0] -%}
        {%- if max_date is not none -%}
            {%- set max_date = modules.datetime.date.fromisoformat((max_date | string)[:10]) -%}
            {%- set from_date = max_date - modules.datetime.timedelta(days=lookback_days | int) -%}
            {%- do predicates.append("cast(" ~ source_column ~ " as date) >= cast('" ~ from_date.isoformat() ~ "' as date)") -%}
        {%- endif -%}
    {%- endif -%}
    {{ predicates | join('\n    and ') if predicates else '1 = 1' }}
{%- endmacro %}
