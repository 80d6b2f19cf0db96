"""`genie-sandbox`: the local stand-in for a Databricks workspace, a program of its own.

It is not part of the ingestion wheel the Databricks job installs (that wheel must carry no
simulator and no test credentials); ``genie_ingest`` may not import it (ruff rule TID251 in
pyproject.toml). Each sub-command's module owns its own arguments.
"""

from __future__ import annotations

import importlib
import sys

# sub-command -> module with a `main(argv: list[str]) -> int`
COMMANDS = {
    "generate": "genie_sandbox.generate",
    "serve": "genie_sandbox.server",
    "report": "genie_sandbox.report",
}

USAGE = """usage: genie-sandbox <command> [options]

commands:
  generate   write a simulated Databricks workspace (system tables) to DuckDB + parquet
  serve      run the sandbox Genie REST API + OAuth server on loopback ports
  report     print a short summary of what the last local (DuckDB) build produced

Run `genie-sandbox <command> --help` for the options of one command.
"""


def main(argv: list[str] | None = None) -> int:
    """The console script. Returns 0 on success (and for ``--help``, printed to stdout); no
    command or an unknown one prints the usage to stderr and raises ``SystemExit(2)``; a failing
    command raises ``SystemExit`` with its non-zero code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        code = int(importlib.import_module(COMMANDS[args[0]]).main(args[1:]) or 0)
        if code:
            raise SystemExit(code)
        return 0
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE)  # asked for: stdout, success
        return 0
    # No command, or an unknown one: a usage error, like argparse's (stderr, exit 2).
    print(USAGE, file=sys.stderr)
    if args:
        print(f"genie-sandbox: error: unknown command {args[0]!r}", file=sys.stderr)
    else:
        print("genie-sandbox: error: a command is required", file=sys.stderr)
    raise SystemExit(2)
