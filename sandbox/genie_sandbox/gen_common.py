"""Shared pieces of the sandbox generator: the run configuration and how a statement runs.

Every random number in the sandbox comes from DuckDB's ``hash()`` of (seed, salt, row key) (the
macros of sql/macros/, the salts of salts.py), so the data is a pure function of the arguments:
no Python RNG, no row order dependence, and the whole generator stays set-based (one
``INSERT ... SELECT`` per table, whatever the row count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

# The sandbox's fixed calendar starts here (a seed then fully determines the data). The one
# definition: the generator, the benchmark and the tests read it; the Makefile's GENIE_START_DATE
# repeats it for dbt, and sandbox/tests/test_sandbox_generate.py checks that they agree.
DEFAULT_START_DATE = dt.date(2026, 10, 1)

# Warehouse sizes, their DBU per cluster-hour, and a stand-in for the cores one cluster brings.
SIZES = ["2X_SMALL", "X_SMALL", "SMALL", "MEDIUM", "LARGE", "X_LARGE"]
SIZE_DBU = {"2X_SMALL": 4, "X_SMALL": 6, "SMALL": 12, "MEDIUM": 24, "LARGE": 40, "X_LARGE": 80}
SIZE_CORES = {"2X_SMALL": 8, "X_SMALL": 16, "SMALL": 32, "MEDIUM": 64, "LARGE": 128, "X_LARGE": 256}

MS_DAY = 86_400_000


@dataclass(frozen=True)
class GenConfig:
    """What one sandbox looks like. Everything else is derived from these values."""

    seed: int = 42
    days: int = 14
    start_date: dt.date = DEFAULT_START_DATE
    workspaces: int = 2
    warehouses_per_workspace: int = 4
    users: int = 40
    queries_per_day: int = 3000
    last_day_queries: int | None = None
    api_port: int = 8765

    @property
    def start_ms(self) -> int:
        """Epoch milliseconds of the first instant of the period (UTC midnight)."""
        epoch = dt.datetime(1970, 1, 1)
        start = dt.datetime.combine(self.start_date, dt.time())
        return int((start - epoch).total_seconds() * 1000)

    @property
    def end_ms(self) -> int:
        """Epoch milliseconds just after the period: the sandbox's "now"."""
        return self.start_ms + self.days * MS_DAY

    def sql_params(self) -> dict[str, object]:
        """Values substituted into the SQL templates (all ints or ISO dates, never user text)."""
        return {
            "seed": int(self.seed),
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "days": int(self.days),
            "start_date": self.start_date.isoformat(),
            "workspaces": int(self.workspaces),
            "warehouses_per_workspace": int(self.warehouses_per_workspace),
            "users": int(self.users),
            "queries_per_day": int(self.queries_per_day),
            "last_day_queries": -1 if self.last_day_queries is None else int(self.last_day_queries),
            "api_port": int(self.api_port),
            # Genie volume: a few dozen to a few hundred questions per workspace and weekday.
            "genie_questions_per_day": max(12, min(300, int(self.queries_per_day) // 150)),
        }


def run_sql(con: duckdb.DuckDBPyConnection, statements: Iterable[tuple[str, str]]) -> None:
    """Execute rendered statements, (file name, SQL), in order (templates.rendered_steps)."""
    for name, sql in statements:
        try:
            con.execute(sql)
        except duckdb.Error as exc:
            # name the failing file: the SQL is long and the error alone rarely says where
            raise type(exc)(f"{exc}\n  in sql/{name}") from exc
