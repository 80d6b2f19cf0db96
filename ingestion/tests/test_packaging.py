"""The wheel the Databricks job installs (databricks.yml artifact ``genie_ingest_wheel``) carries
the ingestion only: no simulator, no test credentials, no dependency nothing imports.

The sandbox is a program of its own (sandbox/pyproject.toml, console script ``genie-sandbox``);
ruff rule TID251 forbids ``genie_ingest`` to import it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"


def _tracked_tree(target: Path) -> Path:
    """The repository's files as git sees them (tracked and new, ignored ones left out), so a
    developer's stale build/ directory cannot hide or add anything."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    tree = _tracked_tree(tmp_path_factory.mktemp("tree"))
    out = tmp_path_factory.mktemp("dist")
    # The bundle's own build command (databricks.yml): pip wheel --no-deps of the repo root.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", str(out), "."],
        cwd=tree,
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("genie_ingest-*.whl")
    with zipfile.ZipFile(path) as zf:
        yield zf


def test_the_job_wheel_has_no_simulator_and_no_test_credentials(wheel) -> None:
    names = wheel.namelist()
    assert "genie_ingest/pipeline.py" in names and "genie_ingest/cli.py" in names
    assert not [n for n in names if "sandbox" in n.lower()], names
    for name in names:
        text = wheel.read(name).decode("utf-8", errors="replace")
        assert "sandbox-secret" not in text and "sandbox-sp" not in text, name
    entry_points = wheel.read("genie_ingest-0.1.0.dist-info/entry_points.txt").decode()
    assert "genie-ingest = genie_ingest.cli:main" in entry_points
    assert "genie-sandbox" not in entry_points


def test_the_bundle_build_leaves_a_stale_build_directory_out_of_the_wheel(tmp_path) -> None:
    """setuptools reuses build/lib: a file left there by an earlier build (e.g. a module since
    moved out, like the former genie_ingest/sandbox/) went into the wheel. The bundle's own
    build command (databricks.yml, run by the CLI through a shell in the bundle root) must not
    let it in."""
    import yaml

    tree = _tracked_tree(tmp_path / "tree")
    stale = tree / "build" / "lib" / "genie_ingest"
    (stale / "sandbox").mkdir(parents=True)
    (stale / "sandbox" / "__init__.py").write_text('SECRET = "stale"\n')
    (stale / "stale_module.py").write_text("STALE = True\n")
    bundle = yaml.safe_load((tree / "databricks.yml").read_text())
    artifact = bundle["artifacts"]["genie_ingest_wheel"]
    # `python` of the command is this interpreter (the CLI finds one on PATH).
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        artifact["build"], shell=True, cwd=tree / artifact["path"], env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    (path,) = (tree / artifact["path"] / "dist").glob("genie_ingest-*.whl")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert "genie_ingest/cli.py" in names
    assert not [n for n in names if "sandbox" in n or "stale" in n], names


def test_the_job_wheel_requires_only_what_the_ingestion_imports(wheel) -> None:
    metadata = wheel.read("genie_ingest-0.1.0.dist-info/METADATA").decode()
    core = sorted(
        line.split(":", 1)[1].strip().split("<")[0].split(">")[0].split("=")[0]
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    )
    assert core == ["databricks-sdk", "duckdb", "rich"], core


@pytest.mark.parametrize(
    ("filename", "banned"),
    [
        ("ingestion/genie_ingest/probe.py", True),
        ("sandbox/genie_sandbox/probe.py", False),
        ("ingestion/tests/test_probe.py", False),
    ],
)
def test_ruff_forbids_the_ingestion_to_import_the_sandbox(filename: str, banned: bool) -> None:
    source = "from genie_sandbox.server import SandboxApi\n\nprint(SandboxApi)\n"
    proc = subprocess.run(
        [str(RUFF), "check", "--select", "TID251", "--stdin-filename", filename, "-"],
        cwd=ROOT,
        input=source,
        capture_output=True,
        text=True,
    )
    assert (proc.returncode == 1 and "TID251" in proc.stdout) is banned, proc.stdout


def test_importing_every_ingestion_module_loads_no_sandbox() -> None:
    code = (
        "import sys, pkgutil, importlib, genie_ingest\n"
        "for m in pkgutil.walk_packages(genie_ingest.__path__, 'genie_ingest.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "assert 'genie_ingest.pipeline' in sys.modules\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'genie_sandbox'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout


def test_pre_commit_runs_the_pinned_tools_at_pinned_revisions() -> None:
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = []
    for repo in config["repos"]:
        if repo["repo"] == "local":
            entries += [hook["entry"].split()[0] for hook in repo["hooks"]]
        else:
            # A tag, never a moving branch.
            assert repo["rev"].startswith("v") and repo["rev"][1:2].isdigit(), repo
    assert sorted({Path(e).name for e in entries}) == ["ruff", "sqlfluff"]
    for entry in entries:
        assert entry.startswith(".venv/bin/") and (ROOT / entry).exists(), entry
