-- Genie API fetch errors by type for the whole ingestion run (genie_pipeline_validation is one
-- row per run, so the workspace and date filters do not apply), long form.
select 'not found' as error_type, fetch_error_not_found_count as error_count from genie_pipeline_validation
union all
select 'auth error' as error_type, fetch_error_auth_error_count as error_count from genie_pipeline_validation
union all
select 'rate limited' as error_type, fetch_error_rate_limited_count as error_count from genie_pipeline_validation
union all
select 'timeout' as error_type, fetch_error_timeout_count as error_count from genie_pipeline_validation
union all
select 'no token' as error_type, fetch_error_no_token_count as error_count from genie_pipeline_validation
union all
select 'failed' as error_type, fetch_error_failed_count as error_count from genie_pipeline_validation
