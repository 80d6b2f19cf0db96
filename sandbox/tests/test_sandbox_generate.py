"""The sandbox generator: deterministic, contract-shaped, internally consistent, honest truth.

One small sandbox is generated per module (a few seconds); every check reads it with SQL.
"""

from __future__ import annotations

import duckdb
import pytest

from genie_sandbox import generate as gen
from genie_sandbox.gen_common import DEFAULT_START_DATE, GenConfig
from genie_sandbox.schema import SYSTEM_TABLES, create_table_sql

SMALL = GenConfig(seed=11, days=4, workspaces=2, users=30, queries_per_day=1500)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    path = tmp_path_factory.mktemp("sandbox") / "system_tables.duckdb"
    gen.generate(SMALL, path)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def one(con, sql: str):
    return con.execute(sql).fetchone()[0]


# Final state of each statement: Databricks may write a statement twice; the latest row wins.
FINAL = """
    (select * from query.history
     qualify row_number() over (partition by workspace_id, statement_id
                                order by update_time desc) = 1)
"""


def planted(problem: str) -> str:
    return f"(select statement_id from sandbox_truth.planted_problems where problem = '{problem}')"


# ---------------------------------------------------------------------------------- determinism
def _checksums(path) -> dict[str, tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [f"{s}.{t}" for s, t in SYSTEM_TABLES] + [
            "sandbox_truth.genie_spaces",
            "sandbox_truth.genie_messages",
            "sandbox_truth.planted_problems",
        ]
        return {
            n: con.execute(f"select count(*), sum(hash(t)) from {n} as t").fetchone() for n in names
        }
    finally:
        con.close()


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    cfg = GenConfig(seed=3, days=2, workspaces=1, users=10, queries_per_day=400)
    gen.generate(cfg, tmp_path / "a.duckdb")
    gen.generate(cfg, tmp_path / "b.duckdb")
    gen.generate(GenConfig(**{**cfg.__dict__, "seed": 4}), tmp_path / "c.duckdb")
    a, b, c = (_checksums(tmp_path / f"{x}.duckdb") for x in "abc")
    assert a == b
    assert a["query.history"][0] > 0
    differing = [n for n in a if a[n] != c[n]]
    assert "query.history" in differing and "billing.usage" in differing


def test_cli_main_and_parquet_export(tmp_path):
    db = tmp_path / "s.duckdb"
    pq = tmp_path / "pq"
    rc = gen.main(
        ["--db", str(db), "--parquet-dir", str(pq), "--seed", "1", "--days", "1",
         "--workspaces", "1", "--queries-per-day", "200", "--last-day-queries", "321",
         "--quiet"]
    )  # fmt: skip
    assert rc == 0
    con = duckdb.connect()
    for schema, table in SYSTEM_TABLES:
        files = list((pq / schema / table).glob("*.parquet"))
        assert files, f"{schema}.{table} not exported"
    described = dict(
        con.execute(
            f"select column_name, column_type from (describe select * from "
            f"read_parquet('{pq}/query/history/*.parquet'))"
        ).fetchall()
    )
    assert described["start_time"] == "TIMESTAMP"
    usage = dict(
        con.execute(
            f"select column_name, column_type from (describe select * from "
            f"read_parquet('{pq}/billing/usage/*.parquet'))"
        ).fetchall()
    )
    assert usage["usage_quantity"] == "DECIMAL(38,18)"
    assert usage["usage_metadata"].startswith("STRUCT(")
    bulk = duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from query.history where client_application not in "
        "('dbt', 'Databricks SQL Genie Space') and execution_status <> 'RUNNING'"
    )
    assert bulk.fetchone()[0] == 321


def test_default_start_date_is_fixed():
    args = gen.build_parser().parse_args(["--db", "x.duckdb"])
    assert args.start_date == DEFAULT_START_DATE


# ------------------------------------------------------------------------------------ contract
def test_system_tables_match_the_contract(sandbox):
    ref = duckdb.connect()
    for (schema, table), _ in SYSTEM_TABLES.items():
        ref.execute(f"create schema if not exists {schema}")
        ref.execute(create_table_sql(schema, table))
        expected = ref.execute(f"describe {schema}.{table}").fetchall()
        actual = sandbox.execute(f"describe {schema}.{table}").fetchall()
        assert [(r[0], r[1]) for r in actual] == [(r[0], r[1]) for r in expected]
        assert one(sandbox, f"select count(*) from {schema}.{table}") > 0, (schema, table)


def test_truth_tables_match_contract_b(sandbox):
    def cols(table):
        return {r[0]: r[1] for r in sandbox.execute(f"describe sandbox_truth.{table}").fetchall()}

    spaces = cols("genie_spaces")
    assert list(spaces) == [
        "workspace_id", "space_id", "title", "description", "warehouse_id", "serialized_space",
        "parent_path", "etag", "create_time", "update_time", "is_forbidden",
    ]  # fmt: skip
    assert spaces["create_time"] == "TIMESTAMP" and spaces["is_forbidden"] == "BOOLEAN"
    msgs = cols("genie_messages")
    assert list(msgs) == [
        "workspace_id", "space_id", "conversation_id", "message_id", "user_id", "user_email",
        "content", "status", "created_timestamp", "last_updated_timestamp", "error_type",
        "error_message", "query_sql", "query_description", "query_title", "statement_id",
        "row_count", "text_answer", "suggested_questions", "feedback_rating", "is_deleted",
    ]  # fmt: skip
    assert msgs["user_id"] == "BIGINT" and msgs["created_timestamp"] == "BIGINT"
    assert list(cols("planted_problems")) == ["workspace_id", "statement_id", "warehouse_id",
                                              "problem"]  # fmt: skip


def test_ids_and_urls(sandbox):
    rows = sandbox.execute(
        "select workspace_id, workspace_url from access.workspaces_latest order by workspace_url"
    ).fetchall()
    assert [r[1] for r in rows] == ["http://127.0.0.1:8765", "http://127.0.0.1:8766"]
    assert all(len(r[0]) == 16 and r[0].isdigit() for r in rows)
    assert one(sandbox, "select count(distinct account_id) from access.audit") == 1
    bad = one(
        sandbox,
        "select count(*) from sandbox_truth.genie_messages where not regexp_full_match("
        "message_id, '[0-9a-f]{32}') or not regexp_full_match(conversation_id, '[0-9a-f]{32}')",
    )
    assert bad == 0
    assert one(sandbox, "select count(*) from sandbox_truth.genie_spaces where is_forbidden") == 1


# --------------------------------------------------------------------------------- consistency
def test_durations_add_up(sandbox):
    bad = one(
        sandbox,
        f"""select count(*) from {FINAL} as q
            where total_duration_ms <> waiting_for_compute_duration_ms
                + waiting_at_capacity_duration_ms + compilation_duration_ms
                + execution_duration_ms + result_fetch_duration_ms
               or end_time <> start_time + to_milliseconds(total_duration_ms)
               or update_time < end_time""",
    )
    assert bad == 0
    assert one(sandbox, "select count(*) from query.history where total_task_duration_ms = 0") > 0
    assert one(sandbox, "select count(*) from query.history where from_result_cache") > 0


def test_queries_run_only_while_the_warehouse_is_on(sandbox):
    sandbox.execute(ON_INTERVALS)
    outside = one(
        sandbox,
        """select count(*) from query.history as q
           where not exists (
               select 1 from on_iv as o
               where o.warehouse_id = q.compute.warehouse_id
                 and q.start_time >= o.on_at and q.end_time <= o.off_at)""",
    )
    assert outside == 0


ON_INTERVALS = """
create or replace temp table on_iv as
select warehouse_id, event_time as on_at,
       lead(event_time) over (partition by warehouse_id order by event_time, event_type) as off_at,
       event_type
from compute.warehouse_events
where event_type in ('STARTING', 'STOPPED')
qualify event_type = 'STARTING'
"""


def test_billing_only_for_hours_the_warehouse_was_on(sandbox):
    sandbox.execute(ON_INTERVALS)
    rows = sandbox.execute(
        """
        with u as (
            select usage_metadata.warehouse_id as warehouse_id, usage_start_time,
                   usage_end_time, usage_quantity
            from billing.usage
            where billing_origin_product = 'SQL' and record_type = 'ORIGINAL'
        ),
        on_ms as (
            select u.warehouse_id, u.usage_start_time, any_value(u.usage_quantity) as qty,
                   sum(coalesce(epoch_ms(least(o.off_at, u.usage_end_time))
                       - epoch_ms(greatest(o.on_at, u.usage_start_time)), 0)) as on_ms
            from u
            left join on_iv as o on o.warehouse_id = u.warehouse_id
                and o.on_at < u.usage_end_time and o.off_at > u.usage_start_time
            group by all
        ),
        sized as (
            select m.*, w.warehouse_size, w.max_clusters
            from on_ms as m
            join compute.warehouses as w on w.warehouse_id = m.warehouse_id
                and w.change_time <= m.usage_start_time
            qualify row_number() over (partition by m.warehouse_id, m.usage_start_time
                                       order by w.change_time desc) = 1
        )
        select warehouse_size, max_clusters, on_ms, qty::double from sized
        """
    ).fetchall()
    assert rows
    rate = {"2X_SMALL": 4, "X_SMALL": 6, "SMALL": 12, "MEDIUM": 24, "LARGE": 40, "X_LARGE": 80}
    for size, max_clusters, on_ms, qty in rows:
        assert on_ms > 0, "billed an hour in which the warehouse was off"
        clusters = qty / (on_ms / 3_600_000 * rate[size])
        assert abs(clusters - round(clusters)) < 1e-6
        assert 1 <= round(clusters) <= max_clusters


def test_billing_corrections_and_prices(sandbox):
    kinds = dict(
        sandbox.execute("select record_type, count(*) from billing.usage group by 1").fetchall()
    )
    assert kinds["RETRACTION"] == kinds["RESTATEMENT"] > 0
    neg = one(
        sandbox,
        "select count(*) from billing.usage where record_type = 'RETRACTION' "
        "and usage_quantity < 0 and ingestion_date > usage_date",
    )
    assert neg == kinds["RETRACTION"]
    products = {
        r[0]
        for r in sandbox.execute(
            "select distinct billing_origin_product from billing.usage"
        ).fetchall()
    }
    assert products == {"SQL", "JOBS", "ALL_PURPOSE"}
    changed = sandbox.execute(
        "select sku_name from billing.list_prices group by 1 having count(*) > 1"
    ).fetchall()
    assert changed == [("PREMIUM_SQL_PRO_COMPUTE",)]
    assert one(
        sandbox, "select count(*) from billing.list_prices where price_end_time is null"
    ) == one(sandbox, "select count(distinct sku_name) from billing.list_prices")


def test_scd2_entities_and_job_slices(sandbox):
    assert (
        one(sandbox, "select count(*) from compute.warehouses where delete_time is not null") == 1
    )
    resized = one(
        sandbox,
        "select count(*) from (select warehouse_id from compute.warehouses "
        "group by 1 having count(distinct warehouse_size) > 1)",
    )
    assert resized == 1
    assert one(sandbox, "select count(*) from lakeflow.jobs where delete_time is not null") == 2
    # a run longer than an hour has several slices; only the last one carries the result
    bad = one(
        sandbox,
        """select count(*) from (
               select run_id, count(*) as n, count(result_state) as with_state,
                      max(period_end_time) = max(case when result_state is not null
                                                      then period_end_time end) as last_ok
               from lakeflow.job_run_timeline group by run_id)
           where with_state <> 1 or not last_ok""",
    )
    assert bad == 0
    assert (
        one(
            sandbox,
            "select max(c) from (select count(*) as c from "
            "lakeflow.job_run_timeline group by run_id)",
        )
        > 1
    )
    jobs_billed = one(
        sandbox,
        """select count(*) from billing.usage as u
           where billing_origin_product = 'JOBS' and not exists (
               select 1 from lakeflow.job_run_timeline as t
               where t.run_id = u.usage_metadata.job_run_id
                 and t.period_start_time >= u.usage_start_time
                 and t.period_end_time <= u.usage_end_time)""",
    )
    assert jobs_billed == 0


def test_duplicates_and_late_rows(sandbox):
    dups = sandbox.execute(
        """select count(*), count(*) filter (where last_status in ('RUNNING'))
           from (select statement_id, arg_max(execution_status, update_time) as last_status
                 from query.history group by 1 having count(*) > 1)"""
    ).fetchone()
    assert dups[0] > 0 and dups[1] == 0
    late = one(
        sandbox, "select count(*) from query.history where update_time > end_time + interval 3 hour"
    )
    assert late > 0


def test_dbt_queries_are_tagged(sandbox):
    row = sandbox.execute(
        """select count(*), count(*) filter (where query_tags['dbt_model'] like 'model.%'
                                               and query_source.job_info.job_id is not null)
           from query.history where client_application = 'dbt'"""
    ).fetchone()
    assert row[0] > 0 and row[0] == row[1]


# --------------------------------------------------------------------------------------- Genie
def test_genie_statements_exist_in_query_history(sandbox):
    rows = sandbox.execute(
        """select count(*), count(q.statement_id),
                  count(*) filter (where q.query_source.genie_space_id = m.space_id
                      and q.client_application = 'Databricks SQL Genie Space'
                      and q.statement_text = m.query_sql
                      and q.compute.warehouse_id = s.warehouse_id
                      and q.executed_by = m.user_email)
           from sandbox_truth.genie_messages as m
           join sandbox_truth.genie_spaces as s using (workspace_id, space_id)
           left join query.history as q on q.statement_id = m.statement_id
           where m.statement_id is not null"""
    ).fetchone()
    assert row_ok(rows)
    statuses = {
        r[0]
        for r in sandbox.execute(
            "select distinct status from sandbox_truth.genie_messages"
        ).fetchall()
    }
    assert {"COMPLETED", "FAILED"} <= statuses
    assert statuses & {"SUBMITTED", "ASKING_AI", "EXECUTING_QUERY", "PENDING_WAREHOUSE"}


def row_ok(r) -> bool:
    return r[0] > 0 and r[0] == r[1] == r[2]


AUDIT_IDS = """
select workspace_id,
       coalesce(request_params['message_id'],
                case when json_valid(response.result)
                     then json_extract_string(response.result, '$.message_id') end) as message_id,
       any_value(user_identity.email) as email
from access.audit
where service_name = 'aibiGenie'
group by all
having message_id is not null
"""


def test_audit_ids_match_genie_messages(sandbox):
    known = "(select workspace_id from access.workspaces_latest)"
    missing = one(
        sandbox,
        f"""select count(*) from sandbox_truth.genie_messages as m
            where not exists (select 1 from ({AUDIT_IDS}) as a
                              where a.workspace_id = m.workspace_id
                                and a.message_id = m.message_id and a.email = m.user_email)""",
    )
    assert missing == 0
    extra = one(
        sandbox,
        f"""select count(*) from ({AUDIT_IDS}) as a
            where a.workspace_id in {known} and not exists (
                select 1 from sandbox_truth.genie_messages as m
                where m.workspace_id = a.workspace_id and m.message_id = a.message_id)""",
    )
    assert extra == 0
    orphan = one(sandbox, f"select count(*) from access.audit where workspace_id not in {known}")
    assert orphan > 0
    creates_only_in_result = one(
        sandbox,
        """select count(*) from access.audit
           where action_name in ('genieStartConversationMessage',
                                 'genieCreateConversationMessage', 'createConversationMessage')
             and request_params['message_id'] is not null""",
    )
    assert creates_only_in_result == 0
    messy = one(
        sandbox,
        """select count(*) from access.audit where service_name = 'aibiGenie'
           and action_name = 'createConversationMessage' and not json_valid(response.result)""",
    )
    assert messy > 0


def test_unity_catalog_reads_of_project_tables(sandbox):
    """For genie_table_reads: getTable reads of the project's marts, shaped as the audit
    log reference's example (request_params full_name_arg, workspace_id, metastore_id), some
    denied, some by a service principal (application id, no '@'), a few whose name is not
    catalog.schema.table."""

    def reads(where: str) -> int:
        return one(
            sandbox,
            "select count(*) from access.audit where service_name = 'unityCatalog' "
            f"and action_name = 'getTable' and {where}",
        )

    assert reads("request_params['full_name_arg'] like 'main.genie_analytics.genie_%'") > 0
    assert reads("response.status_code = 403 and response.error_message is not null") > 0
    assert reads("user_identity.email not like '%@%'") > 0
    assert reads("len(string_split(request_params['full_name_arg'], '.')) < 3") > 0
    assert reads("request_params['full_name_arg'] = ''") > 0
    assert reads("request_params['full_name_arg'] not like 'main.genie_analytics.%'") > 0
    documented = (
        "request_params['workspace_id'] = workspace_id and request_params['metastore_id'] <> ''"
    )
    assert (
        reads(
            f"request_params['full_name_arg'] like 'main.genie_analytics.%' and not ({documented})"
        )
        == 0
    )


# ----------------------------------------------------------------------------- planted problems
SIGNALS = {
    "SELECT_STAR": "regexp_matches(lower(statement_text), 'select\\s+\\*') and read_bytes > 1e9",
    "ORDER_BY_NO_LIMIT": "lower(statement_text) like '%order by%' "
    "and lower(statement_text) not like '%limit%'",
    "LONG_RUNNING": "total_duration_ms > 30 * 60 * 1000",
    "SPILL": "spilled_local_bytes > 0",
    "POOR_PRUNING": "read_bytes > 1e9 and pruned_files::double / (read_files + pruned_files) < 0.1",
    "QUEUEING": "waiting_at_capacity_duration_ms > 10000",
    "COLD_START": "waiting_for_compute_duration_ms > 0",
    "FAILED_BURN": "execution_status = 'FAILED' and total_task_duration_ms > 30 * 60 * 1000",
    "SMALL_FILES": "written_files > 1000 and written_bytes / written_files < 1048576",
}


@pytest.mark.parametrize("problem", sorted(SIGNALS))
def test_planted_problems_have_the_signal_and_others_do_not(sandbox, problem):
    signal = SIGNALS[problem]
    n_planted = one(sandbox, f"select count(*) from {planted(problem)}")
    assert n_planted > 0
    without = one(
        sandbox,
        f"select count(*) from {FINAL} as q "
        f"where statement_id in {planted(problem)} and not ({signal})",
    )
    assert without == 0
    false_pos = one(
        sandbox,
        f"select count(*) from {FINAL} as q "
        f"where statement_id not in {planted(problem)} and ({signal})",
    )
    assert false_pos == 0
    total = one(sandbox, "select count(distinct statement_id) from query.history")
    # cold starts follow traffic density: a small sandbox's 5-minute serverless warehouses
    # stop between most bursts, so their share is higher than in a busy account
    limit = 0.25 if problem == "COLD_START" else 0.08
    assert n_planted / total < limit, f"{problem} is planted too often"


def test_repeated_uncached_and_pruning_margins(sandbox):
    repeated = sandbox.execute(
        f"""select statement_text, count(*) as n,
                   count(*) filter (where statement_id in {planted("REPEATED_UNCACHED")}) as p
            from {FINAL} as q
            where not from_result_cache and statement_type = 'SELECT'
            group by 1 having count(*) >= 5"""
    ).fetchall()
    assert repeated and all(n == p for _, n, p in repeated)
    # good large scans prune well, so a 0.1 threshold has a wide margin
    worst = one(
        sandbox,
        f"""select min(pruned_files::double / (read_files + pruned_files)) from {FINAL} as q
            where read_bytes > 536870912 and statement_id not in {planted("POOR_PRUNING")}""",
    )
    assert worst >= 0.4
    idle = sandbox.execute(
        """select w.auto_stop_minutes from sandbox_truth.planted_problems as p
           join compute.warehouses as w using (warehouse_id)
           where p.problem = 'IDLE_WAREHOUSE'"""
    ).fetchall()
    assert idle and all(r[0] >= 60 for r in idle)
    others = one(
        sandbox,
        """select max(auto_stop_minutes) from compute.warehouses where warehouse_id not in
           (select warehouse_id from sandbox_truth.planted_problems
            where problem = 'IDLE_WAREHOUSE')""",
    )
    assert others <= 15


def test_the_sandbox_start_date_has_one_definition() -> None:
    """The Makefile hands the sandbox's first day to dbt (GENIE_START_DATE); it must be the
    generator's DEFAULT_START_DATE, the one definition the benchmark and the tests import."""
    import re
    from pathlib import Path

    from genie_sandbox.gen_common import DEFAULT_START_DATE

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    (value,) = re.findall(r"^export GENIE_START_DATE \?= (\S+)$", makefile, flags=re.M)
    assert value == DEFAULT_START_DATE.isoformat()
