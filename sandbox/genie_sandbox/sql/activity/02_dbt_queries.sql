-- Writes temp table q_dbt_text.
-- Queries a dbt run issues on warehouse 0: one statement per model, in sequence.
create or replace temp table q_dbt_text as
with models as (
    select * from (values
        (0, 'stg_orders', 'view', 0), (1, 'stg_customers', 'view', 7),
        (2, 'stg_events', 'view', 1), (3, 'int_orders_enriched', 'table', 6),
        (4, 'int_sessions', 'table', 2), (5, 'fct_orders', 'incremental', 0),
        (6, 'fct_sessions', 'incremental', 1), (7, 'dim_customers', 'table', 7),
        (8, 'dim_products', 'table', 17), (9, 'agg_daily_revenue', 'table', 3),
        (10, 'agg_channel_performance', 'table', 8), (11, 'rpt_exec_summary', 'table', 9)
    ) as v(m, model, materialized, src_t)
)
select
    1000000000000 + r.job_run_key * 100 + m.m as qid,
    r.workspace_idx,
    r.run_id,
    r.task_run_id,
    r.job_id,
    r.start_ms + 20000 + m.m * 75000 + floor(u01({salt_dbt_query_start_jitter}, r.job_run_key * 100 + m.m) * 5000)::bigint
        as start_ms,
    m.model,
    m.materialized,
    m.src_t,
    uuidish({salt_dbt_invocation_id}, r.job_run_key) as invocation_id,
    case m.materialized
        when 'view' then 'create or replace view analytics.dbt_prod.' || m.model
            || ' as select * except (_rescued_data) from ' || t.fqn
        when 'incremental' then 'merge into analytics.dbt_prod.' || m.model
            || ' as dbt_internal_dest using analytics.dbt_prod.' || m.model
            || '__dbt_tmp as dbt_internal_source on dbt_internal_source.' || t.id_col
            || ' = dbt_internal_dest.' || t.id_col
            || ' when matched then update set * when not matched then insert *'
        else 'create or replace table analytics.dbt_prod.' || m.model
            || ' using delta as select ' || t.dim_col || ', sum(' || t.measure_col || ') as '
            || t.measure_col || '_total, max(' || t.date_col || ') as last_seen from ' || t.fqn
            || ' where ' || t.date_col || ' <= timestamp '''
            || strftime(ts_ms(r.start_ms), '%Y-%m-%d %H:%M:%S') || ''' group by '
            || t.dim_col
    end as statement_text,
    case m.materialized when 'view' then 'CREATE' when 'incremental' then 'MERGE'
        else 'CREATE' end as stmt_type,
from runs as r
cross join models as m
join tbls as t on t.t_idx = m.src_t
where r.k = 0
