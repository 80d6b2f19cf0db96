"""`make databricks-check`: the Databricks path of this project, proven offline (no account).

What it does, in one process and one local Spark session:

1. **dbt on the real dbt-databricks adapter**, twice (a first build, then an incremental build
   over the relations the first one created), with only ``databricks.sql.connect`` stubbed
   (``fake_dbsql.py``): every statement the adapter's macros and materializations send is
   recorded and analysed by local Spark against EMPTY tables with the system tables' documented
   shapes, the landing tables' shapes and each model's own derived schema (``local_spark.py``).
   dbt runs the job's own command lines, read from ``resources/genie_analytics_job.yml`` with the
   bundle's variables substituted, and the job's own profile (``resources/dbt_profiles``).
2. **The Databricks sink of genie-ingest**, driven through its public methods with a recording
   ``statement_execution`` (``sink_capture.py``); each statement is analysed by Spark with its
   named parameters bound as the warehouse binds them.
3. **Every statement parses** with sqlglot's ``databricks`` dialect.
4. **The bundle** validates against the typed models of ``databricks-bundles`` and its wheel
   tasks, environments and variables are checked (``bundle_check.py``).

Prints one summary line and exits non-zero on any failure, listing each one above it.
Hand-written: it only wires the real adapter, Spark, sqlglot and databricks-bundles together.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from unittest import mock

from genie_sandbox.gen_common import DEFAULT_START_DATE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import bundle_check  # noqa: E402
import sink_capture  # noqa: E402
from fake_dbsql import (  # noqa: E402
    Recorder,
    Statement,
    _answer,
    _explain,
    column_masks_in,
    strip_mask_clauses,
)
from local_spark import LocalSpark, spark_session  # noqa: E402

# Statements that only name things (no data read) need not be analysed; they are still parsed.
EXPECTED_TIMEZONE = "UTC"


def parse_failures(statements: list[str]) -> list[tuple[str, str]]:
    """(statement, error) for each statement sqlglot's databricks dialect cannot parse."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    failures = []
    for sql in statements:
        try:
            # sqlglot 30 has no Databricks column MASK clause: parsed without it (the clause
            # itself must match its documented grammar, fake_dbsql.MASK_CLAUSE, to be removed).
            sql = strip_mask_clauses(sql)
            sqlglot.parse(sql, read="databricks", error_level=sqlglot.ErrorLevel.RAISE)
        except (ParseError, TokenError) as exc:
            failures.append((sql, str(exc).splitlines()[0][:300]))
    return failures


def masked_relations(manifest_path: Path) -> set[str]:
    """``catalog.schema.table`` (lower case) of every model that carries the column masks (its
    post-hooks include apply_column_masks, dbt_project.yml) and is a table, plus the retention
    archive of each such model with apply_retention."""
    import json

    manifest = json.loads(manifest_path.read_text())
    names: set[str] = set()
    for node in manifest["nodes"].values():
        config = node.get("config") or {}
        if node["resource_type"] != "model" or config.get("materialized") not in {
            "table",
            "incremental",
        }:
            continue
        hooks = " ".join(hook.get("sql", "") for hook in config.get("post-hook") or [])
        if "apply_column_masks" not in hooks:
            continue
        name = f"{node['database']}.{node['schema']}.{node.get('alias') or node['name']}".lower()
        names.add(name)
        if "apply_retention" in hooks:
            names.add(name + "_archive")
    return names


def mask_functions(project_file: Path) -> dict[str, str]:
    """{lower-case column: mask function name} from dbt_project.yml's governance vars."""
    import yaml

    variables = yaml.safe_load(project_file.read_text())["vars"]
    masks = {c.lower(): "genie_mask_text" for c in variables["governance_masked_text_columns"]}
    for column in variables["governance_masked_email_columns"]:
        masks[column.lower()] = "genie_mask_email"
    return masks


def mask_problems(
    statements: list[Statement], relations: set[str], masks: dict[str, str]
) -> list[str]:
    """The masking invariant: a masked model's table (or its archive) is never created or
    replaced without the mask of each of its masked columns IN THE SAME STATEMENT (a later
    ``ALTER ... SET MASK`` leaves a window in which the new table is readable unmasked).

    For every recorded statement that created one of ``relations`` (its columns as Spark
    created them), each column named in ``masks`` must carry ``MASK <schema>.<function>`` in
    the statement's column list. Also a problem: no such column checked at all (the invariant
    would hold vacuously)."""
    problems: list[str] = []
    checked = 0
    for st in statements:
        if st.created is None or st.created not in relations:
            continue
        declared = column_masks_in(st.sql)
        for column in st.columns:
            want = masks.get(column.lower())
            if want is None:
                continue
            checked += 1
            got = declared.get(column.lower())
            if got is None or got.split(".")[-1].lower() != want:
                problems.append(
                    f"column mask ({st.phase}): {st.created} is created without MASK {want} on "
                    f"column {column} in the same statement (found: {got})\n      "
                    f"{_short(st.sql)}"
                )
    if not checked:
        problems.append("column mask: no statement created a masked column of a masked model")
    return problems


def run_dbt(args: list[str]) -> tuple[bool, str]:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    message = "" if result.exception is None else str(result.exception).splitlines()[0]
    return bool(result.success), message


def _spark_value(value: str | None, sql_type: str | None):
    """A bound parameter as the warehouse types it (``StatementParameterListItem.type``)."""
    import datetime as dt

    if value is None:
        return None
    kind = (sql_type or "STRING").upper()
    if kind in {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT"}:
        return int(value)
    if kind in {"DOUBLE", "FLOAT"}:
        return float(value)
    if kind == "BOOLEAN":
        return value.lower() == "true"
    if kind == "DATE":
        return dt.date.fromisoformat(value)
    if kind == "TIMESTAMP":
        return dt.datetime.fromisoformat(value)
    return value


def sink_answer(local: LocalSpark, analysed: list[tuple[str, str | None]]):
    """Analyse each sink statement on Spark (parameters bound) and answer with its rows."""

    ddl = Recorder(local=local, phase="sink")

    def answer(captured: sink_capture.Captured) -> list[list]:
        args = {k: _spark_value(v, t) for k, (v, t) in captured.parameters.items()}
        st = Statement("sink", captured.sql)
        rows: list[list] = []
        try:
            sql = local.to_local(captured.sql.strip())
            first = sql.split(None, 1)[0].lower()
            if first in {"select", "with"}:
                st.kind = "query"
                df = local.spark.sql(sql, args=args)
                rows = [[None if v is None else str(v) for v in r] for r in df.collect()]
            elif first in {"merge", "update", "insert", "delete"}:
                st.kind = "write"
                _explain(local.spark, sql, args)
            else:  # DDL: create schema / table (the landing tables), as for dbt's statements
                _answer(ddl, st)
        except Exception as exc:  # the analysis error is the finding
            st.error = str(exc).strip().splitlines()[0][:400]
        captured.error = st.error
        analysed.append((captured.sql, st.error))
        return rows

    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=ROOT / "data" / "databricks_check")
    parser.add_argument(
        "--skip-resolve",
        action="store_true",
        help="do not ask PyPI to resolve the job environments (offline development only)",
    )
    parser.add_argument(
        "--sink-only",
        action="store_true",
        help="only the sink's statements, on landing tables it creates itself and an empty "
        "genie_messages_to_fetch shaped from its YAML (quick look at a sink change; no dbt)",
    )
    parser.add_argument(
        "--bundle-only",
        action="store_true",
        help="only the bundle checks (typed models, targets, variables, wheel tasks, sync, "
        "environments; no dbt, no Spark)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()

    import logging

    # Spark logs each analysis error it raises, sqlglot each statement it keeps as a Command
    # (SHOW, OPTIMIZE): the check reports failures itself, once.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)

    # The job as the bundle deploys it (prod target): variables, dbt command lines, profile.
    bundle = bundle_check.load_bundle(ROOT)
    variables = bundle_check.check_variables(bundle)
    env = {
        # A dbt task with a custom profile gets these two from Databricks.
        "DBT_HOST": "databricks-check.invalid",  # reserved name: never resolves
        "DBT_ACCESS_TOKEN": "check-token",
        "GENIE_START_DATE": os.environ.get("GENIE_START_DATE", DEFAULT_START_DATE.isoformat()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    with mock.patch.dict(os.environ, env):
        if args.bundle_only:
            problems = bundle_check.check_bundle(ROOT, bundle, variables, not args.skip_resolve)
            for problem in problems:
                print(f"  FAIL {problem}", file=sys.stderr)
            print(f"databricks-check --bundle-only: {len(problems)} problems")
            return 1 if problems else 0
        shutil.rmtree(args.work_dir, ignore_errors=True)
        local = LocalSpark(spark_session(args.work_dir), variables["catalog"])
        local.create_system_tables()
        recorder = Recorder(local=local)
        if args.sink_only:
            return sink_only(local, variables)
        failures, counts = check(args, local, recorder, variables, bundle)
    for failure in failures:
        print(f"  FAIL {failure}", file=sys.stderr)
    print(
        f"databricks-check: statements checked {counts['first']} first build / "
        f"{counts['incremental']} incremental / {counts['sink']} sink "
        f"({counts['analysed']} analysed by Spark, {counts['sessions']} dbt sessions); "
        f"parse failures {counts['parse']}, analysis failures {counts['analysis']}, "
        f"column mask problems {counts['masks']}; "
        f"bundle {'ok' if not counts['bundle'] else str(counts['bundle']) + ' problems'}; "
        f"{time.monotonic() - started:.0f} s"
    )
    return 1 if failures else 0


def check(args, local: LocalSpark, recorder: Recorder, variables, bundle):
    failures: list[str] = []
    catalog, schema = variables["catalog"], variables["schema"]
    landing = variables["landing_schema"]
    target_path = args.work_dir / "target"
    with mock.patch("databricks.sql.connect", recorder.connect):
        for phase in ("first", "incremental"):
            recorder.phase = phase
            for task_key, command in bundle_check.dbt_commands(bundle, variables):
                cli = [*command, "--target-path", str(target_path / phase)]
                if phase == "incremental":
                    # Only models, seeds and snapshots send different SQL once their relations
                    # exist; data and unit tests send the same statements as in the first build
                    # (checked there), so the second pass leaves them out to save minutes.
                    cli += [
                        "--exclude-resource-type",
                        "test",
                        "--exclude-resource-type",
                        "unit_test",
                    ]
                cli += ["--log-path", str(args.work_dir / "logs")]
                ok, message = run_dbt(cli)
                if not ok:
                    failures.append(f"dbt ({phase} build, task {task_key}) failed: {message}")

    # Every dbt session the job opens is pinned to UTC, and lands where the bundle says.
    failures += session_problems(recorder.connect_kwargs, variables)
    failures += example_profile_problems()

    # The sink, on the tables dbt created (genie_messages_to_fetch and the landing tables).
    sink_analysed: list[tuple[str, str | None]] = []
    se = sink_capture.RecordingStatementExecution(answer=sink_answer(local, sink_analysed))
    try:
        sink_capture.drive_sink(se, f"{catalog}.{schema}", f"{catalog}.{landing}")
    except Exception as exc:  # a sink that cannot be driven is a failure
        failures.append(f"driving DatabricksSink failed: {type(exc).__name__}: {exc}")
    failures += bundle_check.landing_shape_problems(local, landing)

    statements = recorder.statements
    parse = parse_failures([s.sql for s in statements] + [c.sql for c in se.calls])
    analysis = [(s.phase, s.sql, s.error) for s in statements if s.error]
    analysis += [("sink", sql, err) for sql, err in sink_analysed if err]
    for sql, err in parse:
        failures.append(f"sqlglot cannot parse: {err}\n      {_short(sql)}")
    for phase, sql, err in analysis:
        failures.append(f"Spark analysis ({phase}): {err}\n      {_short(sql)}")

    # Masks are part of every CREATE of a masked table (column_masks_at_create.sql).
    masking = mask_problems(
        statements,
        masked_relations(target_path / "first" / "manifest.json"),
        mask_functions(ROOT / "dbt_project.yml"),
    )
    failures += masking

    bundle_problems = bundle_check.check_bundle(ROOT, bundle, variables, not args.skip_resolve)
    failures += bundle_problems
    counts = {
        "first": sum(1 for s in statements if s.phase == "first"),
        "incremental": sum(1 for s in statements if s.phase == "incremental"),
        "sink": len(se.calls),
        "analysed": sum(1 for s in statements if s.analysed)
        + sum(1 for _, err in sink_analysed if err is None),
        "sessions": len(recorder.connect_kwargs),
        "parse": len(parse),
        "analysis": len(analysis),
        "bundle": len(bundle_problems),
        "masks": len(masking),
    }
    return failures, counts


def sink_only(local: LocalSpark, variables: dict[str, str]) -> int:
    """``--sink-only``: the sink's statements alone (see the flag's help)."""
    import yaml

    catalog, schema = variables["catalog"], variables["schema"]
    landing = variables["landing_schema"]
    spec = yaml.safe_load((ROOT / "models" / "marts" / "genie" / "_genie__models.yml").read_text())
    model = next(m for m in spec["models"] if m["name"] == sink_capture.TO_FETCH)
    cols = ", ".join(
        f"{c['name']} {'timestamp' if c['name'].endswith('_at') else 'string'}"
        for c in model["columns"]
    )
    local.spark.sql(f"create database if not exists {schema}")
    local.spark.sql(f"create table {schema}.{sink_capture.TO_FETCH} ({cols}) using parquet")
    analysed: list[tuple[str, str | None]] = []
    se = sink_capture.RecordingStatementExecution(answer=sink_answer(local, analysed))
    sink_capture.drive_sink(se, f"{catalog}.{schema}", f"{catalog}.{landing}")
    errors = [(sql, err) for sql, err in analysed if err]
    for sql, err in errors:
        print(f"  FAIL Spark analysis (sink): {err}\n      {_short(sql)}", file=sys.stderr)
    print(f"databricks-check --sink-only: {len(se.calls)} sink statements, {len(errors)} failures")
    return 1 if errors else 0


def session_problems(connect_kwargs: list[dict], variables: dict[str, str]) -> list[str]:
    """What each dbt session of the job is opened with."""
    problems = []
    if not connect_kwargs:
        return ["dbt opened no Databricks session"]
    for kwargs in connect_kwargs:
        config = kwargs.get("session_configuration") or {}
        session = {k.upper(): str(v).upper() for k, v in config.items()}
        if session.get("TIMEZONE") != EXPECTED_TIMEZONE:
            problems.append(f"dbt session time zone not pinned to UTC: {config}")
            break
    kwargs = connect_kwargs[0]
    expected = {"catalog": variables["catalog"], "schema": variables["schema"]}
    got = {k: kwargs.get(k) for k in expected}
    if got != expected:
        problems.append(f"dbt connects to {got}, the bundle variables say {expected}")
    if not str(kwargs.get("http_path", "")).endswith("/" + variables["warehouse_id"]):
        problems.append(f"dbt http_path {kwargs.get('http_path')} is not the bundle's warehouse")
    return problems


def example_profile_problems() -> list[str]:
    """profiles.yml.example's databricks output pins UTC too (people copy it)."""
    import yaml

    profile = yaml.safe_load((ROOT / "profiles.yml.example").read_text())
    outputs = profile["genie_analytics"]["outputs"]
    props = {
        k.upper(): str(v).upper()
        for k, v in (outputs["databricks"].get("session_properties") or {}).items()
    }
    if props.get("TIMEZONE") != EXPECTED_TIMEZONE:
        return [
            "profiles.yml.example: its databricks output does not pin session_properties "
            "TIMEZONE: UTC"
        ]
    return []


def _short(sql: str, limit: int = 300) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= limit else flat[:limit] + " ..."


if __name__ == "__main__":
    raise SystemExit(main())
