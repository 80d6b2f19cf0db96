"""The documented shape of the Databricks system tables this project reads.

This module is the contract between the sandbox generator, the schema checker that runs before
dbt, and any hand-written test file. Column names and nested types follow Databricks' docs and a
live ``DESCRIBE`` of the system tables; the type mapping to DuckDB is:
string->VARCHAR, bigint->BIGINT, int->INTEGER, tinyint->TINYINT, boolean->BOOLEAN,
timestamp->TIMESTAMP (UTC), date->DATE, decimal(38,18)->DECIMAL(38,18),
map<string,string>->MAP(VARCHAR, VARCHAR), struct->STRUCT, array->LIST.
"""

from __future__ import annotations

DEC = "DECIMAL(38,18)"
SMAP = "MAP(VARCHAR, VARCHAR)"

# (schema, table) -> list of (column, duckdb type). Order is Databricks' column order.
SYSTEM_TABLES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("billing", "usage"): [
        ("record_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("sku_name", "VARCHAR"),
        ("cloud", "VARCHAR"),
        ("usage_start_time", "TIMESTAMP"),
        ("usage_end_time", "TIMESTAMP"),
        ("usage_date", "DATE"),
        ("custom_tags", SMAP),
        ("usage_unit", "VARCHAR"),
        ("usage_quantity", DEC),
        (
            "usage_metadata",
            "STRUCT(cluster_id VARCHAR, job_id VARCHAR, warehouse_id VARCHAR, "
            "instance_pool_id VARCHAR, node_type VARCHAR, job_run_id VARCHAR, "
            "notebook_id VARCHAR, dlt_pipeline_id VARCHAR, endpoint_name VARCHAR, "
            "endpoint_id VARCHAR, dlt_update_id VARCHAR, dlt_maintenance_id VARCHAR, "
            "metastore_id VARCHAR, run_name VARCHAR, job_name VARCHAR, notebook_path VARCHAR, "
            "central_clean_room_id VARCHAR, source_region VARCHAR, destination_region VARCHAR, "
            "app_id VARCHAR, app_name VARCHAR, private_endpoint_name VARCHAR, "
            "budget_policy_id VARCHAR, storage_api_type VARCHAR, ai_runtime_workload_id VARCHAR, "
            "uc_table_catalog VARCHAR, uc_table_schema VARCHAR, uc_table_name VARCHAR, "
            "database_instance_id VARCHAR, sharing_materialization_id VARCHAR, "
            "usage_policy_id VARCHAR, agent_bricks_id VARCHAR, base_environment_id VARCHAR)",
        ),
        (
            "identity_metadata",
            "STRUCT(run_as VARCHAR, created_by VARCHAR, owned_by VARCHAR, run_by VARCHAR)",
        ),
        ("record_type", "VARCHAR"),
        ("ingestion_date", "DATE"),
        ("billing_origin_product", "VARCHAR"),
        (
            "product_features",
            "STRUCT(jobs_tier VARCHAR, sql_tier VARCHAR, dlt_tier VARCHAR, "
            "is_serverless BOOLEAN, is_photon BOOLEAN, serving_type VARCHAR, "
            "networking STRUCT(connectivity_type VARCHAR), performance_target VARCHAR, "
            "ai_bi_genie STRUCT(capability_type VARCHAR, offering_type VARCHAR), "
            "genie STRUCT(offering_type VARCHAR))",
        ),
        ("usage_type", "VARCHAR"),
    ],
    ("billing", "list_prices"): [
        ("account_id", "VARCHAR"),
        ("price_start_time", "TIMESTAMP"),
        ("price_end_time", "TIMESTAMP"),
        ("sku_name", "VARCHAR"),
        ("cloud", "VARCHAR"),
        ("currency_code", "VARCHAR"),
        ("usage_unit", "VARCHAR"),
        (
            "pricing",
            f'STRUCT("default" {DEC}, promotional STRUCT("default" {DEC}), '
            f'effective_list STRUCT("default" {DEC}))',
        ),
    ],
    ("compute", "clusters"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("cluster_id", "VARCHAR"),
        ("cluster_name", "VARCHAR"),
        ("owned_by", "VARCHAR"),
        ("create_time", "TIMESTAMP"),
        ("delete_time", "TIMESTAMP"),
        ("driver_node_type", "VARCHAR"),
        ("worker_node_type", "VARCHAR"),
        ("worker_count", "BIGINT"),
        ("min_autoscale_workers", "BIGINT"),
        ("max_autoscale_workers", "BIGINT"),
        ("auto_termination_minutes", "BIGINT"),
        ("enable_elastic_disk", "BOOLEAN"),
        ("tags", SMAP),
        ("cluster_source", "VARCHAR"),
        ("init_scripts", "VARCHAR[]"),
        (
            "aws_attributes",
            "STRUCT(instance_profile_arn VARCHAR, zone_id VARCHAR, first_on_demand VARCHAR, "
            "availability VARCHAR, spot_bid_price_percent VARCHAR, ebs_volume_type VARCHAR, "
            "ebs_volume_count VARCHAR, ebs_volume_size VARCHAR)",
        ),
        (
            "azure_attributes",
            "STRUCT(first_on_demand VARCHAR, availability VARCHAR, spot_bid_max_price VARCHAR)",
        ),
        (
            "gcp_attributes",
            "STRUCT(use_preemptible_executors BOOLEAN, zone_id VARCHAR, "
            "first_on_demand VARCHAR, availability VARCHAR)",
        ),
        ("driver_instance_pool_id", "VARCHAR"),
        ("worker_instance_pool_id", "VARCHAR"),
        ("dbr_version", "VARCHAR"),
        ("change_time", "TIMESTAMP"),
        ("change_date", "DATE"),
        ("data_security_mode", "VARCHAR"),
        ("policy_id", "VARCHAR"),
    ],
    ("compute", "warehouses"): [
        ("warehouse_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("warehouse_name", "VARCHAR"),
        ("warehouse_type", "VARCHAR"),
        ("warehouse_channel", "VARCHAR"),
        ("warehouse_size", "VARCHAR"),
        ("min_clusters", "INTEGER"),
        ("max_clusters", "INTEGER"),
        ("auto_stop_minutes", "INTEGER"),
        ("tags", SMAP),
        ("change_time", "TIMESTAMP"),
        ("delete_time", "TIMESTAMP"),
    ],
    ("compute", "warehouse_events"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("warehouse_id", "VARCHAR"),
        ("event_type", "VARCHAR"),
        ("cluster_count", "INTEGER"),
        ("event_time", "TIMESTAMP"),
    ],
    ("query", "history"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("statement_id", "VARCHAR"),
        ("executed_by", "VARCHAR"),
        ("session_id", "VARCHAR"),
        ("execution_status", "VARCHAR"),
        ("compute", "STRUCT(type VARCHAR, cluster_id VARCHAR, warehouse_id VARCHAR)"),
        ("executed_by_user_id", "VARCHAR"),
        ("statement_text", "VARCHAR"),
        ("statement_type", "VARCHAR"),
        ("error_message", "VARCHAR"),
        ("client_application", "VARCHAR"),
        ("client_driver", "VARCHAR"),
        ("total_duration_ms", "BIGINT"),
        ("waiting_for_compute_duration_ms", "BIGINT"),
        ("waiting_at_capacity_duration_ms", "BIGINT"),
        ("execution_duration_ms", "BIGINT"),
        ("compilation_duration_ms", "BIGINT"),
        ("total_task_duration_ms", "BIGINT"),
        ("result_fetch_duration_ms", "BIGINT"),
        ("start_time", "TIMESTAMP"),
        ("end_time", "TIMESTAMP"),
        ("update_time", "TIMESTAMP"),
        ("read_partitions", "BIGINT"),
        ("pruned_files", "BIGINT"),
        ("read_files", "BIGINT"),
        ("read_rows", "BIGINT"),
        ("produced_rows", "BIGINT"),
        ("read_bytes", "BIGINT"),
        ("read_io_cache_percent", "TINYINT"),
        ("from_result_cache", "BOOLEAN"),
        ("spilled_local_bytes", "BIGINT"),
        ("written_bytes", "BIGINT"),
        ("shuffle_read_bytes", "BIGINT"),
        (
            "query_source",
            "STRUCT(job_info STRUCT(job_id VARCHAR, job_run_id VARCHAR, job_task_run_id VARCHAR), "
            "legacy_dashboard_id VARCHAR, dashboard_id VARCHAR, alert_id VARCHAR, "
            "notebook_id VARCHAR, sql_query_id VARCHAR, genie_space_id VARCHAR, "
            "pipeline_info STRUCT(pipeline_id VARCHAR, update_id VARCHAR))",
        ),
        ("executed_as_user_id", "VARCHAR"),
        ("executed_as", "VARCHAR"),
        ("written_rows", "BIGINT"),
        ("written_files", "BIGINT"),
        ("cache_origin_statement_id", "VARCHAR"),
        (
            "query_parameters",
            'STRUCT(named_parameters MAP(VARCHAR, STRUCT("value" VARCHAR, "type" VARCHAR)), '
            'pos_parameters STRUCT("value" VARCHAR, "type" VARCHAR)[], truncated BOOLEAN)',
        ),
        ("query_tags", SMAP),
        ("pruned_files_bytes", "BIGINT"),
        ("read_files_bytes", "BIGINT"),
    ],
    ("lakeflow", "jobs"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("job_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("description", "VARCHAR"),
        ("creator_id", "VARCHAR"),
        ("tags", SMAP),
        ("change_time", "TIMESTAMP"),
        ("delete_time", "TIMESTAMP"),
        ("run_as", "VARCHAR"),
        (
            "trigger",
            'STRUCT(periodic STRUCT("interval" INTEGER, units VARCHAR), '
            "continuous STRUCT(enabled BOOLEAN), "
            "schedule STRUCT(quartz_cron_expression VARCHAR, timezone_id VARCHAR))",
        ),
        ("trigger_type", "VARCHAR"),
        ("run_as_user_name", "VARCHAR"),
        ("creator_user_name", "VARCHAR"),
        ("paused", "BOOLEAN"),
        ("timeout_seconds", "BIGINT"),
        ("health_rules", 'STRUCT(metric VARCHAR, operator VARCHAR, "value" BIGINT)[]'),
        ("deployment", "STRUCT(kind VARCHAR, metadata_file_path VARCHAR)"),
        ("create_time", "TIMESTAMP"),
    ],
    ("lakeflow", "job_run_timeline"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("job_id", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("period_start_time", "TIMESTAMP"),
        ("period_end_time", "TIMESTAMP"),
        ("trigger_type", "VARCHAR"),
        ("run_type", "VARCHAR"),
        ("run_name", "VARCHAR"),
        ("compute_ids", "VARCHAR[]"),
        ("result_state", "VARCHAR"),
        ("termination_code", "VARCHAR"),
        ("job_parameters", "MAP(VARCHAR, MAP(VARCHAR, VARCHAR))"),
        ("source_task_run_id", "VARCHAR"),
        ("root_task_run_id", "VARCHAR"),
        ("compute", "STRUCT(type VARCHAR, cluster_id VARCHAR, warehouse_id VARCHAR)[]"),
        ("termination_type", "VARCHAR"),
        ("setup_duration_seconds", "BIGINT"),
        ("queue_duration_seconds", "BIGINT"),
        ("run_duration_seconds", "BIGINT"),
        ("cleanup_duration_seconds", "BIGINT"),
        ("execution_duration_seconds", "BIGINT"),
    ],
    ("access", "audit"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("version", "VARCHAR"),
        ("event_time", "TIMESTAMP"),
        ("event_date", "DATE"),
        ("source_ip_address", "VARCHAR"),
        ("user_agent", "VARCHAR"),
        ("session_id", "VARCHAR"),
        ("user_identity", "STRUCT(email VARCHAR, subject_name VARCHAR)"),
        ("service_name", "VARCHAR"),
        ("action_name", "VARCHAR"),
        ("request_id", "VARCHAR"),
        ("request_params", SMAP),
        ("response", "STRUCT(status_code INTEGER, error_message VARCHAR, result VARCHAR)"),
        ("audit_level", "VARCHAR"),
        ("event_id", "VARCHAR"),
        (
            "identity_metadata",
            "STRUCT(run_by VARCHAR, run_as VARCHAR, acting_resource VARCHAR, "
            "run_by_display_name VARCHAR, run_as_display_name VARCHAR)",
        ),
    ],
    ("access", "workspaces_latest"): [
        ("account_id", "VARCHAR"),
        ("workspace_id", "VARCHAR"),
        ("workspace_name", "VARCHAR"),
        ("workspace_url", "VARCHAR"),
        ("create_time", "TIMESTAMP"),
        ("status", "VARCHAR"),
    ],
}

SCHEMAS = sorted({schema for schema, _ in SYSTEM_TABLES})


def create_table_sql(schema: str, table: str, catalog: str | None = None) -> str:
    """``CREATE TABLE`` for one system table, optionally inside an attached catalog."""
    qualified = f"{catalog}.{schema}.{table}" if catalog else f"{schema}.{table}"
    cols = ",\n    ".join(f'"{name}" {typ}' for name, typ in SYSTEM_TABLES[(schema, table)])
    return f"create table {qualified} (\n    {cols}\n)"


def create_all_sql(catalog: str | None = None) -> list[str]:
    """Every ``CREATE SCHEMA`` and ``CREATE TABLE`` needed for an empty system catalog."""
    prefix = f"{catalog}." if catalog else ""
    stmts = [f"create schema if not exists {prefix}{s}" for s in SCHEMAS]
    stmts += [create_table_sql(s, t, catalog) for (s, t) in SYSTEM_TABLES]
    return stmts
