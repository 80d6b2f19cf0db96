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
