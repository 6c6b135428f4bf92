"""Every test runs with its catalogue, config and cache in temp folders, at a fixed 'now'."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nomadspot.cli import app

FIXED_NOW = "2026-11-23T09:00+01:00"  # a Monday, Paris time (an instant: #13.6)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the whole run (the parsed-catalogue caches of every test)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The catalogue path, in a temp folder; nothing of the user's is read or written. It
    is the default path (the user's data folder, here a temp one), not one named by
    NOMADSPOT_CATALOGUE: only a default path that is missing falls back to the example
    catalogue, as for a new user."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("NOMADSPOT_CATALOGUE", raising=False)
    catalogue = tmp_path / "data" / "nomadspot" / "catalogue.toml"
    monkeypatch.setenv("NOMADSPOT_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("NOMADSPOT_CACHE_DIR", str(shared_cache))
    monkeypatch.setenv("NOMADSPOT_NOW", FIXED_NOW)
    monkeypatch.setenv("NOMADSPOT_LOCK_TIMEOUT", "5")
    # Wide tables: tests read cell contents, not how rich wraps them on 80 columns.
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("NOMADSPOT_DEBUG", "VISUAL", "EDITOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return catalogue


@pytest.fixture
def catalogue_path(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class Cli:
    """Runs nomadspot in-process through Typer's CliRunner (stdout and stderr apart)."""

    def __init__(self, runner: CliRunner) -> None:
        self.runner = runner

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):  # type: ignore[no-untyped-def]
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code}, wanted {code}\nstdout: {result.stdout}\n"
                f"stderr: {result.stderr}"
            )
        return result


@pytest.fixture
def cli(runner: CliRunner) -> Cli:
    return Cli(runner)
