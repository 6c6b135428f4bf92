"""Everything nomadspot asks of Typer beyond declaring commands, in one module, on its
public API: ``typer.Typer(cls=...)`` and ``Typer.command(cls=...)`` with subclasses of
``typer.core.TyperGroup``/``TyperCommand``, ``typer.TyperException`` (the base Typer gives
every usage error since 0.27.2, so that nobody imports its vendored click), ``typer.Exit``
and ``typer.Abort``. The app runs with ``standalone_mode=False`` so that Typer hands every
error back here, where it becomes one ``Error:`` line and its exit code.

Tested with the versions pinned in ``pyproject.toml`` (typer 0.29.x)."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

import copy
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_name

from nomadspot.cli.common import eprint, state
from nomadspot.cli.process import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, PipeClosed
from nomadspot.errors import NomadspotError, OutputError

EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in nomadspot, never a user mistake
GLOBAL_OPTIONS_WITH_VALUE = ("--catalogue",)
CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])


def report(message: str, hint: str | None = None) -> None:
    """Every error reaches the user through here: ``Error: ...`` on stderr, plus a hint.
    Each is one line, whatever the data quoted in it holds (a newline in a place's name
    cannot start a forged ``hint:`` line)."""
    from nomadspot.output.sanitize import one_line

    eprint(f"Error: {one_line(message)}")
    if hint:
        eprint(f"hint: {one_line(hint)}")


# --- pydantic-free coercion of plain options --------------------------------------------


_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _plain_text(annotation: object) -> bool:
    return annotation is str or (get_origin(annotation) is list and get_args(annotation) == (str,))


def skip_needless_coercion(params: Iterable[Any]) -> None:
    """Speed (benchmarks/bench.py, ``find`` at 1,000 places): give options left out, text
    options and plain numbers Typer's own answer without its pydantic ``TypeAdapter``.

    Typer (0.29) coerces each option of the command being run through a ``TypeAdapter``
    built on first use, even an option that was not given (its value is None) or a text
    option whose value is already text: importing pydantic and building the adapters is
    most of ``find``'s start-up above the floor, with or without ``--people 4``. Those
    cases get Typer's answer directly (None, an empty tuple for a repeatable option, the
    text, a list of the texts, the whole or decimal number written in digits and within
    the option's range), then the option's callback; every other value (``--people abc``,
    ``--people 0``, ``--lat inf``, paths, a missing required argument) still goes through
    Typer, with its messages."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_nomadspot_lean", False):
            continue
        param._nomadspot_lean = True
        param.process_value = _lean_process_value(param, descriptor.annotation)


def _plain_number(param: Any, annotation: object, value: object) -> int | float | None:
    """``value`` as Typer would give it for an ``int`` or ``float`` option, when it is
    digits within the option's range; None when Typer must judge it."""
    if not isinstance(value, str):
        return None
    number: int | float
    if annotation is int and _WHOLE.fullmatch(value):
        number = int(value)
    elif annotation is float and _DECIMAL.fullmatch(value):
        number = float(value)
    else:
        return None
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _lean_process_value(param: Any, annotation: object) -> Callable[[Any, Any], Any]:
    typer_process = param.process_value
    text = _plain_text(annotation)
    numeric = annotation in (int, float)

    def process_value(ctx: Any, value: Any) -> Any:
        repeatable = param.multiple or param.nargs == -1
        if value is None and not param.required:
            value = () if repeatable else None
        elif text and repeatable and isinstance(value, (list, tuple)) and value:
            if not all(isinstance(item, str) for item in value):
                return typer_process(ctx, value)
            value = list(value)
        elif numeric and not repeatable:
            number = _plain_number(param, annotation, value)
            if number is None:
                return typer_process(ctx, value)
            value = number
        elif not (text and not repeatable and isinstance(value, str)):
            return typer_process(ctx, value)
        return value if param.callback is None else param.callback(ctx, param, value)

    return process_value


# --- the global options, before or after the command ----------------------------------------


def hoist_global_options(args: Sequence[str], commands: Iterable[str]) -> list[str]:
    """``nomadspot list --catalogue X`` as ``nomadspot --catalogue X list``: a global option
    given after the command moves before it (up to a ``--``)."""
    args = list(args)
    names = set(commands)
    position, index = None, 0
    while index < len(args) and position is None:
        if args[index] in GLOBAL_OPTIONS_WITH_VALUE:
            index += 2  # its value, whatever it is, is not the command
        elif args[index] in names:
            position = index
        else:
            index += 1
    if position is None:
        return args
    before, after, moved = args[:position], args[position:], []
    index = 1
    while index < len(after) and after[index] != "--":
        arg = after[index]
        if arg in GLOBAL_OPTIONS_WITH_VALUE and index + 1 < len(after):
            moved += after[index : index + 2]
            del after[index : index + 2]
        elif arg.startswith(tuple(f"{name}=" for name in GLOBAL_OPTIONS_WITH_VALUE)):
            moved.append(after.pop(index))
        else:
            index += 1
    return [*before, *moved, *after]


# --- the group and its commands ------------------------------------------------------------


class NomadspotCommand(TyperCommand):
    """A command whose help reads like a man page (see ``cli/help.py``)."""

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        skip_needless_coercion(params)
        return params

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from nomadspot.cli.help import format_command_help

        format_command_help(self, ctx, formatter)


class NomadspotGroup(TyperGroup):
    """Runs the app and turns every error into a one-line message and its exit code."""

    command_order: Sequence[str] = ()

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        skip_needless_coercion(params)
        return params

    def list_commands(self, ctx: Any) -> list[str]:
        """In help order (``command_order``), whichever module was imported first."""
        order = {name: index for index, name in enumerate(self.command_order)}
        return sorted(super().list_commands(ctx), key=lambda name: order.get(name, len(order)))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from nomadspot.cli.help import format_group_help

        format_group_help(self, ctx, formatter)

    def invoke(self, ctx: Any) -> Any:
        """The command runs here: what Typer would turn into exit codes of its own (a
        closed pipe into 1, Ctrl-C into a silent 130) is handed to ``main`` as ours."""
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk shows here, while the run's state is known
            return result
        except KeyboardInterrupt as interrupt:
            raise typer.Abort() from interrupt
        except OutputError as error:
            raise _with_saved_note(error, ctx) from error

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = self.run(
            sys.argv[1:] if args is None else args, prog_name or "nomadspot", complete_var, extra
        )
        if not standalone_mode:
            return code
        sys.exit(code)

    def run(self, args: Sequence[str], prog_name: str, complete_var: str | None, extra: Any) -> int:
        args = hoist_global_options(args, self.commands)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            return result if isinstance(result, int) else 0
        except NomadspotError as error:
            if os.environ.get("NOMADSPOT_DEBUG"):
                traceback.print_exc()
            report(error.message, error.hint)
            return error.exit_code
        except typer.TyperException as error:  # bad flag, bad value, missing argument
            report(error.format_message(), f"see '{_command_path(error)} --help'")
            return error.exit_code
        except typer.Exit as done:
            return done.exit_code
        except typer.Abort:
            eprint("Aborted.")
            return EXIT_INTERRUPTED
        except PipeClosed:
            return EXIT_BROKEN_PIPE
        except Exception as error:  # a bug: one line, traceback on demand
            if os.environ.get("NOMADSPOT_DEBUG"):
                raise
            report(
                f"unexpected {type(error).__name__}: {error}",
                "this is a bug in nomadspot; NOMADSPOT_DEBUG=1 shows the traceback",
            )
            return EXIT_INTERNAL


def _command_path(error: typer.TyperException) -> str:
    context = getattr(error, "ctx", None)  # set on usage errors: the command's own help
    return str(getattr(context, "command_path", "nomadspot"))


def _with_saved_note(error: OutputError, ctx: Any) -> OutputError:
    saved = state(ctx).catalogue_changed()
    if saved is None:
        return error
    return OutputError(f"{error.message}; the change was saved to {saved}", error.hint)


class NomadspotTyper(typer.Typer):
    """``typer.Typer`` whose commands are ``NomadspotCommand`` unless they say otherwise."""

    def command(
        self, name: str | None = None, **settings: Any
    ) -> Callable[[CommandFunction], CommandFunction]:
        settings.setdefault("cls", NomadspotCommand)
        return super().command(name, **settings)

    def with_only(self, name: str) -> "NomadspotTyper | None":
        """A copy of the app holding only the command ``name`` (None if it has not exactly
        one). Speed (benchmarks/bench.py, ``list`` and ``find``): Typer builds the options of
        every registered command at start-up, which one run does not need."""

        chosen = [
            info
            for info in self.registered_commands
            if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) == name
        ]
        if len(chosen) != 1:
            return None
        lean = copy.copy(self)
        lean.registered_commands = chosen
        return lean
