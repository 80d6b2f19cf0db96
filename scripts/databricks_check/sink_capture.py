"""Capture every statement ``genie_ingest.sinks.DatabricksSink`` issues, through its public methods.

The sink talks to a SQL warehouse through ``WorkspaceClient.statement_execution``; here that is
:class:`RecordingStatementExecution`, which records each ``execute_statement`` call (SQL text and
named parameters) and answers it with what local Spark returns for it on the empty tables
(``SUCCEEDED``, rows inline). The analysis itself (and its errors) happens later, in
``run.py``, with the parameters bound the way the warehouse binds them (``:name`` markers).
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass, field
from typing import Any

TO_FETCH = "genie_messages_to_fetch"
SAMPLE = {
    "STRING": "x",
    "BIGINT": 1,
    "INT": 1,
    "DATE": dt.date(2026, 10, 2),
    "TIMESTAMP": dt.datetime(2026, 10, 2, 12, 0, 0),
    "BOOLEAN": False,
}


@dataclass
class Captured:
    sql: str
    parameters: dict[str, tuple[Any, str | None]]
    error: str | None = None


@dataclass
class RecordingStatementExecution:
    """Stands in for ``WorkspaceClient.statement_execution`` (databricks-sdk)."""

    answer: Any  # callable(sql, parameters) -> list of rows (lists of strings)
    calls: list[Captured] = field(default_factory=list)
    _results: dict[str, list[list[Any]]] = field(default_factory=dict)

    def execute_statement(self, statement: str, warehouse_id: str, **kwargs: Any):
        from databricks.sdk.service.sql import (
            ResultData,
            ResultManifest,
            StatementResponse,
            StatementState,
            StatementStatus,
        )

        params = {
            p.name: (p.value, p.type) for p in (kwargs.get("parameters") or []) if p is not None
        }
        captured = Captured(statement, params)
        self.calls.append(captured)
        rows = self.answer(captured)
        limit = kwargs.get("row_limit")
        if limit is not None:
            rows = rows[: int(limit)]
        statement_id = f"check-{len(self.calls)}"
        return StatementResponse(
            statement_id=statement_id,
            status=StatementStatus(state=StatementState.SUCCEEDED),
            manifest=ResultManifest(total_chunk_count=1, total_row_count=len(rows)),
            result=ResultData(chunk_index=0, data_array=rows, row_count=len(rows)),
        )

    def get_statement(self, statement_id: str):  # pragma: no cover - never PENDING here
        raise AssertionError("execute_statement always answers SUCCEEDED")

    def get_statement_result_chunk_n(self, statement_id: str, chunk_index: int):
        from databricks.sdk.service.sql import ResultData

        return ResultData(chunk_index=chunk_index, data_array=[], row_count=0)


def _row(columns: list[tuple[str, str]], **values: Any) -> dict[str, Any]:
    return {name: values.get(name, SAMPLE[typ]) for name, typ in columns}


def drive_sink(statement_execution: Any, analytics_schema: str, landing_schema: str) -> None:
    """Call every public method of the sink with small but complete inputs."""
    from genie_ingest import records
    from genie_ingest.sinks import DatabricksSink, Filters

    kwargs: dict[str, Any] = {}
    signature = inspect.signature(DatabricksSink)
    if "sleep" in signature.parameters:
        kwargs["sleep"] = lambda _seconds: None
    sink = DatabricksSink(
        statement_execution, "check-warehouse", analytics_schema, landing_schema, **kwargs
    )
    message = _row(records.MESSAGE_DETAILS, message_id="m1")
    error = _row(records.MESSAGE_FETCH_ERRORS, message_id="m2", error_type="FAILED")
    space = _row(records.GENIE_SPACE_DETAILS, space_id="s1")
    filtered = Filters(workspace_ids=("1", "2"), space_ids=("s1",), limit=10)
    sink.ensure_tables()
    sink.messages_to_fetch(Filters(), 5)
    sink.messages_to_fetch(filtered, 5)
    sink.already_landed([("1", "m1"), ("1", "m2")])
    sink.land_batch([message], [error])
    sink.land_batch([message], [])
    sink.land_batch([], [error])
    sink.spaces_to_fetch(Filters())
    sink.spaces_to_fetch(filtered)
    sink.merge_spaces([space])
    sink.close()
