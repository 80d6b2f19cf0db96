"""`genie-sandbox generate`: write a simulated Databricks account to DuckDB (+ parquet).

The generator is set-based SQL inside DuckDB, one named file per statement under ``sql/<step>/``
(templates.py renders them): the random-draw macros, entities, then activity (job runs, Genie
conversations, dbt and ad-hoc queries) and warehouse uptime derived from the queries, then every
system table from those facts, then the ``sandbox_truth`` schema that the sandbox API server and
the tests read. Same arguments => same table contents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

from .gen_common import DEFAULT_START_DATE, GenConfig, run_sql
from .schema import SYSTEM_TABLES, create_all_sql
from .templates import rendered_steps


def build_parser() -> argparse.ArgumentParser:
    """The generator's arguments (the Makefile's *_SANDBOX_ARGS use them)."""
    p = argparse.ArgumentParser(
        prog="genie-sandbox generate",
        description="Write simulated Databricks system tables and Genie ground truth to DuckDB.",
    )
    p.add_argument("--db", required=True, help="DuckDB file to (re)create (required)")
    p.add_argument(
        "--parquet-dir",
        help="also export each system table to DIR/<schema>/<table>/ (default: no export)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of every random draw; same arguments => same data (default: %(default)s)",
    )
    p.add_argument(
        "--days", type=int, default=14, help="days of activity, >= 1 (default: %(default)s)"
    )
    p.add_argument(
        "--start-date",
        type=dt.date.fromisoformat,
        default=DEFAULT_START_DATE,
        metavar="YYYY-MM-DD",
        help="first day of the period (UTC); fixed default so a seed fully determines the data "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--workspaces", type=int, default=2, help="workspaces, >= 1 (default: %(default)s)"
    )
    p.add_argument(
        "--warehouses-per-workspace",
        type=int,
        default=4,
        help="SQL warehouses in each workspace, >= 4 (PRO, serverless, classic, idle) "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--users", type=int, default=40, help="users of the account, >= 2 (default: %(default)s)"
    )
    p.add_argument(
        "--queries-per-day",
        type=int,
        default=3000,
        help="bulk (ad-hoc) queries of a weekday, besides dbt's and Genie's; weekends get 30%% "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--last-day-queries",
        type=int,
        default=None,
        help="the last day gets exactly N bulk queries, for benchmarks (default: none)",
    )
    p.add_argument(
        "--api-port",
        type=int,
        default=8765,
        help="port of workspace 0's API in the workspace URLs; workspace i gets port+i "
        "(default: %(default)s)",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def config_from_args(args: argparse.Namespace) -> GenConfig:
    """Validate arguments; the special-case entities need at least 4 warehouses per workspace."""
    if args.days < 1:
        raise SystemExit("--days must be >= 1")
    if args.workspaces < 1:
        raise SystemExit("--workspaces must be >= 1")
    if args.warehouses_per_workspace < 4:
        raise SystemExit("--warehouses-per-workspace must be >= 4 (PRO, serverless, classic, idle)")
    if args.users < 2:
        raise SystemExit("--users must be >= 2")
    if args.queries_per_day < 0 or (args.last_day_queries or 0) < 0:
        raise SystemExit("query counts must be >= 0")
    return GenConfig(
        seed=args.seed,
        days=args.days,
        start_date=args.start_date,
        workspaces=args.workspaces,
        warehouses_per_workspace=args.warehouses_per_workspace,
        users=args.users,
        queries_per_day=args.queries_per_day,
        last_day_queries=args.last_day_queries,
        api_port=args.api_port,
    )


def generate(cfg: GenConfig, db_path: str | os.PathLike, log=None) -> dict[str, float]:
    """(Re)create ``db_path`` with the ten system tables and ``sandbox_truth``.

    Returns seconds spent per step. The file is written to a temporary name and moved into
    place at the end, so a reader never sees a half-built sandbox.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".tmp")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    steps = rendered_steps(cfg)
    timings: dict[str, float] = {}
    con = duckdb.connect(str(tmp))
    try:
        con.execute("set preserve_insertion_order = false")
        for stmt in create_all_sql():
            con.execute(stmt)
        for step, statements in steps:
            started = time.perf_counter()
            run_sql(con, ((f"{step}/{name}", sql) for name, sql in statements))
            timings[step] = time.perf_counter() - started
            if log:
                log(f"  {step:<24} {timings[step]:7.1f} s")
        con.execute("checkpoint")
    finally:
        con.close()
    db_path.unlink(missing_ok=True)
    Path(str(db_path) + ".wal").unlink(missing_ok=True)
    tmp.replace(db_path)
    return timings


def export_parquet(db_path: str | os.PathLike, out_dir: str | os.PathLike) -> None:
    """COPY each system table to ``out_dir/<schema>/<table>/`` (what the Spark build reads).

    TIMESTAMP stays TIMESTAMP (no time zone), decimals stay DECIMAL(38,18), nested types stay
    nested. Each table directory is replaced as a whole.
    """
    out = Path(out_dir)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for schema, table in SYSTEM_TABLES:
            target = out / schema / table
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            con.execute(
                f"copy (select * from {schema}.{table}) to '{target / 'data.parquet'}' "
                "(format parquet, compression zstd)"
            )
    finally:
        con.close()


def row_counts(db_path: str | os.PathLike) -> dict[str, int]:
    """Rows per system and truth table (printed after a run)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [f"{s}.{t}" for s, t in SYSTEM_TABLES] + [
            "sandbox_truth.genie_spaces",
            "sandbox_truth.genie_messages",
            "sandbox_truth.planted_problems",
        ]
        return {n: con.execute(f"select count(*) from {n}").fetchone()[0] for n in names}
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = config_from_args(args)

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, flush=True)

    log(
        f"sandbox: seed={cfg.seed} days={cfg.days} from {cfg.start_date} "
        f"workspaces={cfg.workspaces} queries/day={cfg.queries_per_day} -> {args.db}"
    )
    started = time.perf_counter()
    generate(cfg, args.db, log=log)
    elapsed = time.perf_counter() - started
    counts = row_counts(args.db)
    for name, n in counts.items():
        log(f"  {name:<34} {n:>12,}")
    qh = counts["query.history"]
    log(f"generated in {elapsed:.1f} s ({qh / max(elapsed, 1e-9):,.0f} query.history rows/s)")
    if args.parquet_dir:
        t0 = time.perf_counter()
        export_parquet(args.db, args.parquet_dir)
        log(f"parquet export to {args.parquet_dir} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
