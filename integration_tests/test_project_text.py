"""The dbt project's text agrees with itself: static checks over the tracked files, no dbt run.

- Every var a model, macro or test reads with an inline default is one that dbt_project.yml
  does not declare: dbt_project.yml's `vars:` is the one place a default lives (an inline
  `var('x', 3)` beside a declared `x: 3` is a second copy that can drift).
- Every macro (except the default__/duckdb__/spark__/databricks__ implementations of a
  dispatched one) is documented in macros/_macros.yml, with exactly the arguments its
  signature declares, each described.
- The generic engine shims live in macros/cross_db/, where a reader looks for them.
- No model is a pass-through: plain columns of one other model, nothing renamed, filtered,
  joined or computed (a second name for the same rows is one more thing to read and build).
- tests/singular/README.md's table names exactly the folders of tests/singular/ (the layout
  is written down where a reader looks, and cannot drift).
- A column name that three or more models carry is described once: the same shared doc block
  everywhere (optionally followed by what differs in that model), or identical text; a name
  that really means different things is listed in SHARED_NAME_MEANINGS with its reason and one
  doc block per meaning.
- No text points at a document that is not in the repository (the design sketches by their
  contract letter or seed number, a section of the team's reference or conventions notes, a
  docs/ folder): the rule is written where it applies.
- Tests live beside their subject: every test that runs dbt in integration_tests/, the
  sandbox's own tests in sandbox/tests/, and every test folder in pyproject's `testpaths`.
- The sandbox's start date has one definition (genie_sandbox.gen_common.DEFAULT_START_DATE):
  no Python file writes the date again.
- No code comment, docstring or description cites an issue of the tracker ("issue 13", "item
  4"): a reader of the code has no tracker, so the rule or the reason is written instead.
- No code comment carries a measurement of a past run ("took 247 s", "19 s against 35 s"): the
  comment keeps the reason, bench/NOTES.md the figure and the run it came from.
- The SCD2 staging models (warehouses, clusters, jobs) have one shape, written once in the macro
  scd2_versions: the models call it and write neither the validity window nor the row
  classification themselves; the SCD2 classification rule is spelled once
  (scd2_classification), stg_system__rows_quarantined included.
- `genie-sandbox report` repeats none of the ingestion's settings (environment variable names
  or defaults): it reads them from the one declaration, genie_ingest.settings.Settings.
"""

from __future__ import annotations

import ast
import re
import subprocess
import tokenize
import tomllib
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_FOLDERS = ("models", "macros", "tests", "analyses", "snapshots")
DISPATCH_PREFIXES = ("default__", "duckdb__", "spark__", "databricks__")
MACRO_DEF = re.compile(r"\{%-?\s*macro\s+(\w+)\s*\((.*?)\)\s*-?%\}", re.S)
INLINE_DEFAULT = re.compile(r"var\(\s*['\"](\w+)['\"]\s*,")
# Engine shims with nothing of this project's domain in them: a reader looks in macros/cross_db/.
GENERIC_SHIMS = (
    "current_timestamp_utc",
    "date_add_days",
    "day_buckets",
    "day_of_week",
    "epoch_microseconds",
    "epoch_ms_to_timestamp",
    "explode_array",
    "explode_map",
    "hour_buckets",
    "is_valid_json",
    "json_extract_string",
    "json_without_keys",
    "map_get",
    "map_size",
    "percentile_cont",
    "regexp_contains",
    "regexp_group_reference",
    "regexp_replace_all",
    "row_to_json",
    "sort_key",
    "timestamp_diff_ms",
    "to_json_text",
    "type_string_array",
    "type_string_map",
)
# References to documents outside the repository (the design sketches and the team's notes).
FOREIGN_REFERENCES = re.compile(
    r"contract [ABC]\b|\bseeds? 00\d\b|\bseeds'|reference §|conventions §|\bdocs/", re.IGNORECASE
)


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--", *patterns], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [REPO_ROOT / line for line in out.stdout.splitlines() if (REPO_ROOT / line).exists()]


def _dbt_files() -> list[Path]:
    return [
        p for p in _tracked(*DBT_FOLDERS, "dbt_project.yml") if p.suffix in (".sql", ".yml", ".md")
    ]


def _macros() -> dict[str, tuple[Path, list[str]]]:
    """{macro name: (file, argument names)} of every macro under macros/."""
    found: dict[str, tuple[Path, list[str]]] = {}
    for path in (REPO_ROOT / "macros").rglob("*.sql"):
        for match in MACRO_DEF.finditer(path.read_text()):
            name, signature = match.group(1), match.group(2)
            if name.startswith(DISPATCH_PREFIXES):
                continue
            arguments = [a.split("=")[0].strip() for a in signature.split(",") if a.strip()]
            found[name] = (path, arguments)
    return found


def test_no_inline_default_repeats_a_declared_var() -> None:
    declared = set(yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"])
    offenders = [
        f"{path.relative_to(REPO_ROOT)}: var('{m.group(1)}', ...)"
        for path in _dbt_files()
        if path.name != "dbt_project.yml"
        for m in INLINE_DEFAULT.finditer(path.read_text())
        if m.group(1) in declared
    ]
    assert not offenders, "defaults declared in dbt_project.yml repeated inline:\n" + "\n".join(
        offenders
    )


def test_every_macro_documented_with_its_arguments() -> None:
    yml_files = sorted((REPO_ROOT / "macros").glob("*.yml"))
    assert [p.name for p in yml_files] == ["_macros.yml"], "one macros/_macros.yml"
    entries = yaml.safe_load(yml_files[0].read_text())["macros"]
    documented = {m["name"]: m for m in entries}
    assert len(documented) == len(entries), "a macro documented twice"
    # the generic test unique_combination_of_columns is documented beside the macros
    macros = _macros()
    for path in (REPO_ROOT / "tests" / "generic").glob("*.sql"):
        for match in re.finditer(r"\{%-?\s*test\s+(\w+)\s*\((.*?)\)", path.read_text(), re.S):
            args = [a.split("=")[0].strip() for a in match.group(2).split(",") if a.strip()]
            macros["test_" + match.group(1)] = (path, args)
    problems = []
    for name, (path, arguments) in sorted(macros.items()):
        entry = documented.get(name)
        if entry is None:
            problems.append(f"{name} ({path.relative_to(REPO_ROOT)}): not documented")
            continue
        if not (entry.get("description") or "").strip():
            problems.append(f"{name}: no description")
        described = [a["name"] for a in entry.get("arguments") or []]
        if described != arguments:
            problems.append(f"{name}: arguments {described} documented, {arguments} declared")
        problems += [
            f"{name}.{a['name']}: no description"
            for a in entry.get("arguments") or []
            if not (a.get("description") or "").strip()
        ]
    problems += [f"{name}: documented, not defined" for name in documented if name not in macros]
    assert not problems, "\n".join(problems)


def test_generic_engine_shims_live_in_cross_db() -> None:
    macros = _macros()
    misplaced = [
        f"{name}: {macros[name][0].relative_to(REPO_ROOT)}"
        for name in GENERIC_SHIMS
        if macros[name][0].parent.name != "cross_db"
    ]
    assert not misplaced, "\n".join(misplaced)


JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
CONFIG_CALL = re.compile(r"\{\{-?\s*config\(.*?\)\s*-?\}\}", re.S)
SQL_LINE_COMMENT = re.compile(r"--[^\n]*")
PASS_THROUGH = re.compile(
    r"select\s+(\*|\w+(\s*,\s*\w+)*)\s+from\s+\{\{\s*ref\([^)]*\)\s*\}\}", re.IGNORECASE
)


def test_no_model_is_a_pass_through() -> None:
    """int_query_fingerprints was `select <five columns> from stg_system__query_history`,
    a view kept only for its name. A model whose whole SQL (comments and config() aside) selects
    plain columns of one ref() has no reason a reader would accept: read the ref instead."""
    offenders = []
    for path in _tracked("models"):
        if path.suffix != ".sql":
            continue
        sql = SQL_LINE_COMMENT.sub("", CONFIG_CALL.sub("", JINJA_COMMENT.sub("", path.read_text())))
        if PASS_THROUGH.fullmatch(sql.strip()):
            offenders.append(str(path.relative_to(REPO_ROOT)))
    assert not offenders, "pass-through models (read their ref instead):\n" + "\n".join(offenders)


def test_singular_test_folders_are_the_documented_areas() -> None:
    singular = REPO_ROOT / "tests" / "singular"
    readme = singular / "README.md"
    assert readme.exists(), "tests/singular/README.md must say the layout of tests/singular/"
    documented = set(re.findall(r"^\| `(\w+)/`", readme.read_text(), re.M))
    folders = {path.parent.name for path in _tracked("tests/singular") if path.suffix == ".sql"}
    folders |= {p.name for p in singular.iterdir() if p.is_dir()}
    assert folders == documented, (
        f"folders not in tests/singular/README.md: {sorted(folders - documented)}; "
        f"documented, missing: {sorted(documented - folders)}"
    )
    loose = [p.name for p in singular.glob("*.sql")]
    assert not loose, f"singular tests outside an area folder: {loose}"


# Column names carried by 3+ models that mean different things in different models: the reason,
# and the doc block of each meaning (models/_shared__docs.md and the area docs). Any other
# repeated name has one description.
SHARED_NAME_MEANINGS: dict[str, tuple[str, set[str]]] = {
    "query_count": (
        "the queries of a day, hour or window; the query intervals merged into a busy stretch"
        " (int_warehouse_busy_intervals); the messages for which Genie ran SQL"
        " (genie_conversation_metrics)",
        {"query_count", "busy_interval_query_count", "genie_messages_with_sql_count"},
    ),
    "usage_date": (
        "billing.usage's usage_date in the billing models; the row's UTC day (a warehouse-day,"
        " an anomaly's scored day) in the optimiser's daily models",
        {"usage_date", "optimizer_usage_date"},
    ),
    "cost_usd": (
        "one query's attributed cost in int_query_rule_findings; a sum over the row's queries"
        " elsewhere",
        {"query_cost_usd", "summed_cost_usd"},
    ),
    "user_id": (
        "query.history executed_by in the published cost marts, the Genie API's numeric user id"
        " in the Genie marts (test_user_id_has_one_meaning_per_model)",
        {"user_id_executed_by", "user_id_genie"},
    ),
    "query_id": (
        "the row's own statement_id in the query-grain marts; the example execution of a"
        " workload in the opportunity marts",
        {"cost__query_id", "opportunity_example_query_id"},
    ),
    "total_cost_usd": (
        "a sum over the row's queries in the daily marts; the cost an opportunity covers in"
        " genie_optimization_opportunities",
        {"total_cost_usd", "opportunity_total_cost_usd"},
    ),
    "total_cost_dbu": (
        "as total_cost_usd, in DBUs",
        {"total_cost_dbu", "opportunity_total_cost_dbu"},
    ),
    "created_at": (
        "when the entity was created in the system tables; when a finding was first seen in"
        " genie_optimization_opportunities (its published column name)",
        {"system__created_at", "opportunity_created_at"},
    ),
    "is_current": (
        "the latest SCD2 version of an entity; a price without an end in stg_system__list_prices",
        {"system__is_current", "list_price_is_current"},
    ),
    "usage_quantity": (
        "one billing record's units in billing.usage; the DBUs of the billing windows a query"
        " overlapped in genie_cost_attribution (the API publishes it as billing_windows_dbu)",
        {"usage_quantity", "attribution_usage_quantity"},
    ),
}
LEADING_DOC = re.compile(r"^\{\{\s*doc\(['\"](\w+)['\"]\)\s*\}\}")


def _model_column_descriptions() -> dict[str, dict[str, str]]:
    """{column name: {model: description, whitespace collapsed}} of every model YAML."""
    found: dict[str, dict[str, str]] = {}
    for path in _tracked("models"):
        if path.suffix != ".yml":
            continue
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            for column in model.get("columns") or []:
                text = " ".join(str(column.get("description") or "").split())
                found.setdefault(column["name"], {})[model["name"]] = text
    return found


def test_repeated_column_names_share_one_description() -> None:
    """Of the column names repeated across models most had no shared description, and
    their texts drifted (workspace_id was described eleven ways). A name carried by 3+ models is
    either the same doc block in all of them (a model may add what differs there after it) or
    identical text; names with two meanings are SHARED_NAME_MEANINGS, a block per meaning."""
    problems = []
    repeated = {
        name: by_model
        for name, by_model in _model_column_descriptions().items()
        if len(by_model) >= 3
    }
    for name, by_model in sorted(repeated.items()):
        if len(set(by_model.values())) == 1:
            continue
        blocks = {model: LEADING_DOC.match(text) for model, text in by_model.items()}
        without = sorted(model for model, match in blocks.items() if match is None)
        if without:
            problems.append(f"{name}: no shared doc block in {without}")
            continue
        used = {match.group(1) for match in blocks.values() if match}
        allowed = SHARED_NAME_MEANINGS.get(name, (None, set()))[1]
        if len(used) > 1 and not used <= allowed:
            problems.append(f"{name}: {len(used)} doc blocks {sorted(used)}, one expected")
    for name, (reason, allowed) in SHARED_NAME_MEANINGS.items():
        if name not in repeated:
            problems.append(f"SHARED_NAME_MEANINGS[{name!r}]: not repeated in 3+ models any more")
        if len(allowed) < 2 or not reason:
            problems.append(f"SHARED_NAME_MEANINGS[{name!r}]: needs a reason and 2+ meanings")
    assert not problems, "\n".join(problems)


def test_no_reference_to_documents_outside_the_repository() -> None:
    files = _dbt_files() + [
        p
        for p in _tracked(
            "README.md",
            "ingestion",
            "integration_tests",
            "sandbox",
            "app",
            "scripts",
            "bench",
            "dashboards",
        )
        if p.suffix in (".py", ".md", ".sql", ".yml", ".yaml", ".toml")
    ]
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()[:100]}"
        for path in files
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if FOREIGN_REFERENCES.search(line)
    ]
    assert not offenders, "\n".join(offenders)


# The public marts whose published shape names query.history's executed_by `user_id`; everywhere
# else user_id is the Genie API's numeric user id, and executed_by is called executed_by.
PUBLISHED_USER_ID_MARTS = {
    "genie_query_performance",
    "genie_cost_attribution",
    "genie_daily_performance",
    "genie_optimization_opportunities",
}


def test_user_id_has_one_meaning_per_model() -> None:
    """Every user_id column says which of its two meanings it holds, through the shared doc
    blocks, and the e-mail meaning appears only in the marts whose published shape requires it."""
    problems = []
    for path in _tracked("models"):
        if path.suffix != ".yml":
            continue
        document = yaml.safe_load(path.read_text()) or {}
        nodes = list(document.get("models") or [])
        for source in document.get("sources") or []:
            nodes += source.get("tables") or []
        for node in nodes:
            for column in node.get("columns") or []:
                description = str(column.get("description") or "")
                if column["name"] == "user_id":
                    if "doc('user_id_genie')" in description:
                        continue
                    if "doc('user_id_executed_by')" in description:
                        if node["name"] not in PUBLISHED_USER_ID_MARTS:
                            problems.append(f"{node['name']}.user_id holds executed_by: name it so")
                        continue
                    problems.append(f"{node['name']}.user_id: no shared user_id doc block")
                if column["name"] == "executed_by" and "doc('executed_by')" not in description:
                    problems.append(f"{node['name']}.executed_by: not the shared doc block")
    assert not problems, "\n".join(problems)


def _threshold_in_words(var: str, value: float) -> str:
    """A var's default as the rule descriptions write it (units from the var's name)."""
    if var.endswith("_bytes"):
        for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
            if value >= size and value % size == 0:
                return f"{value // size:,.0f} {unit}"
        return f"{value:,.0f} bytes"
    if var.endswith("_ms"):
        if value % 60_000 == 0:
            return f"{value // 60_000:.0f} minute{'s' if value != 60_000 else ''}"
        return f"{value / 1000:g} second{'s' if value != 1000 else ''}"
    if var.endswith("_minutes"):
        return f"{value:g} minutes"
    if var.endswith("_usd"):
        return f"USD {value:g}"
    if var.endswith("_fraction"):
        return f"{value * 100:g}%"
    return f"{value:,.0f}"


def test_rule_descriptions_state_their_thresholds() -> None:
    """seeds/optimization_rules.csv says each rule's threshold in words (the default of the var
    it names), not only "var optimizer_...": a reader of the dashboard or the API sees the
    description, not dbt_project.yml. A var's default changing without its description fails."""
    import csv

    defaults = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]
    with (REPO_ROOT / "seeds" / "optimization_rules.csv").open(newline="") as handle:
        rules = list(csv.DictReader(handle))
    missing = []
    for rule in rules:
        text = rule["description"]
        named = re.findall(r"\b(optimizer_\w+)", text)
        if not named:
            missing.append(f"{rule['optimization_type']}: names no threshold var")
        for var in named:
            words = _threshold_in_words(var, defaults[var])
            if words not in text:
                missing.append(f"{rule['optimization_type']}: {var} = {words!r} not in {text!r}")
    assert not missing, "\n".join(missing)


# A test running the dbt executable: `BIN / "dbt"` or a command list starting with "dbt".
DBT_CALL = re.compile(r"""/\s*["']dbt["']\s*\)|\[\s*["']dbt["']\s*,""")


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_tests_live_beside_their_subject() -> None:
    """ingestion/tests tests the ingestion package: a module there that runs dbt belongs in
    integration_tests/, one whose subject is the sandbox (it imports sandbox modules other than
    the fixtures genie_sandbox.pytest_fixtures offers every folder) in sandbox/tests/. Every
    tracked test module sits under one of pyproject's `testpaths`, so `make pytest` runs it."""
    problems = []
    for path in _tracked("ingestion/tests"):
        if path.suffix != ".py":
            continue
        name = path.relative_to(REPO_ROOT)
        if DBT_CALL.search(path.read_text()):
            problems.append(f"{name}: runs dbt (move it to integration_tests/)")
        sandbox = {
            m
            for m in _top_level_imports(path)
            if m.split(".")[0] == "genie_sandbox" and m != "genie_sandbox.pytest_fixtures"
        }
        if sandbox:
            problems.append(f"{name}: tests the sandbox ({sorted(sandbox)}): sandbox/tests/")
    pytest_options = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    testpaths = [REPO_ROOT / p for p in pytest_options["ini_options"]["testpaths"]]
    problems += [
        f"{path.relative_to(REPO_ROOT)}: in no pyproject testpaths folder"
        for path in _tracked("*test_*.py")
        if path.name.startswith("test_")
        and not any(path.is_relative_to(folder) for folder in testpaths)
    ]
    assert not problems, "\n".join(problems)


def test_the_sandbox_start_date_is_written_once() -> None:
    """The sandbox's fixed calendar starts at DEFAULT_START_DATE; tests, scripts and the
    benchmark import it (the Makefile's GENIE_START_DATE is checked against it by
    sandbox/tests/test_sandbox_generate.py). A literal copy of the date in Python is a second
    definition that silently disagrees when the calendar moves. Fixture rows that merely fall on
    that day are timestamps ('... 08:00:00'), not the date alone, and do not count."""
    from genie_sandbox.gen_common import DEFAULT_START_DATE as START

    constructor = re.compile(rf"date\(\s*{START.year},\s*{START.month},\s*{START.day}\s*\)")
    definition = REPO_ROOT / "sandbox" / "genie_sandbox" / "gen_common.py"
    offenders = []
    for path in _tracked("*.py"):
        if path in (definition, Path(__file__).resolve()):
            continue
        with path.open("rb") as handle:
            tokens = list(tokenize.tokenize(handle.readline))
        for token in tokens:
            whole_string = token.type == tokenize.STRING and token.string.strip("\"'") == str(START)
            if whole_string or (token.type == tokenize.NAME and token.string == "date"):
                line = token.line.strip()
                if whole_string or constructor.search(line):
                    offenders.append(
                        f"{path.relative_to(REPO_ROOT)}:{token.start[0]}: {line[:100]}"
                    )
    assert not offenders, "\n".join(sorted(set(offenders)))


# A citation of the issue tracker: "issue 13", "issues 9 and 11", "item 4", "defect 9", test_item1_.
ISSUE_TAG = re.compile(r"\bissues?\s+#?\d+\b|\bitems?\s+\d+\b|\bdefects?\s+\d+\b|_item\d+", re.I)
# Everything but bench/NOTES.md and bench/results.md, the history of measurements, which may
# keep them.
ISSUE_TAG_FREE = (
    "README.md",
    "Makefile",
    "pyproject.toml",
    "dbt_project.yml",
    "databricks.yml",
    "ingestion",
    "sandbox",
    "integration_tests",
    "scripts",
    "app",
    "resources",
    "seeds",
    "dashboards",
    "models",
    "macros",
    "tests",
    "analyses",
    "snapshots",
    "bench/run.py",
    "bench/loadgen.py",
    "bench/partitions_read.py",
)


def test_no_issue_tags_in_code() -> None:
    # The whole text, not line by line: a comment wrapped between "issue" and its number is
    # still a citation.
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: "
        f"{' '.join(match.group(0).split())}"
        for path in _tracked(*ISSUE_TAG_FREE)
        if path != Path(__file__).resolve()
        for text in [path.read_text()]
        for match in ISSUE_TAG.finditer(text)
    ]
    assert not offenders, "\n".join(offenders)


# A measurement of a past run written into code: "took up to ~20 s", "19 s against 35 s",
# "lengthens it by 20-25 minutes" (a range of durations; "23:59 - 60 min", arithmetic with
# spaces around the minus, is not one).
PAST_MEASUREMENT = re.compile(
    r"\btook\b[^.;\n]{0,25}?\d+(?:[.,]\d+)?\s*(?:ms|s|sec|seconds?|min|minutes?|h|hours?)\b"
    r"|\b\d+(?:\.\d+)?\s*(?:ms|s)\s+(?:against|vs\.?|versus)\s+\d+(?:\.\d+)?\s*(?:ms|s)\b"
    r"|\b\d+(?:\.\d+)?(?:[-\u2013]|\s+to\s+)\d+(?:\.\d+)?\s*(?:min|mins|minutes?|h|hours?)\b",
    re.I,
)


def test_no_past_measurements_in_code() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: "
        f"{' '.join(match.group(0).split())}"
        for path in _tracked(*ISSUE_TAG_FREE)
        if path != Path(__file__).resolve() and path.suffix in (".py", ".sql", ".yml", ".md", "")
        for text in [path.read_text()]
        for match in PAST_MEASUREMENT.finditer(text)
    ]
    assert not offenders, "\n".join(offenders)


SCD2_MODELS = ("stg_system__warehouses", "stg_system__clusters", "stg_system__jobs")
# An argument keep_order='delete_time ...' (or a dict entry 'keep_order': 'delete_time ...').
SCD2_KEEP_ORDER = re.compile(r"keep_order'?\s*[:=]\s*'delete_time")


def test_scd2_staging_models_share_one_shape() -> None:
    """Each SCD2 staging model takes its versions from scd2_versions once; the window
    (lead(...)) and the classification of delivered rows are written only in the macro."""
    macro = (REPO_ROOT / "macros" / "staging" / "scd2_versions.sql").read_text()
    problems = [] if macro.count("lead(") == 1 else ["scd2_versions: lead( not written once"]
    for model in SCD2_MODELS:
        text = (REPO_ROOT / "models" / "staging" / "system" / f"{model}.sql").read_text()
        if text.count("genie_analytics.scd2_versions(") != 1:
            problems.append(f"{model}: does not call scd2_versions exactly once")
        for written_again in ("lead(", "over (", "classify_system_rows(", "_quarantine_reason"):
            if written_again in text:
                problems.append(f"{model}: writes {written_again} itself")
    # The SCD2 classification rule (delete_time ignored, the deleting delivery kept) is spelled
    # once, in scd2_classification, which stg_system__rows_quarantined uses too.
    problems += [
        f"{path.relative_to(REPO_ROOT)}: spells the SCD2 keep order itself"
        for path in _tracked("models", "macros")
        if path.suffix == ".sql"
        and path.name != "scd2_versions.sql"
        and SCD2_KEEP_ORDER.search(path.read_text())
    ]
    assert not problems, "\n".join(problems)


def _string_value(literal: str) -> object:
    """A string token's value; None for an f-string (its parts are not one literal)."""
    try:
        return ast.literal_eval(literal)
    except ValueError:
        return None


def test_sandbox_report_repeats_no_ingestion_setting() -> None:
    from dataclasses import fields

    from genie_ingest.settings import Settings

    repeated = {f.metadata["env"] for f in fields(Settings)} | {
        str(f.default) for f in fields(Settings) if isinstance(f.default, (str, Path))
    }
    path = REPO_ROOT / "sandbox" / "genie_sandbox" / "report.py"
    with path.open("rb") as handle:
        offenders = [
            f"report.py:{token.start[0]}: {token.string}"
            for token in tokenize.tokenize(handle.readline)
            if token.type == tokenize.STRING and _string_value(token.string) in repeated
        ]
    assert not offenders, "\n".join(offenders)


# A dbt var or environment variable named in the project's configuration: var('x' / env_var('X'.
DBT_VAR_READ = re.compile(r"\bvar\(\s*['\"](\w+)['\"]")
DBT_ENV_VAR_READ = re.compile(r"\benv_var\(\s*['\"](\w+)['\"]")


def test_readme_tables_list_every_dbt_var_and_environment_variable() -> None:
    """Every var the project declares (dbt_project.yml) or reads (var('x') in models, macros,
    tests, snapshots, YAML), and every environment variable dbt reads (env_var('X'), including
    profiles.yml.example), is a row, or in a row, of the README's tables."""
    sources = _dbt_files() + _tracked("profiles.yml.example")
    texts = [path.read_text() for path in sources]
    declared = set(yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"])
    dbt_vars = declared | {name for text in texts for name in DBT_VAR_READ.findall(text)}
    env_vars = {name for text in texts for name in DBT_ENV_VAR_READ.findall(text)}
    table_rows = [
        line for line in (REPO_ROOT / "README.md").read_text().splitlines() if line.startswith("|")
    ]
    in_tables = {name for row in table_rows for name in re.findall(r"`(\w+)`", row)}
    missing = sorted((dbt_vars | env_vars) - in_tables)
    assert not missing, f"not in the README's tables: {missing}"
