-- Writes temp table msgs.
create or replace temp table msgs as
with m as (
    select
        c.*,
        mi::integer as mi,
        c.conversation_key * 10 + mi as message_key,
        c.start_ms + mi * c.message_gap_ms + floor(u01({salt_genie_message_create_jitter}, c.conversation_key * 10 + mi) * 20000)::bigint
            as created_ms,
    from convs as c, range(c.message_count) as r(mi)
),
m2 as (
    select
        m.*,
        sp.space_id,
        sp.workspace_id,
        sp.warehouse_id,
        sp.is_forbidden,
        sp.t_list[1 + floor(u01({salt_genie_message_table}, m.message_key) * 3)::integer] as t_idx,
        hex32({salt_genie_conversation_id}, m.conversation_key) as conversation_id,
        hex32({salt_genie_message_id}, m.message_key) as message_id,
        floor(u01({salt_genie_message_template}, m.message_key) * 6)::integer as text_template,
        case
            when m.created_ms > {end_ms} - 600000
                then ['SUBMITTED', 'ASKING_AI', 'EXECUTING_QUERY', 'PENDING_WAREHOUSE'][
                    1 + floor(u01({salt_genie_message_in_flight_status}, m.message_key) * 4)::integer]
            when u01({salt_genie_message_status}, m.message_key) < 0.86 then 'COMPLETED'
            when u01({salt_genie_message_status}, m.message_key) < 0.92 then 'FAILED'
            when u01({salt_genie_message_status}, m.message_key) < 0.95 then 'CANCELLED'
            when m.created_ms < {end_ms} - 86400000 then 'QUERY_RESULT_EXPIRED'
            else 'COMPLETED'
        end as status,
    from m
    join spaces as sp on sp.workspace_idx = m.workspace_idx and sp.s = m.s
    where m.created_ms < {end_ms}
)
select
    m2.*,
    (status = 'COMPLETED' and u01({salt_genie_message_has_query}, message_key) < 0.88) or status = 'QUERY_RESULT_EXPIRED'
        as has_query,
    2000000000000 + message_key as qid,
    t.fqn,
    t.tier,
    ['region', 'channel', 'country_code', 'device_type', 'segment', 'status'][
        1 + floor(u01({salt_genie_message_dimension}, message_key) * 6)::integer] as dim,
    ['amount', 'quantity', 'revenue_usd', 'duration_s', 'cost_usd'][
        1 + floor(u01({salt_genie_message_measure}, message_key) * 5)::integer] as measure,
    t.date_col,
    strftime(ts_ms(created_ms) - to_days(floor(u01({salt_genie_message_literal_date}, message_key) * 45)::integer), '%Y-%m-%d')
        as lit_date,
    [5, 10, 20, 25, 50, 100][1 + floor(u01({salt_genie_message_top_n}, message_key) * 6)::integer] as top_n,
    case
        when status = 'FAILED' then ['CHAT_COMPLETION_NETWORK_EXCEPTION',
            'NO_TABLES_TO_QUERY_EXCEPTION', 'CONTEXT_EXCEEDED_EXCEPTION',
            'REPLY_PROCESS_TIMEOUT_EXCEPTION', 'WAREHOUSE_ACCESS_MISSING_EXCEPTION'][
            1 + floor(u01({salt_genie_message_error_type}, message_key) * 5)::integer]
    end as error_type,
    case
        when u01({salt_genie_message_feedback}, message_key) < 0.12 then 'POSITIVE'
        when u01({salt_genie_message_feedback}, message_key) < 0.17 then 'NEGATIVE'
        else 'NONE'
    end as feedback_rating,
    u01({salt_genie_message_is_deleted}, message_key) < 0.02 as is_deleted,
    u01({salt_genie_message_has_comment}, message_key) < 0.03 as has_comment,
from m2
join tbls as t on t.t_idx = m2.t_idx
