-- Writes temp table users.
-- users: account-level people with a numeric workspace user id
create or replace temp table users as
select
    i::integer as user_idx,
    {first_names}[1 + i % 20] as first_name,
    {last_names}[1 + ((i // 20) + i) % 20] as last_name,
    first_name || '.' || last_name
        || case when i >= 400 then (i // 400)::varchar else '' end
        || '@acme-corp.com' as email,
    num16({salt_user_id}, i) as user_id,
from range({users}) as t(i)
