"""The governance policy checks in `make databricks-check` (scripts/databricks_check), fast.

* The column-mask invariant (run.mask_problems): a masked mart's table is never created or
  replaced without each masked column's MASK in the same statement.
* The MASK clause reader (fake_dbsql.column_masks_in / strip_mask_clauses).
* The policy function bodies are analysed by local Spark with the stand-in
  is_account_group_member (fake_dbsql._analyse_function): a wrong name or arity fails.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "databricks_check"))

from fake_dbsql import Statement, column_masks_in, strip_mask_clauses  # noqa: E402


def _run_module():
    # By path: another module named "run" may already be imported.
    spec = importlib.util.spec_from_file_location(
        "databricks_check_run_policies", ROOT / "scripts" / "databricks_check" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MART = "main.genie_analytics.genie_query_performance"
MASKS = {"query_text": "genie_mask_text", "user_id": "genie_mask_email"}


def _created(sql: str, columns: list[str], name: str = MART) -> Statement:
    return Statement("first", sql, kind="ddl", created=name, columns=columns)


def test_ctas_without_masks_is_a_problem() -> None:
    run = _run_module()
    ctas = _created(
        f"create or replace table {MART} using delta as select 'x' as query_text, 'a@b' as user_id",
        ["query_text", "user_id"],
    )
    problems = run.mask_problems([ctas], {MART}, MASKS)
    assert len(problems) == 2
    assert "without MASK genie_mask_text on column query_text" in problems[0]


def test_create_with_each_mask_in_the_statement_passes() -> None:
    run = _run_module()
    create = _created(
        '/* {"app": "dbt", "node_id": "model.genie_analytics.genie_query_performance"} */ '
        "create or replace table `main`.`genie_analytics`.`genie_query_performance` ("
        "`query_text` string MASK main.genie_analytics.genie_mask_text, "
        "`user_id` string MASK main.genie_analytics.genie_mask_email, `n` decimal(38, 2)"
        ") using delta with row filter `main`.`genie_analytics`.`genie_workspace_row_filter` "
        "ON (`workspace_id`) tblproperties ('delta.enableDeletionVectors' = 'true')",
        ["query_text", "user_id", "n"],
    )
    assert run.mask_problems([create], {MART}, MASKS) == []


def test_wrong_mask_missing_mask_and_nothing_checked_are_problems() -> None:
    run = _run_module()
    swapped = _created(
        f"create table if not exists {MART}_archive ("
        "`query_text` string MASK main.genie_analytics.genie_mask_email, `user_id` string)",
        ["query_text", "user_id"],
        name=MART + "_archive",
    )
    problems = run.mask_problems([swapped], {MART + "_archive"}, MASKS)
    assert len(problems) == 2  # the wrong function on query_text, none on user_id
    # A table outside the masked set is not checked; nothing checked at all is a problem.
    other = _created("create table main.genie_landing.x as select 1 as user_id", ["user_id"])
    other.created = "main.genie_landing.x"
    assert run.mask_problems([other], {MART}, MASKS) == [
        "column mask: no statement created a masked column of a masked model"
    ]


def test_mask_clause_reader() -> None:
    sql = (
        "create or replace table t (`a` string COMMENT 'mask x' MASK s.f, "
        "`b` struct<x: int, y: string> MASK `c`.`s`.`g` USING COLUMNS (a, 'k'), `c` int) "
        "using delta comment 'we mask things'"
    )
    assert column_masks_in(sql) == {"a": "s.f", "b": "c.s.g"}
    assert strip_mask_clauses(sql) == (
        "create or replace table t (`a` string COMMENT 'mask x', "
        "`b` struct<x: int, y: string>, `c` int) using delta comment 'we mask things'"
    )
    assert column_masks_in("create or replace table t using delta as select 1 as a") == {}


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    pyspark = pytest.importorskip("pyspark.sql")
    work = tmp_path_factory.mktemp("spark_policies")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        pyspark.SparkSession.builder.master("local[1]")
        .appName("genie_analytics-policy-functions-test")
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_policy_function_bodies_are_analysed(spark) -> None:
    from fake_dbsql import _analyse_function

    local = SimpleNamespace(spark=spark)
    good = (
        "create or replace function main.genie_analytics.genie_mask_text(text_value string)\n"
        "returns string\ncomment 'c'\nreturn case when current_user() = 'dbt' or "
        "is_account_group_member('privileged') then text_value when text_value is null "
        "then null else '[masked]' end"
    )
    st = Statement("first", good)
    _analyse_function(local, st, good, "main.genie_analytics.genie_mask_text")
    assert st.analysed
    for bad, error in [
        (good.replace("is_account_group_member(", "is_account_group_membr("), "ROUTINE"),
        (good.replace("'privileged')", "'privileged', 'x')"), "is_account_group_member"),
        (good.replace("then text_value when", "then no_such_param when"), "no_such_param"),
    ]:
        with pytest.raises(Exception, match=error):
            _analyse_function(local, Statement("first", bad), bad, "main.s.genie_mask_text")


def test_catalog_rewrite_reads_comments_as_comments() -> None:
    """A comment's apostrophe is not a quote: the three-part name after it is still rewritten
    (a `-- the run's start` comment once hid a ref from the rewrite, and Spark refused the
    view: REQUIRES_SINGLE_PART_NAMESPACE). Literals and comments themselves stay unchanged."""
    from local_spark import LocalSpark

    local = LocalSpark(spark=None, target_catalog="main")
    sql = (
        "select least(max(h), cast('2026-11-30' as timestamp))\n"
        "    -- capped at the run's start\n"
        "from `main`.`genie_analytics`.`stg_system__billing_usage`\n"
        "/* the model's own 'main.x.y' */ join system.billing.list_prices p\n"
        "where note = 'main.genie_analytics.kept' -- main.genie_analytics.kept too\n"
    )
    assert local.to_local(sql) == (
        "select least(max(h), cast('2026-11-30' as timestamp))\n"
        "    -- capped at the run's start\n"
        "from spark_catalog.`genie_analytics`.`stg_system__billing_usage`\n"
        "/* the model's own 'main.x.y' */ join spark_catalog.billing.list_prices p\n"
        "where note = 'main.genie_analytics.kept' -- main.genie_analytics.kept too\n"
    )


def test_mask_clauses_are_read_outside_comments_only() -> None:
    """A comment's apostrophe does not hide the MASK clause after it, and a comment's words
    ("mask the e-mail") are not a clause."""
    sql = (
        "create or replace table t (\n"
        "  -- the asker's e-mail: mask the e-mail outside the privileged group\n"
        "  user_id string MASK main.genie_analytics.genie_mask_email,\n"
        "  note string /* don't mask this */\n"
        ") using delta"
    )
    assert strip_mask_clauses(sql) == (
        "create or replace table t (\n"
        "  -- the asker's e-mail: mask the e-mail outside the privileged group\n"
        "  user_id string,\n"
        "  note string /* don't mask this */\n"
        ") using delta"
    )
