"""Entities of the simulated account: workspaces, users, warehouses, clusters, jobs, tables, prices.

These are small temp tables (tens to hundreds of rows) that the activity and fact steps join to.
Placement of the special cases is fixed so tests and docs can name them:
- workspace 0, warehouse 0 (PRO) is resized MEDIUM-ish -> one size up a third into the period;
- the last workspace's warehouse 2 (CLASSIC) is deleted half-way through the period;
- workspace 0, warehouse 3 (SERVERLESS) keeps auto_stop_minutes = 120: the IDLE_WAREHOUSE problem.
"""

from __future__ import annotations

from .gen_common import SIZE_CORES, SIZE_DBU, SIZES

_SIZE_LIST = "[" + ", ".join(f"'{s}'" for s in SIZES) + "]"
_DBU_LIST = "[" + ", ".join(str(SIZE_DBU[s]) for s in SIZES) + "]"
_CORES_LIST = "[" + ", ".join(str(SIZE_CORES[s]) for s in SIZES) + "]"

FIRST_NAMES = [
    "olivia", "liam", "emma", "noah", "ava", "mateo", "sofia", "lucas", "mia", "ethan",
    "amara", "kenji", "priya", "omar", "ines", "jonas", "chloe", "ravi", "lena", "diego",
]  # fmt: skip
LAST_NAMES = [
    "smith", "garcia", "mueller", "chen", "patel", "kowalski", "rossi", "dubois", "silva", "kim",
    "nguyen", "haddad", "jensen", "okafor", "tanaka", "novak", "murphy", "costa", "berg", "ali",
]  # fmt: skip


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join(f"'{x}'" for x in items) + "]"


# Tables users query. tier 0 = big fact (>1 TB, date partitioned), 1 = medium, 2 = small dims.
TABLES: list[tuple[str, int]] = [
    ("main.sales.orders", 0),
    ("main.web.events", 0),
    ("main.web.clickstream", 0),
    ("main.finance.transactions", 0),
    ("main.web.page_views", 0),
    ("main.iot.sensor_readings", 0),
    ("main.sales.order_items", 1),
    ("main.crm.customers", 1),
    ("main.marketing.campaign_touches", 1),
    ("main.finance.invoices", 1),
    ("main.support.tickets", 1),
    ("main.product.inventory_snapshots", 1),
    ("main.hr.timesheets", 1),
    ("main.logistics.shipments", 1),
    ("main.ref.countries", 2),
    ("main.ref.currencies", 2),
    ("main.sales.regions", 2),
    ("main.product.products", 2),
    ("main.crm.segments", 2),
    ("main.marketing.channels", 2),
    ("main.hr.departments", 2),
    ("main.ref.calendar", 2),
    ("main.finance.cost_centers", 2),
    ("main.logistics.carriers", 2),
]


def dims_sql() -> list[str]:
    """Statements creating the temp entity tables (templated with GenConfig.sql_params)."""
    table_rows = ", ".join(f"({i}, '{name}', {tier})" for i, (name, tier) in enumerate(TABLES))
    return [
        "create or replace temp table acct as select uuidish(1, 0) as account_id",
        # ---- tables users query
        f"""
        create or replace temp table tbls as
        select
            t_idx,
            fqn,
            tier,
            split_part(fqn, '.', 2) as schema_name,
            split_part(fqn, '.', 3) as table_name,
            case tier when 0 then 134217728 when 1 then 67108864 else 8388608 end
                as avg_file_bytes,
            case tier when 0 then 'event_date' when 1 then 'updated_at' else 'valid_from' end
                as date_col,
            ['region', 'channel', 'country_code', 'device_type', 'segment', 'status'][
                1 + t_idx % 6] as dim_col,
            ['amount', 'quantity', 'revenue_usd', 'duration_s', 'cost_usd'][1 + t_idx % 5]
                as measure_col,
            case tier when 0 then 'event_id' else split_part(fqn, '.', 3) || '_id' end as id_col,
        from (values {table_rows}) as v(t_idx, fqn, tier)
        """,
        # ---- workspaces (16-digit ids, url on a loopback port per workspace)
        """
        create or replace temp table ws as
        select
            i::integer as ws_idx,
            num16(2, i)::varchar as workspace_id,
            ['acme-prod', 'acme-analytics', 'acme-data-science', 'acme-finance',
             'acme-marketing', 'acme-dev'][1 + i % 6]
                || case when i >= 6 then '-' || (i // 6 + 1)::varchar else '' end
                as workspace_name,
            'http://127.0.0.1:' || ({api_port} + i)::varchar as workspace_url,
            ts_ms({start_ms} - (400 + floor(u01(3, i) * 600))::bigint * 86400000::bigint) as create_time,
            1.0 / (1.0 + 0.6 * i) as weight,
        from range({workspaces}) as t(i)
        """,
        # ---- users: account-level people with a numeric workspace user id
        f"""
        create or replace temp table users as
        select
            i::integer as u_idx,
            {_sql_list(FIRST_NAMES)}[1 + i % 20] as first_name,
            {_sql_list(LAST_NAMES)}[1 + ((i // 20) + i) % 20] as last_name,
            first_name || '.' || last_name
                || case when i >= 400 then (i // 400)::varchar else '' end
                || '@acme-corp.com' as email,
            num16(4, i) as user_id,
        from range({{users}}) as t(i)
        """,
        # Service principals run jobs and dbt. executed_by shows their application id.
        """
        create or replace temp table sps as
        select * from (values
            ('dbt', uuidish(5, 0), num16(5, 0)),
            ('etl', uuidish(5, 1), num16(5, 1))
        ) as v(sp_name, application_id, user_id)
        """,
        # ---- warehouses, one row per warehouse with its whole story in columns
        f"""
        create or replace temp table wh as
        with base as (
            select
                w.ws_idx,
                j::integer as j,
                w.workspace_id,
                hex16(6, w.ws_idx * 1000 + j) as warehouse_id,
                j % 4 as role,
                ['Shared SQL', 'BI Serverless', 'ETL Classic', 'Analyst Sandbox'][1 + j % 4]
                    || case when j >= 4 then ' ' || (j // 4 + 1)::varchar else '' end
                    as warehouse_name,
                ['PRO', 'SERVERLESS', 'CLASSIC', 'SERVERLESS'][1 + j % 4] as warehouse_type,
                -- size index into {_SIZE_LIST}
                case j % 4
                    when 0 then 2 + floor(u01(7, w.ws_idx * 1000 + j) * 2)::integer
                    when 1 then 2 + floor(u01(7, w.ws_idx * 1000 + j) * 2)::integer
                    when 2 then 4 + floor(u01(7, w.ws_idx * 1000 + j) * 2)::integer
                    else floor(u01(7, w.ws_idx * 1000 + j) * 2)::integer
                end as size_i,
                case j % 4 when 0 then 3 when 1 then 4 else 1 end as max_clusters,
                (w.ws_idx = 0 and j = 3) as is_idle,
                case
                    when w.ws_idx = 0 and j = 3 then 120
                    when j % 4 = 0 then 10
                    when j % 4 = 1 then 5
                    when j % 4 = 2 then 15
                    else 10
                end as auto_stop_minutes,
                (w.ws_idx = {{workspaces}} - 1 and j = 2) as is_deleted,
                (w.ws_idx = 0 and j = 0) as is_resized,
                case j % 4
                    when 0 then 3.0 when 1 then 4.0 when 2 then 2.0 else 1.0
                end * case when w.ws_idx = 0 and j = 3 then 0.004 else 1.0 end as weight,
                case j % 4
                    when 0 then map(['cost-center', 'team'],
                                    ['cc-' || (100 + w.ws_idx)::varchar, 'analytics'])
                    when 1 then map(['team'], ['bi'])
                    when 2 then map(['cost-center', 'team'],
                                    ['cc-' || (200 + w.ws_idx)::varchar, 'data-eng'])
                    else map([]::varchar[], []::varchar[])
                end as tags,
                {{start_ms}} - (30 + floor(u01(8, w.ws_idx * 1000 + j) * 300))::bigint * 86400000::bigint
                    as create_ms,
            from ws as w, range({{warehouses_per_workspace}}) as r(j)
        )
        select
            *,
            {_SIZE_LIST}[size_i + 1] as warehouse_size,
            {_SIZE_LIST}[least(size_i + 1, 5) + 1] as resized_to,
            {_DBU_LIST}[size_i + 1] as dbu_rate,
            {_DBU_LIST}[least(size_i + 1, 5) + 1] as resized_dbu_rate,
            {_CORES_LIST}[size_i + 1] as cores,
            case when is_deleted then {{start_ms}} + ({{days}} * 24 // 2) * 3600000::bigint + 1234567 end
                as delete_ms,
            case when is_resized then {{start_ms}} + ({{days}} * 24 // 3) * 3600000::bigint end as resize_ms,
            case warehouse_type
                when 'SERVERLESS' then 4000 when 'PRO' then 90000 else 150000
            end as startup_min_ms,
            case warehouse_type
                when 'SERVERLESS' then 10000 when 'PRO' then 180000 else 240000
            end as startup_max_ms,
            case warehouse_type
                when 'PRO' then 'PREMIUM_SQL_PRO_COMPUTE'
                when 'SERVERLESS' then 'PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA'
                else 'PREMIUM_SQL_CLASSIC_COMPUTE'
            end as sku_name,
        from base
        """,
        # Lookup: a uniform bucket 0..9999 -> (workspace, warehouse) by traffic weight.
        """
        create or replace temp table wh_pick as
        with w as (
            select
                wh.ws_idx,
                wh.j,
                ws.weight * wh.weight / sum(ws.weight * wh.weight) over () as p,
            from wh join ws using (ws_idx)
        ),
        c as (
            select
                *,
                sum(p) over (order by ws_idx, j rows unbounded preceding) - p as lo,
                sum(p) over (order by ws_idx, j rows unbounded preceding) as hi,
            from w
        )
        select b.bucket, c.ws_idx, c.j
        from range(10000) as b(bucket)
        join c on b.bucket >= floor(c.lo * 10000) and b.bucket < floor(c.hi * 10000)
        """,
        # ---- all-purpose clusters (2 per workspace); job clusters come with job runs.
        """
        create or replace temp table ap_clusters as
        select
            w.ws_idx,
            w.workspace_id,
            c::integer as c,
            strftime(ts_ms({start_ms} - 90 * 86400000::bigint), '%m%d') || '-'
                || lpad((100000 + hash({seed}, 9, w.ws_idx, c) % 899999)::varchar, 6, '0')
                || '-' || substr(hex16(9, w.ws_idx * 10 + c), 1, 8) as cluster_id,
            case c when 0 then 'shared-analytics'
                   else (select first_name from users where u_idx = 1 % {users}) || '-personal'
            end as cluster_name,
            (select email from users where u_idx = (w.ws_idx + c) % {users}) as owned_by,
            case c when 0 then 4 else 1 end as worker_count,
            case c when 0 then 6 end as resized_worker_count,
            case c when 0 then {start_ms} + ({days} * 24 // 2) * 3600000::bigint end as resize_ms,
            case c when 1 then {start_ms} + ({days} * 24 * 3 // 4) * 3600000::bigint + 600000 end
                as delete_ms,
            {start_ms} - (20 + floor(u01(10, w.ws_idx * 10 + c) * 100))::bigint * 86400000::bigint
                as create_ms,
            case c when 0 then 'i3.2xlarge' else 'm5d.xlarge' end as node_type,
            case c when 0 then 2.0 else 1.0 end as node_dbu,
            case c when 0 then map(['cost-center', 'team'], ['cc-300', 'data-science'])
                   else map([]::varchar[], []::varchar[]) end as tags,
        from ws as w, range(2) as r(c)
        """,
        # ---- jobs (5 per workspace). k=0 is the dbt build on warehouse 0; k=4 gets deleted.
        """
        create or replace temp table jobs as
        select
            w.ws_idx,
            w.workspace_id,
            k::integer as k,
            (100000000000000 + hash({seed}, 11, w.ws_idx, k) % 899999999999999)::varchar
                as job_id,
            ['dbt_daily_build', 'ingest_orders_hourly', 'feature_pipeline',
             'nightly_backfill', 'legacy_export'][k + 1] as name,
            ['dbt build of the analytics project', 'Load new orders from the landing zone',
             'Recompute ML features', 'Reprocess late events', 'Export to the old SFTP'][k + 1]
                as description,
            ['0 0 5 * * ?', '0 5 * * * ?', '0 30 0/6 * * ?', '0 0 1 * * ?', '0 0 3 * * ?'][k + 1]
                as cron,
            [0, 2, 4, 8, 1][k + 1] as workers,
            [0.0, 1.0, 2.0, 2.0, 1.0][k + 1] as node_dbu,
            [0.0, 720000.0, 2100000.0, 6000000.0, 600000.0][k + 1] as median_ms,
            case when k = 0 then 'dbt' else 'etl' end as sp_name,
            case k when 4 then {start_ms} + ({days} * 24 // 2) * 3600000::bigint + 7200000 end as delete_ms,
            case k when 2 then {start_ms} + ({days} * 24 // 3) * 3600000::bigint + 1800000 end as change_ms,
            {start_ms} - (40 + floor(u01(12, w.ws_idx * 10 + k) * 200))::bigint * 86400000::bigint
                as create_ms,
            case k when 0 then map(['team', 'cost-center'], ['analytics', 'cc-400'])
                   when 1 then map(['team'], ['data-eng'])
                   when 2 then map(['team', 'cost-center'], ['ml', 'cc-500'])
                   else map([]::varchar[], []::varchar[]) end as tags,
        from ws as w, range(5) as r(k)
        """,
        # ---- list prices: one row per SKU; SQL Pro changes price half-way through the period.
        """
        create or replace temp table prices as
        select * from (values
            ('PREMIUM_SQL_CLASSIC_COMPUTE', 0.22, 0.22, null::bigint, null::bigint),
            ('PREMIUM_SQL_PRO_COMPUTE', 0.55, 0.55, null, {start_ms} + ({days} * 24 // 2) * 3600000::bigint),
            ('PREMIUM_SQL_PRO_COMPUTE', 0.62, 0.62, {start_ms} + ({days} * 24 // 2) * 3600000::bigint, null),
            ('PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA', 0.70, 0.56, null, null),
            ('PREMIUM_JOBS_COMPUTE', 0.15, 0.15, null, null),
            ('PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA', 0.35, 0.35, null, null),
            ('PREMIUM_ALL_PURPOSE_COMPUTE', 0.55, 0.55, null, null)
        ) as v(sku_name, list_price, promo_price, start_ms, end_ms)
        """,
    ]
