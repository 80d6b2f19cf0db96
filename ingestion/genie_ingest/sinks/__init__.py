"""Where landed rows go: one :class:`Sink` interface, a DuckDB and a Databricks implementation.

The pipeline only talks to :class:`Sink`. Both implementations are idempotent on the tables'
keys, so a re-run, an overlapping run or a crash-restart never duplicates a row:

* DuckDB: primary keys, ``INSERT OR REPLACE`` / ``ON CONFLICT DO UPDATE``, one transaction per
  batch (details, errors and the "resolved" marks commit together or not at all).
* Databricks: ``MERGE INTO`` through the Statement Execution API with the batch passed as one
  JSON *parameter* (``from_json(:payload, ...)``); SQL text never contains a data value. A SQL
  warehouse has no multi-table transaction, so the statements are ordered to heal: errors are
  upserted first and details last, and "to fetch" re-includes a message whose error row says
  resolved but which has no details row.
"""

from genie_ingest.sinks.base import TO_FETCH_TABLE, Filters, Sink, SinkError
from genie_ingest.sinks.databricks_sink import TO_FETCH_PAGE_ROWS, DatabricksSink, epoch_micros
from genie_ingest.sinks.duckdb_sink import DuckDBSink

__all__ = [
    "TO_FETCH_PAGE_ROWS",
    "TO_FETCH_TABLE",
    "DatabricksSink",
    "DuckDBSink",
    "Filters",
    "Sink",
    "SinkError",
    "epoch_micros",
]
