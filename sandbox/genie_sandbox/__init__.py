"""A local stand-in for a Databricks workspace: system tables in DuckDB and a Genie API server."""
