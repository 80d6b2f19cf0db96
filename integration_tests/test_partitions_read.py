"""An incremental run reads only the days it re-computes, measured on Spark's executed plans.

bench/partitions_read.py builds the whole project on local Spark over a 31-day, date-partitioned
parquet sandbox, adds one day, runs the incremental ``dbt build`` (models and data tests) and
counts, from Spark's executed plans, the days of each large relation (system.query.history,
system.billing.usage, system.access.audit, the query x billing-window allocation,
genie_query_performance, genie_cost_attribution) that every dbt node's scans read.

The rule: no scan of an incremental step reads more than lookback + 1 days up to its
watermark day, plus the day the measured run adds (bench/partitions_read.py day_bound). The first
test proves the counter can fail: an unbounded query on a 5-day table counts 5 days, a bounded
one 1, on both kinds of table (partitioned, and query.history's day files counted by statistics).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
HARNESS = REPO_ROOT / "bench" / "partitions_read.py"
LOOKBACK_DAYS = 3  # the project's default query_history_lookback_days and cost_lookback_days

sys.path.insert(0, str(HARNESS.parent))
from partitions_read import (  # noqa: E402
    EXCEPTIONS,
    HARNESS_VARS,
    day_bound,
    days_by_statistics,
    exception_bounds,
    format_table,
    may_match,
    offenders,
)

DAY_FILES = {
    f"start-2026-10-0{d}.parquet": {
        "start_time": [f"2026-10-0{d} 00:00:05", f"2026-10-0{d} 23:59:50"],
        "end_time": [f"2026-10-0{d} 00:00:09", f"2026-10-0{d + 1} 00:10:00"],
    }
    for d in range(1, 6)
}


def test_statistics_skip_only_days_a_pushed_filter_excludes() -> None:
    scan = "FileScan parquet spark_catalog.query.history[start_time#1] PushedFilters: [{}], "
    scan += "ReadSchema: struct<start_time:timestamp>"
    assert days_by_statistics(scan.format(""), DAY_FILES) == [f"2026-10-0{d}" for d in range(1, 6)]
    one_day = "IsNotNull(start_time), GreaterThanOrEqual(start_time,2026-10-05 00:00:00.0)"
    assert days_by_statistics(scan.format(one_day), DAY_FILES) == ["2026-10-05"]
    window = (
        "GreaterThan(end_time,2026-10-03 12:00:00.0), LessThan(start_time,2026-10-04 00:00:00.0)"
    )
    assert days_by_statistics(scan.format(window), DAY_FILES) == ["2026-10-03"]
    either = (
        "Or(EqualTo(start_time,2026-10-01 10:00:00.0),EqualTo(start_time,2026-10-04 10:00:00.0))"
    )
    assert days_by_statistics(scan.format(either), DAY_FILES) == [f"2026-10-0{d}" for d in (1, 4)]


def test_filters_not_understood_never_skip_a_day() -> None:
    bounds = DAY_FILES["start-2026-10-01.parquet"]
    assert may_match("GreaterThan(update_time,2030-01-01 00:00:00.0)", bounds)  # no statistics
    assert may_match("StringStartsWith(start_time,2030)", bounds)
    assert may_match("Not(LessThan(start_time,2030-01-01 00:00:00.0))", bounds)
    assert not may_match("GreaterThan(start_time,2030-01-01 00:00:00.0)", bounds)


def test_offenders_and_table_name_every_read_above_the_bound() -> None:
    summary = {
        "model.p.small": {"billing.usage": {"days": 4, "scans": 1}},
        "test.p.not_null_x.abc123": {"access.audit": {"days": 31, "scans": 2}},
    }
    assert offenders(summary, 4) == [("test.p.not_null_x.abc123", "access.audit", 31)]
    table = format_table(summary, 4)
    assert "not_null_x" in table and "31!x2" in table and "4!" not in table


def test_exceptions_are_few_bounded_by_a_var_and_still_fail_above_it() -> None:
    """The exception list stays short, each bound is a var's days (never the history), and a
    read above an exception's bound, or by another node, is still an offender."""
    assert len(EXCEPTIONS) <= 4, sorted(EXCEPTIONS)
    bounds = exception_bounds(LOOKBACK_DAYS)
    assert set(bounds) == set(EXCEPTIONS)
    base = day_bound(LOOKBACK_DAYS)
    horizon = HARNESS_VARS["billing_correction_horizon_days"]
    assert bounds[("stg_system__billing_usage", "billing.usage")] == base + horizon
    alerts = ("genie_alerts", "genie_analytics.genie_query_performance")
    assert bounds[alerts] == HARNESS_VARS["alerts_lookback_days"] + 1
    summary = {
        "model.genie_analytics.stg_system__billing_usage": {
            "billing.usage": {"days": base + horizon, "scans": 1}
        },
        "model.genie_analytics.int_billing_usage_priced": {
            "billing.usage": {"days": base + horizon, "scans": 1}
        },
        "model.genie_analytics.genie_alerts": {
            "genie_analytics.genie_query_performance": {"days": 31, "scans": 1}
        },
    }
    assert offenders(summary, base, bounds) == [
        ("model.genie_analytics.genie_alerts", "genie_analytics.genie_query_performance", 31),
        ("model.genie_analytics.int_billing_usage_priced", "billing.usage", base + horizon),
    ]
    table = format_table(summary, base, bounds)
    assert f"{base + horizon}e" in table and "31!" in table


def _harness(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "counts.json"
    cmd = [sys.executable, str(HARNESS), *args, "--work-dir", str(tmp_path / "work")]
    done = subprocess.run(
        [*cmd, "--json", str(out)], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"harness failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return json.loads(out.read_text())


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.partitions
def test_counter_counts_every_day_an_unbounded_query_reads(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    summary = _harness(tmp_path, "selftest")["summary"]
    for relation in ("billing.usage", "query.history"):
        unbounded = summary["test.selftest.unbounded"][relation]
        bounded = summary["test.selftest.one_day"][relation]
        assert unbounded["days"] == 5, (relation, unbounded)
        assert bounded["days"] == 1, (relation, bounded)
        assert (bounded["first"], bounded["last"]) == ("2026-10-05", "2026-10-05")
    # A join prunes only the side its date predicate is on: the other side reads every day.
    join = summary["test.selftest.self_join"]["billing.usage"]
    assert (join["scans"], join["days"], join["total_days"]) == (2, 5, 6)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.partitions
def test_incremental_run_reads_at_most_lookback_plus_one_days(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    result = _harness(tmp_path, "run", "--lookback-days", str(LOOKBACK_DAYS))
    assert result["incremental_build_ok"], result["incremental_failures"]
    # lookback + 1 days up to the watermark day, and the one day the run adds (day_bound)
    max_days = day_bound(LOOKBACK_DAYS)
    assert max_days == LOOKBACK_DAYS + 2
    summary = result["summary"]
    # The counter saw the incremental run at all: the staging model read query.history.
    assert "model.genie_analytics.stg_system__query_history" in summary, sorted(summary)
    # ... or a documented exception's bound (bench/partitions_read.py EXCEPTIONS: a var's days)
    exceptions = {(node, rel): bound for node, rel, bound in result["exceptions"]}
    bad = offenders(summary, max_days, exceptions)
    listing = "\n".join(f"  {node} x {rel} -> {days} days" for node, rel, days in bad)
    assert not bad, (
        f"{len(bad)} node x relation read more than lookback + 1 + 1 added = {max_days} days "
        f"(of {result['days']}), or their exception's bound, in the incremental run:\n"
        f"{listing}\n\n{format_table(summary, max_days, exceptions)}"
    )
