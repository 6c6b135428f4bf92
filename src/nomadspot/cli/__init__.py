"""The command line. ``main`` is the console script; ``app`` is the Typer app with every
command registered (tests use it with Typer's CliRunner). ``main`` imports only the module
of the command being run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nomadspot.cli.application import main

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        from nomadspot.cli.application import load_commands

        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
