"""The console script builds only the command being run; everything else gets the whole
app, so help, completion and suggestions for a mistyped command still see every command."""

from __future__ import annotations

import itertools
import json
import os
import re
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
names = [n for n in sys.modules if n.startswith(("nomadspot", "pydantic", "rich", "pygments"))]
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
    # Plain numbers in range and the catalogue's path neither (the README's own example).
    numbers = imported_by(
        "--catalogue", str(catalogue_path), "find", "--people", "4", "--radius", "2.5",
        "--limit", "+3", "--format", "json",
    )  # fmt: skip
    assert not {name for name in numbers if name.startswith("pydantic")}
    # Anything else still goes through Typer, which checks it and says what is wrong.
    assert "pydantic" in imported_by("find", "--people", "0", "--format", "json")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--people", "0"], "--people"),
        (["--people", "abc"], "--people"),
        (["--limit", "-1"], "--limit"),
        (["--radius", "1,5"], "--radius"),
        (["--radius", "--wifi"], "--radius"),
    ],
)
def test_numbers_typer_must_judge_still_get_its_message(
    cli: Cli, args: list[str], message: str
) -> None:
    result = cli("find", *args, code=2)
    assert result.stderr.startswith("Error: ") and message in result.stderr


def test_plain_numbers_are_read_as_typer_reads_them(cli: Cli) -> None:
    cli("add", "Le Kiosque", "--kind", "cafe", "--city", "Lyon", "--lat", "+45.76",
        "--lon", ".4835e1", "--seats", "+012", "--wifi-mbps", "30")  # fmt: skip
    shown = json.loads(cli("show", "le-kiosque-lyon", "--format", "json").stdout)
    assert (shown["lat"], shown["lon"], shown["seats"]) == (45.76, 4.835, 12)
    assert type(shown["seats"]) is int and shown["wifi_mbps"] == 30
    found = json.loads(cli("find", "--city", "Lyon", "--people", "04", "--format", "json").stdout)
    assert found["query"]["people"] == 4


@pytest.mark.parametrize("args", [["--help"], ["find", "--help"], ["add", "--help"]])
def test_help_imports_neither_rich_nor_pydantic(args: list[str]) -> None:
    """Help is plain text: no rich Markdown, pygments or pydantic on its path (about 100 ms
    of Typer's rich help; the benchmark's '--help' row holds the goal)."""
    imported = imported_by(*args)
    assert "nomadspot.cli.help" in imported
    assert not {name.split(".")[0] for name in imported} & {"rich", "pygments", "pydantic"}


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


# --- the catalogue named explicitly (issue 13.7) -------------------------------------------


def named(how: str, path: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    if how == "option after":
        return [*args, "--catalogue", str(path)], {}
    if how == "option before":
        return ["--catalogue", str(path), *args], {}
    return list(args), {"NOMADSPOT_CATALOGUE": str(path)}


HOWS = ["option before", "option after", "environment"]
READERS = [
    ("list",),
    ("find", "--city", "Vienne"),
    ("show", "x"),
    ("edit", "x", "--seats", "3"),
    ("remove", "x", "--yes"),
    ("visit", "x"),
    ("check",),
    ("export",),
]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("args", READERS, ids=lambda args: args[0])
def test_a_missing_catalogue_named_explicitly_is_exit_3(
    cli: Cli, tmp_path: Path, how: str, args: tuple[str, ...]
) -> None:
    """Never the example catalogue with exit 0 for a mistyped path."""
    missing = tmp_path / "typo" / "catalogeu.toml"
    argv, env = named(how, missing, *args)
    result = cli.runner.invoke(app, argv, env=env, catch_exceptions=False)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith(f"Error: no catalogue at {missing}")
    assert result.stdout == "" and not missing.parent.exists()


@pytest.mark.parametrize("how", HOWS)
def test_creating_commands_create_a_catalogue_named_explicitly(
    cli: Cli, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "new" / "mine.toml"
    argv, env = named(how, path, "add", "Le Café", "--kind", "cafe", "--city", "Lyon")
    assert cli.runner.invoke(app, argv, env=env).exit_code == 0
    argv, env = named(how, path, "list", "--format", "ids")
    assert cli.runner.invoke(app, argv, env=env).stdout == "le-cafe-lyon\n"
    other = tmp_path / "other" / "init.toml"
    argv, env = named(how, other, "init")
    assert cli.runner.invoke(app, argv, env=env).exit_code == 0 and other.exists()


def test_config_says_a_named_catalogue_does_not_exist_yet(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    out = cli("config", "--catalogue", str(missing)).stdout
    assert f"catalogue = {missing}  (does not exist yet" in out
    assert "example" not in out.splitlines()[0]


def test_only_the_default_path_falls_back_to_the_example(cli: Cli, catalogue_path: Path) -> None:
    result = cli("find", "--city", "Vienne", "--format", "json")
    assert "example catalogue" in result.stderr and json.loads(result.stdout)["results"]


def test_the_catalogue_option_after_the_command_wins_and_is_not_a_command_option(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "after.toml"
    cli("add", "A", "--kind", "cafe", "--city", "Lyon", "--catalogue", str(path))
    cli("add", "B", "--kind", "cafe", f"--catalogue={path}", "--city", "Lyon")
    assert cli("list", "--format", "ids", "--catalogue", str(path)).stdout == "a-lyon\nb-lyon\n"
    # After '--', it is data (a name), not the option.
    cli("--catalogue", str(path), "add", "--kind", "cafe", "--city", "Lyon", "--", "--catalogue")


@pytest.mark.parametrize(
    ("args", "hoisted"),
    [
        (["list", "--catalogue", "x"], ["--catalogue", "x", "list"]),
        (["list", "--catalogue=x", "--city", "A"], ["--catalogue=x", "list", "--city", "A"]),
        (["--catalogue", "x", "list"], ["--catalogue", "x", "list"]),
        (["add", "--", "--catalogue", "x"], ["add", "--", "--catalogue", "x"]),
        (["--help"], ["--help"]),
        (
            ["--catalogue", "list", "find", "--catalogue", "y"],
            ["--catalogue", "list", "--catalogue", "y", "find"],
        ),
    ],
)
def test_hoist_global_options(args: list[str], hoisted: list[str]) -> None:
    from nomadspot.cli.typer_shell import hoist_global_options

    assert hoist_global_options(args, COMMAND_MODULES) == hoisted


# --- Typer on its public API, pinned (issue 14.3) ---------------------------------------------

SOURCE = Path(__file__).resolve().parent.parent / "src" / "nomadspot"


def test_no_private_module_or_name_of_typer_is_used() -> None:
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in SOURCE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\btyper\.(_\w+)|from typer\.\w+ import _|\bimport typer\._", line)
    ]
    assert offenders == []


def test_every_dependency_is_pinned_below_its_next_breaking_release() -> None:
    import tomllib
    from importlib.metadata import PackageNotFoundError, version

    project = tomllib.loads((SOURCE.parent.parent / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += [item for item in extra if not item.startswith("nomadspot")]
    for requirement in requirements:
        match = re.fullmatch(r"([\w.-]+)>=([\d.]+),<([\d.]+)", requirement.split(";")[0].strip())
        assert match, f"{requirement}: wants NAME>=X,<Y"
        name, low, high = match.groups()
        as_tuple = [tuple(int(part) for part in bound.split(".")) for bound in (low, high)]
        zero_major = as_tuple[1][0] == 0
        assert len(as_tuple[1]) == (2 if zero_major else 1), f"{requirement}: next major/minor"
        try:
            found = version(name)
        except PackageNotFoundError:  # an extra this venv does not install (gazetteer-build)
            continue
        installed = tuple(int(part) for part in found.split(".")[:3] if part.isdigit())
        assert as_tuple[0] <= installed < as_tuple[1], (requirement, found)


# --- help that reads like a man page (issue 18.1), through a real process --------------------

PLACEHOLDER = re.compile(
    r"<(bool|str|int|float|list\[|path|int range|float range)|\[x[<>]=|\{\w+\}"
)


def help_of(*args: str, columns: int) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nomadspot", *args, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"},
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", ["", *COMMAND_MODULES])
def test_help_fits_and_shows_meanings_not_types(command: str, columns: int) -> None:
    text = help_of(*([command] if command else []), columns=columns)
    assert max(len(line) for line in text.splitlines()) <= min(columns, 80)
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
    assert "\x1b" not in text
    assert "\nExamples:\n  nomadspot " in text
    for flag in ("--help", "--wifi", "--explain", "--dry-run", "--yes", "--examples"):
        for line in text.splitlines():
            if re.match(r"  (-\w, )?--", line):  # an option's row: a flag takes no value
                assert not re.search(rf"{flag} [A-Z<]", line), line


def test_find_help_puts_where_needs_when_first_and_output_options_last() -> None:
    text = help_of("find", columns=80)
    order = [text.index(title) for title in ("Where:", "needs:", "When:", "Options:")]
    assert order == sorted(order)
    for option in ("--strict", "--limit N", "--explain", "--format FORMAT"):
        assert text.index(option) > text.index("Options:"), option
    for metavar in ("--city CITY", "--near WHERE", "--radius KM", "--kind KIND", "--people N"):
        assert metavar in text
    assert "--at WHEN" in text and "--for DURATION" in text and "--budget AMOUNT" in text


def test_add_help_gives_descriptions_a_readable_column() -> None:
    """Once squeezed into 13 characters, a word or two a line."""
    lines = help_of("add", columns=80).splitlines()
    described = [line for line in lines if re.match(r"  --\S+( \S+)?  +\S", line)]
    starts = {re.match(r"  --\S+( \S+)?  +", line).end() for line in described}  # type: ignore[union-attr]
    assert len(described) > 15 and max(starts) <= 32, starts
    assert any("Kind: cafe, coworking, pepiniere, hotel_lobby" in line for line in lines)
    assert "--wifi / --no-wifi" in "\n".join(lines)


def test_help_wraps_paragraphs_as_paragraphs() -> None:
    """A docstring's line breaks are not the help's: a line of prose ends only where the
    next word would not fit, and no line is padded with spaces."""
    for command in ("find", "check", "import", "edit"):
        lines = help_of(command, columns=80).splitlines()
        assert all(line == line.rstrip() for line in lines), command
        prose = lines[1 : next(i for i, line in enumerate(lines) if line.endswith(":"))]
        assert prose, command
        for line, following in itertools.pairwise(prose):
            if line.strip() and following.strip():
                assert len(line) + 1 + len(following.split()[0]) > 78, (command, line)


def test_a_usage_error_points_to_the_command_s_own_help(cli: Cli) -> None:
    result = cli("find", "--frobnicate", code=2)
    assert result.stderr.splitlines()[-1] == "hint: see 'nomadspot find --help'"
    result = cli("add", code=2)
    assert result.stderr.splitlines()[-1] == "hint: see 'nomadspot add --help'"


def test_plain_nomadspot_shows_the_help_on_stderr(cli: Cli) -> None:
    result = cli(code=2)
    assert result.stdout == "" and result.stderr.startswith("Usage: nomadspot")


def test_help_wraps_between_words_only() -> None:
    from nomadspot.cli.help import wrap

    lines = wrap("Pay at most 40 € for --meeting-room-seats open Mo-Fr 08:30-18:00", 12)
    assert lines == ["Pay at most", "40 € for", "--meeting-room-seats", "open Mo-Fr", "08:30-18:00"]


def test_a_city_completes_from_what_was_typed_whatever_its_case_and_accents() -> None:
    from nomadspot.cli.common import as_typed

    assert as_typed("Vienne", "Vi") == "Vienne"
    assert as_typed("Vienne", "vie") == "vienne"
    assert as_typed("Alençon", "alen") == "alençon"
    assert as_typed("Saint-Étienne", "saint e") == "saint etienne"
