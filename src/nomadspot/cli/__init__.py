"""The command line. ``main`` is the console script; ``app`` is the Typer app (tests use it
with Typer's CliRunner)."""

from nomadspot.cli.app import app, main

__all__ = ["app", "main"]
