-- Writes system table billing.usage.
insert into billing.usage
with orig as (
    select
        *,
        case product when 'SQL' then 3600000 else 36000000 end as qty_den,
        'ORIGINAL' as record_type,
        0 as sign,
        uuidish({salt_usage_record_id}, rkey) as record_id,
        (epoch_ms(date_trunc('day', ts_ms(h * 3600000::bigint)))
            + case when h % 24 >= 14 then 86400000 else 0 end) as ingest_ms,
    from usage_raw
),
fixed as (
    -- a handful of hours get corrected: retraction + restatement, ingested days later
    select * from orig
    where product = 'SQL'
    order by hash({seed}, {salt_usage_corrected_hour}, rkey), rkey
    limit 6
),
corrections as (
    select * replace ('RETRACTION' as record_type, -1 as sign,
                      uuidish({salt_usage_retraction_record_id}, rkey) as record_id,
                      ingest_ms + 3 * 86400000::bigint as ingest_ms)
    from fixed
    union all
    select * replace ('RESTATEMENT' as record_type, 9 as sign,
                      uuidish({salt_usage_restatement_record_id}, rkey) as record_id,
                      ingest_ms + 3 * 86400000::bigint as ingest_ms)
    from fixed
),
allrows as (
    select * from orig
    union all
    select * from corrections
)
select
    r.record_id,
    (select account_id from acct),
    r.workspace_id,
    r.sku_name,
    'AWS',
    ts_ms(r.h * 3600000::bigint),
    ts_ms((r.h + 1) * 3600000::bigint),
    ts_ms(r.h * 3600000::bigint)::date,
    r.custom_tags,
    'DBU',
    case r.sign
        when 0 then dec18(r.qty_num, r.qty_den)
        when -1 then -dec18(r.qty_num, r.qty_den)
        else dec18(r.qty_num * 9, r.qty_den * 10)
    end,
    struct_pack(
        cluster_id := r.cluster_id, job_id := r.job_id, warehouse_id := r.warehouse_id,
        job_run_id := r.job_run_id, job_name := r.job_name
    )::{usage_metadata_type},
    struct_pack(run_as := r.run_as, created_by := null::varchar,
                owned_by := r.owner_email, run_by := null::varchar)::{identity_metadata_type},
    r.record_type,
    ts_ms(r.ingest_ms)::date,
    r.product,
    struct_pack(
        jobs_tier := case when r.product = 'JOBS' then 'CLASSIC' end,
        sql_tier := case when r.product = 'SQL' then
            case when r.warehouse_type = 'CLASSIC' then 'CLASSIC' else 'PRO' end end,
        is_serverless := coalesce(r.warehouse_type = 'SERVERLESS', false),
        is_photon := r.product = 'SQL'
    )::{product_features_type},
    'COMPUTE_TIME',
from allrows as r
where r.h * 3600000::bigint < {end_ms}
