"""Console script ``genie-analytics-api``: serve, token, alerts.

The alert sender lives here rather than in genie-ingest because it reads the marts through the
same bound-parameter warehouse layer as the service and writes the same state store; genie-ingest
stays the Genie REST ingestion (and does not import FastAPI).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from urllib.parse import urlsplit

from .settings import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .http_server import server_config
    from .main import create_app

    settings = Settings.from_env()
    config = server_config(
        create_app(settings), args.host, args.port, args.log_level, settings.forwarded_allow_ips
    )
    uvicorn.Server(config).run()
    return 0


def _token(args: argparse.Namespace) -> int:
    from .auth import issue_token

    settings = Settings.from_env()
    print(issue_token(settings, args.sub, groups=args.group, ttl_seconds=args.ttl))
    return 0


def _webhook_url(value: str) -> str:
    """argparse type: an http(s) URL with a host. The message never contains the URL (a
    webhook URL is its own credential), so it is not ``ValueError`` (argparse echoes those)."""
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unbalanced "[" in the host
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(
            "must be an http:// or https:// URL with a host (value not shown: it is a secret)"
        )
    return value


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {value[:40]!r}")
    return number


def _positive_seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds > 0, not {value[:40]!r}"
        )
    return number


def _alerts(args: argparse.Namespace) -> int:
    from .alerts import AlertSender
    from .main import _state_store, _warehouse
    from .warehouse import DuckDbWarehouse, MartsUnavailable

    settings = Settings.from_env(serving=False)
    try:
        if settings.backend == "databricks":  # alerts_sent: a table of the state schema
            state = _state_store(settings)
        else:  # its own file: the running service holds api_state.duckdb (one writer process)
            state = DuckDbWarehouse(
                settings.alerts_state_duckdb_path, settings.state_schema, read_only=False
            )
        sender = AlertSender(
            _warehouse(settings, memory_tables=()),  # reads genie_alerts only
            state,
            args.webhook,
            args.format,
            max_attempts=args.max_attempts,
            deadline_seconds=args.deadline,
        )
        result = sender.send_new(max_alerts=args.max_alerts)
    except MartsUnavailable as exc:
        print(f"alerts: marts or state unavailable, nothing sent: {exc}", file=sys.stderr)
        return 3
    print(
        f"alerts: {len(result.sent)} sent, {result.already_sent} sent before, "
        f"{len(result.rejected)} rejected, {result.deferred} left for the next run"
    )
    for key, reason in result.rejected:
        print(f"  rejected {key}: {reason}", file=sys.stderr)
    if result.unreachable:
        print(f"alerts: webhook unreachable, run stopped: {result.unreachable}", file=sys.stderr)
    return result.exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="genie-analytics-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API (docs at /docs)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("DATABRICKS_APP_PORT", "8000")),
        help="port (default: DATABRICKS_APP_PORT, else 8000)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level (default: %(default)s)",
    )
    serve.set_defaults(func=_serve)

    token = sub.add_parser("token", help="print a signed bearer token (GENIE_API_JWT_SECRET)")
    token.add_argument("--sub", required=True, help="principal: user e-mail or SP application id")
    token.add_argument("--group", action="append", default=[], help="a group (repeatable)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until expiry")
    token.set_defaults(func=_token)

    alerts = sub.add_parser("alerts", help="post new genie_alerts rows to a webhook, once each")
    alerts.add_argument(
        "--webhook", required=True, type=_webhook_url, help="Slack or Teams incoming-webhook URL"
    )
    alerts.add_argument("--format", choices=["slack", "teams"], default="slack")
    alerts.add_argument(
        "--max-alerts", type=_positive_int, default=50, help="per run; the rest go next run"
    )
    alerts.add_argument("--max-attempts", type=_positive_int, default=6)
    alerts.add_argument(
        "--deadline", type=_positive_seconds, default=120.0, help="seconds per message"
    )
    alerts.set_defaults(func=_alerts)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # configuration errors: one clear line, no traceback
        print(f"genie-analytics-api: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
