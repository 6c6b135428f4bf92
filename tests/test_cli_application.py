"""The console script builds only the command being run; everything else gets the whole
app, so help, completion and suggestions for a mistyped command still see every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nomadspot.cli import app
from nomadspot.cli.application import COMMAND_MODULES, app_for, command_name

from .conftest import Cli


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


def test_every_command_is_in_the_module_map() -> None:
    from typer.main import get_command_name

    registered = [
        info.name or get_command_name(info.callback.__name__)  # type: ignore[union-attr]
        for info in app.registered_commands
    ]
    assert sorted(registered) == sorted(COMMAND_MODULES)


def test_the_annotations_typer_reads_are_objects_not_strings() -> None:
    """Typer evaluates string annotations one by one on each run (``from __future__ import
    annotations`` in a command module): 10 ms of ``find``'s start-up."""
    import inspect

    callbacks = [info.callback for info in app.registered_commands]
    callbacks.append(app.registered_callback.callback)  # type: ignore[union-attr]
    for callback in callbacks:
        annotations = inspect.get_annotations(callback)  # type: ignore[arg-type]
        assert annotations, callback
        strings = [name for name, value in annotations.items() if isinstance(value, str)]
        assert not strings, f"{callback.__module__}.{callback.__name__}: {strings}"


# What a run imports, seen from a real process (``python -c``), so that nothing the tests
# imported before hides it.
PROBE = """
import sys
from nomadspot.cli import main
sys.argv = ["nomadspot", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
names = [name for name in sys.modules if name.startswith(("nomadspot", "pydantic"))]
print(" ".join(sorted(names)), file=sys.stderr)
"""


def imported_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return set(done.stderr.strip().splitlines()[-1].split())


def test_a_run_imports_the_module_of_its_command_only(catalogue_path: Path) -> None:
    listed = imported_by("list", "--format", "ids")
    assert "nomadspot.cli.places" in listed
    assert "nomadspot.cli.find" not in listed and "nomadspot.cli.interop" not in listed
    found = imported_by("find", "--city", "Paris", "--format", "json")
    assert "nomadspot.cli.find" in found and "nomadspot.cli.places" not in found


def test_options_given_as_text_or_left_out_cost_no_pydantic(catalogue_path: Path) -> None:
    """Typer would build a pydantic TypeAdapter for each (see skip_needless_coercion)."""
    quiet = imported_by(
        "find", "--city", "Paris", "--kind", "cafe", "--wifi", "--at", "10h", "--format", "json"
    )
    assert not {name for name in quiet if name.startswith("pydantic")}
    # A number still goes through Typer, which checks it.
    assert "pydantic" in imported_by("find", "--people", "3", "--format", "json")


def test_help_lists_the_commands_in_order_whatever_was_imported_first() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from nomadspot.cli.application import app_for, load_commands; import typer.main\n"
            "app_for(['find']); group = typer.main.get_command(load_commands())\n"
            "print(' '.join(group.list_commands(None)))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == list(COMMAND_MODULES)


def test_text_options_keep_their_values(cli: Cli, catalogue_path: Path) -> None:
    """Repeatable text options come as lists, single ones as text; numbers as numbers."""
    words = "find --city paris --kind coworking --kind cafe --people 3 --format json"
    result = cli(*words.split())
    query = json.loads(result.stdout)["query"]
    assert query["city"] == "paris"
    assert query["kinds"] == ["cafe", "coworking"] and query["people"] == 3
    assert "--people" in cli("find", "--people", "0", code=2).stderr
