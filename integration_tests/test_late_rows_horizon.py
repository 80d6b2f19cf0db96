"""Billing corrections later than the horizon are never silently lost.

The hourly run looks for billing corrections (found by ``ingestion_date``, which ``usage_date``
partitions cannot prune) only ``billing_correction_horizon_days`` before its window
(macros/incremental/late_rows_horizon.sql). On DuckDB, over a small sandbox:

1. a RETRACTION delivered inside the horizon is picked up by the incremental run;
2. one delivered for a day older than the horizon is not in staging after the incremental run,
   and the full tests report it (assert_stg_billing_usage_drops_no_record fails, naming it);
3. the weekly task's horizon (365 days) picks it up: the test passes and the priced billing
   equals the source's billing again (no DBU lost or counted twice).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from genie_sandbox.gen_common import DEFAULT_START_DATE

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START = DEFAULT_START_DATE
DAYS = 6
MODELS = [
    "stg_system__billing_usage",
    "stg_system__list_prices",
    "negotiated_discounts",
    "int_billing_usage_priced",
    "stg_system__rows_quarantined",
]
TEST = "assert_stg_billing_usage_drops_no_record"

pytestmark = pytest.mark.slow


def _dbt(work: Path, system_db: Path, *args: str, vars_: str, check: bool = True):
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(work / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    done = subprocess.run(
        [str(BIN / "dbt"), *args, "--vars", vars_, "--project-dir", str(REPO_ROOT)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return done


def _vars(horizon: int) -> str:
    return (
        f"{{cost_lookback_days: 0, billing_correction_horizon_days: {horizon}, "
        "data_tests_lookback_days: null}"
    )


def _retract(system_db: Path, usage_date: dt.date, delivered: dt.date, suffix: str) -> float:
    """A RETRACTION of one ORIGINAL record of ``usage_date``, delivered on ``delivered``."""
    con = duckdb.connect(str(system_db))
    try:
        row = con.execute(
            "select record_id, usage_quantity from billing.usage where record_type = 'ORIGINAL' "
            "and usage_date = ? and usage_quantity > 0 order by record_id limit 1",
            [usage_date],
        ).fetchone()
        con.execute(
            f"""
            insert into billing.usage
            select * replace (
                record_id || '{suffix}' as record_id,
                'RETRACTION' as record_type,
                -usage_quantity as usage_quantity,
                cast(? as date) as ingestion_date
            )
            from billing.usage where record_id = ?
            """,
            [delivered, row[0]],
        )
        return float(row[1])
    finally:
        con.close()


def _totals(work: Path, system_db: Path) -> tuple[float, float]:
    """(sum of usage_quantity in int_billing_usage_priced, the source's sum of kept records)."""
    con = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    try:
        # attached under the name the staging views use (profiles.yml.example)
        con.execute(f"attach '{system_db}' as system_tables (read_only)")
        priced = con.execute(
            "select sum(cast(usage_quantity as double)) "
            "from genie_analytics.int_billing_usage_priced"
        ).fetchone()[0]
        held = (
            "select key_value from genie_analytics.stg_system__rows_quarantined "
            "where source_table = 'billing.usage'"
        )
        source = con.execute(
            "select sum(cast(usage_quantity as double)) from system_tables.billing.usage "
            f"where record_id not in ({held})"
        ).fetchone()[0]
        return float(priced), float(source)
    finally:
        con.close()


def test_corrections_beyond_the_horizon_are_reported_then_picked_up(tmp_path: Path) -> None:
    system_db = tmp_path / "system_tables.duckdb"
    generated = subprocess.run(
        [str(BIN / "genie-sandbox"), "generate", "--db", str(system_db), "--seed", "5"]
        + ["--days", str(DAYS), "--start-date", START.isoformat(), "--workspaces", "1"]
        + ["--queries-per-day", "50", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    build = ["build", "--select", *MODELS, "--resource-type", "model", "--resource-type", "seed"]
    _dbt(tmp_path, system_db, "run-operation", "create_genie_landing_tables", vars_=_vars(1))
    _dbt(tmp_path, system_db, *build, vars_=_vars(1))
    last = START + dt.timedelta(days=DAYS - 1)
    # Delivered after everything the first build read (the sandbox's own corrections land up to
    # 4 days after their usage).
    delivered = last + dt.timedelta(days=10)
    # Inside the horizon (1 day before the window, which is the last day with lookback 0) ...
    _retract(system_db, last - dt.timedelta(days=1), delivered, "-near")
    # ... and 4 days before it: beyond the horizon.
    old_quantity = _retract(system_db, START + dt.timedelta(days=1), delivered, "-late")

    _dbt(tmp_path, system_db, *build, vars_=_vars(1))
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        staged = {
            r[0]
            for r in con.execute(
                "select record_id from genie_analytics.stg_system__billing_usage "
                "where record_id like '%-near' or record_id like '%-late'"
            ).fetchall()
        }
    finally:
        con.close()
    assert any(r.endswith("-near") for r in staged), "a correction inside the horizon was missed"
    assert not any(r.endswith("-late") for r in staged), "the hourly run read beyond the horizon"
    priced, source = _totals(tmp_path, system_db)
    assert priced == pytest.approx(source + old_quantity, rel=1e-9)  # the late -quantity is missing

    # The full tests report it, with its dates and DBUs.
    reported = _dbt(tmp_path, system_db, "test", "--select", TEST, vars_=_vars(1), check=False)
    assert reported.returncode != 0, reported.stdout[-3000:]
    assert "Got 1 result" in reported.stdout, reported.stdout[-3000:]

    # The weekly task's horizon picks it up: the test passes, nothing lost or doubled.
    _dbt(tmp_path, system_db, *build, vars_=_vars(365))
    _dbt(tmp_path, system_db, "test", "--select", TEST, vars_=_vars(365))
    priced, source = _totals(tmp_path, system_db)
    assert priced == pytest.approx(source, rel=1e-9)
