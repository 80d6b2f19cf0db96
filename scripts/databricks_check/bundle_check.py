"""Checks of the Databricks Asset Bundle (``databricks.yml`` + ``resources/*.yml``), offline.

* every job validates against the typed models of the ``databricks-bundles`` package, which
  reject unknown fields (a typo is an error, not a silently ignored key);
* targets: ``prod`` (``mode: production``) has ``workspace.root_path`` and a ``run_as`` service
  principal; ``dev`` builds into its own schemas, not prod's;
* every declared variable is used by the job, and the variables are the one source of truth:
  the dbt tasks get catalog/schema/landing schema/warehouse through their own profile and
  ``--vars``, the genie-ingest wheel tasks through their parameters (read back with the wheel's
  own argument parser and settings loader); ``resources/genie_ingest.toml`` names no catalog;
* every ``python_wheel_task``'s package and entry point exist in the wheel ``pip wheel
  --no-deps`` builds; ``build/`` and ``dist/`` are git-ignored and excluded from the sync;
* each job environment pins what ``make test`` tests and resolves (``pip install --dry-run
  --report``) to versions ``dbt_project.yml`` and ``pyproject.toml`` accept;
* each snapshot runs once per job run.

Hand-written: the Databricks CLI validates bundles only against a workspace.
"""

from __future__ import annotations

import configparser
import glob
import json
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import yaml

# Values the check gives the variables that have no default (and the ${workspace.*} names).
CHECK_VALUES = {
    "warehouse_id": "0123456789abcdef",
    "service_principal_id": "00000000-0000-0000-0000-00000000c4ec",
}
WORKSPACE = {
    "workspace.current_user.short_name": "checker",
    "workspace.current_user.userName": "checker@example.com",
    "workspace.host": "https://check.cloud.databricks.com",
    "bundle.name": "genie_analytics",
    "bundle.target": "prod",
}
CHECK_TARGET = "prod"
_REF = re.compile(r"\$\{([A-Za-z0-9_.\-]+)\}")


def load_bundle(root: Path) -> dict[str, Any]:
    """databricks.yml with its ``include``d resource files merged under ``resources``."""
    bundle = yaml.safe_load((root / "databricks.yml").read_text())
    resources: dict[str, dict[str, Any]] = {}
    for pattern in bundle.get("include", []):
        for path in sorted(glob.glob(str(root / pattern))):
            part = yaml.safe_load(Path(path).read_text()) or {}
            for kind, items in (part.get("resources") or {}).items():
                resources.setdefault(kind, {}).update(items)
            bundle.setdefault("_files", {}).update(
                {name: Path(path) for items in part.get("resources", {}).values() for name in items}
            )
    bundle["resources"] = resources
    bundle["_root"] = root
    return bundle


def check_variables(bundle: dict[str, Any], target: str = CHECK_TARGET) -> dict[str, str]:
    """The value of every variable in ``target`` (defaults, then the target's own values)."""
    values: dict[str, str] = {}
    for name, spec in (bundle.get("variables") or {}).items():
        default = (spec or {}).get("default")
        values[name] = str(default) if default is not None else CHECK_VALUES.get(name, "")
    overrides = ((bundle.get("targets") or {}).get(target) or {}).get("variables") or {}
    values.update({k: str(v) for k, v in overrides.items()})
    context = {**WORKSPACE, "bundle.target": target}
    return {k: substitute(v, values, context) for k, v in values.items()}


def substitute(text: str, variables: dict[str, str], context: dict[str, str] | None = None) -> str:
    context = context or WORKSPACE

    def one(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("var."):
            return substitute(variables[ref[4:]], variables, context)
        return context.get(ref, m.group(0))

    return _REF.sub(one, text)


def _job_tasks(bundle: dict[str, Any]):
    for job_name, job in (bundle["resources"].get("jobs") or {}).items():
        for task in job.get("tasks") or []:
            yield job_name, job, task


def dbt_commands(bundle: dict[str, Any], variables: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Each dbt task's commands as dbt CLI arguments, run from the repository like the job."""
    root: Path = bundle["_root"]
    out = []
    for job_name, _job, task in _job_tasks(bundle):
        dbt = task.get("dbt_task")
        if not dbt:
            continue
        yml_dir = bundle["_files"][job_name].parent
        project = (yml_dir / dbt.get("project_directory", ".")).resolve()
        profiles = dbt.get("profiles_directory")
        for command in dbt["commands"]:
            argv = shlex.split(substitute(command, variables))
            if argv[0] != "dbt":
                raise ValueError(f"task {task['task_key']}: command must start with dbt: {command}")
            argv = argv[1:] + ["--project-dir", str(project)]
            if profiles and "--profiles-dir" not in argv:
                argv += ["--profiles-dir", str((project / profiles).resolve())]
            out.append((task["task_key"], argv))
    assert root
    return out


# --- the checks --------------------------------------------------------------------------------


def check_bundle(
    root: Path, bundle: dict[str, Any], variables: dict[str, str], resolve: bool = True
) -> list[str]:
    problems: list[str] = []
    problems += typed_models(bundle)
    problems += targets(bundle)
    problems += variables_used(bundle)
    problems += wheel_tasks(root, bundle, variables)
    problems += sync_excludes(root, bundle)
    problems += environment_pins(root, bundle)
    if resolve:
        problems += environments_resolve(root, bundle)
    problems += snapshots_once(bundle, variables)
    return problems


TYPED_MODELS = {  # resource kind -> (module, class) of databricks-bundles
    "jobs": ("databricks.bundles.jobs", "Job"),
    "apps": ("databricks.bundles.apps", "App"),
    "alerts": ("databricks.bundles.alerts", "Alert"),
    "dashboards": ("databricks.bundles.dashboards", "Dashboard"),
    "pipelines": ("databricks.bundles.pipelines", "Pipeline"),
    "schemas": ("databricks.bundles.schemas", "Schema"),
    "volumes": ("databricks.bundles.volumes", "Volume"),
}


def typed_models(bundle: dict[str, Any]) -> list[str]:
    import importlib

    from databricks.bundles.jobs import JobRunAs

    problems = []
    for kind, items in bundle["resources"].items():
        if kind not in TYPED_MODELS:
            problems.append(f"bundle: resources.{kind} has no typed model in this check")
            continue
        module, name = TYPED_MODELS[kind]
        model = getattr(importlib.import_module(module), name)
        for key, value in (items or {}).items():
            try:
                model.from_dict(json.loads(json.dumps(value)))
            except (ValueError, TypeError) as exc:
                problems.append(f"bundle: {kind}.{key} does not validate: {exc}")
    for tname, target in (bundle.get("targets") or {}).items():
        if (target or {}).get("run_as"):
            try:
                JobRunAs.from_dict(dict(target["run_as"]))
            except (ValueError, TypeError) as exc:
                problems.append(f"bundle: target {tname} run_as does not validate: {exc}")
    problems += [
        f"bundle: unknown field {path}" for path in unknown_fields(_top_level(bundle), ROOT_SPEC)
    ]
    return problems


# --- the bundle's own sections, outside `resources` ---------------------------------------------
# databricks-bundles has typed models for the resources only. The keys of every other section of
# databricks.yml come from the Databricks CLI's bundle schema (databricks/cli,
# bundle/schema/jsonschema.json: config.Root, config.Target, config.Sync, config.Workspace,
# config.Bundle, config.Artifact, config.Presets, variable.Variable, ...; each declares
# additionalProperties: false, so the CLI refuses any other key). Hand-written as key sets: no
# Python package ships that schema. A spec is None (any value), a dict (these keys only),
# MapOf(spec) (names of our own -> spec) or ListOf(spec).
class MapOf:
    def __init__(self, spec: Any) -> None:
        self.spec = spec


class ListOf:
    def __init__(self, spec: Any) -> None:
        self.spec = spec


def _keys(*names: str) -> dict[str, None]:
    return dict.fromkeys(names)


_SYNC = _keys("include", "exclude", "paths")
_WORKSPACE = _keys(
    "account_id",
    "artifact_path",
    "auth_type",
    "azure_client_id",
    "azure_environment",
    "azure_login_app_id",
    "azure_tenant_id",
    "azure_use_msi",
    "azure_workspace_resource_id",
    "client_id",
    "experimental_is_unified_host",
    "file_path",
    "google_service_account",
    "host",
    "profile",
    "resource_path",
    "root_path",
    "state_path",
    "workspace_id",
)
_GIT = _keys("branch", "origin_url")
_BUNDLE = {
    **_keys("cluster_id", "compute_id", "databricks_cli_version", "engine", "name", "uuid"),
    "deployment": {"fail_on_active_runs": None, "lock": _keys("enabled", "force")},
    "git": _GIT,
}
_ARTIFACT = {
    **_keys("build", "dynamic_version", "executable", "path", "type"),
    "files": ListOf(_keys("source")),
}
_PRESETS = _keys(
    "artifacts_dynamic_version",
    "jobs_max_concurrent_runs",
    "name_prefix",
    "pipelines_development",
    "source_linked_deployment",
    "tags",
    "trigger_pause_status",
)
_LOOKUP = _keys(
    "alert",
    "cluster",
    "cluster_policy",
    "dashboard",
    "instance_pool",
    "job",
    "metastore",
    "notification_destination",
    "pipeline",
    "query",
    "service_principal",
    "warehouse",
)
_VARIABLE = {**_keys("default", "description", "type"), "lookup": _LOOKUP}
_PERMISSION = _keys("level", "group_name", "service_principal_name", "user_name")
_RUN_AS = _keys("service_principal_name", "user_name")
_TARGET = {
    **_keys("cluster_id", "compute_id", "default", "mode", "resources"),
    "artifacts": MapOf(_ARTIFACT),
    "bundle": _BUNDLE,
    "git": _GIT,
    "permissions": ListOf(_PERMISSION),
    "presets": _PRESETS,
    "run_as": _RUN_AS,
    "sync": _SYNC,
    # a target's variable is a value, or {default, description, lookup, type}
    "variables": MapOf(_VARIABLE),
    "workspace": _WORKSPACE,
}
ROOT_SPEC = {
    **_keys("include", "resources", "python"),
    "artifacts": MapOf(_ARTIFACT),
    "bundle": _BUNDLE,
    "environments": MapOf(_TARGET),  # the CLI's former name of `targets`
    "experimental": _keys(
        "immutable_folder",
        "pydabs",
        "python",
        "python_wheel_wrapper",
        "record_deployment_history",
        "scripts",
        "skip_artifact_cleanup",
        "skip_name_prefix_for_schema",
        "use_legacy_run_as",
    ),
    "permissions": ListOf(_PERMISSION),
    "presets": _PRESETS,
    "run_as": _RUN_AS,
    "scripts": MapOf(_keys("content", "env")),
    "sync": _SYNC,
    "targets": MapOf(_TARGET),
    "variables": MapOf(_VARIABLE),
    "workspace": _WORKSPACE,
}


def _top_level(bundle: dict[str, Any]) -> dict[str, Any]:
    """databricks.yml as written (load_bundle's own bookkeeping keys left out)."""
    return {k: v for k, v in bundle.items() if k not in {"_files", "_root"}}


def unknown_fields(value: Any, spec: Any, path: str = "") -> list[str]:
    """Dotted paths of the keys in ``value`` that ``spec`` does not know (see ROOT_SPEC)."""
    if spec is None or value is None:
        return []
    if isinstance(spec, MapOf):
        if not isinstance(value, dict):
            return []
        return [
            p
            for name, item in value.items()
            for p in unknown_fields(item, spec.spec, f"{path}.{name}" if path else str(name))
        ]
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return []
        return [
            p
            for i, item in enumerate(value)
            for p in unknown_fields(item, spec.spec, f"{path}[{i}]")
        ]
    if not isinstance(value, dict):
        return []  # a scalar where a section may be a plain value (a target's variable)
    found = []
    for key, item in value.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in spec:
            found.append(where)
        else:
            found += unknown_fields(item, spec[key], where)
    return found


def targets(bundle: dict[str, Any]) -> list[str]:
    """a production target needs root_path + run_as; dev has its own schemas."""
    problems = []
    all_targets = bundle.get("targets") or {}
    for name, target in all_targets.items():
        target = target or {}
        if target.get("mode") == "production":
            if not (target.get("workspace") or {}).get("root_path"):
                problems.append(
                    f"bundle: target {name} (mode: production) has no workspace.root_path"
                )
            run_as = target.get("run_as") or bundle.get("run_as") or {}
            if not run_as.get("service_principal_name"):
                problems.append(
                    f"bundle: target {name} (mode: production) has no run_as service principal"
                )
    if "dev" in all_targets and "prod" in all_targets:
        dev, prod = check_variables(bundle, "dev"), check_variables(bundle, "prod")
        for var in ("schema", "landing_schema"):
            if var in dev and dev[var] == prod.get(var):
                problems.append(f"bundle: target dev writes into prod's {var} ({dev[var]})")
    return problems


def variables_used(bundle: dict[str, Any]) -> list[str]:
    text = json.dumps(bundle["resources"]) + json.dumps(bundle.get("targets") or {})
    used = set(re.findall(r"\$\{var\.([A-Za-z0-9_\-]+)\}", text))
    return [
        f"bundle: variable {name} is declared but no task or target uses it"
        for name in (bundle.get("variables") or {})
        if name not in used
    ]


def build_wheel(root: Path, out: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "--wheel-dir",
            str(out),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("*.whl"))


def wheel_tasks(root: Path, bundle: dict[str, Any], variables: dict[str, str]) -> list[str]:
    """Package + entry point exist in the built wheel; parameters carry the bundle variables."""
    problems = []
    tasks = [(j, t) for j, _job, t in _job_tasks(bundle) if t.get("python_wheel_task")]
    if not tasks:
        return problems
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(root, Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
            entry_txt = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
            entries = configparser.ConfigParser()
            if entry_txt:
                entries.read_string(zf.read(entry_txt).decode())
        dist = wheel.name.split("-")[0]
        packages = {n.split("/")[0] for n in names if n.endswith("/__init__.py")}
        for _job_name, task in tasks:
            wt = task["python_wheel_task"]
            key = task["task_key"]
            if wt["package_name"] not in packages and wt["package_name"] != dist:
                problems.append(
                    f"bundle: task {key}: package {wt['package_name']} not in {wheel.name}"
                )
            scripts = (
                dict(entries.items("console_scripts"))
                if entries.has_section("console_scripts")
                else {}
            )
            if wt["entry_point"] not in scripts:
                problems.append(
                    f"bundle: task {key}: entry point {wt['entry_point']} not in the wheel's "
                    f"console_scripts {sorted(scripts)}"
                )
            problems += _wheel_settings(root, key, wt, variables)
    return problems


def _wheel_settings(
    root: Path, key: str, wt: dict[str, Any], variables: dict[str, str]
) -> list[str]:
    """Read the task's parameters with genie-ingest's own parser and settings loader."""
    from genie_ingest import cli

    context = {**WORKSPACE, "workspace.file_path": str(root)}
    params = [substitute(str(p), variables, context) for p in wt.get("parameters") or []]
    try:
        args = cli.build_parser().parse_args(params)
        settings = cli.settings_from_args(args, env={}, secret_reader=lambda _key: None)
    except (SystemExit, Exception) as exc:  # any refusal is the finding
        return [f"bundle: task {key}: genie-ingest refuses its parameters {params}: {exc!r}"]
    expected = {
        "sink": "databricks",
        "analytics_schema": f"{variables['catalog']}.{variables['schema']}",
        "landing_schema": f"{variables['catalog']}.{variables['landing_schema']}",
        "warehouse_id": variables["warehouse_id"],
        "secret_scope": variables["secret_scope"],
    }
    problems = [
        f"bundle: task {key}: genie-ingest {name} = {getattr(settings, name, None)!r}, "
        f"the bundle variables say {value!r}"
        for name, value in expected.items()
        if getattr(settings, name, None) != value
    ]
    if not settings.sink_host:
        problems.append(f"bundle: task {key}: genie-ingest gets no workspace host")
    config = settings_file = getattr(args, "config", None)
    del settings_file
    if config:
        text = Path(config).read_text()
        for bad in ("main.", "REPLACE_WITH", "warehouse_id", "_schema"):
            if re.search(rf"^[^#]*{re.escape(bad)}", text, re.MULTILINE):
                problems.append(
                    f"bundle: {Path(config).name} hard-codes {bad!r}: use the bundle variables"
                )
    return problems


def sync_excludes(root: Path, bundle: dict[str, Any]) -> list[str]:
    """the wheel build's output is neither committed nor synced."""
    problems = []
    for folder in ("build", "dist"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", f"{folder}/x.whl"],  # noqa: S607 - git from PATH
            cwd=root,
            check=False,
        ).returncode
        if ignored != 0:
            problems.append(f"bundle: {folder}/ is not git-ignored")
        excludes = ((bundle.get("sync") or {}).get("exclude")) or []
        if not any(e.strip("/").split("/")[0] == folder for e in excludes):
            problems.append(f"bundle: {folder}/ is not in sync.exclude")
    return problems


def _constraints(root: Path) -> dict[str, str]:
    pins = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def _dbt_requirements(root: Path) -> dict[str, str]:
    """What `make test` installs for dbt: pyproject's dbt-core range, the constraints' pins."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    reqs = pyproject["project"]["optional-dependencies"]["dbt"]
    core = next(r for r in reqs if r.startswith("dbt-core"))
    pins = _constraints(root)
    return {
        "dbt-core": core[len("dbt-core") :],
        "dbt-databricks": "==" + pins["dbt-databricks"],
    }


def _environments(bundle: dict[str, Any]) -> dict[str, list[str]]:
    envs = {}
    for _name, job in (bundle["resources"].get("jobs") or {}).items():
        for env in job.get("environments") or []:
            envs[env["environment_key"]] = list((env.get("spec") or {}).get("dependencies") or [])
    return envs


def _uses(bundle: dict[str, Any]) -> dict[str, set[str]]:
    """environment_key -> kinds of task using it (dbt, python_wheel)."""
    uses: dict[str, set[str]] = {}
    for _j, _job, task in _job_tasks(bundle):
        kind = (
            "dbt"
            if "dbt_task" in task
            else "python_wheel"
            if "python_wheel_task" in task
            else "other"
        )
        uses.setdefault(task.get("environment_key", ""), set()).add(kind)
    return uses


def environment_pins(root: Path, bundle: dict[str, Any]) -> list[str]:
    """the dbt environment pins exactly what `make test` tests."""
    from packaging.requirements import Requirement

    problems = []
    wanted = _dbt_requirements(root)
    for key, deps in _environments(bundle).items():
        if "dbt" not in _uses(bundle).get(key, set()):
            continue
        given = {}
        for dep in deps:
            req = Requirement(dep)
            given[req.name.lower()] = str(req.specifier)
        for name, spec in wanted.items():
            from packaging.specifiers import SpecifierSet

            if SpecifierSet(given.get(name, "")) != SpecifierSet(spec):
                problems.append(
                    f"bundle: environment {key} has {name}{given.get(name, ' (unpinned)')}, "
                    f"make test tests {name}{spec}"
                )
    return problems


def environments_resolve(root: Path, bundle: dict[str, Any]) -> list[str]:
    """Each environment resolves on PyPI to versions dbt_project.yml and pyproject accept."""
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    problems = []
    project = yaml.safe_load((root / "dbt_project.yml").read_text())
    require_dbt = SpecifierSet(",".join(project["require-dbt-version"]).replace(" ", ""))
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    accepted = [Requirement(r) for r in pyproject["dependencies"]] + [
        Requirement(r) for r in pyproject["optional-dependencies"]["dbt"]
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for key, deps in _environments(bundle).items():
            reqs = []
            for dep in deps:
                if dep.endswith(".whl") or dep.startswith(("/", ".")):
                    reqs.append(str(build_wheel(root, Path(tmp) / key)))
                else:
                    reqs.append(dep)
            report = Path(tmp) / f"{key}.json"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--dry-run",
                    "--ignore-installed",
                    "--quiet",
                    "--report",
                    str(report),
                    *reqs,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                problems.append(
                    f"bundle: environment {key} does not resolve: {done.stderr.strip()[-300:]}"
                )
                continue
            resolved = {
                item["metadata"]["name"].lower(): item["metadata"]["version"]
                for item in json.loads(report.read_text())["install"]
            }
            if "dbt-core" in resolved and resolved["dbt-core"] not in require_dbt:
                problems.append(
                    f"bundle: environment {key} resolves dbt-core {resolved['dbt-core']}, "
                    f"dbt_project.yml requires {require_dbt}"
                )
            for req in accepted:
                version = resolved.get(req.name.lower())
                if version is not None and version not in req.specifier:
                    problems.append(
                        f"bundle: environment {key} resolves {req.name} {version}, "
                        f"pyproject.toml accepts {req.specifier}"
                    )
    return problems


def snapshots_once(bundle: dict[str, Any], variables: dict[str, str]) -> list[str]:
    """each snapshot is selected by exactly one dbt command of the job."""
    from dbt.cli.main import dbtRunner

    counts: dict[str, int] = {}
    for _task, argv in dbt_commands(bundle, variables):
        if argv[0] not in {"build", "snapshot"}:
            continue
        selectors = []
        flags = iter(argv[1:])
        for flag in flags:
            if flag in {
                "--select",
                "-s",
                "--exclude",
                "--selector",
                "--project-dir",
                "--profiles-dir",
                "--vars",
                "--target",
                "-t",
            }:
                selectors += [flag, next(flags)]
        result = dbtRunner().invoke(
            ["ls", "--resource-type", "snapshot", "--output", "name", "--quiet", *selectors]
        )
        if not result.success:
            return [f"bundle: dbt ls cannot list the snapshots of {argv[:3]}: {result.exception}"]
        for name in result.result or []:
            counts[name] = counts.get(name, 0) + 1
    return [
        f"bundle: snapshot {name} runs {n} times per job run (once is enough)"
        for name, n in counts.items()
        if n != 1
    ]


def landing_shape_problems(local, landing_schema: str) -> list[str]:
    """The landing tables dbt creates have the columns the sink writes (records.py)."""
    from genie_ingest.records import TABLES

    problems = []
    for table, (columns, _key) in TABLES.items():
        try:
            got = [f.name for f in local.spark.table(f"{landing_schema}.{table}").schema.fields]
        except Exception as exc:
            problems.append(f"landing table {landing_schema}.{table} missing: {exc}")
            continue
        want = [c for c, _ in columns]
        if got != want:
            problems.append(f"landing table {table}: dbt creates {got}, the sink writes {want}")
    return problems
