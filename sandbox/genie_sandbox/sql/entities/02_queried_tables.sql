-- Writes temp table tbls.
-- tables users query
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
from (values {queried_tables}) as v(t_idx, fqn, tier)
