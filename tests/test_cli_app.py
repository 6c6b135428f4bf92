"""The console script builds only the command being run; everything else gets the whole
app, so help, completion and suggestions for a mistyped command still see every command."""

from __future__ import annotations

import pytest

from nomadspot.cli.app import app, app_for, command_name


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["list", "--format", "ids"], "list"),
        (["--catalogue", "x.toml", "find", "--wifi"], "find"),
        (["--catalogue=x.toml", "show", "a"], "show"),
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["--install-completion"], None),
        (["--catalogue", "x.toml"], None),
    ],
)
def test_command_name(args: list[str], name: str | None) -> None:
    assert command_name(args) == name


def test_the_lean_app_holds_only_the_command_run() -> None:
    lean = app_for(["--catalogue", "x.toml", "find", "--wifi"])
    assert [info.callback.__name__ for info in lean.registered_commands] == ["find"]
    assert lean.registered_callback is app.registered_callback
    assert len(app.registered_commands) > 10  # the shared app is left whole
    listed = app_for(["list"])
    assert [info.name for info in listed.registered_commands] == ["list"]


@pytest.mark.parametrize("args", [["lst"], ["--help"], [], ["find"]])
def test_the_whole_app_for_anything_unusual(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if args == ["find"]:  # shell completion asks the whole app
        monkeypatch.setenv("_NOMADSPOT_COMPLETE", "complete_bash")
    assert app_for(args) is app
