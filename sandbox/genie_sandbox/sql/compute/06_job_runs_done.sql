-- Writes temp table runs_done.
-- Run end: cluster jobs from their own duration, the dbt job from its last query.
create or replace temp table runs_done as
with dbt_end as (
    select d.run_id, max(q.end_ms) + 15000 as end_ms
    from q_dbt_text as d join q_timed as q on q.qid = d.qid
    group by d.run_id
)
select
    r.*,
    case when r.k = 0 then e.end_ms
         else r.start_ms + r.setup_ms + r.cluster_dur_ms::bigint end as end_ms,
from runs as r
left join dbt_end as e on e.run_id = r.run_id
