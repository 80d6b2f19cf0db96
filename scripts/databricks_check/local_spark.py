"""Local Spark as the analyser of Databricks SQL: empty tables with the production shapes.

One SparkSession holds EMPTY tables with the shapes the SQL reads: the system tables (from
``genie_sandbox.schema``, the documented shape), the Genie landing tables (created by the
statements dbt and the sink issue themselves) and every model (created, as the recorded run goes,
with the schema Spark derives from the model's own SQL). Every query is *analysed* (names,
columns, types, functions resolved: what Databricks does before running anything), which is what
catches SQL that Databricks would refuse.

Spark's session catalog has one level of namespaces, Unity Catalog three. Production SQL names
``system.billing.usage`` and ``main.genie_analytics.x``; before Spark sees a statement the catalog
part of a three-part name is replaced by ``spark_catalog`` (:func:`to_local`); nothing else in the
text changes, apart from the table format (``using delta`` -> ``using parquet``: no Delta jars).
Which catalog a schema belongs to is kept in :attr:`LocalSpark.catalog_of` so that
``information_schema`` answers name the production catalogs again.

Hand-written: no library analyses Databricks SQL offline against a given set of table shapes.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

SYSTEM_CATALOG = "system"
# Text left as it is: a string literal (single- or double-quoted, backslash escapes, Databricks
# SQL), so a value such as 'system.billing.usage' stays what the model says it is; and a comment
# (`-- ...` to the end of the line, `/* ... */`), whose apostrophes ("the run's start") are not
# quotes: read as one, a comment's lone apostrophe hid the rest of the statement from the rewrite.
SKIPPED_TEXT = r"(?P<literal>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|--[^\n]*|(?s:/\*.*?\*/))"
# A catalog that is the first part of a three-part name: `cat`.`schema`.`table` or cat.schema.t.
_THREE_PART = (
    SKIPPED_TEXT + r"|(?<![\w.`])(?P<q>`?)(?:{cats})(?P=q)(?P<dot>\s*\.\s*)"
    r"(?=`?[A-Za-z_][\w]*`?\s*\.\s*`?[A-Za-z_])"
)
_USING_DELTA = re.compile(r"\busing\s+delta\b", re.IGNORECASE)


def spark_session(work_dir: Path):
    """A local Spark session (own warehouse dir and Derby metastore, UTC, no UI)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    work_dir.mkdir(parents=True, exist_ok=True)
    metastore = work_dir / "metastore_db"
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("genie_analytics-databricks-check")
        .config("spark.sql.warehouse.dir", str(work_dir / "warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={metastore};create=true",
        )
        .config("spark.driver.memory", "2g")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.ui.enabled", "false")
        # Databricks system tables hold TIMESTAMP (local-time semantics, UTC), not NTZ.
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "false")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work_dir}")
        .enableHiveSupport()
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class LocalSpark:
    """The session plus the bookkeeping that maps production catalogs onto it."""

    def __init__(self, spark, target_catalog: str) -> None:
        self.spark = spark
        self.target_catalog = target_catalog
        self.catalog_of: dict[str, str] = {}
        cats = "|".join(re.escape(c) for c in sorted({SYSTEM_CATALOG, target_catalog}))
        self._three_part = re.compile(_THREE_PART.format(cats=cats), re.IGNORECASE)
        self._schema_statement = re.compile(
            r"^\s*(/\*.*?\*/\s*)?(create|drop|alter)\s+(schema|database)|^\s*(/\*.*?\*/\s*)?show\s",
            re.IGNORECASE | re.DOTALL,
        )
        self._schema_name = re.compile(
            SKIPPED_TEXT
            + rf"|(?<![\w.`'])(?P<q>`?)(?:{cats})(?P=q)(?P<dot>\s*\.|(?=\s*$)|(?=\s+like\b))",
            re.IGNORECASE,
        )

    def to_local(self, sql: str) -> str:
        """Production SQL -> the same SQL on the session catalog (see the module docstring)."""
        sql = self._three_part.sub(_local_catalog, sql)
        if self._schema_statement.match(sql):
            # `create schema main.x`, `show tables in main.x`, `show schemas in main`: the
            # catalog is the first (or only) part of the name.
            sql = self._schema_name.sub(_local_catalog, sql)
        return _USING_DELTA.sub("using parquet", sql)

    def create_system_tables(self) -> int:
        """Empty tables with the documented shape of every system table the project reads.

        DuckDB creates each from ``genie_sandbox.schema``; its Arrow schema becomes the
        Spark schema (TIMESTAMP stays TIMESTAMP, as in Databricks' system tables), so there is
        no second, hand-written type mapping. Only the metastore is written: no data, no job."""
        import duckdb
        from pyspark.sql.pandas.types import from_arrow_schema

        from genie_sandbox.schema import SCHEMAS, SYSTEM_TABLES, create_table_sql

        con = duckdb.connect()
        try:
            for schema in SCHEMAS:
                con.execute(f"create schema {schema}")
                self.catalog_of[schema] = SYSTEM_CATALOG
                self.spark.sql(f"create database if not exists {schema}")
            for schema, table in SYSTEM_TABLES:
                con.execute(create_table_sql(schema, table))
                arrow = con.sql(f"select * from {schema}.{table} limit 0").to_arrow_table()
                spark_schema = _with_ltz(from_arrow_schema(arrow.schema))
                self.spark.catalog.createTable(
                    f"{schema}.{table}", source="parquet", schema=spark_schema
                )
        finally:
            con.close()
        return len(SYSTEM_TABLES)

    def information_schema_tables(self):
        """``system.information_schema.tables`` of what the session holds (production names)."""
        rows = []
        for db in self.spark.catalog.listDatabases():
            catalog = self.catalog_of.get(db.name, self.target_catalog)
            for t in self.spark.catalog.listTables(db.name):
                if t.isTemporary:
                    continue
                is_view = t.tableType == "VIEW"
                rows.append(
                    (
                        catalog,
                        db.name,
                        t.name,
                        "VIEW" if is_view else "MANAGED",
                        None if is_view else "DELTA",
                        "genie-analytics-check",
                        None,
                    )
                )
        schema = (
            "table_catalog string, table_schema string, table_name string, table_type string, "
            "data_source_format string, table_owner string, last_altered timestamp"
        )
        return self.spark.createDataFrame(rows, schema)


def _local_catalog(m: re.Match[str]) -> str:
    """A production catalog -> ``spark_catalog``; a string literal or a comment stays as it is."""
    if m.group("literal") is not None:
        return m.group("literal")
    return "spark_catalog" + (m.group("dot") or "")


def _with_ltz(data_type):
    """TIMESTAMP_NTZ -> TIMESTAMP, at any depth (Databricks' system tables use TIMESTAMP)."""
    from pyspark.sql.types import (
        ArrayType,
        MapType,
        StructField,
        StructType,
        TimestampNTZType,
        TimestampType,
    )

    if isinstance(data_type, TimestampNTZType):
        return TimestampType()
    if isinstance(data_type, StructType):
        return StructType(
            [StructField(f.name, _with_ltz(f.dataType), f.nullable) for f in data_type.fields]
        )
    if isinstance(data_type, ArrayType):
        return ArrayType(_with_ltz(data_type.elementType), data_type.containsNull)
    if isinstance(data_type, MapType):
        return MapType(
            _with_ltz(data_type.keyType),
            _with_ltz(data_type.valueType),
            data_type.valueContainsNull,
        )
    return data_type
