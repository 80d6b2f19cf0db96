"""The optimiser finds the problems the sandbox planted, and little else.

The sandbox generator records which statement (or warehouse) it gave which problem in
``sandbox_truth.planted_problems`` and keeps every other query free of that signal. This test
generates a sandbox with a seed the rule thresholds were NOT tuned on (they were looked at on
seed 101), builds the optimiser and what it reads, expands ``genie_optimization_opportunities``
back to statements through ``int_query_rule_findings`` and scores every rule that has ground
truth:

- recall = planted items the rule flagged / planted items;
- false-positive rate = flagged items that were not planted with that problem / flagged items
  (the share of the optimiser's findings that would waste a reader's time). The classic
  FP / negatives rate is printed too; it is always lower on this data.

The goal: recall >= 95 % and false-positive rate <= 5 % for every rule.
dbt runs in a subprocess with private target/log dirs and DuckDB files in a temp dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from genie_sandbox.gen_common import DEFAULT_START_DATE

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIR = Path(os.environ.get("DBT_PROJECT_DIR", REPO_ROOT))
BIN = Path(sys.executable).parent
# Not the seed the thresholds were looked at with (101); override to score another one.
SEED = int(os.environ.get("OPTIMIZER_RECALL_SEED", "23"))
MIN_RECALL = 0.95
MAX_FALSE_POSITIVE_RATE = 0.05

# Statement-level truth joined to findings that survive into an opportunity (so a finding the
# opportunities mart dropped would count as missed).
STATEMENT_SCORES = """
with
truth as (
    select distinct workspace_id, statement_id, problem
    from system_tables.sandbox_truth.planted_problems
    where statement_id is not null
),
opportunities as (
    select * from warehouse.genie_analytics.genie_optimization_opportunities
),
flagged as (
    select distinct findings.workspace_id, findings.statement_id, findings.optimization_type
    from warehouse.genie_analytics.int_query_rule_findings as findings
    inner join opportunities
        on findings.workspace_id = opportunities.workspace_id
        and findings.optimization_type = opportunities.optimization_type
        and findings.query_fingerprint is not distinct from opportunities.query_fingerprint
),
rules as (select distinct problem from truth),
queries as (select count(*) as n from warehouse.genie_analytics.genie_query_performance)
select
    rules.problem,
    (select count(*) from truth where truth.problem = rules.problem) as planted,
    (select count(*) from flagged where flagged.optimization_type = rules.problem) as flagged,
    (
        select count(*) from truth
        inner join flagged
            on truth.workspace_id = flagged.workspace_id
            and truth.statement_id = flagged.statement_id
            and truth.problem = flagged.optimization_type
        where truth.problem = rules.problem
    ) as true_positives,
    (select n from queries) as queries
from rules
order by rules.problem
"""

# Warehouse-level truth (IDLE_WAREHOUSE) against warehouse opportunities.
WAREHOUSE_SCORES = """
with
truth as (
    select distinct workspace_id, warehouse_id, problem
    from system_tables.sandbox_truth.planted_problems
    where statement_id is null
),
flagged as (
    select distinct workspace_id, warehouse_id, optimization_type
    from warehouse.genie_analytics.genie_optimization_opportunities
    where query_fingerprint is null
),
rules as (select distinct problem from truth),
warehouses as (
    select count(distinct workspace_id || warehouse_id) as n
    from warehouse.genie_analytics.genie_warehouse_utilization
)
select
    rules.problem,
    (select count(*) from truth where truth.problem = rules.problem) as planted,
    (select count(*) from flagged where flagged.optimization_type = rules.problem) as flagged,
    (
        select count(*) from truth
        inner join flagged
            on truth.workspace_id = flagged.workspace_id
            and truth.warehouse_id = flagged.warehouse_id
            and truth.problem = flagged.optimization_type
        where truth.problem = rules.problem
    ) as true_positives,
    (select n from warehouses) as queries
from rules
order by rules.problem
"""


def run(args: list[str], env: dict[str, str]) -> None:
    """Run a command; fail the test with the tail of its output when it fails."""
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    """Generate the unseen-seed sandbox, build the optimiser, return one score row per rule."""
    work = tmp_path_factory.mktemp("optimizer_recall")
    system_db = work / "system_tables.duckdb"
    target_db = work / "warehouse.duckdb"
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(target_db),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "GENIE_START_DATE": DEFAULT_START_DATE.isoformat(),
    }
    run(
        [
            str(BIN / "genie-sandbox"),
            "generate",
            "--db",
            str(system_db),
            "--seed",
            str(SEED),
            "--days",
            "14",
            "--workspaces",
            "2",
            "--queries-per-day",
            "3000",
            "--api-port",
            "18900",
            "--quiet",
        ],
        env,
    )
    run(
        [
            str(BIN / "dbt"),
            "build",
            "--select",
            "+genie_optimization_opportunities",
            "--exclude",
            "test_type:unit",
            "--indirect-selection",
            "cautious",
            "--project-dir",
            str(PROJECT_DIR),
            "--quiet",
        ],
        env,
    )
    con = duckdb.connect(str(target_db), read_only=True)
    try:
        con.execute(f"attach '{system_db}' as system_tables (read_only)")
        rows = []
        for level, sql in (("statement", STATEMENT_SCORES), ("warehouse", WAREHOUSE_SCORES)):
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            rows += [dict(zip(names, r, strict=True), level=level) for r in cursor.fetchall()]
    finally:
        con.close()
    print_table(rows)
    return rows


def print_table(rows: list[dict[str, object]]) -> None:
    """Per-rule table (pytest -s shows it): counts, recall, FP share of findings, FP/negatives."""
    header = (
        f"{'rule':<18} {'level':<9} {'planted':>7} {'flagged':>7} {'TP':>6} {'FP':>5} "
        f"{'recall':>7} {'FP rate':>7} {'FP/neg':>8}"
    )
    print(f"\noptimiser vs sandbox_truth (seed {SEED})\n{header}")
    for row in rows:
        planted, flagged, tp, n = (
            int(row["planted"]),
            int(row["flagged"]),
            int(row["true_positives"]),
            int(row["queries"]),
        )
        fp = flagged - tp
        recall = tp / planted if planted else float("nan")
        fp_rate = fp / flagged if flagged else 0.0
        fp_neg = fp / (n - planted) if n > planted else 0.0
        print(
            f"{row['problem']:<18} {row['level']:<9} {planted:>7} {flagged:>7} {tp:>6} {fp:>5} "
            f"{recall:>7.1%} {fp_rate:>7.1%} {fp_neg:>8.3%}"
        )


def test_every_planted_rule_has_ground_truth(scores: list[dict[str, object]]) -> None:
    """The sandbox planted every problem class the contract names (else the scores are vacuous)."""
    expected = {
        "SELECT_STAR",
        "ORDER_BY_NO_LIMIT",
        "LONG_RUNNING",
        "SPILL",
        "POOR_PRUNING",
        "QUEUEING",
        "COLD_START",
        "REPEATED_UNCACHED",
        "FAILED_BURN",
        "SMALL_FILES",
        "IDLE_WAREHOUSE",
    }
    planted = {row["problem"] for row in scores if int(row["planted"]) > 0}
    assert planted == expected


def test_recall_per_rule(scores: list[dict[str, object]]) -> None:
    """At least 95 % of each rule's planted statements (or warehouses) are found."""
    low = {
        row["problem"]: f"{int(row['true_positives'])}/{int(row['planted'])}"
        for row in scores
        if int(row["true_positives"]) < MIN_RECALL * int(row["planted"])
    }
    assert not low, f"recall below {MIN_RECALL:.0%}: {low}"


def test_false_positive_rate_per_rule(scores: list[dict[str, object]]) -> None:
    """At most 5 % of each rule's findings are statements the sandbox did not plant it on."""
    high = {
        row["problem"]: f"{int(row['flagged']) - int(row['true_positives'])}/{int(row['flagged'])}"
        for row in scores
        if int(row["flagged"]) - int(row["true_positives"])
        > MAX_FALSE_POSITIVE_RATE * int(row["flagged"])
    }
    assert not high, f"false-positive rate above {MAX_FALSE_POSITIVE_RATE:.0%}: {high}"
