{#
    Now as a timestamp comparable with the system tables' UTC timestamps.
    DuckDB: the tables hold naive TIMESTAMPs in UTC, while current_timestamp is a TIMESTAMPTZ
    (rendered in the session time zone), so it is converted to naive UTC.
    Spark / Databricks: TIMESTAMP is an instant; current_timestamp() compares correctly as is.
#}
{% macro current_timestamp_utc() %}
    {{ return(adapter.dispatch('current_timestamp_utc', 'genie_analytics')()) }}
{% endmacro %}

{% macro default__current_timestamp_utc() %}current_timestamp(){% endmacro %}

{% macro duckdb__current_timestamp_utc() %}timezone('UTC', current_timestamp){% endmacro %}
