"""The Typer app, its global options, and the one place where errors become messages."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import Abort, Exit
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer vendors click
from typer.core import TyperGroup

from nomadspot import __version__
from nomadspot.cli.common import State, complete_path, eprint
from nomadspot.errors import NomadspotError

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as for a Unix tool killed by SIGPIPE
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in nomadspot, never a user mistake


def report(message: str, hint: str | None = None) -> None:
    """Every error reaches the user through here: ``Error: ...`` on stderr, plus a hint."""
    eprint(f"Error: {message}")
    if hint:
        eprint(f"hint: {hint}")


class NomadspotGroup(TyperGroup):
    """Runs the app and turns every error into a one-line message and its exit code."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = self._run(args, prog_name, complete_var, **extra)
        if not standalone_mode:
            return code
        sys.exit(code)

    def _run(self, args: Any, prog_name: str | None, complete_var: str | None, **extra: Any) -> int:
        debug = bool(os.environ.get("NOMADSPOT_DEBUG"))
        try:
            result = super().main(
                args, prog_name or "nomadspot", complete_var, standalone_mode=False, **extra
            )
            return result if isinstance(result, int) else 0
        except NomadspotError as error:
            if debug:
                import traceback

                traceback.print_exc()
            report(error.message, error.hint)
            return error.exit_code
        except NoArgsIsHelpError as error:  # plain 'nomadspot': the help, on stderr
            error.show()
            return error.exit_code
        except ClickException as error:  # bad flag, bad value, missing argument: exit 2
            context = getattr(error, "ctx", None)
            command = context.command_path if context is not None else "nomadspot"
            report(error.format_message(), f"see '{command} --help'")
            return error.exit_code
        except Exit as error:
            return error.exit_code
        except (Abort, KeyboardInterrupt):
            eprint("Aborted.")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, and keep Python from
            # complaining while it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        except Exception as error:  # a bug: one line, traceback on demand
            if debug:
                raise
            report(
                f"unexpected {type(error).__name__}: {error}",
                "this is a bug in nomadspot; NOMADSPOT_DEBUG=1 shows the traceback",
            )
            return EXIT_INTERNAL


app = typer.Typer(
    cls=NomadspotGroup,
    name="nomadspot",
    help="Your own catalogue of places to work and meet (cafés, coworking spaces, hotel "
    "lobbies, pépinières...), ranked for a meeting.\n\n"
    "Example: nomadspot find --city Vienne --wifi",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"nomadspot {__version__}")
        raise Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            "--catalogue",
            help="Catalogue file to use (default: $NOMADSPOT_CATALOGUE, else catalogue.toml "
            "in your data folder; see 'nomadspot config').",
            metavar="PATH",
            dir_okay=False,
            autocompletion=complete_path,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
) -> None:
    ctx.obj = State(catalogue_option=catalogue)


# Registering the commands: these modules import only what their options need; each
# command imports its heavy tools (rich, opening_hours, the gazetteer) when it runs.
from nomadspot.cli import places as _places  # noqa: E402,F401,I001  (order = help order)
from nomadspot.cli import find as _find  # noqa: E402,F401
from nomadspot.cli import interop as _interop  # noqa: E402,F401


def main() -> None:
    app_for(sys.argv[1:])()


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command being run. Typer builds the options of every command
    at start-up, which one run does not need (a sixth of the start-up time of 'nomadspot
    list'). Help, completion, a mistyped command and anything unusual get the whole app."""
    if any(name.startswith("_NOMADSPOT_COMPLETE") for name in os.environ):
        return app
    name = command_name(args)
    if name is None:
        return app
    from typer.main import get_command_name

    chosen = [
        info
        for info in app.registered_commands
        if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) == name
    ]
    if len(chosen) != 1:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    return lean


def command_name(args: list[str]) -> str | None:
    """The command in ``args`` after the global options, or None when there is none (or
    a global option such as --help or --version comes first)."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--catalogue":
            index += 2
        elif arg.startswith("--catalogue="):
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None
