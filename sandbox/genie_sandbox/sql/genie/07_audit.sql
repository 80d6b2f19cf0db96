-- Writes system table access.audit.
insert into access.audit
select
    (select account_id from acct),
    e.workspace_id,
    '2.0',
    ts_ms(e.t_ms),
    ts_ms(e.t_ms)::date,
    '10.' || (hash({seed}, {salt_audit_source_ip_octet_2}, e.user_email) % 250)::varchar || '.'
        || (hash({seed}, {salt_audit_source_ip_octet_3}, e.user_email) % 250)::varchar || '.'
        || (hash({seed}, {salt_audit_source_ip_octet_4}, e.user_email) % 250)::varchar,
    case when e.is_api then '{api_user_agent}' else '{ui_user_agent}' end,
    uuidish({salt_audit_session_id}, e.user_email || (e.t_ms // 3600000)::varchar),
    struct_pack(email := e.user_email, subject_name := null::varchar)
        ::{audit_user_identity_type},
    e.service,
    e.action,
    uuidish({salt_audit_request_id}, e.ek),
    e.params,
    struct_pack(status_code := e.status_code, error_message := e.err, result := e.result)
        ::{audit_response_type},
    'WORKSPACE_LEVEL',
    uuidish({salt_audit_event_id}, e.ek),
    struct_pack(run_by := e.user_email, run_as := e.user_email)
        ::{audit_identity_metadata_type},
from audit_ev as e
where e.t_ms < {end_ms}
