"""Retention of the cost marts: older days move to <mart>_archive, then expire.

A small sandbox (6 days from the sandbox's start date, day 1) is built on DuckDB with a pinned
as-of date and short windows, so every rule applies on the sandbox's own dates:

    retention_as_of_date day 6, retention_active_days 3 -> the marts keep day 3 on;
    retention_archive_days 4                            -> the archives keep day 2;
    day 1 is deleted.

Checked against a reference build of the same sandbox without retention: the marts hold exactly
the reference rows of the kept days, each archive exactly those of the archived day; running the
build again changes nothing; a run restarted after a crash between the copy and the delete
duplicates nothing; a --full-refresh leaves the same rows as the incremental builds; and the
cost conservation tests (attributed + idle = billed, nothing dropped) hold over the retained
window. dbt runs in a subprocess with private target/log dirs and DuckDB files in a temp dir.
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
PROJECT_DIR = Path(os.environ.get("DBT_PROJECT_DIR", REPO_ROOT))
BIN = Path(sys.executable).parent
START = DEFAULT_START_DATE  # day 1
AS_OF = START + dt.timedelta(days=5)  # day 6
ACTIVE_FROM = AS_OF - dt.timedelta(days=3)  # retention_active_days
ARCHIVE_FROM = AS_OF - dt.timedelta(days=4)  # retention_archive_days
RETENTION_VARS = (
    f"{{retention_as_of_date: '{AS_OF}', retention_active_days: 3, retention_archive_days: 4}}"
)
# The same build with nothing old enough to move (as-of on the sandbox's first day).
NO_RETENTION_VARS = f"{{retention_as_of_date: '{START}'}}"
# model -> its date column; every column but _refreshed_at is compared.
MARTS = {
    "genie_query_performance": "query_date",
    "genie_cost_attribution": "cost_date",
    "genie_cost_reconciliation": "window_date",
}
BUILD = [
    "build",
    "--select",
    "+models/marts/cost",
    "stg_system__rows_quarantined",
    "--resource-type",
    "model",
    "--resource-type",
    "seed",
]
IGNORED = {"_refreshed_at"}


def dbt(args: list[str], system_db: Path, target_db: Path, work: Path, dbt_vars: str) -> None:
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(target_db),
        "DBT_TARGET_PATH": str(work / f"target_{target_db.stem}"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    result = subprocess.run(
        [str(BIN / "dbt"), *args, "--vars", dbt_vars, "--project-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def rows(db: Path, table: str, where: str = "true") -> list[tuple]:
    """Every row of a table (every column but _refreshed_at, sorted), or [] if it is missing."""
    with duckdb.connect(str(db), read_only=True) as con:
        relation = f'"{db.stem}".genie_analytics.{table}'
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'genie_analytics' and table_name = ?",
            [table],
        ).fetchone()[0]
        if not found:
            return []
        columns = [r[0] for r in con.execute(f"describe {relation}").fetchall()]
        select = ", ".join(f'"{c}"' for c in sorted(columns) if c not in IGNORED)
        return sorted(
            (
                tuple(normalised(v) for v in row)
                for row in con.execute(f"select {select} from {relation} where {where}").fetchall()
            ),
            key=repr,
        )


def normalised(value: object) -> object:
    """Floats to 12 significant digits: sums over the same rows in another order (an
    incremental run vs one build) may differ in the last bits."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def days(db: Path, table: str, column: str) -> list[dt.date]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            r[0]
            for r in con.execute(
                f'select distinct {column} from "{db.stem}".genie_analytics.{table} order by 1'
            ).fetchall()
        ]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {name: rows(db, name) for mart in MARTS for name in (mart, f"{mart}_archive")}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("retention")
    sandbox = work / "sandbox.duckdb"
    result = subprocess.run(
        [
            str(BIN / "genie-sandbox"),
            "generate",
            "--db",
            str(sandbox),
            "--seed",
            "13",
            "--days",
            "6",
            "--start-date",
            START.isoformat(),
            "--workspaces",
            "2",
            "--queries-per-day",
            "200",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    reference = work / "reference.duckdb"
    dbt(BUILD, sandbox, reference, work, NO_RETENTION_VARS)

    retained = work / "retained.duckdb"
    dbt(BUILD, sandbox, retained, work, NO_RETENTION_VARS)  # the history, before retention
    dbt(BUILD, sandbox, retained, work, RETENTION_VARS)  # an incremental run moves it
    first = snapshot(retained)
    dbt(BUILD, sandbox, retained, work, RETENTION_VARS)  # and again: nothing changes
    second = snapshot(retained)
    return {
        "work": work,
        "sandbox": sandbox,
        "reference": reference,
        "retained": retained,
        "first": first,
        "second": second,
    }


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_marts_keep_the_active_days_and_archive_the_older_ones(builds, mart: str) -> None:
    column = MARTS[mart]
    reference, retained = builds["reference"], builds["retained"]
    assert days(reference, mart, column)[0] == START, "the reference must reach back to day 1"
    assert days(retained, mart, column)[0] == ACTIVE_FROM
    kept = f"{column} >= date '{ACTIVE_FROM}'"
    archived = f"{column} >= date '{ARCHIVE_FROM}' and {column} < date '{ACTIVE_FROM}'"
    assert rows(retained, mart) == rows(reference, mart, kept)
    archive = rows(retained, f"{mart}_archive")
    assert archive, f"{mart}_archive is empty"
    assert archive == rows(reference, mart, archived)
    assert days(retained, f"{mart}_archive", column) == [ARCHIVE_FROM]


def test_running_the_move_twice_changes_nothing(builds) -> None:
    assert builds["first"] == builds["second"]


def test_a_restart_after_a_crash_between_copy_and_delete_duplicates_nothing(builds) -> None:
    """State of a run killed after step 2 (archive written) and before step 3 (mart trimmed):
    the archived day is back in the mart. The next run must leave the same rows as before."""
    work, sandbox, retained = builds["work"], builds["sandbox"], builds["retained"]
    crashed = work / "crashed.duckdb"
    crashed.write_bytes(retained.read_bytes())
    with duckdb.connect(str(crashed)) as con:
        for mart in MARTS:
            con.execute(
                f"insert into genie_analytics.{mart} by name "
                f"select * from genie_analytics.{mart}_archive"
            )
    dbt(BUILD, sandbox, crashed, work, RETENTION_VARS)
    assert snapshot(crashed) == builds["first"]


def test_full_refresh_leaves_the_rows_of_the_incremental_runs(builds) -> None:
    """--full-refresh of the retained build: the marts are rebuilt from the retention start only
    (an upstream mart no longer holds older days, so rebuilding them would archive half-empty
    rows over the good copies) and equal the incremental runs' rows; the archives are kept."""
    work, sandbox, retained = builds["work"], builds["sandbox"], builds["retained"]
    full = work / "full.duckdb"
    full.write_bytes(retained.read_bytes())
    dbt([*BUILD, "--full-refresh"], sandbox, full, work, RETENTION_VARS)
    assert snapshot(full) == builds["first"]


def test_cost_conservation_holds_over_the_retained_window(builds) -> None:
    """attributed + idle = billed, money conserved across marts, no query dropped: the cost
    tests compare like with like from the retention start on."""
    dbt(
        ["test", "--select", "tests/singular/cost", "models/marts/cost", "--resource-type", "test"],
        builds["sandbox"],
        builds["retained"],
        builds["work"],
        RETENTION_VARS,
    )
