"""`genie-ingest`: the command line. Each sub-command's module owns its own arguments."""

from __future__ import annotations

import importlib
import sys

# sub-command -> module with a `main(argv: list[str]) -> int`
COMMANDS = {
    ("messages",): "genie_ingest.pipeline",
    ("spaces",): "genie_ingest.pipeline",
    ("dashboard",): "genie_ingest.dashboard",
}

USAGE = """usage: genie-ingest <command> [options]

commands:
  messages           fetch Genie messages listed in genie_messages_to_fetch and land them
  spaces             fetch Genie space configs (serialized_space) and merge them
  dashboard          write the AI/BI dashboard file and (with --db) the static HTML report

Run `genie-ingest <command> --help` for the options of one command. The local sandbox (simulated
system tables, Genie API, the build report) is a separate program: `genie-sandbox`.
"""


def main(argv: list[str] | None = None) -> int:
    """The console script and the Databricks ``python_wheel_task`` entry point.

    A wheel task imports this function, calls it and ignores its return value, so a failure
    is never only returned: any non-zero outcome raises ``SystemExit`` with its code here.
    Returns 0 on success.
    """
    code = _dispatch(list(sys.argv[1:] if argv is None else argv))
    if code:
        raise SystemExit(code)
    return 0


def _dispatch(args: list[str]) -> int:
    for key, module_name in COMMANDS.items():
        if tuple(args[: len(key)]) == key:
            module = importlib.import_module(module_name)
            rest = args[len(key) :]
            # `messages` and `spaces` share one module; it needs to know which one was asked for.
            if key in {("messages",), ("spaces",)}:
                rest = [key[0], *rest]
            return int(module.main(rest) or 0)
    print(USAGE, file=sys.stderr if args else sys.stdout)
    return 0 if not args or args[0] in {"-h", "--help"} else 2


if __name__ == "__main__":
    raise SystemExit(main())
