{#
    split_part_or_null (stg_system__audit_table_reads splits request_params['full_name_arg'] with
    it) on names of three, two, one and no parts, on every engine the project builds on: a
    missing part is null and never an error (Spark's ANSI mode raised INVALID_ARRAY_INDEX on
    `split(...)[n]` for a short name, failing the whole staging model on one audit row).
    Rows returned = violations.
#}

with

names as (
    select
        'main.genie_analytics.genie_query_performance' as full_name,
        'main' as want_1,
        'genie_analytics' as want_2,
        'genie_query_performance' as want_3
    union all
    select 'genie_analytics.genie_query_performance', 'genie_analytics', 'genie_query_performance', null
    union all
    select 'genie_query_performance', 'genie_query_performance', null, null
    union all
    select '', null, null, null
    union all
    select 'a.b.c.d', 'a', 'b', 'c'
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
