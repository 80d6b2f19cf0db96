-- Writes table sandbox_truth.genie_spaces.
create or replace table sandbox_truth.genie_spaces as
select
    s.workspace_id::varchar as workspace_id,
    s.space_id::varchar as space_id,
    s.title::varchar as title,
    s.description::varchar as description,
    s.warehouse_id::varchar as warehouse_id,
    to_json(struct_pack(
        version := 2,
        config := struct_pack(sample_questions := [
            'What was the total ' || t1.measure_col || ' by ' || t1.dim_col || ' last week?',
            'Which ' || t2.dim_col || ' grew fastest this month?']),
        data_sources := struct_pack(tables := [
            struct_pack(identifier := t1.fqn), struct_pack(identifier := t2.fqn),
            struct_pack(identifier := t3.fqn)]),
        instructions := struct_pack(text_instructions := [
            'Amounts are in USD. Weeks start on Monday.'])
    ))::varchar as serialized_space,
    ('/Workspace/Users/' || u.email)::varchar as parent_path,
    hex16({salt_genie_space_etag}, s.workspace_idx * 100 + s.s)::varchar as etag,
    ts_ms(s.create_ms) as create_time,
    ts_ms(greatest(s.create_ms, {start_ms} + floor(u01({salt_genie_space_update_time}, s.workspace_idx * 100 + s.s)
                                             * {days} * 86400000::bigint)::bigint)) as update_time,
    s.is_forbidden::boolean as is_forbidden,
from spaces as s
join users as u on u.user_idx = s.owner_user_idx
join tbls as t1 on t1.t_idx = s.t_list[1]
join tbls as t2 on t2.t_idx = s.t_list[2]
join tbls as t3 on t3.t_idx = s.t_list[3]
