"""The dashboard: one definition (dashboards/) -> the AI/BI .lvdash.json and the HTML report.

`genie-ingest dashboard [--definition dashboards/genie_analytics.yml]
    [--lvdash dashboards/genie_analytics.lvdash.json] [--db data/warehouse.duckdb
    --report-dir data/report [--start YYYY-MM-DD --end YYYY-MM-DD] [--statement-id ID]]`
always (re)writes the .lvdash.json; with --db (default: the environment variable
GENIE_ANALYTICS_DUCKDB when set, as the other commands read it) it also writes the report. The
default paths are relative to the current directory (the repository root). Exit 2 when the
definition is missing or inconsistent, or the .lvdash.json's folder is missing (the message says
which file and which option to pass), 1 when the DuckDB file is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from genie_ingest.settings import setting_field

from .definitions import DefinitionError, load

# --db follows the warehouse file's environment variable, named in the one Settings declaration.
DUCKDB_ENV: str = setting_field("duckdb_path").metadata["env"]


def build_parser() -> argparse.ArgumentParser:
    """The command's options; --db's default is read from the environment when this is called."""
    parser = argparse.ArgumentParser(
        prog="genie-ingest dashboard", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--definition",
        type=Path,
        default=Path("dashboards/genie_analytics.yml"),
        help="the dashboard's YAML definition (parameters, pages, widgets); its datasets are "
        "the .sql files in datasets/ beside it (default: %(default)s, relative to the current "
        "directory)",
    )
    parser.add_argument(
        "--lvdash",
        type=Path,
        default=Path("dashboards/genie_analytics.lvdash.json"),
        help="the AI/BI (Lakeview) dashboard file to (re)write; its folder must exist "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=os.environ.get(DUCKDB_ENV) or None,
        help="DuckDB build (the marts) to compute the HTML report from; without it only the "
        f".lvdash.json is written (default: env {DUCKDB_ENV} if set, else none)",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path("data/report"),
        help="folder the HTML report is written to, with --db only (default: %(default)s)",
    )
    parser.add_argument(
        "--start", type=dt.date.fromisoformat, help="first day (default: first query_date)"
    )
    parser.add_argument(
        "--end", type=dt.date.fromisoformat, help="last day (default: last query_date)"
    )
    parser.add_argument(
        "--statement-id",
        help="statement_id of the report's query deep dive (default: the most expensive run "
        "of the costliest query shape that ran on more than one day of the period, else the "
        "period's most expensive statement)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit codes: see the module docstring (argparse's own usage errors exit 2 too)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.definition.is_file():
        print(
            f"dashboard definition {args.definition} not found (from {Path.cwd()}): run from the "
            "repository root or pass --definition PATH",
            file=sys.stderr,
        )
        return 2
    if not args.lvdash.parent.is_dir():
        print(
            f"folder {args.lvdash.parent} of the dashboard file {args.lvdash} not found: run "
            "from the repository root or pass --lvdash PATH",
            file=sys.stderr,
        )
        return 2
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
