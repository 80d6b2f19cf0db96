-- Writes temp table convs.
create or replace temp table convs as
with per_day as (
    select
        w.workspace_idx,
        d,
        round({genie_questions_per_day} / 2.4 * w.weight
            * case when isodow(date '{start_date}' + d::integer) >= 6 then 0.25 else 1.0 end
            * (0.85 + 0.3 * u01({salt_genie_conversations_per_day}, w.workspace_idx * 1000 + d)))::bigint
            + case when d = {days} - 1 then 2 else 0 end as conversation_count,
        case when d = {days} - 1 then 2 else 0 end as late_conversation_count,
    from ws as w, range({days}) as r(d)
),
c as (
    select p.workspace_idx, p.d, ci, p.conversation_count, p.late_conversation_count, p.workspace_idx * 10000000 + p.d * 10000 + ci as conversation_key
    from per_day as p, range(p.conversation_count) as r(ci)
),
sp as (
    select
        *,
        sum(weight) over (partition by workspace_idx order by s rows unbounded preceding)
            / sum(weight) over (partition by workspace_idx) as cum_hi,
    from spaces
),
picked as (
    select
        c.*,
        (select min(sp.s) from sp where sp.workspace_idx = c.workspace_idx
            and sp.cum_hi > u01({salt_genie_conversation_space}, c.conversation_key)) as s,
    from c
)
select
    p.workspace_idx,
    p.d,
    p.ci,
    p.conversation_key,
    p.s,
    floor({users} * pow(u01({salt_genie_conversation_user}, p.conversation_key), 1.6))::integer as user_idx,
    u01({salt_genie_conversation_is_api}, p.conversation_key) < 0.2 as is_api,
    least(6, 1 + floor(-ln(1.0 - u01({salt_genie_conversation_message_count}, p.conversation_key)) / 0.8))::integer as message_count,
    40000 + floor(u01({salt_genie_conversation_message_gap}, p.conversation_key) * 200000)::bigint as message_gap_ms,
    case
        when p.ci >= p.conversation_count - p.late_conversation_count
            then {end_ms} - 300000 + (p.ci - (p.conversation_count - p.late_conversation_count)) * 60000
        else {start_ms} + p.d * 86400000::bigint + (
            (case when u01({salt_genie_conversation_in_business_hours}, p.conversation_key) < 0.85
                then floor((13.5 + 2.4 * nrm({salt_genie_conversation_business_hour}, p.conversation_key)) * 3600000::bigint)
                else floor(u01({salt_genie_conversation_any_hour}, p.conversation_key) * 86400000::bigint) end)::bigint % 86400000 + 86400000
        ) % 86400000
    end as start_ms,
    p.ci >= p.conversation_count - p.late_conversation_count as is_late,
from picked as p
