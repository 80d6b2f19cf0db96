"""Models whose rows can move or vanish replace whole re-read days on every engine.

On Databricks a MERGE only upserts: an audit event that moved from bronze to the rejected
table, or a warehouse-day / (query, window) pair that no longer exists, would stay. These
models use reread_days_strategy(): dbt-databricks' `replace_where` with the re-read window's
date predicate (`INSERT INTO t REPLACE WHERE <date> >= '<window start>' TABLE <new rows>`), the
same whole-day replacement as DuckDB (delete then insert of the predicate) and Spark
(insert_overwrite of partitions).

The test parses the project for the databricks target (no connection needed) and checks, for
each such model, the strategy and the predicate template that
get_incremental_replace_where_sql renders at run time; then renders that template the way the
strategy does and checks the SQL predicate. The DuckDB end-to-end behaviour (an event moving
from bronze to rejected) is in test_genie_dbt.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"

# model -> (date column, the run-time call returning the first re-read date). Every incremental
# model re-reads whole days and replaces them (no MERGE scans its whole target; the REPLACE
# WHERE predicate prunes it to the re-read days).
REPLACED_BY_DAY = {
    "genie_audit_message_events": ("event_date", "genie_analytics.genie_audit_window_start()"),
    "genie_audit_rejected_events": (
        "event_date",
        "genie_analytics.genie_audit_window_start(for_rejected=true)",
    ),
    "genie_warehouse_utilization": ("usage_date", "genie_analytics.incremental_window_start("),
    "int_queries_allocated_to_billing_windows": (
        "window_date",
        "genie_analytics.incremental_window_start(",
    ),
    "stg_system__query_history": ("query_date", "genie_analytics.incremental_window_start("),
    "genie_cost_attribution": (
        "cost_date",
        "genie_analytics.retention_floor(genie_analytics.incremental_window_start(",
    ),
    "genie_cost_reconciliation": (
        "window_date",
        "genie_analytics.retention_floor(genie_analytics.incremental_window_start(",
    ),
    "genie_query_performance": (
        "query_date",
        "genie_analytics.retention_floor(genie_analytics.incremental_window_start(",
    ),
    "genie_daily_performance": ("query_date", "genie_analytics.incremental_window_start("),
    "genie_daily_query_latency": ("query_date", "genie_analytics.incremental_window_start("),
    "genie_hourly_trends": ("query_date", "genie_analytics.incremental_window_start("),
    "genie_table_reads": ("event_date", "genie_analytics.incremental_window_start("),
    # billing corrections found by ingestion_date within the horizon
    "stg_system__billing_usage": ("usage_date", "genie_analytics.incremental_window_start("),
    "int_billing_usage_priced": ("usage_date", "genie_analytics.incremental_window_start("),
    "genie_api_query_lookup": ("query_date", "genie_analytics.incremental_window_start("),
    # the pipeline validation's daily count of audit rows (follows bronze's window)
    "int_genie_audit_events_counted_daily": (
        "event_date",
        "genie_analytics.incremental_window_start(",
    ),
}


def _parse(tmp_path: Path, target: str) -> dict:
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(tmp_path),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    (tmp_path / "profiles.yml").write_text((REPO_ROOT / "profiles.yml.example").read_text())
    result = subprocess.run(
        [str(DBT), "--no-use-colors", "parse", "--target", target, "--no-partial-parse"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((tmp_path / "target" / "manifest.json").read_text())


@pytest.mark.slow
def test_models_with_moving_rows_use_replace_where_on_databricks(tmp_path: Path) -> None:
    manifest = _parse(tmp_path, "databricks")
    models = {
        node["name"]: node["config"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    for name, (date_column, from_call) in REPLACED_BY_DAY.items():
        config = models[name]
        assert config["materialized"] == "incremental", name
        assert config["incremental_strategy"] == "replace_where", name
        assert config["file_format"] == "delta", name  # replace_where needs Delta
        (predicate,) = config["incremental_predicates"]
        assert predicate.startswith(
            "{{ genie_analytics.reread_days_predicate('" + date_column + "', " + from_call
        ), (name, predicate)
    # No model is on replace_where without a predicate (that would append), and no incremental
    # model MERGEs (a MERGE without a date term in ON scans the whole target).
    for name, config in models.items():
        if config.get("materialized") == "incremental":
            assert config.get("incremental_strategy") == "replace_where", name
        if config.get("incremental_strategy") == "replace_where":
            assert config.get("incremental_predicates"), name


# A bare config( call in a model's SQL (incremental_by_day_config's own call is inside the macro).
BARE_CONFIG_CALL = re.compile(r"(?<![\w.])config\s*\(")


@pytest.mark.slow
def test_every_incremental_model_takes_its_config_from_the_one_macro(tmp_path: Path) -> None:
    """Every incremental model is configured by incremental_by_day_config (one line),
    never by a config() block of its own (two were, and one lacked meta.reread_date_column,
    which the data tests' window and the run log read); and nothing but that macro makes a
    model incremental (a YAML `+materialized: incremental` has no window, no run log)."""
    manifest = _parse(tmp_path, "duckdb")
    incremental = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    ]
    assert incremental, "no incremental model parsed"
    problems = []
    for node in incremental:
        name, config = node["name"], node["config"]
        if "incremental_by_day_config(" not in node["raw_code"]:
            problems.append(f"{name}: incremental without incremental_by_day_config")
        if BARE_CONFIG_CALL.search(node["raw_code"]):
            problems.append(f"{name}: a config() of its own beside or instead of the macro")
        if not config.get("meta", {}).get("reread_date_column"):
            problems.append(f"{name}: no meta.reread_date_column")
        pre_hooks = [hook["sql"] for hook in config.get("pre-hook") or []]
        post_hooks = [hook["sql"] for hook in config.get("post-hook") or []]
        if not pre_hooks or "log_reread_window_start(" not in pre_hooks[0]:
            problems.append(f"{name}: the run log's start hook is not first")
        if not any("log_reread_window_end(" in hook for hook in post_hooks):
            problems.append(f"{name}: no run log end hook")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_predicate_template_renders_a_whole_day_bound() -> None:
    # The macro the templates call, rendered by dbt itself through a run-operation-free path:
    # `dbt show --inline` on DuckDB (no project model needed).
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    env.setdefault("DBT_PROFILES_DIR", str(REPO_ROOT))
    if not (REPO_ROOT / "profiles.yml").exists():
        pytest.skip("needs profiles.yml (make install)")
    predicate = "genie_analytics.reread_days_predicate('event_date', {})"
    sql = (
        "select * from (select current_date as event_date) as t where "
        "{{ "
        + predicate.format("'2026-10-03 23:00:00'")
        + " }} or {{ "
        + predicate.format("none")
        + " }}"
    )
    result = subprocess.run(
        [str(DBT), "--no-use-colors", "compile", "--inline", sql, "--quiet"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "where event_date >= cast('2026-10-03' as date) or 1 = 1" in result.stdout
