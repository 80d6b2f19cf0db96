"""scripts/compare_engines.py: which relations `make spark` compares."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location(
        "compare_engines", ROOT / "scripts" / "compare_engines.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def node(name: str, resource_type: str = "model", materialized: str = "table", **config):
    return {
        "name": name,
        "resource_type": resource_type,
        "alias": name,
        "config": {"materialized": materialized, **config},
    }


def test_a_select_run_compares_only_the_nodes_it_built(tmp_path: Path) -> None:
    compare_engines = load_script()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "nodes": {
                    "model.p.built": node("built"),
                    "model.p.not_selected": node("not_selected"),
                    "model.p.failed": node("failed"),
                    "model.p.eph": node("eph", materialized="ephemeral"),
                    "model.p.off": node("off", enabled=False),
                    "seed.p.seed_built": node(
                        "seed_built", resource_type="seed", materialized="seed"
                    ),
                    "test.p.t": node("t", resource_type="test", materialized="test"),
                }
            }
        )
    )
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.p.built", "status": "success"},
                    {"unique_id": "model.p.failed", "status": "error"},
                    {"unique_id": "seed.p.seed_built", "status": "success"},
                    {"unique_id": "test.p.t", "status": "pass"},
                ]
            }
        )
    )
    everything = compare_engines.model_relations(manifest)
    assert everything == {
        "built": "built",
        "not_selected": "not_selected",
        "failed": "failed",
        "seed_built": "seed_built",
    }
    selected = compare_engines.model_relations(manifest, run_results)
    assert selected == {"built": "built", "seed_built": "seed_built"}
