"""`python -m genie_sandbox <command>`: the same as the `genie-sandbox` console script."""

from genie_sandbox.cli import main

raise SystemExit(main())
