"""Shared pieces of the sandbox generator: the run configuration and the SQL macros.

Every random number in the sandbox comes from DuckDB's ``hash()`` of (seed, purpose key, row id),
so the data is a pure function of the arguments: no Python RNG, no row order dependence, and the
whole generator stays set-based (one ``INSERT ... SELECT`` per table, whatever the row count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

# The sandbox's fixed calendar starts here (a seed then fully determines the data). The one
# definition: the generator, the benchmark and the tests read it; the Makefile's GENIE_START_DATE
# repeats it for dbt, and ingestion/tests/test_sandbox_generate.py checks that they agree.
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


def macros_sql(cfg: GenConfig) -> list[str]:
    """Temp macros: seeded uniform/normal numbers, ids, timestamps, exact decimals."""
    s = int(cfg.seed)
    return [
        # uniform in [0, 1): the top 53 bits of a 64-bit hash. DuckDB combines the hashes of
        # several arguments cheaply (hash(s, 1, i) and hash(s, 2, i) correlate at ~0.6), so the
        # combined value is hashed once more to make draws with different keys independent.
        f"create or replace temp macro u01(k, i) as "
        f"((hash(hash({s}, k, i)) >> 11)::double / 9007199254740992.0)",
        # standard normal via Box-Muller on two independent uniforms.
        "create or replace temp macro nrm(k, i) as "
        "(sqrt(-2.0 * ln(1.0 - u01(k, i))) * cos(2.0 * pi() * u01(k + 7919, i)))",
        # log-normal with a given median and sigma (heavy right tail, like real durations).
        "create or replace temp macro lognorm(k, i, median, sigma) as "
        "((median) * exp((sigma) * nrm(k, i)))",
        "create or replace temp macro clamp(x, lo, hi) as least(greatest(x, lo), hi)",
        f"create or replace temp macro hex16(k, i) as printf('%016x', hash({s}, k, i, 11))",
        f"create or replace temp macro hex32(k, i) as "
        f"printf('%016x%016x', hash({s}, k, i, 21), hash({s}, k, i, 22))",
        f"create or replace temp macro uuidish(k, i) as printf('%08x-%04x-%04x-%04x-%012x', "
        f"hash({s}, k, i, 31) >> 32, (hash({s}, k, i, 31) >> 16) & 65535, "
        f"hash({s}, k, i, 31) & 65535, hash({s}, k, i, 32) >> 48, "
        f"hash({s}, k, i, 32) & 281474976710655)",
        # a 16-digit numeric id (workspace ids, user ids, job ids look like this).
        f"create or replace temp macro num16(k, i) as "
        f"(1000000000000000 + hash({s}, k, i, 41) % 8999999999999999)::bigint",
        "create or replace temp macro pick(lst, k, i) as "
        "lst[1 + floor(u01(k, i) * len(lst))::bigint]",
        "create or replace temp macro ts_ms(ms) as make_timestamp((ms)::bigint * 1000)",
        # num / den as an exact DECIMAL(38,18) (DuckDB divides decimals in DOUBLE).
        "create or replace temp macro dec18(num, den) as ("
        "((num)::hugeint // (den))::varchar || '.' || "
        "lpad(((((num)::hugeint % (den)) * 1000000000000000000) // (den))::varchar, 18, '0')"
        ")::decimal(38, 18)",
    ]


def run_sql(con: duckdb.DuckDBPyConnection, statements: Iterable[str], params: dict) -> None:
    """Execute templated statements in order. Params are ints/dates produced by GenConfig."""
    for stmt in statements:
        sql = stmt.format(**params)
        try:
            con.execute(sql)
        except duckdb.Error as exc:
            # name the failing statement: the SQL is long and the error alone rarely says where
            head = " ".join(sql.split())[:160]
            raise type(exc)(f"{exc}\n  in statement: {head}...") from exc
