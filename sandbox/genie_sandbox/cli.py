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
    """The console script. Returns 0 on success; a failure raises ``SystemExit`` non-zero."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        code = int(importlib.import_module(COMMANDS[args[0]]).main(args[1:]) or 0)
        if code:
            raise SystemExit(code)
        return 0
    print(USAGE, file=sys.stderr if args else sys.stdout)
    if args and args[0] not in {"-h", "--help"}:
        raise SystemExit(2)
    return 0
