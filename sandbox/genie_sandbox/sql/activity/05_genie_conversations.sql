-- Writes temp table convs.
create or replace temp table convs as
with per_day as (
    select
        w.ws_idx,
        d,
        round({genie_questions_per_day} / 2.4 * w.weight
            * case when isodow(date '{start_date}' + d::integer) >= 6 then 0.25 else 1.0 end
            * (0.85 + 0.3 * u01({salt_genie_conversations_per_day}, w.ws_idx * 1000 + d)))::bigint
            + case when d = {days} - 1 then 2 else 0 end as n_conv,
        case when d = {days} - 1 then 2 else 0 end as n_late,
    from ws as w, range({days}) as r(d)
),
c as (
    select p.ws_idx, p.d, ci, p.n_conv, p.n_late, p.ws_idx * 10000000 + p.d * 10000 + ci as ck
    from per_day as p, range(p.n_conv) as r(ci)
),
sp as (
    select
        *,
        sum(weight) over (partition by ws_idx order by s rows unbounded preceding)
            / sum(weight) over (partition by ws_idx) as cum_hi,
    from spaces
),
picked as (
    select
        c.*,
        (select min(sp.s) from sp where sp.ws_idx = c.ws_idx
            and sp.cum_hi > u01({salt_genie_conversation_space}, c.ck)) as s,
    from c
)
select
    p.ws_idx,
    p.d,
    p.ci,
    p.ck,
    p.s,
    floor({users} * pow(u01({salt_genie_conversation_user}, p.ck), 1.6))::integer as u_idx,
    u01({salt_genie_conversation_is_api}, p.ck) < 0.2 as is_api,
    least(6, 1 + floor(-ln(1.0 - u01({salt_genie_conversation_message_count}, p.ck)) / 0.8))::integer as n_msgs,
    40000 + floor(u01({salt_genie_conversation_message_gap}, p.ck) * 200000)::bigint as gap_ms,
    case
        when p.ci >= p.n_conv - p.n_late
            then {end_ms} - 300000 + (p.ci - (p.n_conv - p.n_late)) * 60000
        else {start_ms} + p.d * 86400000::bigint + (
            (case when u01({salt_genie_conversation_in_business_hours}, p.ck) < 0.85
                then floor((13.5 + 2.4 * nrm({salt_genie_conversation_business_hour}, p.ck)) * 3600000::bigint)
                else floor(u01({salt_genie_conversation_any_hour}, p.ck) * 86400000::bigint) end)::bigint % 86400000 + 86400000
        ) % 86400000
    end as start_ms,
    p.ci >= p.n_conv - p.n_late as is_late,
from picked as p
