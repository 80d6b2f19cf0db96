"""Days read per dbt node on local Spark: the proof that an incremental run reads only new days.

The harness builds the whole project on local Spark (dbt-spark session mode, in this
process, as scripts/compare_engines.py does) over a date-partitioned parquet export of a sandbox,
adds one day, runs the incremental ``dbt build`` (models and data tests), and counts from Spark's
executed plans, per dbt node, how many days of each large relation every scan read:

- ``billing.usage`` (partitioned by ``usage_date``), ``access.audit`` (by ``event_date``) and the
  project's own incremental tables, which Spark partitions by their date (``partition_by_date``):
  the scan's ``number of partitions read`` metric, i.e. what Spark really listed and read after
  static and dynamic partition pruning. Days are partition directories.
- ``query.history`` has no date column to partition by (Databricks prunes it by file statistics
  on ``start_time``), so it is exported as one parquet file per start date and a scan reads the
  days whose file statistics (min/max of every timestamp and date column) its pushed filters
  (``PushedFilters`` of the executed plan) cannot exclude: Delta data skipping, evaluated here
  because open-source Spark opens every parquet file of an unpartitioned table.

How a scan is tied to its dbt node: a dbtRunner callback sets the Spark job description to the
node's unique id when dbt starts the node (dbt runs nodes on one thread, threads: 1), and Spark's
SQL status store keeps, per SQL execution, that description, the plan graph and its metrics.

Usage:
    python bench/partitions_read.py run [--days 31 --queries-per-day 300 ...] [--json FILE]
    python bench/partitions_read.py selftest   # the counter on a 5-day table: bounded vs not

Hand-written: no library counts partitions per dbt node; it only reads Spark's own plans.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from genie_sandbox.gen_common import DEFAULT_START_DATE

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
BIN = Path(sys.executable).parent
START = DEFAULT_START_DATE  # the sandbox's fixed calendar starts here
PROJECT_SCHEMA = "genie_analytics"

# The large relations an hourly run must not re-read whole -> how their days are counted
# (partition column, or None for the day files of query.history).
SYSTEM_PARTITIONED = {("billing", "usage"): "usage_date", ("access", "audit"): "event_date"}
SYSTEM_DAY_FILES = {("query", "history"): "start_time"}
PROJECT_TABLES = (
    "int_queries_allocated_to_billing_windows",
    "genie_query_performance",
    "genie_cost_attribution",
)
LARGE_RELATIONS = (
    "query.history",
    "billing.usage",
    "access.audit",
    *(f"{PROJECT_SCHEMA}.{t}" for t in PROJECT_TABLES),
)
# The other system tables are small: each is one file, cut at the same instant as the large ones
# (the column that says when a row happened), so the first build sees the account as it was.
CUT_COLUMNS = {
    ("compute", "warehouse_events"): "event_time",
    ("lakeflow", "job_run_timeline"): "period_start_time",
}
SPARK_CONF = {
    # Keep every SQL execution of both runs (the default keeps 1,000) ...
    "spark.sql.ui.retainedExecutions": "1000000",
    # ... and the whole plan text: PushedFilters / Location are cut at 100 characters otherwise.
    "spark.sql.maxMetadataStringLength": "1000000",
}
NO_NODE = "(dbt hooks and metadata)"
NODE_KINDS = ("model.", "test.", "seed.", "snapshot.", "unit_test.", "operation.")


# --- the parquet export --------------------------------------------------------------------------
def _timed_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? "
        "and table_name = ? and (data_type like 'TIMESTAMP%' or data_type = 'DATE') "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def export_days(system_db: Path, out: Path, first: date | None, end: date) -> dict:
    """Export the sandbox's rows of days [first, end) (``first`` None = from the beginning).

    Partitioned tables get one directory per day (``<column>=YYYY-MM-DD``, Hive layout, the
    column kept out of the files; null dates go to Spark's default partition), query.history one
    file per start date, added beside the files already there; every other system table is
    rewritten as one file cut at ``end``. Returns the day files' statistics
    ({file name: {column: [min, max]}}) for ``days_by_statistics``.
    """
    stats: dict[str, dict[str, list[str | None]]] = {}
    con = duckdb.connect(str(system_db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('sandbox_truth', 'main') order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            target = out / schema / table
            target.mkdir(parents=True, exist_ok=True)
            key = (schema, table)
            if key in SYSTEM_PARTITIONED or key in SYSTEM_DAY_FILES:
                column = SYSTEM_PARTITIONED.get(key) or SYSTEM_DAY_FILES[key]
                day = f"cast({column} as date)"
                lower = "true" if first is None else f"{day} >= $first"
                nulls = " or " + day + " is null" if first is None else ""
                days = con.execute(
                    f"select distinct {day} from {schema}.{table} "
                    f"where ({lower} and {day} < $end){nulls}",
                    {"end": end, **({"first": first} if first else {})},
                ).fetchall()
                for (d,) in days:
                    where = f"{day} is null" if d is None else f"{day} = $d"
                    params = {} if d is None else {"d": d}
                    if key in SYSTEM_PARTITIONED:
                        part = "__HIVE_DEFAULT_PARTITION__" if d is None else d.isoformat()
                        path = target / f"{column}={part}" / "part-0.parquet"
                        path.parent.mkdir(parents=True, exist_ok=True)
                        select = f"select * exclude ({column}) from {schema}.{table}"
                    else:
                        path = target / f"start-{d.isoformat() if d else 'none'}.parquet"
                        select = f"select * from {schema}.{table}"
                        cols = _timed_columns(con, schema, table)
                        bounds = con.execute(
                            "select "
                            + ", ".join(
                                f"cast(min({c}) as varchar), cast(max({c}) as varchar)"
                                for c in cols
                            )
                            + f" from {schema}.{table} where {where}",
                            params,
                        ).fetchone()
                        stats[path.name] = {
                            c: [bounds[2 * i], bounds[2 * i + 1]] for i, c in enumerate(cols)
                        }
                    con.execute(
                        f"copy ({select} where {where}) to '{path}' (format parquet)", params
                    )
            else:
                cut = CUT_COLUMNS.get(key)
                where = f"{cut} is null or cast({cut} as date) < $end" if cut else "true"
                for old in target.glob("*.parquet"):
                    old.unlink()
                con.execute(
                    f"copy (select * from {schema}.{table} where {where}) "
                    f"to '{target / 'data.parquet'}' (format parquet)",
                    {"end": end} if cut else None,
                )
    finally:
        con.close()
    return stats


# The run the harness measures adds this many whole days after the watermark day.
NEW_DAYS = 1


# Vars the measured runs set besides the lookbacks, so every bound below is a known number. The
# horizons are smaller than their defaults (7) so the counts show them bounded in a 31-day
# sandbox; alerts_lookback_days keeps its default.
HARNESS_VARS = {
    "billing_correction_horizon_days": 2,
    "genie_audit_late_horizon_days": 2,
    "alerts_lookback_days": 7,
    "cost_max_query_days": 2,
}

# The documented exceptions to day_bound, one reason each: (dbt node name, relation) -> (the var
# whose days the read adds or is, how: "adds" = day_bound + var, "window" = var + the day added).
# Each is bounded by a documented var, none grows with the account's history. Tests of staging
# views over a system table are not in this list: they run on full test runs only
# (models/staging/system/_system__models.yml, `full_tests_only`), so an hourly run reads nothing
# for them.
EXCEPTIONS = {
    # Corrections (RETRACTION/RESTATEMENT) delivered since the last run are found by
    # ingestion_date, which usage_date partitions cannot prune: looked for within the horizon
    # before the window (macros/incremental/late_rows_horizon.sql billing_corrections_from).
    ("stg_system__billing_usage", "billing.usage"): (
        "billing_correction_horizon_days",
        "adds",
    ),
    # Audit rows a lagging workspace delivered late are looked for within the horizon before the
    # latest loaded day (macros/genie/genie_audit_window.sql genie_audit_unloaded_from).
    ("genie_audit_message_events", "access.audit"): ("genie_audit_late_horizon_days", "adds"),
    # A statement that started up to cost_max_query_days (the statement timeout) before the
    # window still ran inside it: its busy time and concurrency count on the window's days.
    (
        "genie_warehouse_utilization",
        f"{PROJECT_SCHEMA}.genie_query_performance",
    ): ("cost_max_query_days", "adds"),
    # The alert window is the rule itself: the last alerts_lookback_days days are alerts.
    ("genie_alerts", f"{PROJECT_SCHEMA}.genie_query_performance"): (
        "alerts_lookback_days",
        "window",
    ),
}


def exception_bounds(lookback_days: int, run_vars: dict | None = None) -> dict[tuple, int]:
    """(node name, relation) -> most days that read may take, for every EXCEPTIONS entry."""
    run_vars = {**HARNESS_VARS, **(run_vars or {})}
    bounds = {}
    for key, (var, how) in EXCEPTIONS.items():
        value = int(run_vars[var])
        bounds[key] = day_bound(lookback_days) + value if how == "adds" else value + NEW_DAYS
    return bounds


def day_bound(lookback_days: int, new_days: int = NEW_DAYS) -> int:
    """Most days of a large relation one scan of an incremental step may read.

    The bound "lookback + 1": every incremental model re-reads whole days from its watermark
    day D (the latest day it holds, usually today's partial day) minus ``lookback_days``, so an
    hourly run during a day reads D - lookback .. D: lookback + 1 days. The run that first sees
    a new day (the harness's run, which adds day D + 1) also reads the days it adds: the bound
    is lookback + 1 + the days added. (Starting the window one day later instead would change
    what every documented lookback var means: lookback 0 would then re-read nothing of D.)
    """
    return lookback_days + 1 + new_days


# --- counting ------------------------------------------------------------------------------------
@dataclass
class Scan:
    """One file scan of one SQL execution: which relation, how many of its days it read."""

    node_id: str
    execution_id: int
    relation: str
    days: int
    day_list: list[str] = field(default_factory=list)
    how: str = ""


def _split_top(text: str) -> list[str]:
    """Split ``a, B(c,d), [e,f]`` at the commas outside parentheses and brackets."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _value(text: str):
    text = text.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def may_match(filter_text: str, bounds: dict[str, list[str | None]]) -> bool:
    """Can a file with these min/max statistics hold a row passing this pushed filter?

    Spark's data source filter syntax (``GreaterThanOrEqual(start_time,2026-10-28 00:00:00.0)``,
    ``And(..)``, ``Or(..)``). Anything not understood, and any column without statistics, may
    match: the count errs towards more days, never fewer.
    """
    m = re.fullmatch(r"(\w+)\((.*)\)", filter_text.strip(), flags=re.S)
    if not m:
        return True
    op, args = m.group(1), _split_top(m.group(2))
    if op == "And":
        return all(may_match(a, bounds) for a in args)
    if op == "Or":
        return any(may_match(a, bounds) for a in args)
    if len(args) != 2 or args[0] not in bounds:
        return True
    lo_text, hi_text = bounds[args[0]]
    if lo_text is None or hi_text is None:
        return False  # the column is null in every row: no comparison can be true
    lo, hi = _value(lo_text), _value(hi_text)
    values = (
        [_value(v) for v in _split_top(args[1].strip("[]"))] if op == "In" else [_value(args[1])]
    )
    if lo is None or hi is None or any(v is None for v in values):
        return True
    v = values[0]
    return {
        "GreaterThan": lambda: hi > v,
        "GreaterThanOrEqual": lambda: hi >= v,
        "LessThan": lambda: lo < v,
        "LessThanOrEqual": lambda: lo <= v,
        "EqualTo": lambda: lo <= v <= hi,
        "EqualNullSafe": lambda: lo <= v <= hi,
        "In": lambda: any(lo <= x <= hi for x in values),
    }.get(op, lambda: True)()


def days_by_statistics(desc: str, file_stats: dict[str, dict]) -> list[str]:
    """The day files of an unpartitioned scan that its PushedFilters cannot skip."""
    m = re.search(r"PushedFilters: \[(.*?)\](?:, ReadSchema|$)", desc, flags=re.S)
    filters = _split_top(m.group(1)) if m else []
    return sorted(
        name.removeprefix("start-").removesuffix(".parquet")
        for name, bounds in file_stats.items()
        if all(may_match(f, bounds) for f in filters)
    )


def _scala_seq(seq) -> list:
    return [seq.apply(i) for i in range(seq.size())]


def last_execution_id(spark) -> int:
    """Id of the latest SQL execution Spark recorded (-1 when none)."""
    store = spark._jsparkSession.sharedState().statusStore()
    ids = [e.executionId() for e in _scala_seq(store.executionsList())]
    return max(ids, default=-1)


def harvest(spark, after_id: int, day_file_stats: dict[str, dict], timeout_s: float = 60):
    """Every scan of a large relation in the SQL executions after ``after_id``."""
    store = spark._jsparkSession.sharedState().statusStore()
    deadline = time.monotonic() + timeout_s
    while True:  # the status store is filled by a listener, asynchronously: wait for it to end
        execs = [e for e in _scala_seq(store.executionsList()) if e.executionId() > after_id]
        if all(e.completionTime().isDefined() for e in execs) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    scans: list[Scan] = []
    for e in execs:
        eid = e.executionId()
        description = str(e.description())
        node_id = description if description.startswith(NODE_KINDS) else NO_NODE
        metrics = store.executionMetrics(eid)
        for node in _scala_seq(store.planGraph(eid).allNodes()):
            name = node.name()
            if not name.startswith("Scan "):
                continue
            relation = name.split()[-1].removeprefix("spark_catalog.")
            if relation not in LARGE_RELATIONS:
                continue
            values = {}
            for metric in _scala_seq(node.metrics()):
                value = metrics.get(metric.accumulatorId())
                if value.isDefined():
                    values[metric.name()] = value.get()
            desc = node.desc()
            if "ReadSchema: struct<>" in desc and relation != "query.history":
                # Only partition values (e.g. a watermark's max(<date>)): no data file is read
                # for them on Delta, which answers min/max/count from its log. Shown, not counted.
                scans.append(Scan(node_id, eid, relation, 0, [], "partition values only"))
                continue
            if relation == "query.history":
                day_list = days_by_statistics(desc, day_file_stats)
                scans.append(Scan(node_id, eid, relation, len(day_list), day_list, "statistics"))
                continue
            read = values.get("number of partitions read")
            if read is None:  # not partitioned (a model that lost partition_by): files read
                files = int(str(values.get("number of files read", "0")).replace(",", ""))
                scans.append(Scan(node_id, eid, relation, files, [], "files, not partitioned"))
                continue
            paths = re.findall(r"=(\d{4}-\d{2}-\d{2}|__HIVE_DEFAULT_PARTITION__)[,\]]", desc)
            days = int(str(read).replace(",", ""))
            day_list = sorted(set(paths)) if len(set(paths)) == days else []
            scans.append(Scan(node_id, eid, relation, days, day_list, "partitions"))
    return scans


def summarise(scans: Iterable[Scan]) -> dict[str, dict[str, dict]]:
    """node -> relation -> {days: most days one scan read, scans, total_days, first, last}."""
    out: dict[str, dict[str, dict]] = {}
    for s in scans:
        cell = out.setdefault(s.node_id, {}).setdefault(
            s.relation,
            {
                "days": 0,
                "scans": 0,
                "total_days": 0,
                "first": None,
                "last": None,
                "partition_value_scans": 0,
            },
        )
        if s.how == "partition values only":
            cell["partition_value_scans"] += 1
            continue
        cell["scans"] += 1
        cell["total_days"] += s.days
        if s.days >= cell["days"]:
            cell["days"] = s.days
            cell["first"], cell["last"] = (
                (s.day_list[0], s.day_list[-1]) if s.day_list else (None, None)
            )
    return out


def node_name(node_id: str) -> str:
    """``model.genie_analytics.x`` -> ``x`` (a test's id keeps its name, not its hash)."""
    parts = node_id.split(".")
    return parts[2] if len(parts) > 2 else node_id


def bound_of(node_id: str, relation: str, max_days: int, exceptions: dict | None) -> int:
    """The bound of one node x relation: its EXCEPTIONS bound, else ``max_days``."""
    return (exceptions or {}).get((node_name(node_id), relation), max_days)


def offenders(
    summary: dict, max_days: int, exceptions: dict | None = None
) -> list[tuple[str, str, int]]:
    """(node, relation, days) of every node whose one scan read more than its bound: ``max_days``,
    or the documented exception's bound (``exceptions``, from exception_bounds)."""
    return sorted(
        (node, rel, cell["days"])
        for node, rels in summary.items()
        for rel, cell in rels.items()
        if cell["days"] > bound_of(node, rel, max_days, exceptions)
    )


def format_table(summary: dict, max_days: int | None = None, exceptions: dict | None = None) -> str:
    """A plain-text table node x relation -> days read (``!`` marks more than the bound:
    ``max_days``, or a documented exception's, marked ``e`` when the read is within it)."""
    short = {r: r.removeprefix(f"{PROJECT_SCHEMA}.") for r in LARGE_RELATIONS}
    abbrev = {
        "query.history": "history",
        "billing.usage": "usage",
        "access.audit": "audit",
        "int_queries_allocated_to_billing_windows": "alloc",
        "genie_query_performance": "gqp",
        "genie_cost_attribution": "gca",
    }
    heads = [abbrev[short[r]] for r in LARGE_RELATIONS]
    lines = [f"{'dbt node':<72} " + " ".join(f"{h:>8}" for h in heads)]
    for node in sorted(summary):
        cells = []
        for rel in LARGE_RELATIONS:
            cell = summary[node].get(rel)
            if cell is None:
                cells.append(f"{'.':>8}")
                continue
            bound = None if max_days is None else bound_of(node, rel, max_days, exceptions)
            mark = "!" if bound is not None and cell["days"] > bound else ""
            if not mark and bound is not None and max_days is not None and bound != max_days:
                mark = "e"
            text = f"{cell['days']}{mark}" + (f"x{cell['scans']}" if cell["scans"] > 1 else "")
            if not cell["scans"]:
                text = "m"
            cells.append(f"{text:>8}")
        parts = node.split(".")
        kind, name = parts[0][:5], (parts[2] if len(parts) > 2 else node)[:66]
        lines.append(f"{kind:<5} {name:<66} " + " ".join(cells))
    lines.append(
        "days read by the widest scan of each relation; xN = N scans; ! = more than the bound; "
        "e = within a documented exception's bound (bench/partitions_read.py EXCEPTIONS); "
        "m = only partition values read (a watermark); history: day files its pushed filters "
        "cannot skip by min/max statistics"
    )
    return "\n".join(lines)


# --- the dbt runs --------------------------------------------------------------------------------
def run_dbt(spark, args: list[str]) -> tuple[bool, list[str]]:
    """dbt in this process; every node's SQL executions carry the node's unique id."""
    from dbt.cli.main import dbtRunner

    sc = spark.sparkContext

    def tag(event) -> None:
        name = event.info.name
        if name == "NodeStart":
            sc.setJobDescription(event.data.node_info.unique_id)
        elif name == "NodeFinished":
            sc.setJobDescription(None)

    result = dbtRunner(callbacks=[tag]).invoke(args)
    failed = []
    for r in getattr(result.result, "results", None) or []:
        if str(r.status) in {"error", "fail", "runtime error"}:
            failed.append(f"{r.node.unique_id}: {r.status}")
    return bool(result.success), failed


def run(args) -> dict:
    """Build over days 1..N-1, add day N, build again; count what the second build read."""
    from compare_engines import spark_session

    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    parquet = work / "parquet"
    system_db = work / "system_tables.duckdb"
    started = time.monotonic()
    cmd = [str(BIN / "genie-sandbox"), "generate", "--db", str(system_db)]
    cmd += ["--seed", str(args.seed), "--days", str(args.days), "--start-date", START.isoformat()]
    cmd += ["--workspaces", str(args.workspaces), "--queries-per-day", str(args.queries_per_day)]
    subprocess.run([*cmd, "--quiet"], check=True)
    new_day = START + timedelta(days=args.days - 1)
    stats = export_days(system_db, parquet, None, new_day)

    spark = spark_session(work / "spark", SPARK_CONF)
    spark.sparkContext.setLogLevel("ERROR")
    from compare_engines import register_sources

    register_sources(spark, parquet, None)
    for schema, table in SYSTEM_PARTITIONED:
        spark.sql(f"msck repair table {schema}.{table}")

    profiles = Path(tempfile.mkdtemp(prefix="dbt_profiles_"))
    shutil.copy(ROOT / "profiles.yml.example", profiles / "profiles.yml")
    os.environ.update(
        SPARK_WAREHOUSE_DIR=str(work / "spark" / "warehouse"),
        GENIE_START_DATE=START.isoformat(),
        DBT_PROFILES_DIR=str(profiles),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_LOG_PATH=str(work / "logs"),
    )
    lookback = json.dumps(
        {
            "query_history_lookback_days": args.lookback_days,
            "cost_lookback_days": args.lookback_days,
            **HARNESS_VARS,
        }
    )
    base = ["build", "--target", "spark", "--project-dir", str(ROOT), "--vars", lookback]
    base += ["--target-path", str(work / "target"), "--exclude", "resource_type:snapshot+"]
    base += ["--exclude-resource-type", "unit_test"]
    # The first build needs only what the incremental run finds in place: the incremental
    # models and what they read (the tables downstream are rebuilt whole by the second run).
    first = [*base, "--select", "+config.materialized:incremental"]
    ok, failed = run_dbt(spark, [*first, "--exclude-resource-type", "test"])
    if not ok:
        raise SystemExit(f"partitions_read: the first Spark build failed: {failed}")
    first_s = time.monotonic() - started

    mark = last_execution_id(spark)
    stats.update(export_days(system_db, parquet, new_day, new_day + timedelta(days=1)))
    for schema, table in SYSTEM_PARTITIONED:
        spark.sql(f"msck repair table {schema}.{table}")
    for schema_dir in parquet.iterdir():
        for table_dir in schema_dir.iterdir():
            spark.sql(f"refresh table {schema_dir.name}.{table_dir.name}")
    incr_started = time.monotonic()
    # What the hourly job builds (resources/genie_analytics_job.yml): models tagged `daily` (the
    # optimiser's exact multi-day windows) run in the daily job over their whole window instead.
    ok, failed = run_dbt(spark, [*base, "--exclude", "tag:daily"])
    incr_s = time.monotonic() - incr_started
    scans = harvest(spark, mark, stats)
    summary = summarise(scans)
    spark.stop()
    return {
        "days": args.days,
        "queries_per_day": args.queries_per_day,
        "workspaces": args.workspaces,
        "lookback_days": args.lookback_days,
        "max_days": day_bound(args.lookback_days),
        "exceptions": [
            [node, rel, bound]
            for (node, rel), bound in exception_bounds(args.lookback_days).items()
        ],
        "new_day": new_day.isoformat(),
        "incremental_build_ok": ok,
        "incremental_failures": failed,
        "first_build_seconds": round(first_s),
        "incremental_build_seconds": round(incr_s),
        "summary": summary,
    }


def selftest(args) -> dict:
    """The counter itself on 5 days: an unbounded and a one-day query of each kind of table."""
    from compare_engines import spark_session

    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    db = work / "five_days.duckdb"
    db.parent.mkdir(parents=True)
    con = duckdb.connect(str(db))
    con.execute("create schema billing; create schema query")
    con.execute(
        "create table billing.usage as select r as record_id, "
        "cast(timestamp '2026-10-01' + to_hours(r) as date) as usage_date from range(120) t(r)"
    )
    con.execute(
        "create table query.history as select r as statement_id, "
        "timestamp '2026-10-01' + to_hours(r) as start_time from range(120) t(r)"
    )
    con.close()
    parquet = work / "parquet"
    stats = export_days(db, parquet, None, date(2026, 10, 6))
    spark = spark_session(work / "spark", SPARK_CONF)
    spark.sparkContext.setLogLevel("ERROR")
    from compare_engines import register_sources

    register_sources(spark, parquet, None)
    spark.sql("msck repair table billing.usage")
    mark = last_execution_id(spark)
    sc = spark.sparkContext
    # Each query reads a data column: a scan of partition values alone (count(*)) is counted
    # apart, as a watermark's is.
    queries = {
        "test.selftest.unbounded": [
            "select sum(record_id) from billing.usage",
            "select sum(statement_id) from query.history",
        ],
        "test.selftest.one_day": [
            "select sum(record_id) from billing.usage where usage_date >= date'2026-10-05'",
            "select sum(statement_id) from query.history where start_time >= timestamp'2026-10-05'",
        ],
        "test.selftest.self_join": [
            "select count(*) from billing.usage a join billing.usage b using (record_id) "
            "where a.usage_date = date'2026-10-02'"
        ],
    }
    for node, sqls in queries.items():
        sc.setJobDescription(node)
        for sql in sqls:
            spark.sql(sql).collect()
    sc.setJobDescription(None)
    summary = summarise(harvest(spark, mark, stats))
    spark.stop()
    return {"summary": summary}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["run", "selftest"])
    parser.add_argument("--days", type=int, default=31, help="sandbox days (the last is added)")
    parser.add_argument("--queries-per-day", type=int, default=300)
    parser.add_argument("--workspaces", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--lookback-days", type=int, default=3)
    parser.add_argument("--work-dir", type=Path, default=ROOT / "data" / "partitions_read")
    parser.add_argument("--json", type=Path, help="write the counts here")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a scan reads more than lookback + 1 days + the day added (day_bound)",
    )
    args = parser.parse_args(argv)
    result = run(args) if args.mode == "run" else selftest(args)
    bound = day_bound(args.lookback_days) if args.mode == "run" else None
    exceptions = exception_bounds(args.lookback_days) if args.mode == "run" else None
    print(format_table(result["summary"], bound, exceptions))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, sort_keys=True))
    if args.mode == "run":
        bad = offenders(result["summary"], bound, exceptions)
        print(
            f"incremental build on Spark: {result['incremental_build_seconds']} s, "
            f"ok={result['incremental_build_ok']}; {len(bad)} node x relation read more than "
            f"{bound} days"
        )
        if args.check and (bad or not result["incremental_build_ok"]):
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
