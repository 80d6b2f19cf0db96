"""`make bench`: the project's speed goals, measured in one run on this machine.

0. Partitions read: bench/partitions_read.py's table of the days of each large relation
   every dbt node reads in an incremental run on local Spark, next to the table measured before
   (bench/NOTES.md).
1. Scale build: a sandbox of 7 days x --queries-per-day (1M) plus one day of
   --last-day-queries (10M). A full build of the cost marts over the first 7 days and of the rest
   of the project; then the incremental build adding the new day (cost marts, then every other
   model), the data tests, each timed as a ratio to BARE_SQL (the core work as one hand-written
   statement, timed before and after them), with the peak RSS of each dbt process and the slowest
   nodes of dbt's run_results (the per-model profile).
2. Dashboard latency: the published dashboard-metrics query (workspace + date range +
   optional user -> totals and daily trends), 20 runs each, on the marts versus the same answer
   computed at query time from the raw system tables (views over the system tables).
3. Dashboard datasets: every dataset of dashboards/ (the SQL the AI/BI dashboard and
   the HTML report run) on the marts of the 10M-query day, 20 runs each over every workspace
   filter value and the whole period; goal p95 < 100 ms. `--only dashboard` reuses the scale
   build when it exists and adds the marts the dashboard reads beyond the cost marts.
4. Genie fetch throughput: 5,000 messages from the sandbox API with 50 ms latency and
   5% transient errors (503), the concurrent fetcher versus one at a time, with lost/duplicated
   counts.
5. HTTP API: both endpoints of genie_analytics_api over HTTP on the marts of the
   10M-query day (the scale build plus the API's lookup mart and the optimiser), 50 concurrent
   clients: p50/p95 and throughput; the same answers computed from the raw system tables (the
   RAW_* queries above, per request) for the ratio.

Ratios are measured within one run, so a shared, noisy machine slows both sides alike. Results are
printed and written to bench/results.md. Sizes can be reduced with --small for a quick check.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from genie_sandbox.gen_common import DEFAULT_START_DATE

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WORK = ROOT / "data" / "bench"
# DuckDB's memory cap for every dbt run and the bare SQL (profiles.yml.example's
# GENIE_DUCKDB_MEMORY_LIMIT): the peak-memory goal is < 8 GiB of RSS, and the process
# needs room beyond DuckDB's buffer manager (Python, dbt's manifest, allocations DuckDB does not
# count). Without it DuckDB takes up to 80% of RAM: 17.2 GB on a 10M-query day.
DUCKDB_MEMORY_LIMIT = "6GB"
# The cost marts and everything upstream of them (staging, seeds); tests are not part of a build's
# cost here (they run in make test).
COST_BUILD = [
    "build",
    "--select",
    "+path:models/marts/cost",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
]
START = DEFAULT_START_DATE  # the sandbox's fixed calendar starts here

# The dashboard query on the marts: genie_daily_performance is pre-aggregated per workspace, user
# and day, so totals are weighted re-aggregations of it.
MARTS_TOTALS = """
select sum(total_queries) as total_queries,
    sum(avg_duration_ms * total_queries) / sum(total_queries) as avg_duration_ms,
    sum(total_cost_dbu) as total_cost_dbu,
    sum(success_rate * total_queries) / sum(total_queries) as success_rate
from {rel}
where workspace_id = $ws and query_date between $d0 and $d1
    and ($user is null or user_id = $user)
"""
MARTS_TRENDS = """
select query_date, sum(total_queries) as query_count,
    sum(avg_duration_ms * total_queries) / sum(total_queries) as avg_duration,
    sum(total_cost_dbu) as total_cost
from {rel}
where workspace_id = $ws and query_date between $d0 and $d1
    and ($user is null or user_id = $user)
group by query_date order by query_date
"""

# The same answer from the raw system tables, computed at query time by views over them, but
# correctly: deduplicated history, billing windows netted over record types, DBUs
# split over the queries overlapping each window by task time.
RAW_CTE = """
with q as (
    select * from system_tables.query.history
    where workspace_id = $ws
        and start_time >= $d0::timestamp - interval 1 day
        and start_time < $d1::timestamp + interval 1 day
    qualify row_number() over (
        partition by workspace_id, statement_id order by update_time desc) = 1
),
w as (
    select workspace_id, usage_metadata.warehouse_id as warehouse_id, usage_start_time,
        usage_end_time, sum(usage_quantity) as billed_dbu
    from system_tables.billing.usage
    where workspace_id = $ws and usage_metadata.warehouse_id is not null
        and usage_date between $d0::date - 1 and $d1::date + 1
    group by all
),
o as (
    select q.statement_id, w.warehouse_id, w.usage_start_time, w.billed_dbu,
        q.total_task_duration_ms * greatest(0, epoch_ms(least(q.end_time, w.usage_end_time))
            - epoch_ms(greatest(q.start_time, w.usage_start_time)))
            / greatest(1, epoch_ms(q.end_time) - epoch_ms(q.start_time)) as weight
    from q join w
        on q.compute.warehouse_id = w.warehouse_id
        and q.start_time < w.usage_end_time and q.end_time > w.usage_start_time
),
shares as (
    select statement_id, billed_dbu * weight / nullif(
        sum(weight) over (partition by warehouse_id, usage_start_time), 0) as dbu
    from o
),
c as (
    select statement_id, sum(dbu) as dbu from shares group by statement_id
),
per_query as (
    select q.statement_id, cast(q.start_time as date) as query_date, q.executed_by,
        q.total_duration_ms, q.execution_status, coalesce(sum(c.dbu), 0) as dbu
    from q left join c using (statement_id)
    where cast(q.start_time as date) between $d0 and $d1
        and ($user is null or q.executed_by = $user)
    group by all
)
"""
RAW_TOTALS = (
    RAW_CTE
    + """
select count(*), avg(total_duration_ms), sum(dbu),
    avg(case when execution_status = 'FINISHED' then 1.0 else 0.0 end)
from per_query
"""
)
RAW_TRENDS = (
    RAW_CTE
    + """
select query_date, count(*), avg(total_duration_ms), sum(dbu)
from per_query group by query_date order by query_date
"""
)


def sh(cmd: list[str], env: dict[str, str] | None = None, quiet: bool = True) -> float:
    """Run a command, fail loudly, return wall seconds."""
    started = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=quiet, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write((out.stdout or "") + (out.stderr or ""))
        raise SystemExit(f"bench: command failed: {' '.join(cmd)}")
    return time.perf_counter() - started


def dbt_env(system_tables: Path, target_db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SYSTEM_TABLES_DUCKDB=str(system_tables),
        GENIE_ANALYTICS_DUCKDB=str(target_db),
        DBT_TARGET_PATH=str(WORK / "target"),
        DBT_LOG_PATH=str(WORK / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(ROOT),
        GENIE_START_DATE=START.isoformat(),
        GENIE_DUCKDB_MEMORY_LIMIT=DUCKDB_MEMORY_LIMIT,
    )
    return env


def first_days_copy(full: Path, out: Path, cutoff: date) -> None:
    """A copy of the sandbox as it looked before ``cutoff``: what an earlier run would have seen."""
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    con.execute(f"attach '{full}' as src (read_only)")
    filters = {
        ("query", "history"): "start_time < $c",
        ("billing", "usage"): "usage_start_time < $c",
        ("compute", "warehouse_events"): "event_time < $c",
        ("lakeflow", "job_run_timeline"): "period_start_time < $c",
        ("access", "audit"): "event_time < $c",
    }
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'src' and table_schema <> 'sandbox_truth'"
    ).fetchall()
    for schema, table in tables:
        con.execute(f"create schema if not exists {schema}")
        where = filters.get((schema, table), "true")
        con.execute(
            f"create table {schema}.{table} as select * from src.{schema}.{table} where {where}",
            {"c": cutoff} if "$c" in where else None,
        )
    con.close()


# The core work as one bare hand-written statement (every ratio's yardstick): allocate the
# new day's queries to their billing windows and sum per query, straight from the system
# tables. Queries that started up to cost_max_query_days (2) before the day and ran into it are
# included, as the models do; the result is written to a table, as a model's is.
BARE_SQL = """
create or replace table bare_allocation as
with q as (
    select workspace_id, statement_id, compute.warehouse_id as warehouse_id, start_time,
        end_time, total_task_duration_ms
    from system_tables.query.history
    where start_time >= $day::timestamp - interval 2 day
        and start_time < $day::timestamp + interval 1 day
        and end_time > $day::timestamp
    qualify row_number() over (
        partition by workspace_id, statement_id order by update_time desc) = 1
),
w as (
    select workspace_id, usage_metadata.warehouse_id as warehouse_id, usage_start_time,
        usage_end_time, sum(usage_quantity) as billed_dbu
    from system_tables.billing.usage
    where usage_date = $day and usage_metadata.warehouse_id is not null
    group by all
),
o as (
    select q.workspace_id, q.statement_id, w.warehouse_id, w.usage_start_time, w.billed_dbu,
        q.total_task_duration_ms * greatest(0, epoch_ms(least(q.end_time, w.usage_end_time))
            - epoch_ms(greatest(q.start_time, w.usage_start_time)))
            / greatest(1, epoch_ms(q.end_time) - epoch_ms(q.start_time)) as weight
    from q join w
        on q.workspace_id = w.workspace_id and q.warehouse_id = w.warehouse_id
        and q.start_time < w.usage_end_time and q.end_time > w.usage_start_time
),
shares as (
    select workspace_id, statement_id, billed_dbu * weight / nullif(sum(weight) over (
        partition by workspace_id, warehouse_id, usage_start_time), 0) as dbu
    from o
)
select workspace_id, statement_id, sum(dbu) as dbu from shares group by all
"""


def bare_sql_seconds(full_db: Path, day: date) -> tuple[float, int]:
    """Seconds of BARE_SQL for ``day`` in a scratch DuckDB file; rows it wrote."""
    scratch = WORK / "bare.duckdb"
    scratch.unlink(missing_ok=True)
    con = duckdb.connect(str(scratch), config={"memory_limit": DUCKDB_MEMORY_LIMIT})
    con.execute(f"attach '{full_db}' as system_tables (read_only)")
    started = time.perf_counter()
    con.execute(BARE_SQL, {"day": day})
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from bare_allocation").fetchone()[0]
    print(f"bench: bare SQL for {day}: {seconds:.1f} s, {rows:,} rows", file=sys.stderr, flush=True)
    con.close()
    scratch.unlink(missing_ok=True)
    return seconds, rows


def dbt_measured(dbt_args: list[str], env: dict[str, str]) -> tuple[float, int, list]:
    """Run dbt; wall seconds, peak RSS in bytes (os.wait4: the dbt process and the children it
    waited for; dbt-duckdb runs in one process) and its run_results timings (node, seconds)."""
    log = WORK / "dbt_stdout.log"
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "dbt"), *dbt_args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    # Printed as it happens: a scale run takes an hour or more, and a failure in a later step
    # must not lose what the earlier ones measured (the report is written only at the end).
    print(
        f"bench: dbt {' '.join(dbt_args)}: {seconds:.0f} s, peak RSS "
        f"{usage.ru_maxrss * 1024 / 2**30:.2f} GiB, exit {proc.returncode}",
        file=sys.stderr,
        flush=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(log.read_text()[-6000:])
        raise SystemExit(f"bench: dbt failed: {' '.join(dbt_args)}")
    run_results = json.loads((WORK / "target" / "run_results.json").read_text())
    timings = sorted(
        ((r["unique_id"], float(r["execution_time"])) for r in run_results["results"]),
        key=lambda t: -t[1],
    )
    # Wall time outside dbt's node loop: start-up, parsing, the adapter's connection.
    timings.insert(0, ("(dbt start-up and parsing)", seconds - run_results["elapsed_time"]))
    return seconds, usage.ru_maxrss * 1024, timings


NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
# Everything but the cost marts and their upstream (which COST_BUILD builds first). One thread:
# with two, DuckDB 2.0 failed genie_query_workloads / genie_data_quality in 2 of 2 runs with
# "Catalog Error: Table with name genie_api_query_lookup__dbt_backup does not exist!" while the
# other thread swapped genie_api_query_lookup (which carries an index, its post_hook) in.
REST_BUILD = ["build", "--exclude", "+path:models/marts/cost", "--threads", "1", *NO_TESTS]
DATA_TESTS = ["test", "--exclude-resource-type", "unit_test"]


def sizes(args) -> tuple[int, int, int]:
    """(days incl. the new one, queries a day before it, queries of the new day)."""
    if args.small:
        return 8, 20_000, 200_000
    return 8, args.queries_per_day, args.last_day_queries


def scale_build(args, lines: list[str], profile: list[str] | None = None) -> tuple[Path, Path]:
    full_db = WORK / "scale_system_tables.duckdb"
    early_db = WORK / "scale_first_days.duckdb"
    target_db = WORK / "scale_warehouse.duckdb"
    days, per_day, last_day = sizes(args)
    if args.reuse_sandbox and full_db.exists():
        gen_s = None
    else:
        gen_s = sh(
            [
                str(BIN / "genie-sandbox"),
                "generate",
                "--db",
                str(full_db),
                "--seed",
                "11",
                "--days",
                str(days),
                "--start-date",
                START.isoformat(),
                "--workspaces",
                "3",
                "--queries-per-day",
                str(per_day),
                "--last-day-queries",
                str(last_day),
                "--quiet",
            ]
        )
    generated = "reused" if gen_s is None else f"generated in {gen_s:.0f} s"
    lines.append(
        f"- sandbox: {days - 1} days x {per_day:,} queries + 1 day x {last_day:,}: {generated}"
    )
    cutoff = START + timedelta(days=days - 1)
    first_days_copy(full_db, early_db, cutoff)
    target_db.unlink(missing_ok=True)
    early, full = dbt_env(early_db, target_db), dbt_env(full_db, target_db)
    full_s, full_rss, _ = dbt_measured(COST_BUILD, early)
    rest_full_s, _, _ = dbt_measured(REST_BUILD, early)
    bare = [bare_sql_seconds(full_db, cutoff)]
    incr_s, incr_rss, incr_prof = dbt_measured(COST_BUILD, full)
    rest_s, rest_rss, rest_prof = dbt_measured(REST_BUILD, full)
    tests_s, tests_rss, tests_prof = dbt_measured(DATA_TESTS, full)
    bare.append(bare_sql_seconds(full_db, cutoff))
    bare_s = statistics.mean(b[0] for b in bare)
    whole_s = incr_s + rest_s
    peak = max(incr_rss, rest_rss, tests_rss, full_rss)

    def ratio(name: str, seconds: float, goal: float | None, note: str = "") -> None:
        r = seconds / bare_s
        verdict = "" if goal is None else f" ({'meets' if r <= goal else 'MISSES'} <= {goal:g}x)"
        lines.append(f"- {name}: {seconds:.0f} s = {r:.1f}x the bare SQL{verdict}{note}")

    lines.append(
        f"- bare hand-written SQL of the core work (the new day's {bare[0][1]:,} queries "
        f"allocated to their billing windows and summed per query, from the system tables): "
        f"{bare_s:.1f} s (mean of {', '.join(f'{b[0]:.1f}' for b in bare)} s, before and after "
        f"the dbt runs)"
    )
    ratio(
        f"full build of the cost marts over the first {days - 1} days",
        full_s,
        None,
        "; not slower than before: see bench/NOTES.md",
    )
    lines.append(f"- full build of the rest of the project over those days: {rest_full_s:.0f} s")
    ratio(f"incremental build of the cost marts adding the {last_day:,}-query day", incr_s, 10)
    ratio(
        "incremental build of the whole project (the cost marts, then every other model: "
        f"{rest_s:.0f} s)",
        whole_s,
        15,
    )
    ratio("data tests of the whole project after it", tests_s, 5)
    lines.append(
        f"- peak memory (RSS of one dbt process, DuckDB memory_limit {DUCKDB_MEMORY_LIMIT}): "
        f"{peak / 2**30:.2f} GiB "
        f"({'meets' if peak < 8 * 2**30 else 'MISSES'} the < 8 GiB goal); incremental cost "
        f"marts {incr_rss / 2**30:.2f}, rest {rest_rss / 2**30:.2f}, tests "
        f"{tests_rss / 2**30:.2f} GiB"
    )
    if profile is not None:
        for label, prof in (
            ("incremental cost marts", incr_prof),
            ("incremental rest of the project", rest_prof),
            ("data tests", tests_prof),
        ):
            profile.append(f"- {label}, slowest nodes (dbt run_results execution_time):")
            profile.extend(f"  - {node}: {s:.1f} s" for node, s in prof[:9])
    args.bare_seconds = bare_s
    return full_db, target_db


def dashboard_latency(
    full_db: Path, target_db: Path, lines: list[str], runs: int = 20, bare_s: float | None = None
) -> None:
    con = duckdb.connect(str(target_db), read_only=True)
    con.execute(f"attach '{full_db}' as system_tables (read_only)")
    rel = f'"{target_db.stem}".genie_analytics.genie_daily_performance'
    params = con.execute(
        f"""select workspace_id, min(query_date), max(query_date),
            (array_agg(user_id order by total_queries desc))[1]
        from {rel} group by workspace_id order by workspace_id"""
    ).fetchall()
    cases = []
    for i in range(runs):
        ws, d0, d1, top_user = params[i % len(params)]
        cases.append({"ws": ws, "d0": d0, "d1": d1, "user": top_user if i % 2 else None})

    def timed(sqls: list[str]) -> tuple[list[float], list]:
        times, answers = [], []
        for case in cases:
            started = time.perf_counter()
            answer = [con.execute(sql, case).fetchall() for sql in sqls]
            times.append((time.perf_counter() - started) * 1000)
            answers.append(answer)
        return times, answers

    timed([MARTS_TOTALS.format(rel=rel)])  # warm the cache once, as a dashboard would be
    marts_ms, marts_ans = timed([MARTS_TOTALS.format(rel=rel), MARTS_TRENDS.format(rel=rel)])
    raw_ms, raw_ans = timed([RAW_TOTALS, RAW_TRENDS])
    con.close()

    def p95(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=20, method="inclusive")[-1]

    m_med, m_p95 = statistics.median(marts_ms), p95(marts_ms)
    r_med, r_p95 = statistics.median(raw_ms), p95(raw_ms)
    same_counts = all(m[0][0][0] == r[0][0][0] for m, r in zip(marts_ans, raw_ans, strict=True))
    relative = f"; p95 = {m_p95 / (bare_s * 1000):.5f}x the bare SQL" if bare_s else ""
    lines.append(
        f"- dashboard query on the marts: median {m_med:.1f} ms, p95 {m_p95:.1f} ms "
        f"({'meets' if m_p95 < 100 else 'MISSES'} the < 100 ms p95 goal){relative}"
    )
    lines.append(
        f"- same answer from the raw system tables: median {r_med:.0f} ms, p95 {r_p95:.0f} ms; "
        f"marts are {r_med / m_med:.0f}x faster at the median "
        f"({'meets' if r_med / m_med >= 20 else 'MISSES'} the >= 20x goal); "
        f"query counts agree in all {runs} runs: {same_counts}"
    )


def genie_fetch(args, lines: list[str]) -> None:
    n = 5000 if not args.small else 400
    sys_db = WORK / "genie_system_tables.duckdb"
    sh(
        [
            str(BIN / "genie-sandbox"),
            "generate",
            "--db",
            str(sys_db),
            "--seed",
            "5",
            # Genie volume follows queries per day (one conversation per ~150 queries): 16 days
            # of 30,000 queries over 4 workspaces give a little over 5,000 messages.
            "--days",
            "16" if not args.small else "7",
            "--workspaces",
            "4",
            "--queries-per-day",
            "30000" if not args.small else "3000",
            "--api-port",
            "18800",
            "--quiet",
        ]
    )
    truth = duckdb.connect(str(sys_db), read_only=True)
    total = truth.execute("select count(*) from sandbox_truth.genie_messages").fetchone()[0]
    truth.close()
    n = min(n, total)
    results = {}
    # Genie GETs have no documented rate limit (only POSTs count toward Genie's per-minute
    # quota), so the concurrent run uses 32 threads and 100 requests/s per workspace; the
    # package defaults (8 threads, 20/s) are deliberately gentler. The limit matters: the
    # busiest of the 4 workspaces holds ~42% of the messages, so at 50/s it alone would need
    # ~41 s and cap the whole run near 120 msg/s.
    concurrent_threads, rate_limit = 32, 100
    for label, concurrency in (("concurrent", concurrent_threads), ("one at a time", 1)):
        db = WORK / f"genie_{concurrency}.duckdb"
        db.unlink(missing_ok=True)
        con = duckdb.connect(str(db))
        con.execute(f"attach '{sys_db}' as s (read_only)")
        con.execute("create schema genie_analytics")
        con.execute(
            """create table genie_analytics.genie_messages_to_fetch as
            select m.workspace_id, m.message_id, m.space_id, m.conversation_id,
                make_timestamp(m.created_timestamp * 1000) as first_event_at,
                make_timestamp(m.last_updated_timestamp * 1000) as last_event_at,
                1::bigint as event_count, w.workspace_name, w.workspace_url
            from s.sandbox_truth.genie_messages as m
            join s.access.workspaces_latest as w using (workspace_id)
            order by m.created_timestamp, m.message_id
            limit $n""",
            {"n": n},
        )
        expected = con.execute(
            """select count(*) from genie_analytics.genie_messages_to_fetch as f
            join s.sandbox_truth.genie_messages as m using (workspace_id, message_id)
            join s.sandbox_truth.genie_spaces as sp
                on sp.workspace_id = m.workspace_id and sp.space_id = m.space_id
            where not m.is_deleted and not sp.is_forbidden
                and m.status in ('COMPLETED', 'FAILED', 'CANCELLED', 'QUERY_RESULT_EXPIRED')"""
        ).fetchone()[0]
        con.close()
        urls = Path(tempfile.mkdtemp()) / "urls.json"
        server = subprocess.Popen(
            [
                str(BIN / "genie-sandbox"),
                "serve",
                "--db",
                str(sys_db),
                "--urls-file",
                str(urls),
                "--latency-ms",
                "50",
                "--rate-503",
                "0.05",
                # Transient errors are retried after the client's own short backoff; a 1 s
                # Retry-After would measure sleeping, not fetching.
                "--retry-after",
                "0",
                "--seed",
                "3",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                if urls.exists() and urls.stat().st_size:
                    break
                time.sleep(0.1)
            env = dict(os.environ)
            env.update(
                GENIE_ANALYTICS_DUCKDB=str(db),
                DATABRICKS_SP_CLIENT_ID="sandbox-sp",
                DATABRICKS_SP_CLIENT_SECRET="sandbox-secret",
                GENIE_INGEST_RATE_LIMIT=str(rate_limit),
            )
            cmd = [str(BIN / "genie-ingest"), "messages", "--no-progress"]
            cmd += ["--concurrency", str(concurrency)]
            started = time.perf_counter()
            out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            if out.returncode != 0:
                raise SystemExit(f"bench: genie-ingest failed: {out.stderr[-2000:]}")
            # The run's own clock (fetching + landing, after interpreter start-up).
            seconds = float(re.search(r"seconds=([0-9.]+)", out.stdout + out.stderr).group(1))
        finally:
            server.terminate()
            server.wait(timeout=30)
        con = duckdb.connect(str(db), read_only=True)
        landed, distinct = con.execute(
            f"select count(*), count(distinct (workspace_id, message_id)) "
            f'from "{db.stem}".genie_landing.message_details'
        ).fetchone()
        con.close()
        results[label] = {
            "seconds": seconds,
            "wall": wall,
            "rate": n / seconds,
            "lost": expected - distinct,
            "duplicated": landed - distinct,
            "landed": landed,
            "expected": expected,
        }
    c, b = results["concurrent"], results["one at a time"]
    ratio = c["rate"] / b["rate"]
    lines.append(
        f"- Genie fetch of {n:,} messages (50 ms latency, 5% 503s), whole `genie-ingest messages` "
        f"runs incl. start-up and landing: concurrent ({concurrent_threads} threads, "
        f"{rate_limit}/s per workspace) "
        f"{c['rate']:.0f} msg/s, one at a time {b['rate']:.1f} msg/s: {ratio:.1f}x "
        f"({'meets' if ratio >= 10 else 'MISSES'} the >= 10x goal)"
    )
    for label, r in results.items():
        lines.append(
            f"  - {label}: {r['seconds']:.1f} s ({r['wall']:.1f} s with start-up), "
            f"landed {r['landed']:,} of {r['expected']:,} fetchable, "
            f"lost {r['lost']}, duplicated {r['duplicated']}"
        )


# Every mart the dashboard reads (the exposure's upstream; the cost marts are already built and
# run incrementally). The Genie marts read the landed Genie API
# tables, which no ingestion fills here (they are created empty): their datasets are timed on the
# audit-derived rows only, and the output says how many rows each dataset returned.
DASHBOARD_EXTRA_BUILD = [
    "build",
    "--select",
    "+exposure:genie_analytics_dashboard",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
    # One thread, as REST_BUILD: the dashboard now reads genie_api_query_lookup, and with two
    # threads DuckDB 2.0 failed genie_query_workloads ("genie_api_query_lookup__dbt_backup does
    # not exist") while the lookup was swapped in (1 of 1 runs, 2026-11-30).
    "--threads",
    "1",
]


# The query endpoint's answer from the raw tables: the same per-query cost computation as
# RAW_CTE, for the query's workspace and day, then the one statement.
RAW_QUERY = (
    RAW_CTE
    + """
select statement_id, executed_by, total_duration_ms, execution_status, dbu
from per_query where statement_id = $id
"""
)
# What the service reads (app/genie_analytics_api/queries.py, access.py).
API_MARTS = [
    "genie_api_query_lookup",
    "genie_api_opportunity_lookup",
    "genie_daily_performance",
    "workspace_access",
]
API_BUILD = [
    "build",
    "--select",
    "+genie_api_opportunity_lookup",
    "genie_api_query_lookup",
    "workspace_access",
    "--exclude",
    "+genie_query_performance",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
    # One thread, as REST_BUILD: genie_api_query_lookup carries an index (DuckDB 2.0 swap race).
    "--threads",
    "1",
]


def build_missing_marts(full_db: Path, target_db: Path, names: list[str], lines: list[str]) -> None:
    """--reuse-marts: build the marts of ``names`` that the reused build does not have (a mart
    added since, e.g. genie_api_opportunity_lookup), so a build from an older commit can still
    be timed without a full rebuild; their parents are read as they are."""
    con = duckdb.connect(str(target_db), read_only=True)
    try:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'genie_analytics'"
            ).fetchall()
        }
    finally:
        con.close()
    missing = [n for n in names if n not in present]
    if missing:
        seconds = sh(
            [str(BIN / "dbt"), "build", "--select", *missing, "--threads", "1", *NO_TESTS],
            env=dbt_env(full_db, target_db),
        )
        lines.append(
            f"- marts missing from the reused build, built: {', '.join(missing)} ({seconds:.0f} s)"
        )


def dashboard_marts() -> list[str]:
    """The marts the dashboard's exposure depends on (models/_dashboard__exposures.yml)."""
    import yaml

    exposures = yaml.safe_load((ROOT / "models" / "_dashboard__exposures.yml").read_text())
    dashboard = next(e for e in exposures["exposures"] if e["name"] == "genie_analytics_dashboard")
    return [re.search(r"ref\('(\w+)'\)", d).group(1) for d in dashboard["depends_on"]]


def dashboard_datasets(
    full_db: Path, target_db: Path, lines: list[str], runs: int = 20, reuse_marts: bool = False
) -> None:
    sys.path.insert(0, str(ROOT / "ingestion"))
    from genie_ingest.dashboard.definitions import duckdb_parameters, load

    if reuse_marts:
        lines.append("- marts the dashboard reads: reused as built (--reuse-marts)")
        build_missing_marts(full_db, target_db, dashboard_marts(), lines)
    else:
        extra_s = sh([str(BIN / "dbt"), *DASHBOARD_EXTRA_BUILD], env=dbt_env(full_db, target_db))
        lines.append(f"- build of every mart the dashboard reads (+exposure): {extra_s:.0f} s")
    defn = load(ROOT / "dashboards" / "genie_analytics.yml")
    con = duckdb.connect(str(target_db), read_only=True)
    con.execute("set schema = 'genie_analytics'")
    d0, d1 = con.execute(
        "select min(query_date), max(query_date) from genie_query_performance"
    ).fetchone()
    workspaces = ["all"] + [
        r[0]
        for r in con.execute(
            "select distinct cast(workspace_id as string) from genie_cost_reconciliation"
        ).fetchall()
    ]
    statements = {
        w: con.execute(
            "select query_id from genie_query_performance where estimated_cost_usd is not null"
            " and ($w = 'all' or cast(workspace_id as string) = $w)"
            " order by estimated_cost_usd desc limit 1",
            {"w": w},
        ).fetchone()[0]
        for w in workspaces
    }
    rows, worst = [], 0.0
    for name, ds in defn.datasets.items():
        sql = ds.duckdb_sql()
        times, returned = [], 0
        for i in range(runs + 1):  # the first run warms the cache, as a dashboard's would be
            w = workspaces[i % len(workspaces)]
            values = {"workspace": w, "date_range": (d0, d1), "statement_id": statements[w]}
            params = duckdb_parameters(defn, name, values)
            started = time.perf_counter()
            returned = len(con.execute(sql, params).fetchall())
            if i:
                times.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
        worst = max(worst, p95)
        rows.append(
            f"  - {name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
            f"({returned} rows in the last run)"
        )
    con.close()
    lines.append(
        f"- dashboard datasets ({len(rows)}, {runs} runs each, period {d0} to {d1}): worst p95 "
        f"{worst:.1f} ms ({'meets' if worst < 100 else 'MISSES'} the < 100 ms p95 goal)"
    )
    lines.extend(rows)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def api_latency(args, lines: list[str], full_db: Path, target_db: Path) -> None:
    """Both endpoints over HTTP with 50 concurrent clients; raw-table answers for the ratio.

    The clients are bench/loadgen.py, a separate asyncio process (one keep-alive connection per
    client), so the generator's CPU is measured apart from the server's: both are printed for
    every run (server from /proc/<pid>/stat, generator from its own getrusage).
    """
    import secrets
    import socket

    import httpx

    if args.reuse_marts:
        lines.append("- API marts: reused as built (--reuse-marts)")
        build_missing_marts(full_db, target_db, API_MARTS, lines)
    else:
        build_s = sh([str(BIN / "dbt"), *API_BUILD], env=dbt_env(full_db, target_db))
        lines.append(f"- API marts (lookup, optimiser, workspace_access) built in {build_s:.0f} s")
    con = duckdb.connect(str(target_db), read_only=True)
    con.execute(f"attach '{full_db}' as system_tables (read_only)")
    con.execute(f'use "{target_db.stem}".genie_analytics')
    total_queries = con.execute("select count(*) from genie_api_query_lookup").fetchone()[0]
    last_day = con.execute("select max(query_date) from genie_api_query_lookup").fetchone()[0]
    # Ids of the biggest day, spread over the table (a sample, so lookups hit every part). Each
    # run below asks for ids no earlier run asked for (load()'s offset): every lookup is of a
    # query the service has not read yet, as a user's lookups of random queries would be, so no
    # run is measured warmer than another. 2,500 ids cover the 2,090 requests of the runs.
    ids = [
        r[0]
        for r in con.execute(
            "select query_id from (select query_id from genie_api_query_lookup "
            "where query_date = $d) using sample reservoir(2500 rows) repeatable (1)",
            {"d": last_day},
        ).fetchall()
    ]
    ranges = con.execute(
        "select workspace_id, min(query_date), max(query_date) from genie_daily_performance "
        "group by 1 order by 1"
    ).fetchall()
    secret = secrets.token_urlsafe(48)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "GENIE_ANALYTICS_DUCKDB": str(target_db),
        "GENIE_API_JWT_SECRET": secret,
        "GENIE_API_RATE_LIMIT": "1000000/minute",
        "GENIE_API_ACCESS_LOG_DUCKDB": str(WORK / "api_state.duckdb"),
    }
    con.close()
    paths_file = {name: WORK / f"api_paths_{name}.json" for name in ("query", "metrics")}
    paths_file["query"].write_text(json.dumps([f"/api/v1/query-performance/{i}" for i in ids]))
    paths_file["metrics"].write_text(
        json.dumps(
            [
                f"/api/v1/dashboard/metrics?workspace_id={ws}&start_date={d0}&end_date={d1}"
                for ws, d0, d1 in ranges
            ]
        )
    )
    server = subprocess.Popen(
        [str(BIN / "genie-analytics-api"), "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        token = subprocess.run(
            [str(BIN / "genie-analytics-api"), "token", "--sub", "admin@acme-corp.com"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("API server did not start")
            time.sleep(0.2)

        offsets = {"query": 0, "metrics": 0}

        def load(
            name: str, clients: int, per_client: int, think_s: float = 0.0, ramp_s: float = 0.0
        ) -> dict:
            server_cpu = _cpu_seconds(server.pid)
            offset = offsets[name]
            offsets[name] += clients * per_client
            out = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "loadgen.py"),
                    "--port",
                    str(port),
                    "--paths",
                    str(paths_file[name]),
                    "--clients",
                    str(clients),
                    "--per-client",
                    str(per_client),
                    "--think-s",
                    str(think_s),
                    "--ramp-s",
                    str(ramp_s),
                    "--offset",
                    str(offset),
                ],
                env={**env, "GENIE_BENCH_TOKEN": token},
                capture_output=True,
                text=True,
                check=True,
            )
            run = json.loads(out.stdout)
            run["server_cpu_s"] = _cpu_seconds(server.pid) - server_cpu
            return run

        load("query", clients=2, per_client=20)  # warm up (connections, caches, first plans)
        load("metrics", clients=2, per_client=20)
        results = {}
        for name in ("query", "metrics"):
            results[name] = [
                ("service time: 1 client, back to back", load(name, 1, 50)),
                (
                    "50 concurrent clients each thinking ~1 s between requests, first requests"
                    " spread over the first second (ramp-up)",
                    load(name, 50, 10, think_s=1.0, ramp_s=1.0),
                ),
                (
                    "the same 50 clients, first requests all in the same millisecond"
                    " (a synchronised burst)",
                    load(name, 50, 10, think_s=1.0),
                ),
                ("50 concurrent clients back to back (saturation)", load(name, 50, 20)),
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    con = duckdb.connect(str(target_db), read_only=True)
    con.execute(f"attach '{full_db}' as system_tables (read_only)")
    con.execute(f'use "{target_db.stem}".genie_analytics')
    raw_q, raw_m = [], []
    for i in range(5):
        qid = ids[i]
        ws, day = con.execute(
            "select workspace_id, query_date from genie_api_query_lookup where query_id = $id",
            {"id": qid},
        ).fetchone()
        started = time.perf_counter()
        con.execute(RAW_QUERY, {"ws": ws, "d0": day, "d1": day, "user": None, "id": qid}).fetchall()
        raw_q.append((time.perf_counter() - started) * 1000)
        ws, d0, d1 = ranges[i % len(ranges)]
        case = {"ws": ws, "d0": d0, "d1": d1, "user": None}
        started = time.perf_counter()
        con.execute(RAW_TOTALS, case).fetchall()
        con.execute(RAW_TRENDS, case).fetchall()
        raw_m.append((time.perf_counter() - started) * 1000)
    con.close()
    lines.append(
        f"- API data: {total_queries:,} queries in the marts; query ids sampled from {last_day}. "
        "Clients: bench/loadgen.py in its own process; CPU = seconds of CPU the server and the "
        "generator each used during the run (2 cores: at most 2 s per wall second)"
    )

    def report(name: str, runs, raw_ms: float) -> None:
        lines.append(
            f"- {name}: the same answer from the raw system tables (views over the system tables): "
            f"median {raw_ms:.0f} ms"
        )
        for label, run in runs:
            latencies = run["latencies_ms"]
            med, p95 = statistics.median(latencies), p95_of(latencies)
            verdict = ""
            if label.startswith("50 concurrent clients each"):
                verdict = f" ({'meets' if p95 < 50 else 'MISSES'} the < 50 ms p95 goal)"
            lines.append(
                f"  - {label}, {len(latencies)} requests: median {med:.1f} ms, p95 {p95:.1f} ms"
                f"{verdict}, {len(latencies) / run['wall_s']:.0f} requests/s, statuses "
                f"{run['statuses']}; CPU server {run['server_cpu_s']:.1f} s, generator "
                f"{run['cpu_s']:.1f} s in {run['wall_s']:.1f} s; raw / HTTP median "
                f"{raw_ms / med:.0f}x"
            )

    report("GET /api/v1/query-performance/{id}", results["query"], statistics.median(raw_q))
    report("GET /api/v1/dashboard/metrics", results["metrics"], statistics.median(raw_m))


def partitions_read(args, lines: list[str]) -> None:
    """Days of each large relation every dbt node read in an incremental Spark run
    (bench/partitions_read.py), printed next to the table measured before (bench/NOTES.md)."""
    out = WORK / "partitions_read.json"
    cmd = [sys.executable, str(ROOT / "bench" / "partitions_read.py"), "run", "--json", str(out)]
    sh(cmd)
    sys.path.insert(0, str(ROOT / "bench"))
    from partitions_read import format_table, offenders

    result = json.loads(out.read_text())
    exceptions = {(node, rel): bound for node, rel, bound in result.get("exceptions", [])}
    bad = offenders(result["summary"], result["max_days"], exceptions)
    lines.append(
        f"- days read per dbt node in an incremental Spark run ({result['days']}-day sandbox, "
        f"{result['queries_per_day']} queries a day, lookback {result['lookback_days']} days): "
        f"{len(bad)} node x relation read more than {result['max_days']} days "
        f"(or their documented exception's bound: {len(exceptions)} exceptions) "
        f"({'meets' if not bad else 'MISSES'} the goal); build ok: "
        f"{result['incremental_build_ok']}"
    )
    lines += ["", "```", format_table(result["summary"], result["max_days"], exceptions), "```", ""]
    notes = (ROOT / "bench" / "NOTES.md").read_text()
    before = re.search(
        r"<!-- partitions-before -->\n(.*?)\n<!-- /partitions-before -->", notes, re.S
    )
    if before:
        lines += ["Before (bench/NOTES.md):", "", before.group(1), ""]


SECTIONS = ("partitions", "scale", "dashboard", "genie", "api")


def sandbox_sizes(full_db: Path) -> str:
    """Queries per day of an existing scale sandbox (what a reused build holds)."""
    con = duckdb.connect(str(full_db), read_only=True)
    try:
        days = con.execute(
            "select cast(start_time as date), count(*) from query.history group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()
    return f"{len(days)} days of query.history, " + ", ".join(f"{n:,}" for _, n in days)


def p95_of(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="tiny sizes, to check the harness")
    parser.add_argument(
        "--only",
        default=None,
        help=f"comma-separated sections to run (of {','.join(SECTIONS)}); default: all",
    )
    parser.add_argument(
        "--queries-per-day", type=int, default=1_000_000, help="scale: queries a day, 7 days"
    )
    parser.add_argument(
        "--last-day-queries",
        type=int,
        default=10_000_000,
        help="scale: queries of the new day the incremental build adds (the goal's size: 10M)",
    )
    parser.add_argument(
        "--reuse-sandbox", action="store_true", help="keep an existing scale sandbox file"
    )
    parser.add_argument(
        "--reuse-marts",
        action="store_true",
        help="dashboard/api: time the marts of an existing scale build without rebuilding them",
    )
    args = parser.parse_args(argv)
    only = set(SECTIONS if args.only is None else args.only.split(","))
    if only - set(SECTIONS):
        parser.error(f"--only: unknown section(s) {sorted(only - set(SECTIONS))}")
    WORK.mkdir(parents=True, exist_ok=True)
    lines = [f"# make bench ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", ""]
    ran = [s for s in SECTIONS if s in only]
    lines.append(
        f"Machine: {os.cpu_count()} cores, load average at start "
        f"{os.getloadavg()[0]:.1f} (shared). Sizes: {'small' if args.small else 'full'}. "
        f"Sections run: {', '.join(ran)}"
        + (f" (not run: {', '.join(s for s in SECTIONS if s not in only)})" if len(ran) < 5 else "")
        + "."
    )
    lines.append("")
    profile: list[str] = []
    full_db = WORK / "scale_system_tables.duckdb"
    target_db = WORK / "scale_warehouse.duckdb"
    if "partitions" in only:
        partitions_read(args, lines)
        print("\n".join(lines), flush=True)
    if "scale" in only:
        full_db, target_db = scale_build(args, lines, profile)
        dashboard_latency(full_db, target_db, lines, bare_s=args.bare_seconds)
        print("\n".join(lines), flush=True)
    if only & {"dashboard", "api"} and "scale" not in only:
        if full_db.exists() and target_db.exists():
            lines.append(f"- scale build reused ({sandbox_sizes(full_db)})")
        else:
            full_db, target_db = scale_build(args, lines)
    if "dashboard" in only:
        dashboard_datasets(full_db, target_db, lines, reuse_marts=args.reuse_marts)
        print("\n".join(lines), flush=True)
    if "genie" in only:
        genie_fetch(args, lines)
    if "api" in only:
        api_latency(args, lines, full_db, target_db)
    if profile:
        lines += ["", "## Per-model profile of the scale run", "", *profile]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.small:
        (ROOT / "bench" / "results.md").write_text(text)
    (WORK / "last_results.json").write_text(json.dumps(lines, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
