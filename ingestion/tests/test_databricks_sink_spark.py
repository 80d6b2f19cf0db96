"""The Databricks sink's statements through a real SQL engine: they analyse (no struct IN
subquery), a large backlog is read in pages, timestamps do not depend on the session time zone.

A fake ``statement_execution`` runs every statement the sink issues on a local Spark session
(Databricks SQL is Spark SQL), binding its named parameters as the Statement Execution API
does, and answers like the API: values as strings, FAILED with the engine's error, and FAILED
when an INLINE result exceeds 25 MiB. Local Spark has no Delta Lake, so UPDATE, DELETE and MERGE
on its parquet tables stop after analysis with UNSUPPORTED_FEATURE.TABLE_OPERATION; for those the
fake also analyses (EXPLAIN) the statement itself and the queries it reads: the target joined to
its source with every assigned expression, so a column, type or subquery error cannot hide. The
session time zone is America/Los_Angeles on purpose: the sink must not depend on it.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from databricks.sdk.service.sql import StatementState

from genie_ingest.records import MessageKey, parse_message
from genie_ingest.sinks import (
    TO_FETCH_PAGE_ROWS,
    DatabricksSink,
    Filters,
    SinkError,
    epoch_micros,
)

pytestmark = pytest.mark.spark

INLINE_LIMIT_BYTES = 25 * 1024 * 1024  # Statement Execution API, disposition INLINE
ANALYSIS_ERRORS = ("AnalysisException", "DATATYPE_MISMATCH", "UNRESOLVED", "PARSE_SYNTAX_ERROR")


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    pyspark = pytest.importorskip("pyspark.sql")
    work = tmp_path_factory.mktemp("spark_sink")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        pyspark.SparkSession.builder.master("local[1]")
        .appName("genie_ingest-sink-test")
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .config("spark.sql.session.timeZone", "America/Los_Angeles")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _reads_of(statement: str) -> list[str]:
    """The queries a DML statement reads, with every expression it assigns (for analysis)."""
    flat = " ".join(statement.split())
    m = re.match(r"(?i)update (\S+) set (.*?) where (.*)$", flat)
    if m:
        exprs = [a.split("=", 1)[1] for a in _split_top_level(m.group(2))]
        return [f"select {', '.join(exprs)} from {m.group(1)} where {m.group(3)}"]
    m = re.match(r"(?i)delete from (\S+) where (.*)$", flat)
    if m:
        return [f"select * from {m.group(1)} where {m.group(2)}"]
    m = re.match(
        r"(?i)merge into (\S+) as t using \((.*)\) as s on (.*?) when matched then update set "
        r"(.*?) when not matched then insert \((.*?)\) values \((.*)\)$",
        flat,
    )
    if m:
        updates = [a.split("=", 1)[1] for a in _split_top_level(m.group(4))]
        values = _split_top_level(m.group(6))
        return [
            m.group(2),
            f"select {', '.join(updates + values)} from {m.group(1)} as t "
            f"right join ({m.group(2)}) as s on {m.group(3)}",
        ]
    return []


class SparkStatementExecution:
    """``WorkspaceClient.statement_execution`` backed by a local Spark session."""

    def __init__(self, spark) -> None:
        self.spark = spark
        self.statements: list[str] = []
        self.analysed: list[str] = []
        self.result_bytes: list[int] = []

    @staticmethod
    def _arg(value: str | None, sql_type: str) -> Any:
        if value is None:
            return None
        return int(value) if sql_type in {"INT", "BIGINT"} else value

    def _reply(self, state, data=None, error: str | None = None):
        return SimpleNamespace(
            statement_id=f"st-{len(self.statements)}",
            status=SimpleNamespace(
                state=state, error=SimpleNamespace(message=error) if error else None
            ),
            result=SimpleNamespace(data_array=data or [], next_chunk_index=None),
        )

    def execute_statement(self, statement: str, parameters=None, **_: Any):
        self.statements.append(statement)
        args = {p.name: self._arg(p.value, p.type) for p in parameters or []}
        try:
            rows = self.spark.sql(statement, args=args).collect()
        except Exception as exc:  # answered as the API does: FAILED + message
            message = str(exc)
            if "UNSUPPORTED_FEATURE.TABLE_OPERATION" not in message:
                return self._reply(StatementState.FAILED, error=message[:2000])
            # No Delta Lake here: the statement analysed, then could not run. Analyse what it
            # reads and assigns, and the statement's own plan.
            for query in [*_reads_of(statement), f"explain {statement}"]:
                try:
                    plan = self.spark.sql(query, args=args).collect()
                except Exception as inner:
                    return self._reply(StatementState.FAILED, error=str(inner)[:2000])
                text = " ".join(str(r[0]) for r in plan) if query.startswith("explain") else ""
                if any(e in text for e in ANALYSIS_ERRORS):
                    return self._reply(StatementState.FAILED, error=text[:2000])
            self.analysed.append(statement)
            rows = []
        data = [[None if v is None else str(v) for v in row] for row in rows]
        size = len(json.dumps(data))
        self.result_bytes.append(size)
        if size > INLINE_LIMIT_BYTES:
            return self._reply(
                StatementState.FAILED,
                error=f"INLINE result of {size} bytes exceeds the 25 MiB limit",
            )
        return self._reply(StatementState.SUCCEEDED, data)

    def get_statement(self, statement_id: str):  # never PENDING here
        raise AssertionError(statement_id)


def _key(n: int) -> MessageKey:
    return MessageKey("1111", f"{n:032x}", "5" * 32, "c" * 32, "ws", "http://h")


FETCHED = datetime(2026, 10, 2, 12, 30, 15, 123456)


@pytest.fixture(scope="module")
def sink_and_engine(spark):
    engine = SparkStatementExecution(spark)
    sink = DatabricksSink(
        statement_execution=engine,
        warehouse_id="wh",
        analytics_schema="genie_analytics",
        landing_schema="genie_landing",
        sleep=lambda _s: None,
    )
    spark.sql("create schema if not exists genie_analytics")
    spark.sql("drop table if exists genie_analytics.genie_messages_to_fetch")
    spark.sql(
        """
        create table genie_analytics.genie_messages_to_fetch using parquet as
        select
            '1111' as workspace_id, lpad(hex(id), 32, '0') as message_id,
            repeat('5', 32) as space_id, repeat('c', 32) as conversation_id,
            timestamp_micros(1790000000000000 + id) as first_event_at,
            timestamp_micros(1790000000000000 + id) as last_event_at,
            cast(1 as bigint) as event_count, 'ws' as workspace_name,
            concat('https://', repeat('x', 300), '.cloud.databricks.com') as workspace_url
        from range(3)
        """
    )
    sink.ensure_tables()
    return sink, engine


def test_every_sink_statement_analyses_and_runs_on_spark(sink_and_engine):
    sink, engine = sink_and_engine
    body = {
        "status": "COMPLETED",
        "created_timestamp": 1_790_000_000_000,
        "attachments": [
            {"query": {"statement_id": "s-a", "query": "SELECT a"}},
            {"text": {"content": "t"}},
            {"query": {"statement_id": "s-b", "query": "SELECT b"}},
        ],
    }
    parsed = parse_message(_key(1), body, FETCHED, "batch-1")
    error = {
        "workspace_id": "1111",
        "message_id": f"{2:032x}",
        "space_id": "5" * 32,
        "conversation_id": "c" * 32,
        "error_type": "FAILED",
        "http_status": 500,
        "error_message": "x",
        "error_timestamp": FETCHED,
        "retry_count": 0,
        "resolved": False,
        "resolved_at": None,
        "ingestion_batch_id": "batch-1",
        "_loaded_at": None,
        "raw_response": None,
    }
    sink.land_batch([parsed.row], [error], parsed.attachments)
    keys = sink.messages_to_fetch(Filters(workspace_ids=("1111",), limit=2), 5)
    sink.already_landed([("1111", f"{1:032x}")])
    sink.spaces_to_fetch(Filters())
    sink.merge_spaces([{"workspace_id": "1111", "space_id": "5" * 32, "title": "T"}])
    assert len(keys) == 2 and keys[0].first_event_at == datetime(1970, 1, 1) + timedelta(
        microseconds=1790000000000000
    )
    # UPDATE (resolved marks), DELETE (attachments) and the three MERGEs were analysed.
    kinds = sorted({s.split()[0].lower() for s in engine.analysed})
    assert kinds == ["delete", "merge", "update"], kinds
    assert len(engine.analysed) == 5


def test_struct_in_subquery_is_refused_by_the_engine(sink_and_engine):
    """The struct IN (subquery) form Databricks refuses (no message ever landed with it), through
    the same fake: it must FAIL analysis, so the fake can tell."""
    _, engine = sink_and_engine
    old = (
        "update genie_landing.message_fetch_errors set resolved = true where not resolved "
        "and struct(workspace_id, message_id) in (select struct(k.workspace_id, k.message_id) "
        "from (select explode(from_json(:keys, "
        "'array<struct<workspace_id:string,message_id:string>>')) as k))"
    )
    reply = engine.execute_statement(
        old, parameters=[SimpleNamespace(name="keys", value="[]", type="STRING")]
    )
    assert reply.status.state == StatementState.FAILED
    assert "IN_SUBQUERY_LENGTH_MISMATCH" in reply.status.error.message


def test_landed_timestamps_are_utc_whatever_the_session_time_zone(sink_and_engine, spark):
    sink, _ = sink_and_engine
    parsed = parse_message(
        _key(7), {"status": "COMPLETED", "attachments": [{"text": {}}]}, FETCHED, "b7"
    )
    sink.land_batch([parsed.row], [], parsed.attachments)
    (row,) = spark.sql(
        "select unix_micros(api_fetch_timestamp) as fetched_us, "
        "unix_micros(_loaded_at) as loaded_us "
        f"from genie_landing.message_attachments where message_id = '{_key(7).message_id}'"
    ).collect()
    assert row.fetched_us == epoch_micros(FETCHED)
    # _loaded_at is "now" in UTC: within a minute of the test's own UTC clock.
    now_us = epoch_micros(datetime.utcnow())  # naive UTC, as the sink uses
    assert abs(row.loaded_us - now_us) < 60_000_000


def test_a_backlog_above_the_inline_limit_is_read_in_pages(spark, sink_and_engine):
    sink, engine = sink_and_engine
    rows = 45_000  # about 750 bytes a row as JSON: ~34 MB, above the 25 MiB INLINE limit
    spark.sql("drop table if exists genie_analytics.genie_messages_to_fetch")
    spark.sql(
        f"""
        create table genie_analytics.genie_messages_to_fetch using parquet as
        select
            cast(1000 + id % 3 as string) as workspace_id, lpad(hex(id), 32, '0') as message_id,
            repeat('5', 32) as space_id, repeat('c', 32) as conversation_id,
            timestamp_micros(1790000000000000 - id) as first_event_at,
            timestamp_micros(1790000000000000 - id) as last_event_at,
            cast(1 as bigint) as event_count, 'ws' as workspace_name,
            concat('https://', repeat('x', 560), '.cloud.databricks.com') as workspace_url
        from range({rows})
        """
    )
    assert rows * 700 > INLINE_LIMIT_BYTES
    before = len(engine.result_bytes)
    keys = sink.messages_to_fetch(Filters(), 5)
    assert len(keys) == rows and len({k.message_id for k in keys}) == rows
    pages = engine.result_bytes[before:]
    assert len(pages) == rows // TO_FETCH_PAGE_ROWS + 1
    assert max(pages) < INLINE_LIMIT_BYTES and sum(pages) > INLINE_LIMIT_BYTES
    # Oldest first within each workspace, whatever the page order.
    first_ws = [k for k in keys if k.workspace_id == "1000"]
    assert first_ws == sorted(first_ws, key=lambda k: k.first_event_at)
    limited = sink.messages_to_fetch(Filters(limit=5), 5)
    assert limited == keys[:5]


def test_a_single_inline_result_above_the_limit_fails(sink_and_engine):
    """The fake enforces the limit (so the paging test above can fail): one big SELECT fails."""
    _, engine = sink_and_engine
    reply = engine.execute_statement(
        "select * from genie_analytics.genie_messages_to_fetch", parameters=[]
    )
    assert reply.status.state == StatementState.FAILED and "25 MiB" in reply.status.error.message
    with pytest.raises(SinkError):
        DatabricksSink(engine, "wh", "genie_analytics", "genie_landing")._execute(
            "select * from genie_analytics.genie_messages_to_fetch"
        )


def test_pending_message_that_answers_not_found_becomes_terminal(spark, sink_and_engine):
    """A PENDING row whose next fetch answers 404 leaves PENDING: one MERGE sets it
    TERMINAL with the 404 kept. Local Spark has no Delta, so the MERGE is analysed, not run."""
    sink, engine = sink_and_engine
    key = _key(77)
    gone = {
        "workspace_id": key.workspace_id,
        "message_id": key.message_id,
        "space_id": key.space_id,
        "conversation_id": key.conversation_id,
        "error_type": "NOT_FOUND",
        "http_status": 404,
        "error_message": "Message does not exist.",
        "error_timestamp": FETCHED,
        "retry_count": 0,
        "resolved": False,
        "resolved_at": None,
        "ingestion_batch_id": "batch-n",
        "_loaded_at": None,
        "raw_response": None,
    }
    before = len(engine.analysed)
    sink.land_batch([], [gone])  # a statement that fails analysis raises SinkError
    terminal = [s for s in engine.analysed[before:] if "fetch_state = 'TERMINAL'" in s]
    assert len(terminal) == 1 and "merge into genie_landing.message_details" in terminal[0]


def test_databricks_check_analyses_replace_where_in_parts(spark) -> None:
    """make databricks-check (scripts/databricks_check/fake_dbsql.py): Delta's
    ``INSERT INTO t BY NAME REPLACE WHERE p TABLE s`` (dbt-databricks' replace_where strategy),
    which local Spark cannot parse, is analysed in parts, and each part can fail: the target
    must exist, the predicate must resolve on it, every source column must be a target column."""
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "databricks_check"))
    from fake_dbsql import _explain

    spark.sql("create table rw_target (event_date date, id string) using parquet")
    spark.sql(
        "create or replace temporary view rw_new as "
        "select date'2026-10-02' as event_date, 'a' as id"
    )
    spark.sql("create or replace temporary view rw_wide as select *, 1 as extra from rw_new")
    day = "event_date >= cast('2026-10-01' as date)"
    _explain(spark, f"INSERT INTO rw_target BY NAME REPLACE WHERE {day} TABLE rw_new")
    with pytest.raises(Exception, match="no_such_column"):
        _explain(
            spark, "INSERT INTO rw_target BY NAME REPLACE WHERE no_such_column >= 1 TABLE rw_new"
        )
    with pytest.raises(Exception, match=r"\['extra'\]"):
        _explain(spark, f"INSERT INTO rw_target BY NAME REPLACE WHERE {day} TABLE rw_wide")
    with pytest.raises(Exception, match="rw_missing"):
        _explain(spark, f"INSERT INTO rw_missing BY NAME REPLACE WHERE {day} TABLE rw_new")
    with pytest.raises(Exception, match="columns"):
        _explain(spark, f"INSERT INTO rw_target REPLACE WHERE {day} TABLE rw_wide")
