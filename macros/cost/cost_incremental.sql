{#
    The run's timestamp, stamped on every row a cost model writes (`_refreshed_at`). Downstream
    cost models re-compute the rows of queries/windows that an upstream model rewrote after
    their own last refresh; not part of the compared business columns.
#}
{% macro cost_refreshed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}


{#
    'YYYY-MM-DD': the earliest window_date of `netted_windows` (int_billing_windows_netted) whose
    window ends after midnight of `from_date`, i.e. the first billing-window day a query started
    on or after from_date can be allocated to (compile-time query of the small netted-windows
    table, rendered as a literal so the allocation's window_date days prune). from_date when no
    window ends after it (nothing earlier can hold such a query); none when from_date is none.
#}
{% macro first_window_date_ending_after(netted_windows, from_date) -%}
    {%- set day = genie_analytics.as_date(from_date) -%}
    {%- if not execute or day is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- if not genie_analytics.relations_exist([netted_windows]) -%}
        {#- A dbt unit test's fixture CTE, or the table not built yet (compile on an empty
            target): no bound. -#}
        {{- return(none) -}}
    {%- endif -%}
    {%- set first = genie_analytics.as_date(genie_analytics.compile_time_value("select min(window_date) from " ~ netted_windows
        ~ " where window_end_at > cast('" ~ day.isoformat() ~ " 00:00:00' as timestamp)", [netted_windows])) -%}
    {{- return(([first, day] | min).isoformat() if first is not none else day.isoformat()) -}}
{%- endmacro %}
