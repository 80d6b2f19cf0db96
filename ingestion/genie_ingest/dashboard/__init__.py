"""The dashboard: one definition (dashboards/) -> the AI/BI .lvdash.json and the HTML report.

`genie-ingest dashboard [--definition dashboards/genie_analytics.yml]
    [--lvdash dashboards/genie_analytics.lvdash.json] [--db data/warehouse.duckdb
    --report-dir data/report [--start YYYY-MM-DD --end YYYY-MM-DD] [--statement-id ID]]`
always (re)writes the .lvdash.json; with --db it also writes the report. Exit 2 when the
definition is inconsistent (the message says where), 1 when the DuckDB file is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .definitions import DefinitionError, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="genie-ingest dashboard", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--definition", type=Path, default=Path("dashboards/genie_analytics.yml"))
    parser.add_argument(
        "--lvdash", type=Path, default=Path("dashboards/genie_analytics.lvdash.json")
    )
    parser.add_argument("--db", type=Path, help="DuckDB build to compute the HTML report from")
    parser.add_argument("--report-dir", type=Path, default=Path("data/report"))
    parser.add_argument(
        "--start", type=dt.date.fromisoformat, help="first day (default: first query_date)"
    )
    parser.add_argument(
        "--end", type=dt.date.fromisoformat, help="last day (default: last query_date)"
    )
    parser.add_argument(
        "--statement-id",
        help="statement of the query deep dive (default: see report.default_statement)",
    )
    args = parser.parse_args(argv)
    try:
        defn = load(args.definition)
    except DefinitionError as exc:
        print(f"dashboard definition: {exc}", file=sys.stderr)
        return 2
    from . import lakeview

    lakeview.write(defn, args.lvdash)
    print(f"wrote {args.lvdash}")
    if args.db is None:
        return 0
    if not args.db.exists():
        print(f"{args.db} does not exist: build the marts first (make demo)", file=sys.stderr)
        return 1
    if (args.start is None) != (args.end is None):
        parser.error("--start and --end go together")
    if args.start is not None and args.start > args.end:
        parser.error(f"--start {args.start} is after --end {args.end}")
    from .report import write_report

    period = (args.start, args.end) if args.start else None
    for path in write_report(args.db, defn, args.report_dir, period, args.statement_id):
        print(f"wrote {path}")
    return 0
