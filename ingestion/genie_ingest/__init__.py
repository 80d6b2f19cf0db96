"""genie_ingest: the Python companion of the genie_analytics dbt project.

It lands Genie (AI/BI) message content from the Genie REST API into tables that dbt reads.
The local sandbox that plays a Databricks workspace is a separate package (genie_sandbox).
"""

__version__ = "0.1.0"
