{#
    split_part_or_null (stg_system__audit_table_reads splits request_params['full_name_arg'] with
    it) on names of three, two, one and no parts, on every engine the project builds on: a
    missing part is null and never an error (under ANSI mode, Spark raises INVALID_ARRAY_INDEX on
    dbt-spark's `split(...)[n]` for a short name, which would fail the whole staging model on
    one audit row; dbt-spark's own sessions run with ANSI off).
    Rows returned = violations.
#}

with

names as (
    select
        'main.genie_analytics.genie_query_performance' as full_name,
        cast('main' as string) as want_1,
        cast('genie_analytics' as string) as want_2,
        cast('genie_query_performance' as string) as want_3
    union all
    select
        'genie_analytics.genie_query_performance' as full_name,
        cast('genie_analytics' as string) as want_1,
        cast('genie_query_performance' as string) as want_2,
        cast(null as string) as want_3
    union all
    select
        'genie_query_performance' as full_name,
        cast('genie_query_performance' as string) as want_1,
        cast(null as string) as want_2,
        cast(null as string) as want_3
    union all
    select
        '' as full_name,
        cast(null as string) as want_1,
        cast(null as string) as want_2,
        cast(null as string) as want_3
    union all
    select
        'a.b.c.d' as full_name,
        cast('a' as string) as want_1,
        cast('b' as string) as want_2,
        cast('c' as string) as want_3
),

split as (
    select
        full_name,
        want_1,
        want_2,
        want_3,
        {{ genie_analytics.split_part_or_null('full_name', '.', 1) }} as got_1,
        {{ genie_analytics.split_part_or_null('full_name', '.', 2) }} as got_2,
        {{ genie_analytics.split_part_or_null('full_name', '.', 3) }} as got_3
    from names
)

select * from split
where
    coalesce(got_1, '<null>') != coalesce(want_1, '<null>')
    or coalesce(got_2, '<null>') != coalesce(want_2, '<null>')
    or coalesce(got_3, '<null>') != coalesce(want_3, '<null>')
