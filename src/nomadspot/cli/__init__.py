"""The command line. ``main`` is the console script; ``app`` is the Typer app with every
command registered (tests use it with Typer's CliRunner). ``main`` imports only the module
of the command being run."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from nomadspot import gcpause
from nomadspot.errors import OutputError

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]


def main() -> None:
    """The console script. Typer and the command's modules are imported with the cyclic
    garbage collector paused, and what they made is then frozen out of its sight: module
    objects live as long as the process, and the 36 collections that the imports of
    ``find`` set off freed 470 of 18,600 objects (a few kB, now kept) in 5 ms."""
    from nomadspot.cli import process

    process.install()  # first: Ctrl-C is 'Aborted.' and 130 from here on
    stdout = process.guard_stdout()
    with gcpause.paused(keep=True):
        from nomadspot.cli.application import app_for

        app = app_for(sys.argv[1:])
    code = app(standalone_mode=False)
    try:
        stdout.flush()
    except process.PipeClosed:
        code = process.EXIT_BROKEN_PIPE
    except OutputError as error:
        if code != error.exit_code:  # not reported yet (a library swallowed the first one)
            from nomadspot.cli.typer_shell import report

            report(error.message, error.hint)
            code = error.exit_code
    sys.stdout = sys.__stdout__  # Python's own flush at exit: nothing left, or /dev/null
    sys.exit(code)


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        from nomadspot.cli.application import load_commands

        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
