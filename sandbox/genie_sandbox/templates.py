"""The generator's SQL: named files under ``sql/<step>/``, rendered with ``str.format``.

Each step is a folder; its statements run in file-name order (``01_...sql``, ``02_...sql``).
A statement names what it needs as ``{placeholder}``: the run's configuration
(``GenConfig.sql_params``: ``{seed}``, ``{start_ms}``, ``{queries_per_day}``, ...), a salt from
the registry (``{salt_bulk_query_status}``, see salts.py), a value spelled once in Python below
(a system table's column type from schema.py, a list of names), or a fragment of SQL that several
statements share (``sql/fragments/<name>.sql``, pasted where a statement names ``{<name>}``).
Every placeholder is supplied and every parameter is used (sandbox/tests/test_sandbox_sql.py).
Literal braces in SQL (JSON text) are doubled, as ``str.format`` wants: ``'{{"a": 1}}'``.

The steps:

``macros``
    The seeded random-draw macros (u01, nrm, lognorm, ids) every other statement uses.
``entities``
    The account's entities, small temp tables the later steps join to: workspaces, users,
    warehouses, clusters, jobs, tables, prices. The special cases sit at fixed places so tests and
    docs can name them: workspace 0's warehouse 0 (PRO) is resized one size up a third into the
    period; the last workspace's warehouse 2 (CLASSIC) is deleted half-way through; workspace 0's
    warehouse 3 (SERVERLESS) keeps auto_stop_minutes = 120 (the IDLE_WAREHOUSE problem).
``activity``
    What happens in the account: job runs, dbt and Genie queries, the bulk of ad-hoc queries.
    Every query source produces rows of one numeric shape (``q_all``), so warehouse uptime is
    derived from all of them at once with gaps-and-islands (``q_timed``): a warehouse starts when
    a query arrives while it is off, stays on while queries keep arriving within
    ``auto_stop_minutes`` of the last one finishing, and queries that arrive while it starts wait
    for compute. The bulk queries' problem classes (``problem_class``) are planted here; their codes
    are ``PROBLEMS[problem_class - 1]``.
``query_history``
    ``system.query.history`` from ``q_timed``: statement text that matches the planted problem
    (``select *`` only on SELECT_STAR rows, ``order by`` without ``limit`` only on
    ORDER_BY_NO_LIMIT rows, ``current_date()`` texts repeated only on REPEATED_UNCACHED rows), the
    client and ``query_source`` of each source, dbt ``query_tags``, an earlier RUNNING snapshot
    for a few statements and late-arriving updates.
``compute``
    Compute, jobs and billing, all from the same uptime intervals: a warehouse is billed for
    exactly the minutes ``wh_on`` says it was on (start-up, queries, idle minutes until
    auto-stop), per clock hour, times the DBU rate of its size at that hour, times the cluster
    count of that hour; ``warehouse_events`` come from the same intervals, job-cluster billing
    from the same run slices as ``lakeflow.job_run_timeline``.
``genie``
    The Genie ground truth (schema ``sandbox_truth``) and ``system.access.audit``. Audit rows
    follow the documented rows of service ``aibiGenie``: create/start actions carry the new
    message's ids only in ``response.result`` JSON, get/feedback/comment actions in
    ``request_params``. Messy rows on purpose: a UI ``createConversation`` without a message id,
    create rows whose result is not JSON (their messages stay discoverable through get rows), get
    rows missing ``message_id``, 429 API attempts, Genie rows from a workspace not in
    ``workspaces_latest``; besides Genie, Unity Catalog ``getTable`` reads of this project's
    tables (``full_name_arg``), some denied, some by a service principal, a few with names that
    are not ``catalog.schema.table``.
"""

from __future__ import annotations

from importlib.resources import files
from string import Formatter

from .gen_common import SIZE_CORES, SIZE_DBU, SIZES, GenConfig
from .salts import salt_params
from .schema import SYSTEM_TABLES

STEPS = ("macros", "entities", "activity", "query_history", "compute", "genie")

SQL_DIR = files("genie_sandbox") / "sql"

# Problem codes of the bulk queries' classes: problem_class = 1 + the index.
PROBLEMS = [
    "SELECT_STAR",
    "ORDER_BY_NO_LIMIT",
    "LONG_RUNNING",
    "SPILL",
    "POOR_PRUNING",
    "QUEUEING",
    "FAILED_BURN",
    "REPEATED_UNCACHED",
    "SMALL_FILES",
]

# Tables users query. tier 0 = big fact (>1 TB, date partitioned), 1 = medium, 2 = small dims.
QUERIED_TABLES: list[tuple[str, int]] = [
    ("main.sales.orders", 0),
    ("main.web.events", 0),
    ("main.web.clickstream", 0),
    ("main.finance.transactions", 0),
    ("main.web.page_views", 0),
    ("main.iot.sensor_readings", 0),
    ("main.sales.order_items", 1),
    ("main.crm.customers", 1),
    ("main.marketing.campaign_touches", 1),
    ("main.finance.invoices", 1),
    ("main.support.tickets", 1),
    ("main.product.inventory_snapshots", 1),
    ("main.hr.timesheets", 1),
    ("main.logistics.shipments", 1),
    ("main.ref.countries", 2),
    ("main.ref.currencies", 2),
    ("main.sales.regions", 2),
    ("main.product.products", 2),
    ("main.crm.segments", 2),
    ("main.marketing.channels", 2),
    ("main.hr.departments", 2),
    ("main.ref.calendar", 2),
    ("main.finance.cost_centers", 2),
    ("main.logistics.carriers", 2),
]

FIRST_NAMES = [
    "olivia", "liam", "emma", "noah", "ava", "mateo", "sofia", "lucas", "mia", "ethan",
    "amara", "kenji", "priya", "omar", "ines", "jonas", "chloe", "ravi", "lena", "diego",
]  # fmt: skip
LAST_NAMES = [
    "smith", "garcia", "mueller", "chen", "patel", "kowalski", "rossi", "dubois", "silva", "kim",
    "nguyen", "haddad", "jensen", "okafor", "tanaka", "novak", "murphy", "costa", "berg", "ali",
]  # fmt: skip

# Columns the bulk queries' statement texts group by and sum.
DIMENSION_COLUMNS = ["region", "channel", "country_code", "device_type", "segment", "status"]
MEASURE_COLUMNS = ["amount", "quantity", "revenue_usd", "duration_s", "cost_usd"]

UI_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
API_USER_AGENT = "databricks-sdk-py/0.117.0 python/3.11.9 os/linux auth/pat"

# query_source.job_info's type (the contract's struct, which schema.py nests in query_source).
QUERY_JOB_INFO_TYPE = "STRUCT(job_id VARCHAR, job_run_id VARCHAR, job_task_run_id VARCHAR)"

# The SQL files cast nested literals to the contract's DuckDB types (schema.py, the one
# declaration of the system tables): placeholder -> (schema, table, column).
COLUMN_TYPES = {
    "query_source_type": ("query", "history", "query_source"),
    "query_compute_type": ("query", "history", "compute"),
    "usage_metadata_type": ("billing", "usage", "usage_metadata"),
    "identity_metadata_type": ("billing", "usage", "identity_metadata"),
    "product_features_type": ("billing", "usage", "product_features"),
    "pricing_type": ("billing", "list_prices", "pricing"),
    "trigger_type": ("lakeflow", "jobs", "trigger"),
    "health_rules_type": ("lakeflow", "jobs", "health_rules"),
    "deployment_type": ("lakeflow", "jobs", "deployment"),
    "job_run_compute_type": ("lakeflow", "job_run_timeline", "compute"),
    "job_parameters_type": ("lakeflow", "job_run_timeline", "job_parameters"),
    "aws_attributes_type": ("compute", "clusters", "aws_attributes"),
    "audit_user_identity_type": ("access", "audit", "user_identity"),
    "audit_response_type": ("access", "audit", "response"),
    "audit_identity_metadata_type": ("access", "audit", "identity_metadata"),
}

FRAGMENTS = ("query_columns", "bulk_metrics", "bulk_statement_text", "timed_query_metrics")


def sql_list(items: list) -> str:
    """A DuckDB list literal: ``['a', 'b']`` for strings, ``[1, 2]`` for numbers."""
    return "[" + ", ".join(f"'{x}'" if isinstance(x, str) else str(x) for x in items) + "]"


def column_type(schema: str, table: str, column: str) -> str:
    """The contract's DuckDB type of one system table column (schema.py)."""
    return dict(SYSTEM_TABLES[(schema, table)])[column]


def statement_files(step: str) -> list:
    """The ``.sql`` files of one step, in the order they run."""
    return sorted(
        (f for f in (SQL_DIR / step).iterdir() if f.name.endswith(".sql")), key=lambda f: f.name
    )


def fragment_text(name: str) -> str:
    """A fragment's SQL without its leading ``--`` comment lines (it is pasted mid-statement)."""
    lines = (SQL_DIR / "fragments" / f"{name}.sql").read_text().splitlines()
    while lines and lines[0].startswith("--"):
        lines.pop(0)
    return "\n".join(lines)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a template (doubled braces are literal, not fields)."""
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def template_params(cfg: GenConfig) -> dict[str, object]:
    """Everything a statement may name: configuration, salts, constants, types, fragments."""
    params: dict[str, object] = {
        **cfg.sql_params(),
        **salt_params(),
        "queried_tables": ", ".join(
            f"({i}, '{name}', {tier})" for i, (name, tier) in enumerate(QUERIED_TABLES)
        ),
        "all_table_names": sql_list([name for name, _ in QUERIED_TABLES]),
        "big_table_names": sql_list([name for name, tier in QUERIED_TABLES if tier == 0]),
        "first_names": sql_list(FIRST_NAMES),
        "last_names": sql_list(LAST_NAMES),
        "dimension_columns": sql_list(DIMENSION_COLUMNS),
        "measure_columns": sql_list(MEASURE_COLUMNS),
        "warehouse_sizes": sql_list(SIZES),
        "warehouse_size_dbu": sql_list([SIZE_DBU[s] for s in SIZES]),
        "warehouse_size_cores": sql_list([SIZE_CORES[s] for s in SIZES]),
        "problem_codes": sql_list(PROBLEMS),
        "ui_user_agent": UI_USER_AGENT,
        "api_user_agent": API_USER_AGENT,
        "query_job_info_type": QUERY_JOB_INFO_TYPE,
        **{name: column_type(*where) for name, where in COLUMN_TYPES.items()},
    }
    # fragments are rendered with the same parameters, then pasted whole
    for name in FRAGMENTS:
        params[name] = fragment_text(name).format_map(params)
    return params


def rendered_steps(cfg: GenConfig) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per step, (file name, rendered SQL) of each statement, in the order they run."""
    params = template_params(cfg)
    return [
        (step, [(f.name, f.read_text().format_map(params)) for f in statement_files(step)])
        for step in STEPS
    ]
