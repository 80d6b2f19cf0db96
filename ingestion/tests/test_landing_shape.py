"""One shape of each landed Genie table, declared twice on purpose and checked here.

genie_ingest.records declares the columns the ingestion writes (both sinks create and migrate
their tables from it: the Databricks job runs the wheel, which cannot read the dbt project);
dbt declares the same tables as sources (models/staging/genie_api/_genie_api__sources.yml, whose
columns the on-run-start macro create_genie_landing_tables turns into DDL before any ingestion).
This test makes them agree column by column: name, order, type and key.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from genie_ingest.records import TABLES

SOURCES = Path(__file__).resolve().parents[2] / "models/staging/genie_api/_genie_api__sources.yml"


def _dbt_landing_tables() -> dict[str, tuple[list[tuple[str, str]], tuple[str, ...]]]:
    tables = {}
    for source in yaml.safe_load(SOURCES.read_text())["sources"]:
        if not (source.get("meta") or {}).get("genie_landing"):
            continue
        for table in source["tables"]:
            columns = [(c["name"], str(c.get("data_type", "")).upper()) for c in table["columns"]]
            key = tuple((table.get("meta") or {}).get("unique_key", []))
            tables[table.get("identifier", table["name"])] = (columns, key)
    return tables


def test_records_and_the_dbt_sources_declare_the_same_landed_tables() -> None:
    dbt = _dbt_landing_tables()
    assert sorted(dbt) == sorted(TABLES)
    for table, (columns, key) in TABLES.items():
        dbt_columns, dbt_key = dbt[table]
        assert dbt_columns == columns, table
        assert dbt_key == key, table
