-- Writes temp table msg_final.
create or replace temp table msg_final as
select
    g.*,
    u.email as user_email,
    u.user_id,
    case when g.has_query then uuidish({salt_statement_id}, g.qid) end as statement_id,
    case when g.has_query then q.produced_rows end as row_count,
    case
        when g.has_query then q.end_ms + 800 + floor(u01({salt_genie_message_update_delay}, g.message_key) * 2000)::bigint
        when g.status = 'COMPLETED' then g.created_ms + 3000 + floor(u01({salt_genie_message_update_delay}, g.message_key) * 12000)::bigint
        when g.status = 'FAILED' then g.created_ms + 2000 + floor(u01({salt_genie_message_update_delay}, g.message_key) * 28000)::bigint
        when g.status = 'CANCELLED'
            then g.created_ms + 1000 + floor(u01({salt_genie_message_update_delay}, g.message_key) * 19000)::bigint
        else least(g.created_ms + 1500, {end_ms} - 1)
    end as updated_ms,
from genie_text as g
join users as u on u.user_idx = g.user_idx
left join q_timed as q on q.qid = g.qid and g.has_query
