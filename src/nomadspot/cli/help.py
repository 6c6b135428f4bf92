"""Help screens that read like a man page: plain text wrapped to the terminal (80 columns
at most), metavars that say what a value is (CITY, WHEN, N...), flags shown as flags,
options grouped in their panels in the order they are declared with the general ones
last, and the docstring's examples kept whole. No rich, so ``--help`` starts fast and
writes no escape sequence (``NO_COLOR``, a pipe, a terminal alike)."""

from __future__ import annotations

import re
import textwrap
from typing import Any, get_args, get_origin

OPTIONS_PANEL = "Options"
EXAMPLE_LABEL = re.compile(r"^Examples?:\s*")
# The description column starts at most this far in; a longer flag puts it on its own line.
NAME_COLUMN_MAX = 26


def metavar(param: Any) -> str:
    """What a value is: the option's own metavar, else N for a whole number, LAT/LON or
    AMOUNT for a number, FILE for a path, else the parameter's name in capitals."""
    if param.metavar:
        return str(param.metavar)
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", str)
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    longest: str = max(getattr(param, "opts", None) or [param.name or "value"], key=len)
    name = longest.lstrip("-").removeprefix("no-").replace("-", "_").upper()
    if annotation is int:
        return "N"
    if annotation is float:
        return name if name in {"LAT", "LON"} else "AMOUNT"
    if getattr(annotation, "__name__", "") in {"Path", "PurePath"}:
        return "FILE"
    return name


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def option_name(param: Any) -> str:
    """``--city CITY``, ``-h, --help``, ``--wifi / --no-wifi``."""
    names = ", ".join(sorted(param.opts, key=len))
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    return names if _is_flag(param) else f"{names} {metavar(param)}"


def option_help(param: Any) -> str:
    text = " ".join((param.help or "").split())
    if param.required:
        text = f"{text} (required)".strip()
    return text


def argument_usage(param: Any) -> str:
    name = metavar(param)
    if param.nargs == -1:
        name += "..."
    return name if param.required else f"[{name}]"


def panels(command: Any, ctx: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """The option panels in help order: arguments, then named panels in the order their
    first option is declared, then the general options (help included)."""
    named: dict[str, list[tuple[str, str]]] = {}
    arguments: list[tuple[str, str]] = []
    general: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            arguments.append((metavar(param), " ".join((param.help or "").split())))
            continue
        panel = getattr(param, "rich_help_panel", None)
        rows = named.setdefault(panel, []) if panel else general
        rows.append((option_name(param), option_help(param)))
    ordered = [("Arguments", arguments), *named.items(), (OPTIONS_PANEL, general)]
    return [(title, rows) for title, rows in ordered if rows]


def paragraphs(text: str | None) -> tuple[list[str], list[str]]:
    """The docstring's prose paragraphs (each on one line, to be wrapped again) and its
    examples (each a command line, kept whole)."""
    prose: list[str] = []
    examples: list[str] = []
    in_examples = False
    for block in re.split(r"\n[ \t]*\n", (text or "").strip()):
        if EXAMPLE_LABEL.match(block.strip()):
            in_examples = True
            lines = EXAMPLE_LABEL.sub("", block.strip()).splitlines()
            examples.extend(line.strip() for line in lines if line.strip())
        elif in_examples and block.startswith(" "):
            examples.extend(line.strip() for line in block.splitlines() if line.strip())
        elif block.strip():
            in_examples = False
            prose.append(" ".join(block.split()))
    return prose, examples


def example_lines(example: str, width: int) -> list[str]:
    """A long example broken before an option, with a shell continuation, as man pages do."""
    lines: list[str] = []
    current = ""
    for segment in _option_segments(example):
        candidate = f"{current} {segment}" if current else segment
        if current.strip() and len(candidate) > width - 2:
            lines.append(current + " \\")
            current = "    " + segment
        else:
            current = candidate
    return [*lines, current]


def _option_segments(command: str) -> list[str]:
    """``cmd a --x 1 --y "b c"`` as ``["cmd a", "--x 1", '--y "b c"']`` (quotes kept)."""
    segments: list[str] = []
    current: list[str] = []
    quote = ""
    for index, char in enumerate(command):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == " " and command[index + 1 : index + 2] == "-" and current:
            segments.append("".join(current))
            current = []
            continue
        current.append(char)
    return [*segments, "".join(current)] if current else segments


# A number stays with its unit ("40 €", "10 km"): a non-breaking space while wrapping.
_UNIT = re.compile(r"(?<=\d) (?=(€|EUR|km|Mbit/s|h)\b|€)")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width``, broken between words only: never inside an option name
    (``--meeting-room``), a time range (``08:30-18:00``) or an amount and its unit."""
    lines = textwrap.wrap(
        _UNIT.sub("\u00a0", text), width, break_on_hyphens=False, break_long_words=False
    )
    return [line.replace("\u00a0", " ") for line in lines] or [""]


def _name_width(rows: list[tuple[str, str]]) -> int:
    return min(max((len(name) for name, _ in rows), default=0), NAME_COLUMN_MAX)


def _write_rows(formatter: Any, rows: list[tuple[str, str]], name_width: int) -> None:
    """One option a row: its name, then its description in a column of its own (the
    same column in every panel of the screen)."""
    width = formatter.width - formatter.current_indent
    text_width = max(width - name_width - 2, 30)
    for name, text in rows:
        wrapped = wrap(text, text_width)
        if len(name) > name_width:
            formatter.write_text(name)
            first, rest = "", wrapped
        else:
            first, rest = wrapped[0], wrapped[1:]
            formatter.write(f"{'':>{formatter.current_indent}}{name:<{name_width}}  {first}\n")
        for line in rest:
            formatter.write(f"{'':>{formatter.current_indent + name_width + 2}}{line}\n")


def _write_prose(formatter: Any, prose: list[str]) -> None:
    for paragraph in prose:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(paragraph)


def _write_examples(formatter: Any, examples: list[str]) -> None:
    if not examples:
        return
    with formatter.section("Examples"):
        for example in examples:
            for line in example_lines(example, formatter.width - formatter.current_indent):
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def format_command_help(command: Any, ctx: Any, formatter: Any) -> None:
    pieces = [command.options_metavar or "[OPTIONS]"]
    pieces += [
        argument_usage(param)
        for param in command.get_params(ctx)
        if param.param_type_name == "argument" and not getattr(param, "hidden", False)
    ]
    formatter.write_usage(ctx.command_path, " ".join(pieces))
    prose, examples = paragraphs(command.help)
    _write_prose(formatter, prose)
    sections = panels(command, ctx)
    name_width = _name_width([row for _, rows in sections for row in rows])
    for title, rows in sections:
        with formatter.section(title):
            _write_rows(formatter, rows, name_width)
    _write_examples(formatter, examples)
    if command.epilog:
        formatter.write_paragraph()
        formatter.write_text(command.epilog)


def format_group_help(group: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, "[OPTIONS] COMMAND [ARGS]...")
    prose, examples = paragraphs(group.help)
    _write_prose(formatter, prose)
    rows = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        summary, _ = paragraphs(command.short_help or command.help)
        rows.append((name, summary[0] if summary else ""))
    if rows:
        with formatter.section("Commands"):
            _write_rows(formatter, rows, _name_width(rows))
    for title, option_rows in panels(group, ctx):
        with formatter.section(title):
            _write_rows(formatter, option_rows, _name_width(option_rows))
    _write_examples(formatter, examples)
    formatter.write_paragraph()
    formatter.write_text("Run 'nomadspot COMMAND --help' for a command's options and examples.")
