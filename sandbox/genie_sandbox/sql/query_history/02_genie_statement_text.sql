-- Writes temp table genie_text.
create or replace temp table genie_text as
select
    g.*,
    '`' || replace(g.fqn, '.', '`.`') || '`' as fqn_bt,
    case g.text_template
        when 0 then 'What was the total ' || measure || ' by ' || dim || ' since '
            || lit_date || '?'
        when 1 then 'Show me the top ' || top_n || ' ' || dim || ' values by ' || measure
            || ' since ' || lit_date
        when 2 then 'How did daily ' || measure || ' trend since ' || lit_date || '?'
        when 3 then 'Which ' || dim || ' had the lowest ' || measure || ' on ' || lit_date || '?'
        when 4 then 'Compare ' || measure || ' before and after ' || lit_date || ' by ' || dim
        else 'List the lowest ' || measure || ' records on ' || lit_date
    end as content,
    case when g.has_query then case g.text_template
        when 0 then 'SELECT `' || dim || '`, SUM(`' || measure || '`) AS `total_' || measure
            || '` FROM ' || fqn_bt || ' WHERE `' || date_col || '` >= ''' || lit_date
            || ''' GROUP BY `' || dim || '` ORDER BY `total_' || measure || '` DESC LIMIT 1000'
        when 1 then 'SELECT `' || dim || '`, SUM(`' || measure || '`) AS `total_' || measure
            || '` FROM ' || fqn_bt || ' WHERE `' || date_col || '` >= ''' || lit_date
            || ''' GROUP BY `' || dim || '` ORDER BY `total_' || measure || '` DESC LIMIT '
            || top_n
        when 2 then 'SELECT DATE_TRUNC(''DAY'', `' || date_col || '`) AS `day`, SUM(`'
            || measure || '`) AS `' || measure || '` FROM ' || fqn_bt || ' WHERE `' || date_col
            || '` >= ''' || lit_date || ''' GROUP BY ALL ORDER BY `day` LIMIT 1000'
        when 3 then 'SELECT `' || dim || '`, MIN(`' || measure || '`) AS `min_' || measure
            || '` FROM ' || fqn_bt || ' WHERE CAST(`' || date_col || '` AS DATE) = '''
            || lit_date || ''' GROUP BY `' || dim || '` ORDER BY `min_' || measure
            || '` ASC LIMIT 5'
        when 4 then 'SELECT `' || dim || '`, SUM(CASE WHEN `' || date_col || '` >= '''
            || lit_date || ''' THEN `' || measure || '` END) AS `after`, SUM(CASE WHEN `'
            || date_col || '` < ''' || lit_date || ''' THEN `' || measure
            || '` END) AS `before` FROM ' || fqn_bt || ' GROUP BY `' || dim || '` LIMIT 1000'
        else 'SELECT `' || date_col || '`, `' || dim || '`, `' || measure || '` FROM ' || fqn_bt
            || ' WHERE CAST(`' || date_col || '` AS DATE) = ''' || lit_date
            || ''' ORDER BY `' || measure || '` ASC LIMIT 100'
    end end as query_sql,
    case when g.has_query then case g.text_template
        when 0 then 'Total ' || measure || ' by ' || dim
        when 1 then 'Top ' || top_n || ' ' || dim || ' by ' || measure
        when 2 then 'Daily ' || measure || ' trend'
        when 3 then 'Lowest ' || measure || ' by ' || dim
        when 4 then measure || ' before and after ' || lit_date
        else 'Lowest ' || measure || ' records'
    end end as query_title,
    case when g.has_query then
        'This query aggregates ' || measure || ' from ' || g.fqn || ' filtered on '
        || date_col || ' relative to ' || lit_date || '.'
    end as query_description,
from msgs as g
