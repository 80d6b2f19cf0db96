"""`genie-sandbox report`: a short human summary of what the last local build produced.

It reads the DuckDB file dbt built (read-only) and prints rows per mart, then the headline
numbers of each product area that exists in the file: the week's bill split into attributed and
idle cost, the most expensive queries, the Genie pipeline's landing counts and busiest spaces, and
the optimiser's most valuable opportunities and the week's anomalies.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from genie_ingest.settings import setting_field

# The warehouse file and the marts' schema are the ingestion's settings too: their environment
# variables and defaults come from its one declaration (genie_ingest.settings.Settings), read here
# rather than repeated. (The sandbox may import the ingestion; the reverse is banned.)
DEFAULT_SCHEMA: str = setting_field("analytics_schema").default


def _setting_from_env(name: str) -> str:
    """The environment's value of the ingestion setting `name`, else its declared default."""
    declared = setting_field(name)
    return os.environ.get(declared.metadata["env"], str(declared.default))


def _default_help(name: str) -> str:
    declared = setting_field(name)
    return f"default: env {declared.metadata['env']}, else {declared.default}"


class Report:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        catalog: str,
        console: Console,
        schema: str = DEFAULT_SCHEMA,
    ) -> None:
        self.con = con
        self.catalog = catalog
        self.console = console
        self.schema = schema

    def rel(self, name: str, schema: str | None = None) -> str:
        return f'"{self.catalog}"."{schema or self.schema}"."{name}"'

    def exists(self, name: str, schema: str | None = None) -> bool:
        schema = schema or self.schema
        sql = (
            "select count(*) from information_schema.tables "
            "where table_catalog = ? and table_schema = ? and table_name = ?"
        )
        return bool(self.con.execute(sql, [self.catalog, schema, name]).fetchone()[0])

    def table(self, title: str, columns: list[str], rows: list[tuple]) -> None:
        out = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        for i, col in enumerate(columns):
            out.add_column(
                col,
                justify="right" if i and _numeric(rows, i) else "left",
                no_wrap=True,
                overflow="ellipsis",
                min_width=len(col),
                max_width=44,
            )
        for row in rows:
            out.add_row(*(_fmt(v) for v in row))
        self.console.print(out)
        self.console.print()

    # --- sections ------------------------------------------------------------------------------
    def marts(self) -> None:
        names = [
            r[0]
            for r in self.con.execute(
                "select table_name from information_schema.tables where table_catalog = ? "
                "and table_schema = ? and table_type = 'BASE TABLE' and table_name like 'genie%' "
                "order by 1",
                [self.catalog, self.schema],
            ).fetchall()
        ]
        rows = [
            (n, self.con.execute(f"select count(*) from {self.rel(n)}").fetchone()[0])
            for n in names
        ]
        self.table("Marts built", ["mart", "rows"], rows)

    def bill(self) -> None:
        if not self.exists("genie_cost_reconciliation"):
            return
        rec = self.rel("genie_cost_reconciliation")
        row = self.con.execute(
            f"""
            with last_week as (
                select * from {rec}
                where window_date > (select max(window_date) from {rec}) - interval 7 day
            )
            select min(window_date), max(window_date),
                sum(billed_dbu), sum(attributed_dbu), sum(idle_dbu), sum(unobservable_dbu),
                sum(attributed_dbu) + sum(idle_dbu) + sum(unobservable_dbu),
                sum(billed_usd), sum(attributed_usd), sum(idle_usd), sum(unobservable_usd),
                sum(attributed_usd) + sum(idle_usd) + sum(unobservable_usd)
            from last_week
            """
        ).fetchone()
        first, last, *nums = row
        self.table(
            f"SQL warehouse bill, last 7 days of data ({first} to {last})",
            # "not observable here": no warehouse_id, or a warehouse of another region
            # (billing.usage covers every region, compute.warehouses only this one).
            ["", "billed", "attributed to queries", "idle", "not observable here", "sum of lines"],
            [("DBU", *nums[0:5]), ("USD", *nums[5:10])],
        )
        if self.exists("genie_query_performance"):
            qp = self.rel("genie_query_performance")
            top = self.con.execute(
                f"""
                select substr(query_id, 1, 13), executed_as, warehouse_id,
                    round(duration_ms / 1000.0, 1),
                    compute_cost_dbu, estimated_cost_usd,
                    substr(regexp_replace(query_text, '\\s+', ' ', 'g'), 1, 40)
                from {qp}
                where query_date > (select max(query_date) from {qp}) - interval 7 day
                order by estimated_cost_usd desc nulls last
                limit 5
                """
            ).fetchall()
            self.table(
                "Top 5 most expensive queries of the week",
                ["statement_id", "user", "warehouse", "seconds", "DBU", "USD", "text"],
                top,
            )

    def data_quality(self) -> None:
        """genie_data_quality: what the build quarantined, bounded or kept on its own line."""
        if not self.exists("genie_data_quality"):
            return
        rows = self.con.execute(
            f"""select source_table, issue, handling, row_count, round(amount_dbu, 2)
                from {self.rel("genie_data_quality")} order by handling, source_table, issue"""
        ).fetchall()
        if not rows:
            self.console.print("Data quality: no quarantined, bounded or unpriced rows.")
            return
        self.table(
            "Data quality: rows not taken at face value (genie_data_quality)",
            ["table", "issue", "handling", "rows", "DBU"],
            rows,
        )

    def genie(self) -> None:
        if not self.exists("genie_pipeline_validation"):
            return
        v = self.con.execute(
            f"""select silver_row_count, landed_row_count, rejected_row_count,
                fetch_error_not_found_count, fetch_error_auth_error_count,
                fetch_error_rate_limited_count, fetch_error_timeout_count,
                fetch_error_no_token_count, fetch_error_failed_count, messages_not_landed_count,
                fetch_error_malformed_response_count, landed_pending_count, landed_stale_count
            from {self.rel("genie_pipeline_validation")}"""
        ).fetchone()
        self.table(
            "Genie pipeline",
            ["messages to fetch", "landed", "of which pending", "stale", "not landed", "rejected"],
            [(v[0], v[1], v[11], v[12], v[9], v[2])],
        )
        kinds = [
            "NOT_FOUND",
            "AUTH_ERROR",
            "RATE_LIMITED",
            "TIMEOUT",
            "NO_TOKEN",
            "FAILED",
            "MALFORMED_RESPONSE",
        ]
        counts = [*v[3:9], v[10]]
        self.table(
            "Genie fetch errors",
            ["error type", "messages"],
            list(zip(kinds, counts, strict=True)),
        )
        if self.exists("genie_conversation_metrics"):
            rows = self.con.execute(
                f"""select coalesce(space_title, space_id), sum(message_count), count(*),
                    sum(total_query_cost_dbu), sum(total_query_cost_usd)
                from {self.rel("genie_conversation_metrics")}
                group by all order by 2 desc limit 3"""
            ).fetchall()
            self.table(
                "Three busiest Genie spaces",
                ["space", "messages", "conversations", "query DBU", "query USD"],
                rows,
            )

    def optimiser(self) -> None:
        if self.exists("genie_optimization_opportunities"):
            rows = self.con.execute(
                f"""select optimization_type,
                    case
                        when query_fingerprint is null then 'warehouse ' || warehouse_id
                        when query_source_id is not null
                            then lower(query_source_type) || ' ' || query_source_id
                        else regexp_replace(sample_query_text, '\\s+', ' ', 'g')
                    end as workload,
                    executions, estimated_savings_usd, priority, recommended_fix
                from {self.rel("genie_optimization_opportunities")}
                where status = 'OPEN'
                order by estimated_savings_usd desc, executions desc, opportunity_id
                limit 10"""
            ).fetchall()
            self.table(
                "Ten most valuable optimisation opportunities (open)",
                ["type", "workload", "executions", "saving USD", "priority", "fix"],
                rows,
            )
        if self.exists("genie_cost_anomalies"):
            an = self.rel("genie_cost_anomalies")
            rows = self.con.execute(
                f"""select usage_date, dimension_type, dimension_id, anomaly_metric, direction,
                    z_score, cost_usd, expected_cost_usd, driver_1_fingerprint
                from {an}
                where usage_date > (select max(usage_date) from {an}) - interval 7 day
                order by abs(z_score) desc
                limit 10"""
            ).fetchall()
            total = self.con.execute(
                f"select count(*) from {an} "
                f"where usage_date > (select max(usage_date) from {an}) - interval 7 day"
            ).fetchone()[0]
            if not total:
                self.console.print(
                    "Anomalies of the week: none (a day is scored once it has "
                    "var('optimizer_anomaly_min_baseline_days') of baseline)\n"
                )
                return
            self.table(
                f"Anomalies of the week (top 10 of {total} by |z|)",
                ["date", "scope", "id", "metric", "direction", "z", "USD", "expected", "driver"],
                rows,
            )


def _numeric(rows: list[tuple], i: int) -> bool:
    return any(isinstance(r[i], int | float) or hasattr(r[i], "as_tuple") for r in rows)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) or hasattr(value, "as_tuple"):
        return f"{float(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def attach_system_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach the system-tables file read-only as catalog `system_tables`.

    The path is bound as a parameter (data), never pasted into the SQL text, so a quote in a
    file name cannot end the literal and run what follows.
    """
    con.execute("attach ? as system_tables (read_only)", [str(path)])


# What a finished `make demo` build holds; a file without one of them is half-built.
REQUIRED_MARTS = (
    "genie_cost_reconciliation",
    "genie_query_performance",
    "genie_pipeline_validation",
    "genie_optimization_opportunities",
    "genie_cost_anomalies",
)


class ReportError(Exception):
    """The file cannot be reported on; the text says what is missing."""


def _open(
    db: Path, system_tables: Path, schema: str = DEFAULT_SCHEMA
) -> tuple[duckdb.DuckDBPyConnection, str]:
    if not db.exists():
        raise ReportError(f"no build found at {db}: run `make demo` first")
    if db.stat().st_size == 0:
        raise ReportError(f"{db} is empty (0 bytes), not a DuckDB database: run `make demo`")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise ReportError(
                f"another process holds {db} (a dbt build or genie-ingest run?): "
                f"try again when it has finished. DuckDB said: {exc}"
            ) from None
        raise ReportError(f"{db} is not a readable DuckDB database: {exc}") from None
    try:
        if system_tables.exists():
            attach_system_tables(con, system_tables)
        catalog = str(con.execute("select current_database()").fetchone()[0])
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = ? and table_schema = ?",
                [catalog, schema],
            ).fetchall()
        }
    except duckdb.Error as exc:
        con.close()
        raise ReportError(f"cannot read {db}: {exc}") from None
    if not present:
        con.close()
        raise ReportError(
            f"{db} has no schema {schema} (or it is empty): run `make demo` (or `dbt build`)"
        )
    missing = [m for m in REQUIRED_MARTS if m not in present]
    if missing:
        con.close()
        raise ReportError(
            f"{db} is half-built: {schema} lacks {', '.join(missing)}; run `dbt build` again"
        )
    return con, catalog


def main(argv: list[str] | None = None) -> int:
    """Print the report; a missing, empty, 0-byte, locked or half-built file raises
    ``SystemExit(2)`` after one line saying what is missing."""
    parser = argparse.ArgumentParser(
        prog="genie-sandbox report", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(_setting_from_env("duckdb_path")),
        help=f"the DuckDB file dbt built ({_default_help('duckdb_path')})",
    )
    parser.add_argument(
        "--system-tables",
        type=Path,
        # Not an ingestion setting (the ingestion never reads the system tables): the Makefile's
        # SYSTEM_TABLES_DUCKDB and the sandbox's own default location.
        default=Path(os.environ.get("SYSTEM_TABLES_DUCKDB", "data/sandbox/system_tables.duckdb")),
        help="system tables file (attached so staging views resolve)",
    )
    parser.add_argument(
        "--schema",
        default=_setting_from_env("analytics_schema"),
        help=f"schema of the marts ({_default_help('analytics_schema')})",
    )
    args = parser.parse_args(argv)
    console = Console(width=140)
    try:
        con, catalog = _open(args.db, args.system_tables, args.schema)
    except ReportError as exc:
        print(f"genie-sandbox report: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    try:
        report = Report(con, catalog, console, args.schema)
        sections = (report.marts, report.bill, report.data_quality, report.genie, report.optimiser)
        for section in sections:
            section()
    except duckdb.Error as exc:
        print(f"genie-sandbox report: {args.db} cannot be read in full: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
