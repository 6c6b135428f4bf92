"""nomadspot as a real process: exit codes, pipes, stdout versus stderr, no tracebacks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nomadspot import store

from .reliability_support import make_places, read_places, write_catalogue


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nomadspot", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def run_shell(script: str) -> subprocess.CompletedProcess[str]:
    """A bash pipeline, for what only a shell shows (a reader that goes away)."""
    return subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
        check=False,
    )


def test_exit_codes_through_a_real_process(catalogue_path: Path) -> None:
    assert run("--version").returncode == 0
    added = run("add", "Le Café", "--kind", "cafe", "--city", "Lyon")
    assert (added.returncode, added.stdout) == (0, "le-cafe-lyon\n")
    assert run("list", "--city", "Paris").returncode == 1
    bad = run("add", "X", "--kind", "cafe", "--city", "Lyon", "--hours", "nope")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("Error: ")
    assert run("frobnicate").returncode == 2
    catalogue_path.write_text("version = 99\n")
    newer = run("list")
    assert newer.returncode == 3 and "newer" in newer.stderr and newer.stdout == ""
    for result in (bad, newer):
        assert "Traceback" not in result.stderr


def test_piped_output_is_tsv_without_escape_sequences(catalogue_path: Path) -> None:
    run("add", "Le Café", "--kind", "cafe", "--city", "Lyon", "--wifi")
    result = run("list")
    assert result.stdout.splitlines()[0].startswith("id\tname\tkind\tcity")
    table = run("list", "--format", "table")
    assert "\x1b" not in table.stdout
    assert "Le Café" in table.stdout


@pytest.fixture
def big_catalogue(catalogue_path: Path) -> Path:
    """3,000 places: more output than a pipe holds, so a reader that goes away is seen."""
    write_catalogue(catalogue_path, make_places(3000))
    return catalogue_path


@pytest.mark.parametrize("command", ["list", "find"])
def test_a_closed_pipe_exits_141_quietly(big_catalogue: Path, command: str) -> None:
    script = (
        f"{sys.executable} -m nomadspot {command} --format tsv | head -c 10 > /dev/null; "
        "echo ${PIPESTATUS[0]}"
    )
    result = run_shell(script)
    assert result.stderr == ""
    assert result.stdout.strip() == "141"


@pytest.mark.parametrize("command", ["list", "find", "show p00001", "config", "--help"])
def test_a_full_disk_on_stdout_is_exit_3_with_a_message(catalogue_path: Path, command: str) -> None:
    write_catalogue(catalogue_path, make_places(300))
    result = run_shell(f"{sys.executable} -m nomadspot {command} > /dev/full")
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("Error: cannot write the output: No space left on device")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_closed_stdout_is_exit_3_with_a_message(catalogue_path: Path) -> None:
    write_catalogue(catalogue_path, make_places(30))
    result = run_shell(f"{sys.executable} -m nomadspot list >&-")
    assert result.returncode == 3, result.stderr
    assert result.stderr == "Error: cannot write the output: standard output is closed\n"


@pytest.mark.parametrize("redirect", ["> /dev/full", ">&-"])
def test_add_with_an_unwritable_stdout_keeps_the_place_and_says_so(
    catalogue_path: Path, redirect: str
) -> None:
    run("add", "Le Café", "--kind", "cafe", "--city", "Lyon")
    result = run_shell(
        f"{sys.executable} -m nomadspot add 'Chez Paul' --kind cafe --city Lyon {redirect}"
    )
    assert result.returncode == 3
    assert f"the change was saved to {catalogue_path}" in result.stderr
    assert [place.id for place in read_places(catalogue_path)] == ["le-cafe-lyon", "chez-paul-lyon"]


@pytest.mark.parametrize(
    ("moment", "then"),
    [
        ("typer", 0.0),  # early: while Typer is being imported
        ("nomadspot.editing", 0.0),  # while the command's own modules are imported
        ("nomadspot.store", 0.5),  # waiting for the catalogue's lock
    ],
)
def test_ctrl_c_at_any_moment_says_aborted_and_exits_130(
    catalogue_path: Path, moment: str, then: float
) -> None:
    """Ctrl-C as soon as ``moment`` is imported (``-X importtime`` tells, on stderr), then
    ``then`` seconds later. The lock is held, so 'add' cannot finish first."""
    run("add", "Le Café", "--kind", "cafe", "--city", "Lyon")
    command = [sys.executable, "-X", "importtime", "-m", "nomadspot", "add", "B"]
    with store.locked(catalogue_path):
        process = subprocess.Popen(
            [*command, "--kind", "cafe", "--city", "Lyon"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NOMADSPOT_LOCK_TIMEOUT": "30"},
        )
        assert process.stderr is not None
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.startswith("import time:") and line.split("|")[-1].strip() == moment:
                break
        else:
            pytest.fail(f"{moment} was never imported: {''.join(seen)}")
        time.sleep(then)
        process.send_signal(signal.SIGINT)
        stdout, rest = process.communicate(timeout=30)
    messages = [line for line in [*seen, *rest.splitlines(True)] if "import time:" not in line]
    assert (process.returncode, "".join(messages), stdout) == (130, "Aborted.\n", "")
    assert [place.id for place in read_places(catalogue_path)] == ["le-cafe-lyon"]


def test_remove_without_terminal_needs_yes(catalogue_path: Path) -> None:
    run("add", "Le Café", "--kind", "cafe", "--city", "Lyon")
    result = run("remove", "le-cafe-lyon", stdin="y\n")
    assert result.returncode == 2 and "--yes" in result.stderr
    assert run("remove", "le-cafe-lyon", "--yes").returncode == 0


@pytest.mark.parametrize("variable", ["NOMADSPOT_CATALOGUE", "--catalogue"])
def test_catalogue_location_resolution(tmp_path: Path, variable: str) -> None:
    other = tmp_path / "elsewhere" / "mine.toml"
    if variable == "--catalogue":
        result = run("--catalogue", str(other), "add", "A", "--kind", "cafe", "--city", "Lyon")
    else:
        result = run(
            "add", "A", "--kind", "cafe", "--city", "Lyon", env={"NOMADSPOT_CATALOGUE": str(other)}
        )
    assert result.returncode == 0, result.stderr
    assert other.exists()


def complete(words: str) -> str:
    """What zsh completion offers for the command line ``words`` (Typer's protocol)."""
    result = run(env={"_NOMADSPOT_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_completion_offers_ids_cities_kinds_and_amenities(catalogue_path: Path) -> None:
    run("add", "La Pépinière", "--kind", "pepiniere", "--city", "Vienne")
    run("add", "Le Comptoir", "--kind", "brasserie", "--city", "Lyon")
    assert '"la-pepiniere-vienne":"La Pépinière, Vienne"' in complete("nomadspot show la")
    assert "le-comptoir-lyon" not in complete("nomadspot show la")
    assert '"Vienne"' in complete("nomadspot find --city V")
    assert '"vienne"' in complete("nomadspot find --city vie")  # case ignored, as in matching
    assert '"Lyon"' in complete("nomadspot list --city ")
    assert '"coworking"' in complete("nomadspot find --kind cow")
    assert '"projector"' in complete("nomadspot find --need pro")
    assert '"meeting_room"' in complete("nomadspot add X --amenity meet")
    assert '"show"' in complete("nomadspot sh")


def test_completion_reads_the_catalogue_given_by_the_global_option(
    catalogue_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    run("--catalogue", str(other), "add", "Hôtel de la Gare", "--kind", "hotel", "--city", "Givors")
    offered = complete(f"nomadspot --catalogue {other} show h")
    assert "hotel-de-la-gare-givors" in offered


def test_a_closed_stderr_never_sends_messages_to_stdout(catalogue_path: Path) -> None:
    result = run_shell(f"{sys.executable} -m nomadspot show nothing-here --format json 2>&-")
    assert result.returncode == 1 and result.stdout == ""
