"""`genie-sandbox`'s command line: help on stdout with exit 0, a missing or unknown command is a
usage error (stderr, exit 2, as argparse does), and every option of `generate` and `serve` says
what it means and what its default is."""

from __future__ import annotations

import argparse

import pytest

from genie_sandbox import cli, generate, server


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_goes_to_stdout_and_succeeds(flag, capsys):
    assert cli.main([flag]) == 0
    out, err = capsys.readouterr()
    assert "usage: genie-sandbox" in out
    assert err == ""


@pytest.mark.parametrize("argv", [[], ["no-such-command"]])
def test_no_or_unknown_command_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: genie-sandbox" in err
    assert "error:" in err


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and a.dest != "help"]


@pytest.mark.parametrize("build_parser", [generate.build_parser, server.build_parser])
def test_every_option_has_a_meaning_and_its_default(build_parser, monkeypatch):
    # env defaults of serve's credentials: the sandbox's own, never a value from this machine
    monkeypatch.delenv("DATABRICKS_SP_CLIENT_ID", raising=False)
    monkeypatch.delenv("DATABRICKS_SP_CLIENT_SECRET", raising=False)
    parser = build_parser()
    formatter = parser._get_formatter()
    problems = []
    for action in _options(parser):
        name = action.option_strings[0]
        if not action.help:
            problems.append(f"{name}: no help")
            continue
        text = formatter._expand_help(action)
        # a flag (store_true) has no default to show; a required option has none either
        if action.required or isinstance(action, argparse._StoreTrueAction):
            continue
        if "default" not in text:
            problems.append(f"{name}: help does not give the default: {text!r}")
        elif action.default not in (None, []) and "%(default)" in action.help:
            assert str(action.default) in text
    assert not problems, "\n".join(problems)


def test_generate_help_shows_the_start_date(capsys):
    with pytest.raises(SystemExit) as exc:
        generate.build_parser().parse_args(["--help"])
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default: {generate.DEFAULT_START_DATE.isoformat()})" in out
