"""Build every model on local Spark (dbt-spark, session mode, parquet) and compare with DuckDB.

Spark SQL is this project's stand-in for Databricks' dialect: if a model builds here and gives the
same numbers as on DuckDB, its SQL is inside what Databricks runs. dbt-spark's session mode uses the
SparkSession of the current process, so this script creates the session, registers the sandbox's
parquet export as the source tables (databases billing, compute, query, access, lakeflow, plus the
Genie landing tables exported from the DuckDB build), runs dbt in-process with ``dbtRunner``, and
then compares every model's row count and the sums of its numeric columns with the DuckDB build.

Hand-written because no library compares two dbt targets; it only orchestrates dbt and Spark.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_SCHEMAS = ("billing", "compute", "query", "access", "lakeflow")
NUMERIC_PREFIXES = (
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "hugeint",
    "double",
    "float",
    "decimal",
)
REL_TOL = 1e-6
MAX_SUM_COLUMNS = 6


def spark_session(work_dir: Path, extra_conf: dict[str, str] | None = None):
    """A local Spark session with its own warehouse dir and Derby metastore, UTC, no UI.

    ``extra_conf``: more settings, applied before the session starts (static ones included).
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    metastore = work_dir / "metastore_db"
    builder = SparkSession.builder
    for key, value in (extra_conf or {}).items():
        builder = builder.config(key, value)
    return (
        builder.master("local[2]")
        .appName("genie_analytics-compare")
        .config("spark.sql.warehouse.dir", str(work_dir / "warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={metastore};create=true",
        )
        .config("spark.driver.memory", "4g")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        # Databricks system tables hold TIMESTAMP (with local-time semantics, UTC here), not NTZ.
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work_dir}")
        .enableHiveSupport()
        .getOrCreate()
    )


def register_sources(spark, parquet_dir: Path, landing_dir: Path | None) -> int:
    """Create one external parquet table per exported system table (and landed Genie table)."""
    count = 0
    roots = [(parquet_dir, SYSTEM_SCHEMAS)]
    if landing_dir is not None and landing_dir.exists():
        roots.append((landing_dir, tuple(p.name for p in landing_dir.iterdir() if p.is_dir())))
    for root, schemas in roots:
        for schema in schemas:
            schema_dir = root / schema
            if not schema_dir.is_dir():
                continue
            spark.sql(f"create database if not exists {schema}")
            for table_dir in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
                spark.sql(f"drop table if exists {schema}.{table_dir.name}")
                spark.sql(
                    f"create table {schema}.{table_dir.name} using parquet "
                    f"location '{table_dir.resolve()}'"
                )
                count += 1
    return count


def export_landing(duckdb_path: Path, out_dir: Path, schema: str) -> None:
    """Export the Genie landing tables of the DuckDB build so Spark reads the same landed rows."""
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ?"
            " and table_catalog = ?",
            [schema, duckdb_path.stem],
        ).fetchall()
        for (table,) in tables:
            target = out_dir / schema / table
            target.mkdir(parents=True, exist_ok=True)
            con.execute(
                f'copy (select * from "{duckdb_path.stem}"."{schema}"."{table}") '
                f"to '{target / 'part-0.parquet'}' "
                "(format parquet)"
            )
    finally:
        con.close()


def run_dbt(args: list[str]) -> bool:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    if result.exception is not None:  # e.g. no profiles.yml: dbt printed nothing itself
        print(f"dbt {args[0]}: {result.exception}", file=sys.stderr)
    return bool(result.success)


def model_relations(manifest_path: Path, run_results_path: Path | None = None) -> dict[str, str]:
    """model name -> relation name (alias) of every model and seed that materialises something.

    With ``run_results_path`` (a ``--select`` run), only the nodes that run built successfully:
    the manifest lists every node of the project, selected or not, and a node Spark did not
    build has nothing to compare.
    """
    import json

    manifest = json.loads(manifest_path.read_text())
    built = None
    if run_results_path is not None:
        results = json.loads(run_results_path.read_text())["results"]
        built = {r["unique_id"] for r in results if r["status"] == "success"}
    out = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] in {"model", "seed"} and node["config"].get("enabled", True):
            if node["config"].get("materialized") == "ephemeral":
                continue
            if built is not None and unique_id not in built:
                continue
            out[node["name"]] = node.get("alias") or node["name"]
    return out


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    """(name, lowercase type) of a DuckDB relation's columns, in order."""
    return con.execute(
        "select column_name, lower(data_type) from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def numeric_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    cols = columns(con, schema, table)
    return [name for name, typ in cols if typ.startswith(NUMERIC_PREFIXES)][:MAX_SUM_COLUMNS]


# Text columns whose values must match across engines too (the normaliser's regexes run on RE2
# in DuckDB and java.util.regex in Spark): every value, with how often it occurs.
TEXT_KEY_COLUMNS = ("normalized_statement_text", "query_fingerprint")


def text_key_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [name for name, _ in columns(con, schema, table) if name in TEXT_KEY_COLUMNS]


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-6)


def compare(
    spark, duckdb_path: Path, system_tables: Path, schema: str, relations: dict[str, str]
) -> list[str]:
    """Return a list of human-readable differences (empty when the engines agree)."""
    problems: list[str] = []
    con = duckdb.connect(str(duckdb_path), read_only=True)
    # Staging views in the DuckDB build read the attached system-tables catalog.
    con.execute(f"attach '{system_tables}' as system_tables (read_only)")
    # DuckDB names the catalog after the file; qualify fully so a file named like the schema
    # (genie_analytics.duckdb) does not make `schema.table` ambiguous.
    catalog = duckdb_path.stem
    try:
        print(f"{'model':<48} {'rows duckdb':>12} {'rows spark':>12}  sums")
        for name, rel in sorted(relations.items()):
            cols = numeric_columns(con, schema, rel)
            if not con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, rel],
            ).fetchone()[0]:
                problems.append(f"{name}: missing in the DuckDB build")
                continue
            exprs = ["count(*)"] + [f"sum(cast({c} as double))" for c in cols]
            d_row = con.execute(
                f'select {", ".join(exprs)} from "{catalog}"."{schema}"."{rel}"'
            ).fetchone()
            s_row = spark.sql(f"select {', '.join(exprs)} from {schema}.{rel}").collect()[0]
            ok = [close(d, s) for d, s in zip(d_row, s_row, strict=True)]
            # Text key columns: the same values, each as often, on both engines.
            texts = text_key_columns(con, schema, rel)
            text_diffs = {}
            for c in texts:
                d_vals = dict(
                    con.execute(
                        f'select {c}, count(*) from "{catalog}"."{schema}"."{rel}" group by 1'
                    ).fetchall()
                )
                s_vals = {
                    r[0]: r[1]
                    for r in spark.sql(
                        f"select {c}, count(*) from {schema}.{rel} group by 1"
                    ).collect()
                }
                differing = [
                    k for k in d_vals.keys() | s_vals.keys() if d_vals.get(k) != s_vals.get(k)
                ]
                if differing:
                    text_diffs[c] = len(differing)
            flag = "ok" if all(ok) and not text_diffs else "DIFF"
            values = f" + {len(texts)} text cols" if texts else ""
            print(f"{name:<48} {d_row[0]:>12} {s_row[0]:>12}  {len(cols)} cols{values} {flag}")
            for col, d, s, good in zip(["rows", *cols], d_row, s_row, ok, strict=True):
                if not good:
                    d_val = float(d) if isinstance(d, Decimal) else d
                    problems.append(f"{name}.{col}: duckdb={d_val} spark={s}")
            for col, n in text_diffs.items():
                problems.append(f"{name}.{col}: {n} distinct values differ between the engines")
    finally:
        con.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parquet-dir", type=Path, required=True, help="sandbox parquet export")
    parser.add_argument("--duckdb", type=Path, required=True, help="the DuckDB build to compare")
    parser.add_argument(
        "--system-tables",
        type=Path,
        default=Path(os.environ.get("SYSTEM_TABLES_DUCKDB", "data/sandbox/system_tables.duckdb")),
        help="the sandbox system-tables file the DuckDB build read",
    )
    parser.add_argument("--schema", default="genie_analytics", help="schema the models build into")
    parser.add_argument(
        "--landing-schema", default=os.environ.get("GENIE_LANDING_SCHEMA", "genie_landing")
    )
    parser.add_argument("--work-dir", type=Path, default=ROOT / "data" / "spark")
    parser.add_argument(
        "--select",
        default=None,
        help="dbt selector (default: everything); compares only the models and seeds it built",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    shutil.rmtree(args.work_dir, ignore_errors=True)
    args.work_dir.mkdir(parents=True)
    landing_dir = args.work_dir / "landing"
    export_landing(args.duckdb, landing_dir, args.landing_schema)

    spark = spark_session(args.work_dir)
    spark.sparkContext.setLogLevel("ERROR")
    n = register_sources(spark, args.parquet_dir, landing_dir)
    print(f"registered {n} source tables from parquet")

    os.environ["SPARK_WAREHOUSE_DIR"] = str(args.work_dir / "warehouse")
    os.environ.setdefault("DBT_PROFILES_DIR", str(ROOT))  # the repo's profiles.yml, as make does
    target_path = Path(tempfile.mkdtemp(prefix="dbt_spark_target_"))
    dbt_args = [
        "build",
        "--target",
        "spark",
        "--target-path",
        str(target_path),
        # dbt-spark snapshots need Delta (MERGE); parquet cannot hold them. Their tests go too.
        "--exclude",
        "resource_type:snapshot+",
        "--fail-fast",
        # every data test over the whole tables (macros/incremental/data_tests_window.sql)
        "--vars",
        "{data_tests_lookback_days: null}",
    ]
    if args.select:
        # cautious: a test runs only when every model it reads was selected too (a singular test
        # that also reads an unselected model would fail on a relation Spark never built).
        dbt_args += ["--select", args.select, "--indirect-selection", "cautious"]
    built = run_dbt(dbt_args)
    build_seconds = time.monotonic() - started
    if not built:
        print(f"dbt build on Spark failed after {build_seconds:.0f} s", file=sys.stderr)
        return 1

    relations = model_relations(
        target_path / "manifest.json",
        target_path / "run_results.json" if args.select else None,
    )
    problems = compare(spark, args.duckdb, args.system_tables, args.schema, relations)
    total = time.monotonic() - started
    print(f"spark build {build_seconds:.0f} s; {len(relations)} compared; {total:.0f} s in all")
    if problems:
        print("DuckDB and Spark disagree:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("DuckDB and Spark agree on row counts and column sums of every model.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
