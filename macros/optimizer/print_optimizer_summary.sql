{#
    `dbt run-operation print_optimizer_summary [--args '{top_n: 10, days: 7, max_anomalies: 20}']`:
    prints the optimiser's most valuable open opportunities (type, workload, executions, saving in
    USD, fix) and the anomalies of the last `days` days (the `max_anomalies` strongest). Meant for `make demo` and a quick look in a terminal;
    the same SQL works in a notebook or Genie space over the marts.
#}
{% macro print_optimizer_summary(top_n=10, days=7, max_anomalies=20) %}
    {%- set opportunities_sql -%}
        select
            optimization_type,
            case
                when query_fingerprint is null then 'warehouse ' || warehouse_id
                when query_source_id is not null then lower(query_source_type) || ' ' || query_source_id
                else substr(sample_query_text, 1, 46)
            end as workload,
            executions,
            round(estimated_savings_usd, 2) as saving_usd,
            priority,
            recommended_fix
        from {{ ref('genie_optimization_opportunities') }}
        where status = 'OPEN'
        order by estimated_savings_usd desc, executions desc, opportunity_id
        limit {{ top_n }}
    {%- endset -%}
    {%- set anomalies_sql -%}
        select
            cast(usage_date as string) as usage_date,
            dimension_type,
            dimension_id,
            anomaly_metric,
            direction,
            round(z_score, 1) as z_score,
            round(cost_usd, 2) as cost_usd,
            round(expected_cost_usd, 2) as expected_cost_usd,
            driver_1_fingerprint
        from {{ ref('genie_cost_anomalies') }}
        where usage_date > (
            select {{ genie_analytics.date_add_days('max(usage_date)', - days) }}
            from {{ ref('int_cost_anomaly_scores') }}
        )
        order by abs(z_score) desc, usage_date desc, anomaly_id
    {%- endset -%}
    {%- if execute -%}
        {%- set opportunities = run_query(opportunities_sql) -%}
        {{ print('Top ' ~ top_n ~ ' open optimisation opportunities (estimated saving over the lookback):') }}
        {{ print('  type               workload                                       runs    saving_usd  priority  fix') }}
        {%- for row in opportunities.rows %}
            {{ print('  %-18s %-46s %6s %12.2f  %-8s  %s' | format(
                row[0], (row[1] or '')[:46], row[2], row[3] or 0, row[4], (row[5] or '')[:70])) }}
        {%- endfor %}
        {%- set anomalies = run_query(anomalies_sql) -%}
        {{ print('') }}
        {{ print('Anomalies of the last ' ~ days ~ ' days: ' ~ anomalies.rows | length
            ~ ' (the ' ~ [max_anomalies, anomalies.rows | length] | min ~ ' strongest):') }}
        {%- for row in anomalies.rows[:max_anomalies] %}
            {{ print('  %s %-9s %-32s %-12s %-5s z=%6s cost=%10.2f expected=%10.2f driver=%s' | format(
                row[0], row[1], (row[2] or '')[:32], row[3], row[4], row[5], row[6] or 0, row[7] or 0, row[8])) }}
        {%- endfor %}
    {%- endif -%}
{% endmacro %}
