"""`genie-ingest --help`: every setting, from the one Settings declaration."""

from __future__ import annotations

from dataclasses import fields

import pytest

from genie_ingest import cli
from genie_ingest.settings import Settings


@pytest.mark.parametrize("command", ["messages", "spaces"])
def test_help_lists_every_setting_with_its_env_var_default_and_meaning(command, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for f in fields(Settings):
        env = f.metadata["env"]
        line = next((line for line in text.splitlines() if line.strip().startswith(env)), None)
        assert line is not None, f"{env} is not in `genie-ingest {command} --help`"
        default = "-" if f.default is None else str(f.default)
        assert f"default {default})" in line, line
        assert f.metadata["help"] in text, f.name


def test_every_command_is_listed_and_dashboard_keeps_its_own_options(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    assert all(name in text for name in ("messages", "spaces", "dashboard"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["dashboard", "--help"])
    assert exited.value.code == 0 and "--report-dir" in capsys.readouterr().out


def test_dashboard_outside_the_repository_root_is_a_usage_error(tmp_path, monkeypatch, capsys):
    # The default --definition is relative to the current directory: elsewhere it is missing,
    # which is exit 2 with the file and the option to pass, not a FileNotFoundError traceback.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GENIE_ANALYTICS_DUCKDB", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.main(["dashboard"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "dashboards/genie_analytics.yml" in err and "--definition" in err


def test_dashboard_help_gives_each_option_its_meaning_and_default(monkeypatch, capsys):
    monkeypatch.setenv("GENIE_ANALYTICS_DUCKDB", "elsewhere/warehouse.duckdb")
    with pytest.raises(SystemExit) as exited:
        cli.main(["dashboard", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "see report.default_statement" not in text
    for default in (
        "(default: dashboards/genie_analytics.yml,",
        "(default: dashboards/genie_analytics.lvdash.json)",
        "(default: data/report)",
        "(default: env GENIE_ANALYTICS_DUCKDB if set, else none)",
    ):
        assert default in text, default


def test_dashboard_db_follows_the_settings_environment_variable(monkeypatch):
    from pathlib import Path

    from genie_ingest import dashboard

    env = next(f.metadata["env"] for f in fields(Settings) if f.name == "duckdb_path")
    monkeypatch.setenv(env, "from/env.duckdb")
    assert dashboard.build_parser().parse_args([]).db == Path("from/env.duckdb")
    monkeypatch.delenv(env)
    assert dashboard.build_parser().parse_args([]).db is None
