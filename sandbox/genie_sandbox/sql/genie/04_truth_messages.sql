-- Writes table sandbox_truth.genie_messages.
create or replace table sandbox_truth.genie_messages as
select
    m.workspace_id::varchar as workspace_id,
    m.space_id::varchar as space_id,
    m.conversation_id::varchar as conversation_id,
    m.message_id::varchar as message_id,
    m.user_id::bigint as user_id,
    m.user_email::varchar as user_email,
    m.content::varchar as content,
    m.status::varchar as status,
    m.created_ms::bigint as created_timestamp,
    m.updated_ms::bigint as last_updated_timestamp,
    m.error_type::varchar as error_type,
    case when m.error_type is not null
        then 'Genie could not answer: ' || lower(replace(m.error_type, '_', ' '))
    end::varchar as error_message,
    m.query_sql::varchar as query_sql,
    m.query_description::varchar as query_description,
    m.query_title::varchar as query_title,
    m.statement_id::varchar as statement_id,
    m.row_count::bigint as row_count,
    case
        when m.has_query then 'Here is the ' || lower(m.query_title) || ': ' || m.row_count
            || ' rows.'
        when m.status = 'COMPLETED' then 'Could you clarify which ' || m.dim
            || ' you mean? This space covers ' || m.fqn || '.'
    end::varchar as text_answer,
    case when m.status = 'COMPLETED' and u01({salt_genie_message_has_suggestions}, m.message_key) < 0.5 then to_json([
        'How does this compare with the previous period?',
        'Break this down by ' || case when m.dim = 'region' then 'channel' else 'region' end
    ])::varchar end as suggested_questions,
    m.feedback_rating::varchar as feedback_rating,
    m.is_deleted::boolean as is_deleted,
from msg_final as m
