-- Writes temp table prices.
-- list prices: one row per SKU; SQL Pro changes price half-way through the period.
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
