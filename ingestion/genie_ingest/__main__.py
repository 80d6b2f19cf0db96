"""`python -m genie_ingest <command>`: the same as the `genie-ingest` console script."""

from genie_ingest.cli import main

raise SystemExit(main())
