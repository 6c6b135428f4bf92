"""The Typer app, its global options, and which module registers which command. How the
app runs (errors, exit codes, help) is in ``typer_shell``."""

# Without ``from __future__ import annotations`` (here and in the command modules):
# Typer reads the options' annotations at run time, as objects rather than strings it
# would evaluate one by one (10 ms of each run of ``find``; a test checks it).

import importlib
import os
from typing import Annotated

import typer

from nomadspot import __version__
from nomadspot.cli.common import State, as_path, complete_path
from nomadspot.cli.typer_shell import NomadspotGroup, NomadspotTyper

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


class _Group(NomadspotGroup):
    command_order = tuple(COMMAND_MODULES)


app = NomadspotTyper(
    cls=_Group,
    name="nomadspot",
    help="Your own catalogue of places to work and meet (cafés, coworking spaces, hotel "
    "lobbies, pépinières...), ranked for a meeting.\n\n"
    "Examples:\n\n"
    "  nomadspot find --city Vienne --wifi\n"
    '  nomadspot find --near Lyon --near Grenoble --at "mardi 10h" --for 2h',
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"nomadspot {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    catalogue: Annotated[
        str | None,  # text, not Path: Typer coerces a path through pydantic (see typer_shell)
        typer.Option(
            "--catalogue",
            help="Catalogue file to use (default: $NOMADSPOT_CATALOGUE, else catalogue.toml "
            "in your data folder; see 'nomadspot config').",
            metavar="PATH",
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
    ctx.obj = State(catalogue_option=as_path(catalogue), command=ctx.invoked_subcommand)
    if ctx.invoked_subcommand is None:  # plain 'nomadspot': the help, on stderr
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(2)


def load_commands(name: str | None = None) -> NomadspotTyper:
    """Register the commands on ``app``: the module of ``name`` only, or all of them."""

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
    lean = load_commands(name).with_only(name)
    return lean if lean is not None else load_commands()


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
