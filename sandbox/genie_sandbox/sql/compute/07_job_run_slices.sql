-- Writes temp table run_slices.
create or replace temp table run_slices as
select
    r.*,
    h,
    greatest(r.start_ms, h * 3600000::bigint) as p_start_ms,
    least(r.end_ms, (h + 1) * 3600000::bigint) as p_end_ms,
    h = (r.end_ms - 1) // 3600000 as is_last,
from runs_done as r, range(r.start_ms // 3600000, (r.end_ms - 1) // 3600000 + 1) as t(h)
where r.end_ms <= {end_ms}
