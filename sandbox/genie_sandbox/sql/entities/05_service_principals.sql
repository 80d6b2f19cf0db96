-- Writes temp table sps.
-- Service principals run jobs and dbt. executed_by shows their application id.
create or replace temp table sps as
select * from (values
    ('dbt', uuidish({salt_service_principal_id}, 0), num16({salt_service_principal_id}, 0)),
    ('etl', uuidish({salt_service_principal_id}, 1), num16({salt_service_principal_id}, 1))
) as v(sp_name, application_id, user_id)
