-- A fragment, not run on its own: the statements that name the placeholder bulk_statement_text paste it in.
case
    when q.kind = 'CACHED' then
        'select ' || {dimension_columns}[(1 + hash(hash({seed}, {salt_cached_text_dimension}, q.workspace_idx, text_group)) % 6)::bigint]
        || ', sum('
        || {measure_columns}[(1 + hash(hash({seed}, {salt_cached_text_measure}, q.workspace_idx, text_group)) % 5)::bigint]
        || ') as total from '
        || {all_table_names}[(1 + hash(hash({seed}, {salt_cached_text_table}, q.workspace_idx, text_group)) % 24)::bigint]
        || ' where updated_at >= date ''2026-01-01'' group by 1'
    when q.kind = 'METADATA' then
        'show tables in main.' || t.schema_name || ' like ''*'
        || chr(97 + floor(u01({salt_metadata_text_letter_1}, q.qid) * 26)::integer)
        || chr(97 + floor(u01({salt_metadata_text_letter_2}, q.qid) * 26)::integer)
        || chr(97 + floor(u01({salt_metadata_text_letter_3}, q.qid) * 26)::integer) || '*'''
    when q.problem_class = 1 then
        'select * from ' || t.fqn || ' where ' || t.date_col || ' = date ''' || lit_date || ''''
    when q.problem_class = 2 then
        'select ' || t.id_col || ', ' || dim || ', ' || measure || ' from ' || t.fqn
        || ' where ' || t.date_col || ' >= timestamp ''' || lit_ts || ''' order by '
        || measure || ' desc'
    when q.problem_class = 3 then
        'select a.' || dim || ', percentile_approx(a.' || measure
        || ', 0.99) as p99, count(distinct b.session_id) as sessions from ' || t.fqn
        || ' as a join main.web.events as b on a.' || t.id_col || ' = b.event_id where a.'
        || t.date_col || ' >= timestamp ''' || lit_ts || ''' group by a.' || dim
    when q.problem_class = 4 then
        'select ' || t.id_col || ', collect_set(' || dim || ') as ' || dim || '_values, sum('
        || measure || ') as total from ' || t.fqn || ' where ' || t.date_col
        || ' >= timestamp ''' || lit_ts || ''' group by ' || t.id_col
    when q.problem_class = 5 then
        'select ' || dim || ', sum(' || measure || ') as total from ' || t.fqn
        || ' where lower(cast(' || t.id_col || ' as string)) like ''%' || lit_num
        || '%'' group by ' || dim
    when q.problem_class = 8 then
        'select ' || {dimension_columns}[(1 + hash(hash({seed}, {salt_repeated_text_dimension}, q.workspace_idx, uncached_text_group)) % 6)::bigint]
        || ', sum('
        || {measure_columns}[(1 + hash(hash({seed}, {salt_repeated_text_measure}, q.workspace_idx, uncached_text_group)) % 5)::bigint]
        || ') as total from '
        || {big_table_names}[(1 + hash(hash({seed}, {salt_repeated_text_table}, q.workspace_idx, uncached_text_group)) % 6)::bigint]
        || ' where event_date >= current_date() - interval 7 days group by 1'
    when q.problem_class = 9 then
        'insert into ' || t.fqn || ' partition (' || t.date_col || ') select ' || t.id_col
        || ', ' || dim || ', ' || measure || ', ' || t.date_col || ' from ' || t.fqn
        || '_staging where batch_id = ' || lit_num
    when q.kind = 'INSERT' then
        'insert into ' || t.fqn || ' select ' || t.id_col || ', ' || dim || ', ' || measure
        || ', ' || t.date_col || ' from ' || t.fqn || '_staging where _ingested_at > timestamp '''
        || lit_ts || ''''
    when q.kind = 'MERGE' then
        'merge into ' || t.fqn || ' as t using ' || t.fqn || '_updates_' || lit_num
        || ' as s on t.' || t.id_col || ' = s.' || t.id_col
        || ' when matched then update set * when not matched then insert *'
    when q.kind = 'CREATE' then
        'create or replace table sandbox.' || u.first_name || '_tmp_' || lit_num
        || ' as select ' || dim || ', sum(' || measure || ') as total from ' || t.fqn
        || ' group by ' || dim
    when q.kind = 'COPY' then
        'copy into ' || t.fqn || ' from ''s3://acme-landing/' || t.schema_name || '/'
        || t.table_name || '/' || lit_date || '/'' fileformat = parquet'
    when q.kind = 'UPDATE' then
        'update ' || t.fqn || ' set ' || dim || ' = upper(' || dim || ') where ' || t.date_col
        || ' >= timestamp ''' || lit_ts || ''''
    when q.kind = 'DELETE' then
        'delete from ' || t.fqn || ' where ' || t.date_col || ' < date ''' || lit_date || ''''
    when variant = 0 then
        'select ' || dim || ', count(*) as n, sum(' || measure || ') as total from ' || t.fqn
        || ' where ' || t.date_col || ' >= timestamp ''' || lit_ts || ''' group by ' || dim
    when variant = 1 then
        'select ' || t.id_col || ', ' || dim || ', ' || measure || ' from ' || t.fqn
        || ' where ' || t.id_col || ' = ' || lit_num
    when variant = 2 then
        'select ' || dim || ', avg(' || measure || ') as avg_' || measure || ' from ' || t.fqn
        || ' where ' || t.date_col || ' >= timestamp ''' || lit_ts || ''' group by ' || dim
        || ' order by 2 desc limit 100'
    else
        'with recent as (select ' || t.id_col || ', ' || dim || ' from ' || t.fqn || ' where '
        || t.date_col || ' >= timestamp ''' || lit_ts || ''') select ' || dim
        || ', count(distinct ' || t.id_col || ') as n from recent group by ' || dim
end
