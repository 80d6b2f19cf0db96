{#
    Per-engine incremental configuration, so models (staging and the cost marts) can say
    "incremental on the grain key, re-read whole days" once and let each engine pick how:

    - Databricks (Delta): `merge` on the grain's unique key.
    - DuckDB: `delete+insert` keyed on the date column the lookback re-reads (see
      incremental_unique_key): dbt deletes every row of the re-computed days, then inserts them.
      It is the DuckDB twin of Spark's partition overwrite, several times faster than a MERGE (a MERGE of
      stg_system__query_history took 247 s for a 10M-query day, measured in an earlier bench run), and it
      also drops rows that no longer exist, which a MERGE keeps.
    - Spark (local stand-in, parquet tables): MERGE is impossible on parquet, so
      `insert_overwrite` of whole date partitions. Because the lookback filter below always
      re-reads whole days, replacing the partitions it touches yields the same rows a merge does.

    dbt-databricks dispatches databricks__ -> spark__ -> default__, hence explicit databricks__
    variants where Databricks must differ from open-source Spark.

    Usage in a model:
        {{ config(
            materialized='incremental',
            incremental_strategy=genie_analytics.incremental_strategy(),
            unique_key=['workspace_id', 'statement_id'],
            partition_by=genie_analytics.partition_by_date('query_date'),
            liquid_clustered_by=genie_analytics.liquid_clustered_by(['query_date', 'workspace_id']),
        ) }}
#}

{% macro incremental_strategy() -%}
    {{ return(adapter.dispatch('incremental_strategy', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}

{% macro duckdb__incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro databricks__incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}


{#
    unique_key to pair with incremental_strategy(): the grain's key where the engine merges
    (Databricks), the re-read date column where it replaces whole days (DuckDB delete+insert).
    Spark's insert_overwrite ignores the key and replaces the partitions of partition_by_date.
    Only for models whose incremental filter re-reads WHOLE days of `date_column`.
#}
{% macro incremental_unique_key(grain_columns, date_column) -%}
    {{ return(adapter.dispatch('incremental_unique_key', 'genie_analytics')(grain_columns, date_column)) }}
{%- endmacro %}

{% macro default__incremental_unique_key(grain_columns, date_column) -%}
    {{ return(grain_columns) }}
{%- endmacro %}

{% macro duckdb__incremental_unique_key(grain_columns, date_column) -%}
    {{ return(date_column) }}
{%- endmacro %}


{#
    partition_by for a date column: always on Spark (insert_overwrite needs partitions); on
    Databricks only when var('use_partitioning') is true (liquid clustering is the default
    there); never on DuckDB, which has no table partitions (returns none, so the key is inert).
#}
{% macro partition_by_date(column_name) -%}
    {{ return(adapter.dispatch('partition_by_date', 'genie_analytics')(column_name)) }}
{%- endmacro %}

{% macro default__partition_by_date(column_name) -%}
    {{ return(column_name if var('use_partitioning', false) else none) }}
{%- endmacro %}

{% macro duckdb__partition_by_date(column_name) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__partition_by_date(column_name) -%}
    {{ return(column_name) }}
{%- endmacro %}

{% macro databricks__partition_by_date(column_name) -%}
    {{ return(column_name if var('use_partitioning', false) else none) }}
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
    {{ return(none if var('use_partitioning', false) else column_names) }}
{%- endmacro %}
