"""genie_analytics_api: the HTTP API over the marts (query performance by query id,
dashboard metrics by workspace and dates), and the alert sender.

Separate from genie_ingest (nothing here imports it, nor it this) so the Databricks App's source
folder (``app/``) is self-contained: ``app.yaml``, ``requirements.txt`` and this package.
"""
