"""The bundle checks of `make databricks-check` (scripts/databricks_check/bundle_check.py), fast.

Each bundle defect that once kept the job from deploying or running has a check; these tests run
the checks on the repository's bundle (must pass) and on a copy with the defect put back (must
fail), so a check that cannot fail is caught here. The Spark/dbt part of the check runs in `make
databricks-check`.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "databricks_check"))

import bundle_check  # noqa: E402

from genie_ingest import cli  # noqa: E402
from genie_ingest.settings import load_settings  # noqa: E402


@pytest.fixture(scope="module")
def bundle() -> dict:
    return bundle_check.load_bundle(ROOT)


def _job(bundle: dict) -> dict:
    return bundle["resources"]["jobs"]["genie_analytics"]


def test_bundle_jobs_validate_against_the_typed_models(bundle) -> None:
    assert bundle_check.typed_models(bundle) == []
    broken = copy.deepcopy(bundle)
    _job(broken)["tasks"][0]["dbt_task"]["comands"] = ["dbt build"]  # a typo is an error
    assert any("comands" in p for p in bundle_check.typed_models(broken))


@pytest.mark.parametrize(
    ("section", "typo"),
    [
        (("targets", "prod", "workspace"), "root_pat"),
        (("targets", "prod"), "mdoe"),
        (("targets", "dev", "variables", "schema"), "defualt"),
        (("sync",), "exlude"),
        (("variables", "catalog"), "descripton"),
        (("artifacts", "genie_ingest_wheel"), "buld"),
        ((), "target"),
    ],
    ids=lambda v: ".".join(v) if isinstance(v, tuple) else v,
)
def test_misspelled_keys_outside_resources_are_refused(bundle, section, typo) -> None:
    """Unknown fields are rejected everywhere in the bundle (the CLI's schema has
    additionalProperties: false in every section), not only inside the typed resources."""
    broken = copy.deepcopy(bundle)
    node = broken
    for key in section:
        node = node[key]
    if not isinstance(node, dict):  # a target variable given as a plain value
        parent = broken
        for key in section[:-1]:
            parent = parent[key]
        node = parent[section[-1]] = {"default": node}
    node[typo] = node.pop(next(iter(node))) if node else "x"
    where = ".".join((*section, typo))
    assert f"bundle: unknown field {where}" in bundle_check.typed_models(broken)


def test_dbt_environment_pins_what_make_test_tests(bundle) -> None:
    assert bundle_check.environment_pins(ROOT, bundle) == []
    old = copy.deepcopy(bundle)
    for job in old["resources"]["jobs"].values():  # the hourly job and genie_analytics_daily
        env = next(e for e in job["environments"] if e["environment_key"] == "dbt")
        env["spec"]["dependencies"] = ["dbt-databricks>=1.11,<1.13"]  # the original pin
    problems = bundle_check.environment_pins(ROOT, old)
    assert any("dbt-core" in p for p in problems)
    assert any("dbt-databricks" in p for p in problems)


def test_prod_target_has_root_path_and_run_as_and_dev_its_own_schema(bundle) -> None:
    assert bundle_check.targets(bundle) == []
    old = copy.deepcopy(bundle)
    old["targets"] = {
        "dev": {"mode": "development", "default": True},
        "prod": {"mode": "production"},
    }
    problems = bundle_check.targets(old)
    assert any("root_path" in p for p in problems)
    assert any("run_as" in p for p in problems)
    assert any("dev writes into prod's schema" in p for p in problems)


def test_every_variable_reaches_a_task(bundle) -> None:
    assert bundle_check.variables_used(bundle) == []
    old = copy.deepcopy(bundle)
    tasks = [t for job in old["resources"]["jobs"].values() for t in job["tasks"]]
    for task in tasks:
        if "python_wheel_task" in task:  # the original tasks: only catalog/schema, dbt only
            task["python_wheel_task"]["parameters"] = ["messages", "--config", "x.toml"]
        if "dbt_task" in task:
            task["dbt_task"]["commands"] = ["dbt build"]
            task["dbt_task"]["catalog"] = "${var.catalog}"
    problems = bundle_check.variables_used(old)
    assert any("landing_schema" in p for p in problems)
    assert any("secret_scope" in p for p in problems)


def test_wheel_tasks_get_the_bundle_variables(bundle) -> None:
    variables = bundle_check.check_variables(bundle)
    variables = {**variables, "catalog": "other_catalog"}  # `--var catalog=...` must reach it
    for task in _job(bundle)["tasks"]:
        if "python_wheel_task" in task:
            wt = task["python_wheel_task"]
            assert bundle_check._wheel_settings(ROOT, task["task_key"], wt, variables) == []
            old = {**wt, "parameters": [wt["parameters"][0], "--config", str(ROOT / "x.toml")]}
            problems = bundle_check._wheel_settings(ROOT, task["task_key"], old, variables)
            assert problems  # the original parameters carry none of the variables


def test_build_output_is_ignored_and_not_synced(bundle) -> None:
    assert bundle_check.sync_excludes(ROOT, bundle) == []
    old = copy.deepcopy(bundle)
    old.pop("sync", None)
    assert any("sync.exclude" in p for p in bundle_check.sync_excludes(ROOT, old))


def test_cli_flags_override_file_and_env_and_choose_the_secret_scope(tmp_path) -> None:
    config = tmp_path / "ingest.toml"
    config.write_text('landing_schema = "main.genie_landing"\nconcurrency = 3\n')
    args = cli.build_parser().parse_args(
        [
            "messages",
            f"--config={config}",
            "--sink=databricks",
            "--landing-schema=cat.land",
            "--analytics-schema=cat.models",
            "--warehouse-id=wh",
            "--host=https://h",
            "--secret-scope=my-scope",
        ]
    )
    read: list[str] = []
    settings = cli.settings_from_args(
        args, env={"GENIE_LANDING_SCHEMA": "env_land"}, secret_reader=read.append
    )
    assert (settings.landing_schema, settings.analytics_schema) == ("cat.land", "cat.models")
    assert (settings.sink, settings.warehouse_id, settings.sink_host) == (
        "databricks",
        "wh",
        "https://h",
    )
    assert settings.secret_scope == "my-scope" and settings.concurrency == 3


def test_secrets_are_read_from_the_configured_scope(monkeypatch) -> None:
    from genie_ingest import settings as settings_module

    scopes: list[tuple[str, str]] = []
    monkeypatch.setattr(
        settings_module,
        "_secret_from_scope",
        lambda key, scope="genie-obs": scopes.append((scope, key)) or "v",
    )
    loaded = load_settings(env={"GENIE_INGEST_SECRET_SCOPE": "team-scope"})
    assert {s for s, _ in scopes} == {"team-scope"}
    assert loaded.client_id is not None and loaded.client_id.reveal() == "v"


def test_dbt_sessions_must_say_utc(bundle) -> None:
    # Loaded by path under its own name: another test's `run` module (bench/run.py) may already
    # sit in sys.modules as "run", and then `import run` returns that one.
    spec = importlib.util.spec_from_file_location(
        "databricks_check_run", ROOT / "scripts" / "databricks_check" / "run.py"
    )
    check_run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_run)

    variables = bundle_check.check_variables(bundle)
    good = {
        "session_configuration": {"TIMEZONE": "UTC"},
        "catalog": variables["catalog"],
        "schema": variables["schema"],
        "http_path": f"/sql/1.0/warehouses/{variables['warehouse_id']}",
    }
    assert check_run.session_problems([good], variables) == []
    unpinned = {**good, "session_configuration": {}}  # the profile before the fix
    assert any("UTC" in p for p in check_run.session_problems([unpinned], variables))
    assert check_run.example_profile_problems() == []
    job_profile = bundle_check.yaml.safe_load(
        (ROOT / "resources" / "dbt_profiles" / "profiles.yml").read_text()
    )
    output = job_profile["genie_analytics"]["outputs"]["job"]
    assert output.get("session_properties") == {"TIMEZONE": "UTC"}, (
        "resources/dbt_profiles/profiles.yml: the job's dbt sessions do not pin TIMEZONE: UTC"
    )


@pytest.mark.slow
def test_snapshot_runs_once_per_job(bundle, monkeypatch) -> None:
    """The dbt commands select it once; the original second `dbt snapshot` made it twice."""
    monkeypatch.setenv("DBT_HOST", "check.cloud.databricks.com")
    monkeypatch.setenv("DBT_ACCESS_TOKEN", "check-token")
    variables = bundle_check.check_variables(bundle)
    assert bundle_check.snapshots_once(bundle, variables) == []
    old = copy.deepcopy(bundle)
    marts = next(t for t in _job(old)["tasks"] if t["task_key"] == "dbt_genie_marts")
    marts["dbt_task"]["commands"].append(
        'dbt snapshot --vars "{databricks_warehouse_id: x, databricks_catalog: main, '
        'databricks_schema: s}"'
    )
    assert any("2 times" in p for p in bundle_check.snapshots_once(old, variables))


def test_daily_models_run_once_a_day_not_every_hour(bundle) -> None:
    """The optimiser models tagged `daily` (exact multi-day windows) are left out of
    the hourly job and built by genie_analytics_daily; the days-read harness measures the
    hourly build the same way."""
    jobs = bundle["resources"]["jobs"]
    hourly = " ".join(
        c for t in _job(bundle)["tasks"] if "dbt_task" in t for c in t["dbt_task"]["commands"]
    )
    assert "--exclude source:genie_api+ tag:daily" in hourly
    daily = jobs["genie_analytics_daily"]
    assert daily["schedule"]["quartz_cron_expression"].split()[2] != "*"  # once a day
    (task,) = daily["tasks"]
    (command,) = task["dbt_task"]["commands"]
    assert command.startswith("dbt build --select tag:daily ")
    tagged = sorted(
        p.stem for p in (ROOT / "models").rglob("*.sql") if "tags=['daily']" in p.read_text()
    )
    assert tagged == [
        "genie_api_opportunity_lookup",  # the deep dive's copy of the opportunities mart
        "genie_optimization_opportunities",
        "genie_query_workloads",
        "genie_user_comparison",
        "int_query_rule_findings",
    ]
    harness = (ROOT / "bench" / "partitions_read.py").read_text()
    assert '"--exclude", "tag:daily"' in harness
