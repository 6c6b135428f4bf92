"""The Typer app, its global options, and the one place where errors become messages."""

# Without ``from __future__ import annotations`` (here and in the command modules):
# Typer reads the options' annotations at run time, as objects rather than strings it
# would evaluate one by one (10 ms of each run of ``find``; a test checks it).

import copy
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

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


def _plain_text(annotation: object) -> bool:
    return annotation is str or (get_origin(annotation) is list and get_args(annotation) == (str,))


def skip_needless_coercion(params: Iterable[Any]) -> None:
    """Spare Typer the coercion of values that need none.

    Typer (0.29) coerces each option of the command being run through a pydantic
    ``TypeAdapter`` built on first use, even an option that was not given (its value is
    None) or a text option whose value is already text. That imports pydantic (about
    50 ms) and builds one adapter per option (about 20 ms for the 18 of ``find``). Those
    two cases get Typer's own answer directly (None, an empty
    tuple for a repeatable option, the text, a list of the texts), then its callback if
    any; every other value (numbers, ranges, paths, a missing required argument) still
    goes through Typer, with its messages. A parameter that is not Typer's is left alone."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_nomadspot_lean", False):
            continue
        param._nomadspot_lean = True
        typer_process = param.process_value
        text = _plain_text(descriptor.annotation)

        def process_value(
            ctx: Any,
            value: Any,
            param: Any = param,
            typer_process: Any = typer_process,
            text: bool = text,
        ) -> Any:
            repeatable = param.multiple or param.nargs == -1
            if value is None and not param.required:
                value = () if repeatable else None
            elif text and repeatable and isinstance(value, (list, tuple)) and value:
                if not all(isinstance(item, str) for item in value):
                    return typer_process(ctx, value)
                value = list(value)
            elif not (text and not repeatable and isinstance(value, str)):
                return typer_process(ctx, value)
            # What Typer does after coercing (a value of None or text is never missing
            # here: a required parameter without a value went to Typer above).
            return value if param.callback is None else param.callback(ctx, param, value)

        param.process_value = process_value


class NomadspotGroup(TyperGroup):
    """Runs the app and turns every error into a one-line message and its exit code."""

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        skip_needless_coercion(params)
        return params

    def list_commands(self, ctx: Any) -> list[str]:
        """In help order (``COMMAND_MODULES``), whichever module was imported first."""
        order = {name: index for index, name in enumerate(COMMAND_MODULES)}
        return sorted(super().list_commands(ctx), key=lambda name: order.get(name, len(order)))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:  # its options, and its --help (built and kept on first use)
            skip_needless_coercion(command.get_params(ctx))
        return command

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


# Which module registers each command, in the order help lists them. A run imports only
# the module of its command; help, completion and anything unusual import them all.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(
        ("init", "add", "list", "show", "edit", "remove", "visit", "stale", "check", "config"),
        "places",
    ),
    "find": "find",
    "import": "interop",
    "export": "interop",
}


def load_commands(name: str | None = None) -> typer.Typer:
    """Register the commands on ``app``: the module of ``name`` only, or all of them."""
    import importlib

    modules = [COMMAND_MODULES[name]] if name in COMMAND_MODULES else COMMAND_MODULES.values()
    for module in dict.fromkeys(modules):
        importlib.import_module(f"nomadspot.cli.{module}")
    return app


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command being run, whose module alone is imported. Typer
    builds the options of every command at start-up, which one run does not need (a
    sixth of the start-up time of 'nomadspot list'). Help, completion, a mistyped command
    and anything unusual get the whole app."""
    if any(name.startswith("_NOMADSPOT_COMPLETE") for name in os.environ):
        return load_commands()
    name = command_name(args)
    if name is None or name not in COMMAND_MODULES:
        return load_commands()
    from typer.main import get_command_name

    chosen = [
        info
        for info in load_commands(name).registered_commands
        if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) == name
    ]
    if len(chosen) != 1:  # pragma: no cover - COMMAND_MODULES names a module's commands
        return load_commands()
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
