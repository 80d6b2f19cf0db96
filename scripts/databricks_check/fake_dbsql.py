"""The one stub of the check: ``databricks.sql.connect``, answered by local Spark.

dbt-databricks opens every session through ``databricks.sql.connect(**kwargs)`` (in
``dbt/adapters/databricks/handle.py``: ``DatabricksHandle.from_connection_args``) and then only
uses the connector's ``Connection.cursor()`` / ``Cursor.execute/fetch*/description``. Replacing
``connect`` is therefore the narrowest stub point: the adapter's credentials, dispatch, macros,
materializations and connection manager all run unchanged, and every statement it sends arrives
here, where it is recorded and answered:

* ``SHOW`` / ``DESCRIBE``: run by local Spark on its empty tables (Databricks' output formats are
  Spark's), so the adapter sees the relations that exist at that point of the run.
* ``information_schema.tables``: answered from what the Spark session holds, with the
  production catalog names; its other views (tags, constraints, row filters, masks) are empty,
  as this project sets none.
* queries (``select`` / ``with``; model bodies, tests, watermarks): analysed by Spark, then run on
  the empty tables (a data test's or a unit test's query is answered without running it: no
  failures, no rows; unit test results are checked by the DuckDB and Spark builds); in an
  incremental build a NULL date/timestamp (a ``max()`` watermark over an
  empty table) is answered with :data:`WATERMARK`, as a table holding data would.
* ``create ... as <query>``: the query is analysed; the relation is created in Spark, empty, with
  the schema Spark derives from it (a view stays a view), so later statements resolve it.
* ``merge`` / ``insert`` / ``update`` / ``delete``: analysed with ``EXPLAIN`` (Spark resolves the
  whole statement before it finds out that a parquet table cannot be merged into); Delta's
  ``INSERT INTO t BY NAME REPLACE WHERE p TABLE s`` (dbt-databricks' replace_where strategy),
  which Spark cannot parse, is analysed in its parts (:func:`_analyse_replace_where`).
* other DDL (``alter``, ``comment``, ``create schema``, ``drop``...): run where Spark can, else
  only recorded; either way parsed by sqlglot later.

Any analysis error is recorded on the statement (never raised into dbt: the run goes on so one
check reports every error); the connect arguments are recorded too (session configuration).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from local_spark import SKIPPED_TEXT, LocalSpark

WATERMARK = dt.datetime(2026, 10, 10, 0, 0, 0)

_COMMENT = re.compile(r"^\s*(/\*.*?\*/\s*|--[^\n]*\n\s*)*", re.DOTALL)
_CREATE_AS = re.compile(
    r"^create\s+(or\s+replace\s+)?(?P<temp>temporary\s+)?(?P<kind>table|view)\s+"
    r"(if\s+not\s+exists\s+)?(?P<name>[`\w.]+)",
    re.IGNORECASE,
)
# dbt-core's data test wrapper: select count(*) as failures, ... from (<test>) dbt_internal_test
_DBT_TEST = re.compile(r"\)\s*dbt_internal_test\s*$", re.IGNORECASE)
_SHOW_GRANTS = re.compile(r"^show\s+grants?\b", re.IGNORECASE)
# dbt-core's unit test query (get_unit_test_sql): the model's SQL over the fixture CTEs, as
# `dbt_internal_unit_test_actual`, unioned with the expected rows.
_DBT_UNIT_TEST = re.compile(r"\bdbt_internal_unit_test_actual\b", re.IGNORECASE)
# `<catalog>`.`information_schema`.`<view>`: system's (all catalogs) or a catalog's own.
_INFO_SCHEMA = re.compile(r"`?\w+`?\s*\.\s*`?information_schema`?\s*\.\s*`?(\w+)`?", re.I)


@dataclass
class Statement:
    phase: str
    sql: str
    kind: str = ""
    analysed: bool = False
    error: str | None = None
    parameters: Any = None
    # A statement that created a (non-temporary) table: its production name and its columns.
    created: str | None = None
    columns: list[str] = field(default_factory=list)


@dataclass
class Recorder:
    """Every statement and every ``connect()`` call, per phase ("first", "incremental")."""

    local: LocalSpark
    phase: str = "first"
    statements: list[Statement] = field(default_factory=list)
    connect_kwargs: list[dict[str, Any]] = field(default_factory=list)

    def connect(self, **kwargs: Any) -> FakeConnection:
        self.connect_kwargs.append(kwargs)
        return FakeConnection(self)


class FakeConnection:
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.open = True

    def cursor(self, *args: Any, **kwargs: Any) -> FakeCursor:
        return FakeCursor(self)

    def close(self) -> None:
        self.open = False

    def get_session_id_hex(self) -> str:
        return "00000000-0000-0000-0000-000000000000"

    def __enter__(self) -> FakeConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FakeCursor:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection
        self.description: list[tuple] | None = None
        self.query_id = "local-check"
        self._rows: list[tuple] = []

    # --- the connector's Cursor API used by dbt-databricks ------------------------------
    def execute(self, operation: str, parameters: Any = None, **kwargs: Any) -> FakeCursor:
        recorder = self.connection.recorder
        if parameters is not None:
            # dbt-databricks connects with use_inline_params: the connector renders the values
            # into the text client-side; the warehouse receives (and we record) that text.
            from databricks.sql.utils import ParamEscaper, inject_parameters

            operation = inject_parameters(operation, ParamEscaper().escape_args(parameters))
        statement = Statement(recorder.phase, operation, parameters=parameters)
        recorder.statements.append(statement)
        self.description, self._rows = _answer(recorder, statement)
        return self

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int) -> list[tuple]:
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def schemas(self, catalog_name: str | None = None, schema_name: str | None = None):
        schema = schema_name or "%"
        self._set(self.connection.recorder.local.spark.sql(f"show schemas like '{schema}'"))
        return self

    def tables(self, catalog_name=None, schema_name=None, table_name=None, table_types=None):
        self._set(self.connection.recorder.local.spark.sql(f"show tables in {schema_name}"))
        return self

    def close(self) -> None:
        self._rows = []

    def cancel(self) -> None:
        self._rows = []

    def _set(self, df) -> None:
        self.description, self._rows = _result(df, watermark=False)


def _described(df) -> list[tuple]:
    return [
        (f.name, f.dataType.simpleString(), None, None, None, None, True) for f in df.schema.fields
    ]


def _result(df, watermark: bool) -> tuple[list[tuple], list[tuple]]:
    from pyspark.sql.types import DateType, TimestampNTZType, TimestampType

    fields = df.schema.fields
    description = [
        (f.name, f.dataType.simpleString(), None, None, None, None, True) for f in fields
    ]
    rows = [tuple(r) for r in df.collect()]
    if watermark:
        dated = [
            i
            for i, f in enumerate(fields)
            if isinstance(f.dataType, DateType | TimestampType | TimestampNTZType)
        ]
        rows = [
            tuple(
                (WATERMARK.date() if isinstance(fields[i].dataType, DateType) else WATERMARK)
                if v is None and i in dated
                else v
                for i, v in enumerate(row)
            )
            for row in rows
        ]
    return description, rows


def _strip(sql: str) -> str:
    return _COMMENT.sub("", sql, count=1).strip().rstrip(";").strip()


def _body_start(sql: str) -> int | None:
    """Offset of the query in ``create ... as <query>`` (first top-level AS before a query)."""
    import sqlglot
    from sqlglot.tokens import TokenType

    try:
        tokens = sqlglot.Dialect.get_or_raise("databricks").tokenize(sql)
    except Exception:  # the parse check reports unparseable SQL
        return None
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tok.token_type == TokenType.ALIAS and i + 1 < len(tokens):
            nxt = tokens[i + 1].token_type
            if nxt in (TokenType.SELECT, TokenType.WITH, TokenType.L_PAREN, TokenType.FROM):
                return tokens[i + 1].start
    return None


def _answer(recorder: Recorder, st: Statement) -> tuple[list[tuple] | None, list[tuple]]:
    """Analyse (and where harmless run) one statement on local Spark; record what failed."""
    local = recorder.local
    spark = local.spark
    sql = _strip(st.sql)
    head = sql[:40].lower()
    first = head.split(None, 1)[0] if head else ""
    incremental = recorder.phase != "first"
    try:
        info = _INFO_SCHEMA.search(sql)
        if info and first in {"select", "with"}:
            st.kind = "metadata"
            if info.group(1).lower() != "tables":
                return [], []  # tags, constraints, masks: none exist in this project
            local.information_schema_tables().createOrReplaceTempView("__information_schema_tables")
            df = spark.sql(_INFO_SCHEMA.sub("__information_schema_tables", sql))
            return _result(df, watermark=False)
        if _SHOW_GRANTS.match(sql):
            # Unity Catalog's SHOW GRANTS (dbt-databricks reads a relation's grants before
            # applying `grants:` configs); Hive's parser has no such statement. Answered with
            # its documented columns and no grants: a relation of this run holds none.
            st.kind = "metadata"
            return [
                (name, "string", None, None, None, None, True)
                for name in ("Principal", "ActionType", "ObjectType", "ObjectKey")
            ], []
        if first in {"show", "describe", "desc"}:
            st.kind = "metadata"
            return _result(spark.sql(local.to_local(sql)), watermark=False)
        if first in {"select", "with", "("}:
            st.kind = "query"
            df = spark.sql(local.to_local(sql))  # analysis happens here, eagerly
            st.analysed = True
            if _DBT_TEST.search(sql):
                # A data test over empty tables finds nothing; answering without running it
                # keeps the check fast (the analysis above is what it is for).
                return _described(df), [
                    tuple(0 if i == 0 else False for i in range(len(df.columns)))
                ]
            if _DBT_UNIT_TEST.search(sql):
                # A unit test's query is analysed (above) but not run: no rows, which dbt
                # reads as "actual = expected". Its RESULT is checked where the engines run it
                # (make dbt-build on DuckDB, make spark); running the fixtures here took
                # minutes (one optimiser unit test alone: 376 s) and checked nothing more
                # about Databricks.
                return _described(df), []
            return _result(df, watermark=incremental)
        if first in {"merge", "insert", "update", "delete"}:
            st.kind = "write"
            _explain(spark, local.to_local(sql))
            st.analysed = True
            return [], []
        if first == "create":
            return _create(local, st, sql)
        st.kind = "ddl"
        if first in {"drop", "use"} or head.startswith(("alter table", "alter view")):
            _try(spark, local.to_local(sql))
        return [], []
    except Exception as exc:  # recorded as this statement's analysis error
        st.error = _first_line(exc)
        # Said at once too: a long run shows its first error without waiting for the summary.
        flat = " ".join(st.sql.split())
        print(
            f"databricks-check: {st.phase}: {st.error}\n    {flat[-600:]}",
            file=sys.stderr,
            flush=True,
        )
        return [], []


_CREATE_OR_REPLACE_TABLE = re.compile(r"\s*create\s+or\s+replace\s+table\s+(?P<name>[^\s(]+)", re.I)


# `create [or replace] function <catalog>.<schema>.<name>(`: a Unity Catalog SQL UDF (the row
# filter and the column masks, macros/governance/workspace_access_policy.sql).
_CREATE_FUNCTION = re.compile(
    r"^create\s+(?:or\s+replace\s+)?function\s+(?P<name>[`\w.]+)\s*\(", re.IGNORECASE
)

# STAND-INS, not Databricks: the Unity Catalog built-ins the policy functions call do not exist
# in local Spark, so each is registered as a temporary SQL function with its documented
# signature (Databricks SQL reference: is_account_group_member(group) and is_member(group)
# return BOOLEAN) and a constant result. They let Spark resolve and type-check the bodies
# (names, arity, argument and return types); what they return means nothing.
STAND_IN_FUNCTIONS = (
    "create or replace temporary function is_account_group_member(group_name string) "
    "returns boolean return false",
    "create or replace temporary function is_member(group_name string) returns boolean "
    "return false",
)


def _analyse_function(local: LocalSpark, st: Statement, sql: str, name: str) -> None:
    """Analyse a SQL UDF's body: the statement runs as a TEMPORARY function of the same name,
    parameters and body (Spark 4 analyses a SQL function's body when it is created; a temporary
    one may call the temporary stand-ins above, a persistent one may not)."""
    spark = local.spark
    for stand_in in STAND_IN_FUNCTIONS:
        spark.sql(stand_in)
    short = name.replace("`", "").split(".")[-1]
    m = _CREATE_FUNCTION.match(sql)
    spark.sql(f"create or replace temporary function {short}(" + sql[m.end() :])
    st.analysed = True


def _create(local: LocalSpark, st: Statement, sql: str):
    spark = local.spark
    function = _CREATE_FUNCTION.match(sql)
    if function is not None:
        st.kind = "ddl"
        _analyse_function(local, st, sql, function.group("name"))
        return [], []
    m = _CREATE_AS.match(sql)
    start = _body_start(sql)
    if m is None or start is None:
        st.kind = "ddl"
        replace = _CREATE_OR_REPLACE_TABLE.match(sql)
        if replace is not None:
            # Delta's CREATE OR REPLACE TABLE (dbt-databricks re-creates seeds this way); a local
            # parquet table refuses REPLACE, so drop it and create it plainly.
            name = local.to_local(replace.group("name"))
            spark.sql(f"drop table if exists {name}")
            plain = "create table " + sql[replace.start("name") :]
            spark.sql(local.to_local(_strip_table_options(plain)))
            _record_created(local, st, replace.group("name"))
        elif re.match(r"create\s+(schema|database)", sql, re.I) or re.match(
            r"create\s+table\b", sql, re.I
        ):
            spark.sql(local.to_local(_strip_table_options(sql)))
            if m is not None and m.group("kind").lower() == "table" and not m.group("temp"):
                _record_created(local, st, m.group("name"))
        return [], []
    st.kind = "create_as"
    body = sql[start:]
    name = local.to_local(m.group("name"))
    df = spark.sql(local.to_local(body))  # the analysis of the model's (or test's) query
    st.analysed = True
    if m.group("temp"):
        df.createOrReplaceTempView(name.strip("`"))
    elif m.group("kind").lower() == "view":
        spark.sql(f"create or replace view {name} as {local.to_local(body)}")
    else:
        spark.sql(f"drop table if exists {name}")
        schema = _writable(df.schema)
        ddl = schema.toDDL() if hasattr(schema, "toDDL") else None
        if ddl:
            spark.sql(f"create table {name} ({ddl}) using parquet")
        else:
            spark.catalog.createTable(name.replace("`", ""), schema=schema, source="parquet")
        _record_created(local, st, m.group("name"))
    return [], []


def _record_created(local: LocalSpark, st: Statement, name: str) -> None:
    """Note on the statement which table it created and that table's columns (Spark's)."""
    st.created = name.replace("`", "").lower()
    st.columns = list(local.spark.table(local.to_local(name)).columns)


def _writable(schema):
    """Parquet cannot hold VOID (``select null as x``): such a column becomes STRING."""
    from pyspark.sql.types import NullType, StringType, StructField, StructType

    return StructType(
        [
            StructField(f.name, StringType() if isinstance(f.dataType, NullType) else f.dataType)
            for f in schema.fields
        ]
    )


def _strip_table_options(sql: str) -> str:
    """Parquet tables in the Hive catalog take no liquid clustering, Delta properties, nor Unity
    Catalog policies (``WITH ROW FILTER f ON (...)``, a column's ``MASK f [USING COLUMNS
    (...)]``): the policies are checked by :func:`run.mask_problems` and parsed by the parse
    check instead."""
    sql = re.sub(r"\bcluster\s+by\s*\([^)]*\)", "", sql, flags=re.I)
    sql = re.sub(r"\bwith\s+row\s+filter\s+[`\w.]+\s+on\s*\([^)]*\)", "", sql, flags=re.I)
    sql = strip_mask_clauses(sql)
    return re.sub(r"\btblproperties\s*\((?:[^()]|\([^()]*\))*\)", "", sql, flags=re.I)


# A column mask clause (Databricks SQL reference, "Column mask clause"), outside string literals
# and comments (local_spark.SKIPPED_TEXT):
#   MASK func_name [ USING COLUMNS ( other_column_name | constant_literal [, ...] ) ]
# sqlglot 30 does not know the clause and local Spark has no masks, so both see the statement
# without it (hand-written: no library parses it).
MASK_CLAUSE = re.compile(
    SKIPPED_TEXT + r"|\s+mask\s+(?P<function>`?\w+`?(?:\s*\.\s*`?\w+`?){0,2})"
    r"(?:\s+using\s+columns\s*\((?:[^()'`]|'[^']*'|`[^`]*`)*\))?",
    re.IGNORECASE,
)


def strip_mask_clauses(sql: str) -> str:
    """``sql`` without its column MASK clauses (string literals and comments untouched)."""
    return MASK_CLAUSE.sub(lambda m: m.group("literal") or "", sql)


def column_masks_in(sql: str) -> dict[str, str]:
    """{lower-case column: mask function} of the column list of a CREATE TABLE statement.

    The column list is the first parenthesised group after the table name, when the statement
    has one before any ``AS``/``USING``; columns are split at top-level commas (types such as
    ``decimal(38, 2)`` and ``struct<a: int, b: string>`` stay whole)."""
    sql = _strip(sql)  # dbt's leading /* {"app": "dbt", ...} */ comment
    m = re.match(
        r"\s*create\s+(?:or\s+replace\s+)?table\s+(?:if\s+not\s+exists\s+)?[`\w.]+\s*\(",
        sql,
        re.IGNORECASE,
    )
    if m is None:
        return {}
    items, depth, angle, quote, start = [], 0, 0, "", m.end()
    for i in range(m.end(), len(sql)):
        ch = sql[i]
        if quote:
            if ch == quote and sql[i - 1] != "\\":
                quote = ""
            continue
        if ch in "'`\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == "<":
            angle += 1
        elif ch == ">":
            angle -= 1
        elif ch == ")" and depth == 0:
            items.append(sql[start:i])
            break
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0 and angle == 0:
            items.append(sql[start:i])
            start = i + 1
    masks = {}
    for item in items:
        parts = item.strip().split(None, 1)
        if not parts:
            continue
        for mask in MASK_CLAUSE.finditer(item):
            if mask.group("function"):
                masks[parts[0].strip("`").lower()] = re.sub(r"[`\s]", "", mask.group("function"))
    return masks


def _explain(spark, sql: str, args: dict | None = None) -> None:
    """Analyse a write statement without writing anything.

    MERGE / UPDATE / DELETE: a parquet table (no Delta jars here) supports none of them, so
    Spark analyses the statement and then refuses to plan it ("not supported"): that refusal
    means the analysis passed, and the MERGE's source query (``USING (...)``) is analysed on its
    own as well. Any other error is the analysis error. INSERT: ``EXPLAIN``, which reports
    analysis errors in the plan text instead of raising them."""
    first = sql.lstrip().split(None, 1)[0].lower()
    replace_where = _REPLACE_WHERE.match(sql)
    if replace_where is not None:
        _analyse_replace_where(spark, replace_where, args)
        return
    if first in {"merge", "update", "delete"}:
        try:
            spark.sql(sql, args=args or None)
        except Exception as exc:  # classified right below
            message = str(exc)
            if not _unsupported_locally(message):
                raise
        source = _merge_source(sql)
        if source is not None:
            spark.sql(source, args=args or None)
        return
    plan = spark.sql(f"explain {sql}", args=args or None).collect()[0][0]
    if "Error occurred during query planning" in plan:
        raise RuntimeError(" ".join(plan.split())[:600])


# dbt-databricks' replace_where strategy (get_replace_where_sql):
#   INSERT INTO <target> [BY NAME] REPLACE WHERE <predicate> TABLE <source>
# Delta-only syntax that local Spark cannot parse. The predicate runs to the LAST `table <name>`.
_REPLACE_WHERE = re.compile(
    r"^\s*insert\s+into\s+(?P<target>[`\w.]+)(?P<by_name>\s+by\s+name)?\s+replace\s+where\s+"
    r"(?P<predicate>.+)\s+table\s+(?P<source>[`\w.]+)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _analyse_replace_where(spark, match: re.Match[str], args: dict | None = None) -> None:
    """Analyse what Spark can of ``INSERT INTO t [BY NAME] REPLACE WHERE p TABLE s`` (Delta).

    Databricks SQL reference, "INSERT": REPLACE WHERE atomically deletes the target rows that
    match the predicate and inserts the source rows (each of which must match it; checked at run
    time, on data, so not here); BY NAME matches source to target columns by name. Analysed:
    the target exists; the predicate resolves against the target (``select * from t where p``)
    and against the source (``select * from s where p``: the rows that would be inserted);
    BY NAME: every source column is a target column (case-insensitive, as Databricks resolves
    names); without it, both have the same number of columns. Raises on the first problem."""
    target, source = match.group("target"), match.group("source")
    predicate = match.group("predicate")
    target_columns = spark.table(target).columns  # AnalysisException: no such table
    spark.sql(f"select * from {target} where {predicate}", args=args or None)
    source_columns = spark.sql(
        f"select * from {source} where {predicate}", args=args or None
    ).columns
    if match.group("by_name"):
        known = {c.lower() for c in target_columns}
        missing = [c for c in source_columns if c.lower() not in known]
        if missing:
            raise RuntimeError(
                f"INSERT INTO {target} BY NAME: source {source} has columns {missing} that the "
                f"target does not have"
            )
    elif len(source_columns) != len(target_columns):
        raise RuntimeError(
            f"INSERT INTO {target}: source {source} has {len(source_columns)} columns, the "
            f"target {len(target_columns)}"
        )


def _merge_source(sql: str) -> str | None:
    """The ``USING (<query>)`` of a MERGE, as text (sqlglot finds it; None for a table name)."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="databricks")
    except sqlglot.errors.ParseError:
        return None
    using = tree.args.get("using") if isinstance(tree, exp.Merge) else None
    if isinstance(using, exp.Subquery):
        return using.this.sql(dialect="spark")
    return None


def _unsupported_locally(message: str) -> bool:
    """Errors that say "this table format cannot do that", raised after the analysis passed."""
    return bool(
        re.search(
            r"not supported temporarily|UNSUPPORTED_FEATURE\.TABLE_OPERATION|does not support "
            r"(MERGE|UPDATE|DELETE)",
            message,
        )
    )


def _try(spark, sql: str) -> None:
    # DDL that Spark cannot run locally (Delta-only options) is only parsed, not analysed.
    with contextlib.suppress(Exception):
        spark.sql(sql)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:400] if text else type(exc).__name__
