"""`genie-ingest messages|spaces|dashboard`: the command line (argparse sub-commands).

``messages`` and ``spaces`` share their options; every setting's environment variable, default
and meaning is listed in their ``--help``, rendered from the one :class:`Settings` declaration.
``dashboard`` owns its options (genie_ingest.dashboard). The local sandbox (simulated system
tables, the Genie API, the build report) is a separate program: ``genie-sandbox``.

Exit codes, raised as ``SystemExit`` by :func:`main` itself, so a Databricks
``python_wheel_task``, which calls the entry point and ignores its return value, fails too:
0 done (individual messages may have failed: rows in message_fetch_errors); 1 landing failed;
2 configuration error; 3 a run-wide failure (no token, a workspace unreachable or in a 5xx
storm): those messages are not counted against, the workspace is named, and the next run
fetches them.
"""

from __future__ import annotations

import argparse
import logging
import sys

from genie_ingest.pipeline import build_fetcher, make_sink, run_messages, run_spaces
from genie_ingest.settings import ConfigError, Settings, load_settings, settings_help
from genie_ingest.sinks import Filters, Sink, SinkError

EXIT_LANDING_FAILED = 1
EXIT_CONFIG = 2
EXIT_RUN_WIDE_FAILURE = 3

RUN_HELP = {
    "messages": "fetch the Genie messages of genie_messages_to_fetch not yet landed; land them",
    "spaces": "fetch the Genie spaces of genie_messages_to_fetch (serialized_space); merge them",
}


def _run_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``messages`` and ``spaces``; each settings flag overrides its env var."""
    parser.add_argument("--workspace-id", action="append", default=[], help="repeatable")
    parser.add_argument("--space-id", action="append", default=[], help="repeatable")
    parser.add_argument("--limit", type=int, help="fetch at most N (oldest first)")
    parser.add_argument("--dry-run", action="store_true", help="only say what would be fetched")
    parser.add_argument("--config", help="TOML settings file (also env GENIE_INGEST_CONFIG)")
    parser.add_argument("--db", help="DuckDB file (setting duckdb_path)")
    parser.add_argument("--concurrency", type=int, help="setting concurrency")
    parser.add_argument("--batch-size", type=int, help="setting batch_size")
    # Where to land, from the Databricks bundle's variables (each overrides env and --config).
    parser.add_argument("--sink", choices=["duckdb", "databricks"], help="setting sink")
    parser.add_argument("--analytics-schema", help="setting analytics_schema")
    parser.add_argument("--landing-schema", help="setting landing_schema")
    parser.add_argument("--warehouse-id", help="setting warehouse_id")
    parser.add_argument("--host", help="setting sink_host")
    parser.add_argument("--secret-scope", help="setting secret_scope")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: when stderr is a terminal)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genie-ingest",
        description="Genie (AI/BI) message ingestion for the genie_analytics dbt project. "
        "The local sandbox is a separate program: genie-sandbox.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, text in RUN_HELP.items():
        _run_options(
            commands.add_parser(
                name,
                help=text,
                description=text,
                epilog=settings_help(),
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )
    # Listed here for --help; main() hands its arguments to genie_ingest.dashboard untouched
    # (argparse's REMAINDER does not take a first argument that starts with "-").
    commands.add_parser(
        "dashboard",
        add_help=False,
        help="write the AI/BI dashboard file and (with --db) the static HTML report "
        "(`genie-ingest dashboard --help` for its options)",
    )
    return parser


def settings_from_args(args: argparse.Namespace, **kwargs: object) -> Settings:
    """The settings a command line asks for: its flags override env, ``--config`` and defaults.

    ``kwargs`` go to :func:`load_settings` (tests pass ``env`` and ``secret_reader``)."""
    return load_settings(
        config_file=args.config,
        duckdb_path=args.db,
        concurrency=args.concurrency,
        batch_size=args.batch_size,
        sink=args.sink,
        analytics_schema=args.analytics_schema,
        landing_schema=args.landing_schema,
        warehouse_id=args.warehouse_id,
        sink_host=args.host,
        secret_scope=args.secret_scope,
        **kwargs,
    )


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    sink: Sink | None = None
    try:
        settings = settings_from_args(args)
        if args.limit is not None and args.limit < 0:
            raise ConfigError("--limit must be >= 0")
        filters = Filters(tuple(args.workspace_id), tuple(args.space_id), args.limit)
        sink = make_sink(settings)
        sink.ensure_tables()
        # A dry run only reads the to-fetch list: it must work before credentials are set up.
        fetcher = None if args.dry_run else build_fetcher(settings)
        show = sys.stderr.isatty() if args.progress is None else args.progress
        run = run_messages if args.command == "messages" else run_spaces
        summary = run(settings, sink, fetcher, filters, dry_run=args.dry_run, show_progress=show)
    except ConfigError as exc:
        print(f"genie-ingest {args.command}: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except SinkError as exc:
        print(f"genie-ingest {args.command}: landing failed: {exc}", file=sys.stderr)
        return EXIT_LANDING_FAILED
    finally:
        if sink is not None:
            sink.close()
    print(summary.line())
    if summary.unavailable:
        for workspace_id, reason in sorted(summary.unavailable.items()):
            print(
                f"genie-ingest {args.command}: workspace {workspace_id} skipped for this run "
                f"({reason}); its messages are left for the next run",
                file=sys.stderr,
            )
        return EXIT_RUN_WIDE_FAILURE
    return 0


def main(argv: list[str] | None = None) -> int:
    """The console script and the Databricks ``python_wheel_task`` entry point.

    A wheel task imports this function, calls it and ignores its return value, so a failure
    is never only returned: any non-zero outcome raises ``SystemExit`` with its code here.
    Returns 0 on success.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dashboard"]:
        from genie_ingest import dashboard  # its optional deps load only here

        code = int(dashboard.main(argv[1:]) or 0)
    else:
        code = _run(build_parser().parse_args(argv))
    if code:
        raise SystemExit(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
