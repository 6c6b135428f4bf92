"""nomadspot as a real process: exit codes, pipes, stdout versus stderr, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


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


def test_a_closed_pipe_ends_quietly(catalogue_path: Path) -> None:
    for number in range(30):
        run("add", f"Café {number}", "--kind", "cafe", "--city", "Lyon") if number < 3 else None
    script = (
        f"{sys.executable} -m nomadspot list --format tsv | head -c 10 > /dev/null; "
        "echo ${PIPESTATUS[0]}"
    )
    result = run_shell(script)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.stdout.strip() in {"0", "141"}


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
