"""The dashboard definition and the committed AI/BI file (no database needed).

- The committed dashboards/genie_analytics.lvdash.json is exactly what the generator writes, so
  the Lakeview file and the HTML report (same definition) cannot drift.
- Its structure is valid: the five pages (Overview, Cost, Optimisation, Query deep dive, Genie),
  every widget bound to an existing dataset,
  query and field, parameters declared where they are used, spec versions per widget type.
- The validator itself rejects broken files (so the structure test can fail).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from genie_ingest.dashboard import lakeview
from genie_ingest.dashboard.definitions import Dataset, DefinitionError, load, widget_columns

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "dashboards" / "genie_analytics.yml"
COMMITTED = ROOT / "dashboards" / "genie_analytics.lvdash.json"


@pytest.fixture(scope="module")
def defn():
    return load(DEFINITION)


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text())


def test_committed_lvdash_is_what_the_generator_writes(defn) -> None:
    assert COMMITTED.read_text() == lakeview.dumps(lakeview.build(defn)), (
        "dashboards/genie_analytics.lvdash.json is stale: run `.venv/bin/genie-ingest dashboard`"
    )


def test_pages_are_the_issue_s_five_plus_global_filters(committed: dict) -> None:
    pages = [(p["displayName"], p["pageType"]) for p in committed["pages"]]
    assert pages == [
        ("Overview", "PAGE_TYPE_CANVAS"),
        ("Cost", "PAGE_TYPE_CANVAS"),
        ("Optimisation", "PAGE_TYPE_CANVAS"),
        ("Query deep dive", "PAGE_TYPE_CANVAS"),
        ("Genie", "PAGE_TYPE_CANVAS"),
        ("Filters", "PAGE_TYPE_GLOBAL_FILTERS"),
    ]


def test_committed_file_structure_is_valid(committed: dict) -> None:
    assert lakeview.check_bindings(committed) == []


def test_every_page_filters_by_workspace_and_date_range(defn, committed: dict) -> None:
    """Each canvas page has datasets taking both parameters, and the global filters bind every
    dataset that declares them."""
    for page in defn.pages:
        params = {p for w in page.widgets for p in defn.datasets[w["dataset"]].parameters}
        assert {"workspace", "date_range"} <= params, page.name
    filters = next(p for p in committed["pages"] if p["pageType"] == "PAGE_TYPE_GLOBAL_FILTERS")
    bound = {
        (q["query"]["datasetName"], p["keyword"])
        for item in filters["layout"]
        for q in item["widget"]["queries"]
        for p in q["query"].get("parameters", [])
    }
    for ds in committed["datasets"]:
        for p in ds.get("parameters", []):
            if p["keyword"] in {"workspace", "date_range"}:
                assert (ds["name"], p["keyword"]) in bound


def test_query_deep_dive_takes_a_statement_id(committed: dict) -> None:
    page = next(p for p in committed["pages"] if p["name"] == "query_deep_dive")
    kinds = [item["widget"]["spec"]["widgetType"] for item in page["layout"]]
    assert "filter-text-entry" in kinds
    dive = [d for d in committed["datasets"] if d["name"].startswith("dive_")]
    assert dive and all("statement_id" in {p["keyword"] for p in d["parameters"]} for d in dive)


def test_datasets_read_unqualified_marts_only(committed: dict) -> None:
    """Bundle dataset_catalog/dataset_schema only re-point unqualified names (reference 1.5)."""
    marts = {p.stem for p in (ROOT / "models" / "marts").rglob("*.sql")}
    for ds in committed["datasets"]:
        sql = "".join(ds["queryLines"]).lower()
        assert "genie_analytics." not in sql and "system." not in sql, ds["name"]
        assert any(m in sql for m in marts), ds["name"]
        assert "catalog" not in ds and "schema" not in ds


def test_validator_rejects_broken_bindings(committed: dict) -> None:
    broken = copy.deepcopy(committed)
    widget = broken["pages"][0]["layout"][0]["widget"]
    widget["queries"][0]["query"]["datasetName"] = "no_such_dataset"
    assert any("unknown dataset" in p for p in lakeview.check_bindings(broken))

    broken = copy.deepcopy(committed)
    widget = broken["pages"][0]["layout"][0]["widget"]
    widget["spec"]["encodings"]["value"]["fieldName"] = "sum(nothing)"
    assert any("not in its query" in p for p in lakeview.check_bindings(broken))

    broken = copy.deepcopy(committed)
    broken["datasets"][1]["queryLines"][-1] = broken["datasets"][1]["queryLines"][-1].rstrip("\n")
    assert any("newline" in p for p in lakeview.check_bindings(broken))

    # a field whose column the dataset does not return
    cols = {d["name"]: [] for d in committed["datasets"]}
    assert any("has no column" in p for p in lakeview.check_bindings(committed, cols))


def test_parameter_markers_render_for_duckdb() -> None:
    ds = Dataset(
        "x",
        "select 1 where w = :workspace and d between :date_range.min and :date_range.max"
        " and s = :statement_id and t = cast('a' as string)",
        ("workspace", "date_range", "statement_id"),
    )
    assert ds.duckdb_sql() == (
        "select 1 where w = $workspace and d between $date_range_min and $date_range_max"
        " and s = $statement_id and t = cast('a' as string)"
    )


def _one_widget_definition(tmp_path: Path, widget: str) -> Path:
    """A definition of one page holding ``widget`` (a YAML flow mapping)."""
    (tmp_path / "d.yml").write_text(
        "display_name: x\nparameters: {}\npages:\n"
        f"  - {{name: p, display_name: P,\n     widgets: [{widget}]}}\n"
    )
    return tmp_path / "d.yml"


def test_definition_errors_name_the_problem(tmp_path: Path) -> None:
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "a.sql").write_text("select 1 as n where :nope = 1\n")
    (tmp_path / "d.yml").write_text("display_name: x\nparameters: {}\npages: []\n")
    with pytest.raises(DefinitionError, match="undeclared parameter"):
        load(tmp_path / "d.yml")
    (tmp_path / "datasets" / "a.sql").write_text("select 1 as n\n")
    counter = "{type: counter, dataset: b, field: n, title: t}"
    with pytest.raises(DefinitionError, match="no dataset 'b'"):
        load(_one_widget_definition(tmp_path, counter))
    # The .lvdash.json has no row limit on a chart: the report would plot a top N that the
    # AI/BI dashboard does not (a chart's top N belongs in its dataset's SQL).
    chart = "{type: bar, dataset: a, x: 'n:N', y: 'n:Q', limit: 3, title: t}"
    with pytest.raises(DefinitionError, match="a chart takes no limit"):
        load(_one_widget_definition(tmp_path, chart))


def test_widget_columns() -> None:
    assert widget_columns({"type": "bar", "x": "a:N", "y": "b:Q", "sort": "c"}) == ["a", "b", "c"]
    assert widget_columns({"type": "counter", "field": "f"}) == ["f"]


def test_bundle_deploys_the_dashboard_on_the_job_s_warehouse_and_schema() -> None:
    """resources/genie_analytics_dashboard.yml: the `dashboards` resource (reference section 2)
    points at the committed file, the job's warehouse and the catalog/schema variables."""
    import yaml

    bundle = yaml.safe_load((ROOT / "databricks.yml").read_text())
    resource_file = ROOT / "resources" / "genie_analytics_dashboard.yml"
    dash = yaml.safe_load(resource_file.read_text())["resources"]["dashboards"]["genie_analytics"]
    assert (resource_file.parent / dash["file_path"]).resolve() == COMMITTED
    job = yaml.safe_load((ROOT / "resources" / "genie_analytics_job.yml").read_text())
    # The job's dbt tasks get warehouse, catalog and schema from the same bundle variables
    # (passed to dbt as --vars read by the job's profile).
    dbt_commands = " ".join(
        job["resources"]["jobs"]["genie_analytics"]["tasks"][0]["dbt_task"]["commands"]
    )
    assert dash["warehouse_id"] == "${var.warehouse_id}"
    assert dash["dataset_catalog"] == "${var.catalog}"
    assert dash["dataset_schema"] == "${var.schema}"
    for variable in ("warehouse_id", "catalog", "schema"):
        assert f"'${{var.{variable}}}'" in dbt_commands
    assert {"warehouse_id", "catalog", "schema"} <= set(bundle["variables"])
    # read-only fields the CLI rejects (reference section 2)
    assert not {"dashboard_id", "etag", "create_time", "update_time", "path"} & set(dash)


def test_exposures_depend_on_exactly_the_marts_the_datasets_read(defn) -> None:
    import re

    import yaml

    marts = {p.stem for p in (ROOT / "models" / "marts").rglob("*.sql")}
    read = {m for ds in defn.datasets.values() for m in marts if re.search(rf"\b{m}\b", ds.sql)}
    exposures = yaml.safe_load((ROOT / "models" / "_dashboard__exposures.yml").read_text())
    for exposure in exposures["exposures"]:
        refs = {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposure["depends_on"]}
        assert refs == read, exposure["name"]


def test_the_report_refuses_a_start_after_its_end(tmp_path, capsys) -> None:
    """A reversed period was accepted (exit 0): a report titled "2026-10-21 to 2026-10-02" with
    empty charts, whose overlap-filtered tables still listed rows. It is a usage error (exit 2)."""
    from genie_ingest.dashboard import main

    db = tmp_path / "build.duckdb"
    db.touch()
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "--lvdash", str(tmp_path / "d.lvdash.json"),
                "--db", str(db),
                "--report-dir", str(tmp_path / "report"),
                "--start", "2026-10-21",
                "--end", "2026-10-02",
            ]
        )  # fmt: skip
    assert exc.value.code == 2
    assert "is after --end" in capsys.readouterr().err
